/*
 * matching.h - how well a candidate fits a host's request (様式3): the
 * request names desired countries in order of preference, a field of
 * training and a working language; the candidate has a country, a field
 * and Japanese and English levels.  Pure: the caller reads the records.
 *
 * Levels are the choice codes of the trainee screen: "0" none, "1" basic,
 * "2" daily conversation, "3" business.  A request's language is "ja",
 * "en" or "either".
 */
#ifndef LGOTP_MATCHING_H
#define LGOTP_MATCHING_H

#include <stddef.h>

#define MATCH_MAX_COUNTRIES 8

struct match_request {
	const char *countries[MATCH_MAX_COUNTRIES];  /* ISO alpha-2, best first */
	size_t ncountries;                           /* 0: any country */
	const char *field;                           /* field-of-training code, "" any */
	const char *language;                        /* "ja", "en", "either" or "" */
};

struct match_candidate {
	const char *country;
	const char *field;
	const char *ja_level;
	const char *en_level;
};

/*
 * A score, higher is better, or -1 when the candidate does not fit at all
 * (a country not asked for, or no conversation in the request's language:
 * level below "2").  The score orders: first-choice country above later
 * ones, the same field above another, a higher level in the language.
 */
int match_score(const struct match_request *req, const struct match_candidate *c);

/*
 * Split a list as stored ("CN,VN TH") into REQ's countries; returns how many.
 * Entries are separated by commas and/or white space, upper-cased (ASCII),
 * empty ones and repeats skipped, at most MATCH_MAX_COUNTRIES kept.  They are
 * copied into BUF (BUFSIZE bytes) and REQ's entries point into it, so BUF
 * must live as long as REQ is used.  REQ's field and language are untouched.
 */
size_t match_parse_countries(const char *list, struct match_request *req, char *buf, size_t bufsize);

#endif
