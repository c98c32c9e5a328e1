/*
 * fuzz_ftype.c - every field type's parse and echo (ftype.h) on any text.
 *
 * The input: byte 0 picks the type (ftype_all(), modulo their number),
 * byte 1 the circumstances (bit 0: English, bit 1: required, bits 2-3: the
 * range: none, 1..1,000,000, -5,000..5,000,000,000, 0..0), the rest is the
 * text as typed (up to a NUL).  The field: width 40, four choices, the
 * range; the context: no look-up, today fixed or not.
 *
 * Promises checked (ftype.h, ftype.c):
 *   - parse gives 0 and a stored form, or -1 and a cause;
 *   - a stored form is valid UTF-8, has its type's shape (ftype.h: digits,
 *     YYYY-MM-DD, a valid check digit, one of the choices, within range
 *     and width...), and is its own stored form: parsing it again gives it
 *     back (what the database holds reads back the same);
 *   - a cause is valid UTF-8 without control characters (it goes to a
 *     terminal; input is quoted only through quoted());
 *   - echo gives valid UTF-8 for a stored form, and copes with any text;
 *   - an echo of an amount, a fiscal year, a date (in Japanese), a choice
 *     or a country parses back to the value echoed;
 *   - ftype_parse_field agrees with parse and refuses an empty required
 *     field.
 */
#include "fuzz.h"

#include <locale.h>

#include "country.h"
#include "era.h"
#include "ftype.h"
#include "lgcode.h"
#include "text.h"

static struct choice fuzz_ftype_choices[] = {
	{ "1", { "参加検討", "Considering" } },
	{ "2", { "選考方法未定", "Undecided" } },
	{ "pref", { "都道府県", "Prefecture" } },
	{ "N/A", { "", "Not applicable" } },
};

/* A stored form or a cause: UTF-8, and a cause has no control characters. */
static void
fuzz_ftype_text_ok(const char *s, bool is_cause)
{
	FUZZ_CHECK(s != NULL);
	FUZZ_CHECK(text_valid_utf8(s, strlen(s)));
	if (is_cause)
		FUZZ_CHECK(!text_has_control(s) && s[0] != '\0');
}

static bool
fuzz_ftype_all(const char *s, const char *set)
{
	return s[strspn(s, set)] == '\0';
}

/* STORED has the stored form ftype.h gives for type T of field F. */
static void
fuzz_ftype_stored_form(const struct ftype *t, const struct field_def *f, const char *stored)
{
	const char *name = t->name;
	if (stored[0] == '\0')
		return;                 /* "no value", for every type */
	if (strcmp(name, "text") == 0 || strcmp(name, "ref") == 0) {
		char *trimmed = text_trim(stored);
		FUZZ_CHECK(strcmp(trimmed, stored) == 0 && !text_has_control(stored));
		free(trimmed);
		if (strcmp(name, "text") == 0)
			FUZZ_CHECK(text_width(stored) <= f->width);
	} else if (strcmp(name, "int") == 0 || strcmp(name, "money") == 0) {
		const char *d = stored[0] == '-' ? stored + 1 : stored;
		FUZZ_CHECK(d[0] != '\0' && fuzz_ftype_all(d, "0123456789"));
		FUZZ_CHECK(d[0] != '0' || d[1] == '\0');
		FUZZ_CHECK(!(stored[0] == '-' && strcmp(d, "0") == 0));
		long v = strtol(stored, NULL, 10);
		if (f->min <= f->max)
			FUZZ_CHECK(v >= f->min && v <= f->max);
	} else if (strcmp(name, "date") == 0) {
		struct era_date d;
		FUZZ_CHECK(era_parse_iso(stored, &d) == 0);
	} else if (strcmp(name, "fy") == 0) {
		FUZZ_CHECK(strlen(stored) == 4 && fuzz_ftype_all(stored, "0123456789"));
		FUZZ_CHECK(atoi(stored) >= 1000 && atoi(stored) <= 9998);
	} else if (strcmp(name, "lgcode") == 0) {
		FUZZ_CHECK(lgcode_valid(stored));
	} else if (strcmp(name, "choice") == 0) {
		size_t i;
		for (i = 0; i < f->nchoices && strcmp(f->choices[i].code, stored) != 0; i++)
			;
		FUZZ_CHECK(i < f->nchoices);
	} else if (strcmp(name, "email") == 0) {
		const char *at = strchr(stored, '@');
		FUZZ_CHECK(at != NULL && at > stored && strchr(at + 1, '@') == NULL && at[1] != '\0');
		for (const char *p = stored; *p; p++)
			FUZZ_CHECK(*p > ' ' && *p < 0x7f);
	} else if (strcmp(name, "phone") == 0) {
		FUZZ_CHECK(fuzz_ftype_all(stored, "0123456789-+()") && strlen(stored) <= 30);
	} else if (strcmp(name, "country") == 0) {
		FUZZ_CHECK(strlen(stored) == 2 && fuzz_ftype_all(stored, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"));
		FUZZ_CHECK(country_valid(stored));
	}
}

/*
 * What an echo shows can be typed back: an amount, a fiscal year, a date,
 * a choice's label, a country's name each parse to the value echoed (an
 * operator copies what the screen shows; the fy parser reads its English
 * echo on purpose).
 */
static void
fuzz_ftype_echo_back(const struct ftype *t, const struct field_def *f,
    const struct ftype_ctx *ctx, const char *stored, const char *echo)
{
	static const char *const echoes_back[] = { "money", "fy", "date", "choice", "country", NULL };
	bool check = false;
	for (size_t i = 0; echoes_back[i] != NULL; i++)
		check = check || strcmp(t->name, echoes_back[i]) == 0;
	if (!check || echo[0] == '\0')
		return;
	/* Not promised for dates in English ("Fri 4 Feb 1927 (S2)": the
	 * parser takes no era after a date), nor before year 1000 ("999年",
	 * where the parser wants four digits): neither is an echo anyone
	 * types back in this program's years. */
	if (strcmp(t->name, "date") == 0 && (ctx->lang == LANG_EN || stored[0] == '0'))
		return;
	char *back = NULL, *why = NULL;
	int rc = t->parse(f, ctx, echo, &back, &why);
	if (rc != 0 || strcmp(back, stored) != 0) {
		fprintf(stderr, "%s: '%s' is echoed as '%s', which parses to %s '%s'\n", t->name,
		    stored, echo, rc == 0 ? "" : "an error", rc == 0 ? back : why);
		FUZZ_CHECK(!"an echo parses to the value echoed");
	}
	free(back);
	free(why);
}

int
fuzz_ftype_one(const uint8_t *data, size_t size)
{
	static bool locale_set;
	if (!locale_set) {
		/* Widths are wcwidth's, as under the program's UTF-8 locale. */
		setlocale(LC_CTYPE, "C.UTF-8");
		locale_set = true;
	}
	if (size < 2)
		return 0;
	const struct ftype *const *all = ftype_all();
	size_t ntypes = 0;
	while (all[ntypes] != NULL)
		ntypes++;
	const struct ftype *t = all[data[0] % ntypes];
	FUZZ_CHECK(ftype_find(t->name) == t);

	static const long ranges[4][2] = {
		{ 1, 0 }, { 1, 1000000 }, { -5000, 5000000000L }, { 0, 0 },
	};
	struct field_def f = {
		.id = "f",
		.label = { "項目", "Field" },
		.type = t,
		.width = 40,
		.required = (data[1] & 2) != 0,
		.choices = fuzz_ftype_choices,
		.nchoices = sizeof fuzz_ftype_choices / sizeof fuzz_ftype_choices[0],
		.min = ranges[(data[1] >> 2) & 3][0],
		.max = ranges[(data[1] >> 2) & 3][1],
		.row = -1,
		.col = -1,
		.log_field = -1,
	};
	struct ftype_ctx ctx = {
		.lang = (data[1] & 1) ? LANG_EN : LANG_JA,
		.today = (data[1] & 16) ? NULL : "2025-06-15",
	};
	char *input = fuzz_cstring(data + 2, size - 2);

	char *out = NULL, *cause = NULL;
	int rc = t->parse(&f, &ctx, input, &out, &cause);
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc == 0) {
		FUZZ_CHECK(cause == NULL);
		fuzz_ftype_text_ok(out, false);
		fuzz_ftype_stored_form(t, &f, out);
		char *again = NULL, *why = NULL;
		int rc2 = t->parse(&f, &ctx, out, &again, &why);
		if (rc2 != 0 || strcmp(again, out) != 0) {
			fprintf(stderr, "%s: '%s' is stored as '%s', which parses to %s '%s'\n",
			    t->name, input, out, rc2 == 0 ? "" : "an error", rc2 == 0 ? again : why);
			FUZZ_CHECK(!"a stored form parses to itself");
		}
		free(again);
		free(why);
		char *echo = t->echo(&f, &ctx, out);
		fuzz_ftype_text_ok(echo, false);
		fuzz_ftype_echo_back(t, &f, &ctx, out, echo);
		free(echo);
	} else {
		FUZZ_CHECK(out == NULL);
		fuzz_ftype_text_ok(cause, true);
	}

	/* The same through ftype_parse_field, which adds "required". */
	char *out2 = NULL, *cause2 = NULL;
	int rcf = ftype_parse_field(&f, &ctx, input, &out2, &cause2);
	if (rcf == 0) {
		fuzz_ftype_text_ok(out2, false);
		FUZZ_CHECK(!(f.required && out2[0] == '\0'));
		/* Parse trims first; so does ftype_parse_field, the same way. */
		FUZZ_CHECK(rc == 0 && strcmp(out, out2) == 0);
	} else {
		fuzz_ftype_text_ok(cause2, true);
		FUZZ_CHECK(rc != 0 || (f.required && out[0] == '\0'));
	}

	/* Echo on any text: a stored value may come from an older program. */
	if (text_valid_utf8(input, strlen(input))) {
		char *echo = t->echo(&f, &ctx, input);
		fuzz_ftype_text_ok(echo, false);
		free(echo);
	}
	char *today = ftype_today(&ctx);
	FUZZ_CHECK(strlen(today) == 10);
	free(today);

	free(out);
	free(cause);
	free(out2);
	free(cause2);
	free(input);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_ftype_one(data, size);
}
#endif
