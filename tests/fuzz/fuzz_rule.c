/*
 * fuzz_rule.c - check rules (rule.h): rule_parse on any text, then
 * rule_eval of what parses, with a resolver giving fixed values.
 *
 * The input: the rule's text up to the first NUL; after it, NUL-separated
 * values that the resolver gives the references in turn (the Nth reference
 * gets value N modulo their number; without any, a built-in list of
 * numbers, dates, text and blanks).  A value "!" makes the resolver fail.
 *
 * Promises checked (rule.h):
 *   - rule_parse gives a rule, or -1 and "at column N: ..." in *cause (in
 *     English, which the target sets: i18n's default is Japanese);
 *   - the references are those of the kinds rule.h lists, with B exactly
 *     for the two-part ones, and each has a name;
 *   - rule_eval hands the resolver one of those same references, and gives
 *     0 and an answer, or -1 and a cause; with and without today;
 *   - two whole numbers among the values compare by value, exactly.
 */
#include "fuzz.h"

#include "i18n.h"
#include "rule.h"

struct fuzz_rule_values {
	const struct rule_ref *refs;
	size_t nrefs;
	const char *const *v;
	size_t n;
};

static const char *const fuzz_rule_defaults[] = {
	"5", "2025-04-01", "", "-3.5", "abc", " ", "2026-03-31", "12", "!", "1,000",
};

static int
fuzz_rule_resolve(void *arg, const struct rule_ref *ref, char **out, char **cause)
{
	const struct fuzz_rule_values *vals = arg;
	/* The same struct rule_ref that rule_refs showed. */
	FUZZ_CHECK(ref >= vals->refs && ref < vals->refs + vals->nrefs);
	size_t i = (size_t)(ref - vals->refs);
	const char *v = vals->v[i % vals->n];
	if (strcmp(v, "!") == 0) {
		/* Fail with a cause, or (every other reference) without one. */
		if (i % 2 == 0)
			*cause = xasprintf("cannot read reference %zu", i);
		return -1;
	}
	*out = xstrdup(v);
	return 0;
}

static void
fuzz_rule_eval(const struct rule *r, struct fuzz_rule_values *vals, const char *today)
{
	bool holds = false;
	char *cause = NULL;
	int rc = rule_eval(r, fuzz_rule_resolve, vals, today, &holds, &cause);
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc == 0)
		FUZZ_CHECK(cause == NULL);
	else
		FUZZ_CHECK(cause != NULL && cause[0] != '\0');
	free(cause);
}

/* The value of S if it is a whole number written with digits only (an
 * oracle simple enough to trust): its digits without leading zeros. */
static const char *
fuzz_rule_digits(const char *s, size_t *n)
{
	if (s[0] == '\0' || s[strspn(s, "0123456789")] != '\0')
		return NULL;
	while (s[0] == '0' && s[1] != '\0')
		s++;
	*n = strlen(s);
	return s;
}

/*
 * Numbers compare by value, exactly: when the first two values are whole
 * numbers, exactly one of a < b, a = b, a > b holds, the one the digits
 * say (longer is larger, else the first digit that differs).
 */
static void
fuzz_rule_compare(const char *const *v, size_t n)
{
	size_t an, bn;
	const char *a, *b;
	if (n < 2 || (a = fuzz_rule_digits(v[0], &an)) == NULL ||
	    (b = fuzz_rule_digits(v[1], &bn)) == NULL)
		return;
	int want = an != bn ? (an < bn ? -1 : 1) : memcmp(a, b, an);
	want = (want > 0) - (want < 0);
	static const char *const texts[3] = { "a < b", "a = b", "a > b" };
	for (int i = 0; i < 3; i++) {
		struct rule *r = NULL;
		FUZZ_CHECK(rule_parse(texts[i], &r, NULL) == 0);
		const struct rule_ref *refs;
		struct fuzz_rule_values vals = { NULL, 0, v, n };
		vals.nrefs = rule_refs(r, &refs);
		vals.refs = refs;
		bool holds = false;
		FUZZ_CHECK(rule_eval(r, fuzz_rule_resolve, &vals, NULL, &holds, NULL) == 0);
		if (holds != (want == i - 1)) {
			fprintf(stderr, "'%s' is %s for a = %s, b = %s\n", texts[i],
			    holds ? "true" : "false", v[0], v[1]);
			FUZZ_CHECK(!"numbers compare by value");
		}
		rule_free(r);
	}
}

int
fuzz_rule_one(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstring(data, size);
	struct rule *r = NULL;
	char *cause = NULL;

	i18n_set_lang(LANG_EN);
	if (rule_parse(text, &r, &cause) != 0) {
		FUZZ_CHECK(r == NULL && cause != NULL);
		FUZZ_CHECK(strncmp(cause, "at column ", 10) == 0);
		free(cause);
		free(text);
		return 0;
	}
	FUZZ_CHECK(r != NULL && cause == NULL);

	struct fuzz_rule_values vals = { 0 };
	vals.nrefs = rule_refs(r, &vals.refs);
	for (size_t i = 0; i < vals.nrefs; i++) {
		const struct rule_ref *ref = &vals.refs[i];
		FUZZ_CHECK(ref->a != NULL && ref->a[0] != '\0');
		FUZZ_CHECK(ref->kind == RULE_FIELD ? ref->b == NULL
		    : (ref->kind == RULE_OTHER || ref->kind == RULE_YEAR || ref->kind == RULE_CONF) &&
		    ref->b != NULL && ref->b[0] != '\0');
		char *name = rule_ref_name(ref);
		FUZZ_CHECK(name[0] != '\0');
		free(name);
	}

	/* The values after the text's NUL, if any. */
	struct strlist given = { 0 };
	size_t tlen = strlen(text);
	if (tlen < size) {
		const uint8_t *p = data + tlen + 1, *end = data + size;
		while (p <= end) {
			const uint8_t *nul = memchr(p, '\0', (size_t)(end - p));
			size_t n = nul ? (size_t)(nul - p) : (size_t)(end - p);
			strlist_add(&given, xstrndup((const char *)p, n));
			p += n + 1;
		}
	}
	if (given.n > 0) {
		vals.v = (const char *const *)given.v;
		vals.n = given.n;
	} else {
		vals.v = fuzz_rule_defaults;
		vals.n = sizeof fuzz_rule_defaults / sizeof fuzz_rule_defaults[0];
	}
	fuzz_rule_eval(r, &vals, "2025-06-15");
	fuzz_rule_eval(r, &vals, NULL);
	fuzz_rule_eval(r, &vals, " 2024-02-29 ");
	fuzz_rule_eval(r, &vals, "not a date");
	fuzz_rule_compare(vals.v, vals.n);

	strlist_free(&given);
	rule_free(r);
	free(text);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_rule_one(data, size);
}
#endif
