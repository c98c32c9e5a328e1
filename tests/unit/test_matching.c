/* Unit tests of matching.c: ranking candidates against a host's request (様式3). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The project's headers come before cmocka.h, whose fail() macro would clash with util.h's. */
#include "matching.h"

#include <cmocka.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A request as the 様式3 screen stores it: the country list is a string. */
struct req_def {
	const char *countries, *field, *language;
};

/* The score of candidate C against request D (parsed the way the application will). */
static int
score(const struct req_def *d, const struct match_candidate *c)
{
	char buf[128];
	struct match_request req = { .field = d->field, .language = d->language };
	match_parse_countries(d->countries, &req, buf, sizeof buf);
	return match_score(&req, c);
}

static void
test_ranking(void **state)
{
	(void)state;
	/* A better than B (want > 0) or as good (want == 0); both must fit. */
	static const struct {
		const char *rule;
		struct req_def req;
		struct match_candidate a, b;
		int want;
	} cases[] = {
		{ "a first-choice country beats a second choice even with a worse field and level",
		    { "CN,VN", "tourism", "ja" },
		    { "CN", "welfare", "2", "0" }, { "VN", "tourism", "3", "3" }, 1 },
		{ "a second choice beats a third choice",
		    { "US GB AU", "", "en" },
		    { "GB", "", "0", "2" }, { "AU", "", "3", "3" }, 1 },
		{ "the eighth choice still fits",
		    { "KR,CN,VN,TH,ID,PH,MY,SG", "", "" },
		    { "MY", "", "0", "0" }, { "SG", "", "0", "0" }, 1 },
		{ "in the same country, the same field beats another with a better level",
		    { "CN", "tourism", "ja" },
		    { "CN", "tourism", "2", "0" }, { "CN", "welfare", "3", "3" }, 1 },
		{ "with the same country and field, business Japanese beats daily conversation",
		    { "CN", "tourism", "ja" },
		    { "CN", "tourism", "3", "0" }, { "CN", "tourism", "2", "3" }, 1 },
		{ "for an English request the English level counts, not the Japanese",
		    { "US", "", "en" },
		    { "US", "", "2", "3" }, { "US", "", "3", "2" }, 1 },
		{ "for \"either\" the better of the two languages counts",
		    { "FR", "", "either" },
		    { "FR", "", "0", "3" }, { "FR", "", "2", "2" }, 1 },
		{ "for \"either\" it does not matter which language is the better one",
		    { "FR", "", "either" },
		    { "FR", "", "3", "0" }, { "FR", "", "0", "3" }, 0 },
		{ "a request with no field ranks all fields alike",
		    { "CN", "", "ja" },
		    { "CN", "tourism", "3", "0" }, { "CN", "welfare", "3", "0" }, 0 },
		{ "an empty list takes any country, all alike",
		    { "", "tourism", "ja" },
		    { "BR", "tourism", "2", "0" }, { "KR", "welfare", "3", "3" }, 1 },
		{ "with an empty list, the level decides between equals",
		    { "", "", "en" },
		    { "BR", "", "0", "3" }, { "KR", "", "0", "2" }, 1 },
		{ "countries are compared without regard to case",
		    { "cn,vn", "", "" },
		    { "cn", "", "0", "0" }, { "VN", "", "0", "0" }, 1 },
	};
	int bad = 0;
	for (size_t i = 0; i < N(cases); i++) {
		int sa = score(&cases[i].req, &cases[i].a), sb = score(&cases[i].req, &cases[i].b);
		int ok = sa >= 0 && sb >= 0 && (cases[i].want > 0 ? sa > sb : sa == sb);
		if (!ok) {
			print_error("%s: scores %d and %d\n", cases[i].rule, sa, sb);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void
test_gate(void **state)
{
	(void)state;
	static const struct {
		const char *rule;
		struct req_def req;
		struct match_candidate c;
		int fits;
	} cases[] = {
		{ "a country not asked for does not fit",
		    { "CN,VN", "", "" }, { "TH", "", "3", "3" }, 0 },
		{ "a candidate with no country does not fit a list",
		    { "CN", "", "" }, { "", "", "3", "3" }, 0 },
		{ "a candidate with a NULL country does not fit a list",
		    { "CN", "", "" }, { NULL, "", "3", "3" }, 0 },
		{ "an empty list takes any country",
		    { "", "", "" }, { "TH", "", "0", "0" }, 1 },
		{ "a list of separators only is an empty list",
		    { " , ,", "", "" }, { "TH", "", "0", "0" }, 1 },
		{ "\"ja\": daily conversation in Japanese fits",
		    { "", "", "ja" }, { "CN", "", "2", "0" }, 1 },
		{ "\"ja\": basic Japanese does not, whatever the English",
		    { "", "", "ja" }, { "CN", "", "1", "3" }, 0 },
		{ "\"ja\": no Japanese does not",
		    { "", "", "ja" }, { "CN", "", "0", "3" }, 0 },
		{ "\"en\": business English fits",
		    { "", "", "en" }, { "CN", "", "0", "3" }, 1 },
		{ "\"en\": basic English does not, whatever the Japanese",
		    { "", "", "en" }, { "CN", "", "3", "1" }, 0 },
		{ "\"either\": Japanese alone is enough",
		    { "", "", "either" }, { "CN", "", "2", "0" }, 1 },
		{ "\"either\": English alone is enough",
		    { "", "", "either" }, { "CN", "", "1", "2" }, 1 },
		{ "\"either\": basic in both is not",
		    { "", "", "either" }, { "CN", "", "1", "1" }, 0 },
		{ "no language asked: no conversation needed",
		    { "", "", "" }, { "CN", "", "0", "0" }, 1 },
		{ "an unreadable level counts as none",
		    { "", "", "ja" }, { "CN", "", "daily", "0" }, 0 },
		{ "a missing level counts as none",
		    { "", "", "en" }, { "CN", "", "3", NULL }, 0 },
		{ "a language the program does not know fits nobody",
		    { "", "", "fr" }, { "FR", "", "3", "3" }, 0 },
		{ "the field is a preference, not a condition",
		    { "CN", "tourism", "ja" }, { "CN", "welfare", "2", "0" }, 1 },
		{ "a first choice with the same field and business Japanese fits",
		    { "CN", "tourism", "ja" }, { "CN", "tourism", "3", "0" }, 1 },
	};
	int bad = 0;
	for (size_t i = 0; i < N(cases); i++) {
		int s = score(&cases[i].req, &cases[i].c);
		if ((s >= 0) != cases[i].fits || s < -1) {
			print_error("%s: score %d\n", cases[i].rule, s);
			bad++;
		}
	}
	assert_int_equal(bad, 0);

	struct match_candidate c = { "CN", "", "3", "3" };
	struct match_request req = { .ncountries = 0, .field = "", .language = "ja" };
	assert_int_equal(match_score(NULL, &c), -1);
	assert_int_equal(match_score(&req, NULL), -1);
	/* NULL field and language in a request mean "any". */
	req.field = NULL;
	req.language = NULL;
	assert_true(match_score(&req, &c) >= 0);
}

/* The parsed list, joined with "|", e.g. "CN|VN|TH". */
static void
joined(const struct match_request *req, size_t n, char *out, size_t outsize)
{
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			strncat(out, "|", outsize - strlen(out) - 1);
		strncat(out, req->countries[i], outsize - strlen(out) - 1);
	}
}

static void
test_parse_countries(void **state)
{
	(void)state;
	static const struct {
		const char *rule, *list;
		size_t bufsize;
		const char *want;
	} cases[] = {
		{ "commas and spaces both separate", "CN,VN TH", 64, "CN|VN|TH" },
		{ "a comma and a space together are one separator", "CN, VN ,TH", 64, "CN|VN|TH" },
		{ "empties are skipped", ",,CN,,, VN,", 64, "CN|VN" },
		{ "tabs and line ends separate too", "CN\tVN\r\nTH", 64, "CN|VN|TH" },
		{ "lower case is upper-cased", "cn,Vn", 64, "CN|VN" },
		{ "a repeat keeps its first place", "CN,VN,cn,TH", 64, "CN|VN|TH" },
		{ "at most eight", "KR CN VN TH ID PH MY SG US GB", 64,
		    "KR|CN|VN|TH|ID|PH|MY|SG" },
		{ "an empty list is no countries", "", 64, "" },
		{ "separators only are no countries", " , ", 64, "" },
		{ "what does not fit in the buffer is dropped", "CN,VN,TH", 7, "CN|VN" },
		{ "an exact fit is kept", "CN,VN,TH", 9, "CN|VN|TH" },
		{ "a buffer of one byte holds nothing", "CN", 1, "" },
		{ "other entries are not checked here", "XYZ,1", 64, "XYZ|1" },
	};
	int bad = 0;
	for (size_t i = 0; i < N(cases); i++) {
		char buf[64], got[128];
		struct match_request req = { .field = "f", .language = "ja" };
		memset(buf, 'x', sizeof buf);
		size_t n = match_parse_countries(cases[i].list, &req, buf, cases[i].bufsize);
		int ok = n == req.ncountries && n <= MATCH_MAX_COUNTRIES;
		for (size_t k = 0; ok && k < n; k++)
			ok = req.countries[k] >= buf
			    && req.countries[k] + strlen(req.countries[k]) < buf + cases[i].bufsize;
		for (size_t k = n; ok && k < MATCH_MAX_COUNTRIES; k++)
			ok = req.countries[k] == NULL;
		ok = ok && strcmp(req.field, "f") == 0 && strcmp(req.language, "ja") == 0;
		if (ok) {
			joined(&req, n, got, sizeof got);
			ok = strcmp(got, cases[i].want) == 0;
		} else {
			strcpy(got, "(bad request)");
		}
		if (!ok) {
			print_error("%s: \"%s\" gave %zu: %s, want %s\n", cases[i].rule,
			    cases[i].list, n, got, cases[i].want);
			bad++;
		}
	}
	assert_int_equal(bad, 0);

	/* NULL list or buffer: no countries, and an old list is cleared. */
	char buf[16];
	struct match_request req = { .field = "", .language = "" };
	assert_int_equal(match_parse_countries("CN", &req, buf, sizeof buf), 1);
	assert_int_equal(match_parse_countries(NULL, &req, buf, sizeof buf), 0);
	assert_int_equal(req.ncountries, 0);
	assert_null(req.countries[0]);
	assert_int_equal(match_parse_countries("CN", &req, NULL, 16), 0);
	assert_int_equal(match_parse_countries("CN", NULL, buf, sizeof buf), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ranking),
		cmocka_unit_test(test_gate),
		cmocka_unit_test(test_parse_countries),
	};
	return cmocka_run_group_tests_name("matching", tests, NULL, NULL);
}
