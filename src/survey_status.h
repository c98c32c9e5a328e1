/*
 * survey_status.h - where one body stands with one form of the demand
 * survey: received, received late, missing (not yet due), late (due and
 * not received), or not expected (e.g. 様式3 from a body whose 様式1
 * answer does not call for one).
 */
#ifndef LGOTP_SURVEY_STATUS_H
#define LGOTP_SURVEY_STATUS_H

#include <stdbool.h>

#include "field.h"

enum survey_state {
	SURVEY_RECEIVED,        /* received on or before the due date */
	SURVEY_RECEIVED_LATE,   /* received after the due date */
	SURVEY_MISSING,         /* not received, not yet due */
	SURVEY_LATE,            /* not received, due date passed */
	SURVEY_NOT_EXPECTED,
	SURVEY_STATE_COUNT,
};

/*
 * RECEIVED_ON: the date the form was received (YYYY-MM-DD), or "" / NULL
 * when no form is held.  DUE: the due date ("" when none is set: never
 * late).  TODAY: YYYY-MM-DD.  A form held but not expected counts as
 * received (it was sent anyway).
 */
enum survey_state survey_state(const char *received_on, const char *due, const char *today,
    bool expected);

/* Short name for lists: "受付", "遅延受付", "未着", "遅延", "対象外" / "received", ... */
const char *survey_state_name(enum survey_state s, enum lang lang);
/* True for the states a chase list is for (late). */
bool survey_state_is_late(enum survey_state s);

#endif
