/*
 * matching.c - scoring a candidate against a host's request (様式3).
 *
 * The score is a number only so that a list can be sorted by it; what it
 * must get right is the order.  It is built from three terms, each weighted
 * above everything below it can add up to, so a more important criterion
 * can never be outweighed by the less important ones:
 *
 *   score = 100 x country + 10 x field + level
 *
 *   country  MATCH_MAX_COUNTRIES - i for the request's (i+1)-th choice
 *            (8 for the first choice down to 1 for the eighth); 0 when the
 *            request lists no country (any country, all alike).
 *   field    1 when the request names a field and the candidate's is the
 *            same, else 0.
 *   level    the candidate's level (0-3) in the request's language: ja_level
 *            for "ja", en_level for "en", the better of the two for
 *            "either"; 0 for a request with no language (it states no
 *            preference, so ranking by language would invent one).
 *
 * field + level is at most 10 + 3 = 13 < 100 and level is at most 3 < 10,
 * hence the weights.  The largest score is 8 x 100 + 10 + 3 = 813.
 */
#include "matching.h"

#include <string.h>

#define MATCH_W_COUNTRY 100
#define MATCH_W_FIELD 10
#define MATCH_CONVERSATION 2    /* level "2": daily conversation, the minimum */

/* S, or "" for NULL: the caller's records may lack a value. */
static const char *
match_str(const char *s)
{
	return s == NULL ? "" : s;
}

static char
match_upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* ASCII case-insensitive equality, so "cn" held on a record matches "CN". */
static int
match_code_eq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++)
		if (match_upper(*a) != match_upper(*b))
			return 0;
	return *a == *b;
}

/*
 * A level choice code as a number: "0" to "3".  Anything else (empty, NULL,
 * a code from some other list) counts as 0, none: a candidate whose level
 * cannot be read must not pass the language gate on it.
 */
static int
match_level(const char *s)
{
	s = match_str(s);
	if (s[0] >= '0' && s[0] <= '3' && s[1] == '\0')
		return s[0] - '0';
	return 0;
}

/*
 * The candidate's level in LANGUAGE, or -1 for a language this module does
 * not know.  "" yields 0 (no language asked: see the formula above).
 */
static int
match_language_level(const char *language, const struct match_candidate *c)
{
	int ja = match_level(c->ja_level), en = match_level(c->en_level);
	if (language[0] == '\0')
		return 0;
	if (strcmp(language, "ja") == 0)
		return ja;
	if (strcmp(language, "en") == 0)
		return en;
	if (strcmp(language, "either") == 0)
		return ja > en ? ja : en;
	return -1;
}

/*
 * See matching.h and the formula above.  Also -1 for a NULL request or
 * candidate, and for a request language other than "ja", "en", "either" or
 * "": no candidate can be shown to speak it, and an empty match list makes
 * the bad request visible where treating it as "any language" would not.
 */
int
match_score(const struct match_request *req, const struct match_candidate *c)
{
	if (req == NULL || c == NULL)
		return -1;

	int country = 0;
	if (req->ncountries > 0) {
		size_t n = req->ncountries < MATCH_MAX_COUNTRIES ? req->ncountries
		    : MATCH_MAX_COUNTRIES;
		size_t i;
		for (i = 0; i < n; i++)
			if (req->countries[i] != NULL
			    && match_code_eq(req->countries[i], match_str(c->country)))
				break;
		if (i == n || match_str(c->country)[0] == '\0')
			return -1;
		country = MATCH_MAX_COUNTRIES - (int)i;
	}

	const char *language = match_str(req->language);
	int level = match_language_level(language, c);
	if (level < 0 || (language[0] != '\0' && level < MATCH_CONVERSATION))
		return -1;

	/* Field codes are choice codes: compared exactly. */
	const char *field = match_str(req->field);
	int same_field = field[0] != '\0' && strcmp(field, match_str(c->field)) == 0;

	return MATCH_W_COUNTRY * country + MATCH_W_FIELD * same_field + level;
}

/* The separators of a stored country list. */
static int
match_is_sep(char c)
{
	return c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * See matching.h.  Entries are copied into BUF (upper-cased, each
 * NUL-terminated) and REQ->countries[0 .. n-1] point into it, so BUF must
 * outlive REQ's use; the other slots are set to NULL and REQ's field and
 * language are left alone.  A repeated country is skipped (it is already
 * ranked by its first mention, and keeping it would push the later choices
 * down a rank).  Entries after the MATCH_MAX_COUNTRIES-th, and an entry
 * that does not fit in BUF with its NUL, are dropped with all after them.
 * A NULL LIST, BUF or REQ, or BUFSIZE 0, gives 0 (REQ, when given, is left
 * with no countries, which means any).
 */
size_t
match_parse_countries(const char *list, struct match_request *req, char *buf, size_t bufsize)
{
	if (req == NULL)
		return 0;
	for (size_t i = 0; i < MATCH_MAX_COUNTRIES; i++)
		req->countries[i] = NULL;
	req->ncountries = 0;
	if (list == NULL || buf == NULL || bufsize == 0)
		return 0;

	size_t n = 0, used = 0;
	const char *p = list;
	while (n < MATCH_MAX_COUNTRIES) {
		while (match_is_sep(*p))
			p++;
		if (*p == '\0')
			break;
		size_t len = 0;
		while (p[len] != '\0' && !match_is_sep(p[len]))
			len++;
		if (len + 1 > bufsize - used)
			break;
		char *entry = buf + used;
		for (size_t k = 0; k < len; k++)
			entry[k] = match_upper(p[k]);
		entry[len] = '\0';
		p += len;

		size_t j;
		for (j = 0; j < n; j++)
			if (strcmp(req->countries[j], entry) == 0)
				break;
		if (j < n)
			continue;       /* a repeat: its space in BUF is reused */
		req->countries[n++] = entry;
		used += len + 1;
	}
	req->ncountries = n;
	return n;
}
