/*
 * survey_status.c - where a body stands with one form of the demand survey.
 *
 * Dates are compared as YYYY-MM-DD strings with strcmp: in that fixed-width
 * form the byte order is the calendar order, so no date arithmetic (and no
 * time zone) is needed.  Normalising what was typed to that form is the
 * date field type's job, before anything is stored.
 */
#include "survey_status.h"

#include <stddef.h>
#include <string.h>

#include "i18n.h"

/* S is a date, i.e. neither NULL nor "" (the stored form of "no date"). */
static bool
survey_has_date(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/*
 * See survey_status.h.  The order of the tests is the rule:
 *  - a form held is received, late only when it was expected and arrived
 *    after the due date (arriving on the due date is on time); a form sent
 *    though not expected is simply received, whatever its date;
 *  - a form not held and not expected is not expected;
 *  - a form not held and expected is late once TODAY is after the due date
 *    (on the due date itself there is still the rest of the day), and
 *    never late without a due date.  A missing TODAY is taken as "not
 *    after", so a caller's mistake does not put bodies on the chase list.
 */
enum survey_state
survey_state(const char *received_on, const char *due, const char *today, bool expected)
{
	if (survey_has_date(received_on)) {
		if (expected && survey_has_date(due) && strcmp(received_on, due) > 0)
			return SURVEY_RECEIVED_LATE;
		return SURVEY_RECEIVED;
	}
	if (!expected)
		return SURVEY_NOT_EXPECTED;
	if (survey_has_date(due) && survey_has_date(today) && strcmp(today, due) > 0)
		return SURVEY_LATE;
	return SURVEY_MISSING;
}

/* Indexed by enum survey_state: msgids, context "survey state" (i18n.h). */
static const char *const survey_state_names[SURVEY_STATE_COUNT] = {
	[SURVEY_RECEIVED] = NC_("survey state", "received"),
	[SURVEY_RECEIVED_LATE] = NC_("survey state", "received late"),
	[SURVEY_MISSING] = NC_("survey state", "not yet due"),
	[SURVEY_LATE] = NC_("survey state", "late"),
	[SURVEY_NOT_EXPECTED] = NC_("survey state", "not expected"),
};

/*
 * See survey_status.h.  Never NULL: a state or language out of range gives
 * "?" (a list shows something odd rather than crashing on a bad value).
 */
const char *
survey_state_name(enum survey_state s, enum lang lang)
{
	if ((unsigned)s >= SURVEY_STATE_COUNT || (unsigned)lang >= LANG_COUNT)
		return "?";
	return LC_(lang, "survey state", survey_state_names[s]);
}

/* See survey_status.h.  RECEIVED_LATE is not chased: the form is in. */
bool
survey_state_is_late(enum survey_state s)
{
	return s == SURVEY_LATE;
}
