/*
 * ftype.c - the field types: parse what is typed into the stored form,
 * echo a stored value as a name, a label or the other calendar.
 *
 * Every parser copes with anything a CSV cell or a paste may hold (invalid
 * UTF-8, control characters, a megabyte), and every message exists in
 * Japanese and English.  A message quotes the input only through quoted(),
 * which escapes control characters and clips it, since messages go to a
 * terminal and to stderr.
 */
#include "ftype.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "country.h"
#include "era.h"
#include "i18n.h"
#include "lgcode.h"
#include "text.h"
#include "util.h"

static enum lang
lang_of(const struct ftype_ctx *ctx)
{
	return ctx != NULL && ctx->lang == LANG_EN ? LANG_EN : LANG_JA;
}

/* Longest quoted input in a message, in columns. */
#define QUOTE_COLS 24

/* S made safe and short enough to quote in a message.  Caller frees. */
static char *
quoted(const char *s)
{
	char *p = text_printable(s);
	if (text_width(p) <= QUOTE_COLS)
		return p;
	char *c = text_clip(p, QUOTE_COLS - 1);
	char *r = xasprintf("%s…", c);
	free(c);
	free(p);
	return r;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
all_digits(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

static bool
eat(const char **p, const char *tok)
{
	size_t n = strlen(tok);
	if (strncmp(*p, tok, n) != 0)
		return false;
	*p += n;
	return true;
}

static void
skip_spaces(const char **p)
{
	while (**p == ' ')
		(*p)++;
}

/*
 * The common first step: INPUT must be UTF-8; it is trimmed and, for the
 * code-like types, folded to ASCII (and its dashes to '-' when DASHES).
 */
static int
prepare(const struct ftype_ctx *ctx, const char *input, bool fold, bool dashes,
    char **s, char **cause)
{
	if (input == NULL)
		input = "";
	if (!text_valid_utf8(input, strlen(input)))
		return fail_raw(cause, "%s", L_(lang_of(ctx), "not valid UTF-8"));
	char *t = text_trim(input);
	/* ASCII has nothing to fold: most codes, dates and numbers as typed. */
	bool ascii = true;
	for (const char *p = t; *p && ascii; p++)
		ascii = (unsigned char)*p < 0x80;
	if (ascii)
		fold = dashes = false;
	if (fold) {
		char *f = text_fold_ascii(t);
		free(t);
		t = text_trim(f);       /* a full-width space at an end is now ' ' */
		free(f);
	}
	if (dashes) {
		char *d = text_fold_dashes(t);
		free(t);
		t = d;
	}
	*s = t;
	return 0;
}

static int
fail_control(const struct ftype_ctx *ctx, char **cause)
{
	return fail_raw(cause, "%s", L_(lang_of(ctx), "control characters are not allowed"));
}

/* The label of a record via ctx->lookup, or NULL (no lookup, no record). */
static char *
lookup(const struct field_def *f, const struct ftype_ctx *ctx, const char *key)
{
	if (ctx == NULL || ctx->lookup == NULL || f == NULL || f->ref == NULL || key[0] == '\0')
		return NULL;
	return ctx->lookup(ctx->lookup_arg, f->ref, key, lang_of(ctx));
}

static bool
can_lookup(const struct field_def *f, const struct ftype_ctx *ctx)
{
	return ctx != NULL && ctx->lookup != NULL && f != NULL && f->ref != NULL;
}

static char *
echo_none(const struct field_def *f, const struct ftype_ctx *ctx, const char *stored)
{
	(void)f;
	(void)ctx;
	(void)stored;
	return xstrdup("");
}

/* --- text ---------------------------------------------------------------- */

static int
text_parse(const struct field_def *f, const struct ftype_ctx *ctx,
    const char *input, char **out, char **cause)
{
	char *s;
	if (prepare(ctx, input, false, false, &s, cause) < 0)
		return -1;
	if (text_has_control(s)) {
		free(s);
		return fail_control(ctx, cause);
	}
	if (f != NULL && f->width > 0) {
		int w = text_width(s);
		if (w > f->width) {
			free(s);
			return fail_raw(cause, L_(lang_of(ctx),
			    "too long: %d columns allowed, %d used"), f->width, w);
		}
	}
	*out = s;
	return 0;
}

/* --- numbers --------------------------------------------------------------- */

/* A decimal number as read: MANT / 10^SCALE. */
struct num {
	long long mant;
	int scale;
};

enum num_err { NUM_OK, NUM_NONE, NUM_COMMAS, NUM_BIG };

/*
 * Reads digits with optional thousands separators (1-3 digits, then groups
 * of exactly 3) and, when DECIMALS, a fractional part.
 */
static enum num_err
read_number(const char **pp, bool decimals, struct num *n)
{
	const char *p = *pp;
	int group = 0;
	bool commas = false;
	n->mant = 0;
	n->scale = 0;
	if (!is_digit(*p))
		return NUM_NONE;
	for (;;) {
		if (is_digit(*p)) {
			if (__builtin_mul_overflow(n->mant, 10, &n->mant) ||
			    __builtin_add_overflow(n->mant, *p - '0', &n->mant))
				return NUM_BIG;
			group++;
			p++;
		} else if (*p == ',' && is_digit(p[1])) {
			if ((commas && group != 3) || (!commas && group > 3))
				return NUM_COMMAS;
			commas = true;
			group = 0;
			p++;
		} else
			break;
	}
	if (commas && group != 3)
		return NUM_COMMAS;
	if (decimals && *p == '.' && is_digit(p[1])) {
		p++;
		while (is_digit(*p)) {
			if (n->scale >= 18 ||
			    __builtin_mul_overflow(n->mant, 10, &n->mant) ||
			    __builtin_add_overflow(n->mant, *p - '0', &n->mant))
				return NUM_BIG;
			n->scale++;
			p++;
		}
	}
	*pp = p;
	return NUM_OK;
}

/* Divides out trailing zeros of the fraction: 5.70 → 5.7, 570.0 → 570. */
static void
num_reduce(struct num *n)
{
	while (n->scale > 0 && n->mant % 10 == 0) {
		n->mant /= 10;
		n->scale--;
	}
}

static bool
num_mul(struct num *n, long long k)
{
	if (__builtin_mul_overflow(n->mant, k, &n->mant))
		return false;
	num_reduce(n);
	return true;
}

static bool
num_add(struct num *a, struct num b)
{
	while (a->scale < b.scale) {
		if (__builtin_mul_overflow(a->mant, 10, &a->mant))
			return false;
		a->scale++;
	}
	while (b.scale < a->scale) {
		if (__builtin_mul_overflow(b.mant, 10, &b.mant))
			return false;
		b.scale++;
	}
	if (__builtin_add_overflow(a->mant, b.mant, &a->mant))
		return false;
	num_reduce(a);
	return true;
}

static int
fail_number(const struct ftype_ctx *ctx, enum num_err e, char **cause)
{
	if (e == NUM_COMMAS)
		return fail_raw(cause, "%s", L_(lang_of(ctx), "misplaced thousands separator"));
	if (e == NUM_BIG)
		return fail_raw(cause, "%s", L_(lang_of(ctx), "the number is too large"));
	return fail_raw(cause, "%s", L_(lang_of(ctx), "not a whole number"));
}

static bool
has_range(const struct field_def *f)
{
	return f != NULL && f->min <= f->max;
}

static int
int_parse(const struct field_def *f, const struct ftype_ctx *ctx,
    const char *input, char **out, char **cause)
{
	char *s;
	if (prepare(ctx, input, true, true, &s, cause) < 0)
		return -1;
	if (s[0] == '\0') {
		*out = s;
		return 0;
	}
	const char *p = s;
	bool neg = false;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	struct num n;
	enum num_err e = read_number(&p, false, &n);
	if (e == NUM_OK && *p != '\0')
		e = NUM_NONE;
	if (e == NUM_OK && n.mant > LONG_MAX)
		e = NUM_BIG;
	free(s);
	if (e != NUM_OK)
		return fail_number(ctx, e, cause);
	long v = neg ? -(long)n.mant : (long)n.mant;
	if (has_range(f) && (v < f->min || v > f->max))
		return fail_raw(cause, L_(lang_of(ctx), "must be from %ld to %ld"), f->min, f->max);
	*out = xasprintf("%ld", v);
	return 0;
}

/* Amounts above this (1,000兆円) are typing errors, not budgets. */
#define MONEY_MAX 1000000000000000LL

static int
money_parse(const struct field_def *f, const struct ftype_ctx *ctx,
    const char *input, char **out, char **cause)
{
	/* Units in the order they must appear: 兆 億 万 between sections, 千 百 十 inside one. */
	static const struct { const char *s; long long v; } big[] = {
		{ "兆", 1000000000000LL }, { "億", 100000000LL }, { "万", 10000LL },
	}, small[] = {
		{ "千", 1000 }, { "百", 100 }, { "十", 10 },
	};
	char *s;
	if (prepare(ctx, input, true, true, &s, cause) < 0)
		return -1;
	if (s[0] == '\0') {
		*out = s;
		return 0;
	}
	const char *p = s;
	bool neg = false, sign = false;
	/* A sign before or after the currency mark; ▲ and △ are accountants' minus. */
	for (int round = 0; round < 2; round++) {
		skip_spaces(&p);
		if (!sign && (eat(&p, "-") || eat(&p, "▲") || eat(&p, "△")))
			neg = sign = true;
		else if (!sign && eat(&p, "+"))
			sign = true;
		skip_spaces(&p);
		if (round == 0 && !eat(&p, "¥"))
			(void)eat(&p, "￥");
	}

	struct num total = { 0, 0 }, section = { 0, 0 };
	long long last_big = MONEY_MAX * 10, last_small = MONEY_MAX * 10;
	bool any = false, ended = false;
	enum num_err e = NUM_OK;
	while (is_digit(*p)) {
		struct num n;
		if (ended || (e = read_number(&p, true, &n)) != NUM_OK)
			goto bad;
		any = true;
		skip_spaces(&p);
		long long sm = 1, bg = 1;
		for (size_t i = 0; i < sizeof small / sizeof small[0]; i++)
			if (eat(&p, small[i].s)) {
				sm = small[i].v;
				break;
			}
		skip_spaces(&p);
		for (size_t i = 0; i < sizeof big / sizeof big[0]; i++)
			if (eat(&p, big[i].s)) {
				bg = big[i].v;
				break;
			}
		skip_spaces(&p);
		/* 2千5百万: small units fall inside a section, big units between sections. */
		if (sm >= last_small || bg >= last_big)
			goto bad;
		if (!num_mul(&n, sm) || !num_add(&section, n)) {
			e = NUM_BIG;
			goto bad;
		}
		last_small = sm;
		if (bg > 1 || !is_digit(*p)) {
			if (!num_mul(&section, bg) || !num_add(&total, section)) {
				e = NUM_BIG;
				goto bad;
			}
			section.mant = 0;
			section.scale = 0;
			last_small = MONEY_MAX * 10;
			last_big = bg;
			ended = bg == 1;
		}
	}
	(void)eat(&p, "円");
	skip_spaces(&p);
	if (!any || *p != '\0')
		goto bad;
	if (total.scale > 0) {
		free(s);
		return fail_raw(cause, "%s", L_(lang_of(ctx), "not a whole number of yen"));
	}
	if (total.mant > MONEY_MAX) {
		e = NUM_BIG;
		goto bad;
	}
	free(s);
	if (neg && total.mant != 0 && !(f != NULL && f->min < 0))
		return fail_raw(cause, "%s", L_(lang_of(ctx), "negative amounts are not allowed"));
	long v = neg ? -(long)total.mant : (long)total.mant;
	if (has_range(f) && (v < f->min || v > f->max))
		return fail_raw(cause, L_(lang_of(ctx), "must be from %ld to %ld yen"), f->min, f->max);
	*out = xasprintf("%ld", v);
	return 0;
bad:
	free(s);
	if (e == NUM_COMMAS || e == NUM_BIG)
		return fail_number(ctx, e, cause);
	return fail_raw(cause, "%s", L_(lang_of(ctx),
	    "not an amount of yen (e.g. 5,700,000, 570万, ¥1,200,000)"));
}

/* "5,700,000" from "5700000" (and "-1,000" from "-1000"). */
static char *
with_commas(const char *digits)
{
	struct strbuf sb = SB_INIT;
	sb_adds(&sb, "");
	if (*digits == '-')
		sb_addc(&sb, *digits++);
	size_t n = strlen(digits);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			sb_addc(&sb, ',');
		sb_addc(&sb, digits[i]);
	}
	return sb_detach(&sb);
}

static char *
money_echo(const struct field_def *f, const struct ftype_ctx *ctx, const char *stored)
{
	(void)f;
	const char *d = stored[0] == '-' ? stored + 1 : stored;
	if (!all_digits(d, strlen(d)) || d[0] == '\0')
		return xstrdup("");
	char *c = with_commas(d);
	/* The sign, then the amount with its commas: ¥1,200 or 1,200円. */
	char *r = xasprintf(L_(lang_of(ctx), "%s¥%s"), stored[0] == '-' ? "-" : "", c);
	free(c);
	return r;
}

/* --- dates --------------------------------------------------------------- */

static int
date_parse(const struct field_def *f, const struct ftype_ctx *ctx,
    const char *input, char **out, char **cause)
{
	(void)f;
	char *s;
	if (prepare(ctx, input, true, true, &s, cause) < 0)
		return -1;
	if (s[0] == '\0') {
		*out = s;
		return 0;
	}
	struct era_date d;
	int rc = era_parse_date(s, lang_of(ctx), &d, cause);
	free(s);
	if (rc < 0)
		return -1;
	*out = era_format_iso(d);
	return 0;
}

static char *
date_echo(const struct field_def *f, const struct ftype_ctx *ctx, const char *stored)
{
	(void)f;
	struct era_date d;
	if (era_parse_iso(stored, &d) < 0)
		return xstrdup("");
	int wd = era_weekday(d);
	if (lang_of(ctx) == LANG_EN) {
		char *en = era_format_en(d);
		const struct era_info *e = era_of(d);
		char *r = e != NULL
		    ? xasprintf("%s (%c%d)", en, e->letter, d.y - e->start.y + 1)
		    : xstrdup(en);
		free(en);
		return r;
	}
	char *ja = era_format_long(d);
	char *r = ja != NULL
	    ? xasprintf("%s(%s)", ja, era_weekday_name(wd, LANG_JA))
	    : xasprintf("%d年%d月%d日(%s)", d.y, d.m, d.d, era_weekday_name(wd, LANG_JA));
	free(ja);
	return r;
}

static int
fy_parse(const struct field_def *f, const struct ftype_ctx *ctx,
    const char *input, char **out, char **cause)
{
	(void)f;
	char *s;
	if (prepare(ctx, input, true, true, &s, cause) < 0)
		return -1;
	if (s[0] == '\0') {
		*out = s;
		return 0;
	}
	int fy;
	int rc = era_parse_fy(s, lang_of(ctx), &fy, cause);
	free(s);
	if (rc < 0)
		return -1;
	*out = xasprintf("%d", fy);
	return 0;
}

static char *
fy_echo(const struct field_def *f, const struct ftype_ctx *ctx, const char *stored)
{
	(void)f;
	if (!all_digits(stored, 4))
		return xstrdup("");
	return era_format_fy(atoi(stored), lang_of(ctx));
}

/* --- codes ----------------------------------------------------------------- */

static int
lgcode_parse(const struct field_def *f, const struct ftype_ctx *ctx,
    const char *input, char **out, char **cause)
{
	char *s;
	if (prepare(ctx, input, true, false, &s, cause) < 0)
		return -1;
	if (s[0] == '\0') {
		*out = s;
		return 0;
	}
	int rc = -1;
	if (all_digits(s, 5))
		fail_raw(cause, L_(lang_of(ctx),
		    "must be 6 digits (with its check digit: %s%d)"), s, lgcode_check_digit(s));
	else if (!all_digits(s, 6))
		fail_raw(cause, "%s", L_(lang_of(ctx), "must be 6 digits"));
	else if (strncmp(s, "00", 2) == 0 || strncmp(s, "47", 2) > 0)
		fail_raw(cause, L_(lang_of(ctx), "the prefecture part %.2s is not 01-47"), s);
	else if (!lgcode_valid(s))
		fail_raw(cause, L_(lang_of(ctx),
		    "wrong check digit (for %.5s it is %d)"), s, lgcode_check_digit(s));
	else if (can_lookup(f, ctx)) {
		char *label = lookup(f, ctx, s);
		if (label == NULL)
			fail_raw(cause, L_(lang_of(ctx), "no such body: %s"), s);
		else
			rc = 0;
		free(label);
	} else
		rc = 0;
	if (rc < 0) {
		free(s);
		return -1;
	}
	*out = s;
	return 0;
}

static char *
lookup_echo(const struct field_def *f, const struct ftype_ctx *ctx, const char *stored)
{
	char *label = lookup(f, ctx, stored);
	return label != NULL ? label : xstrdup("");
}

static bool
same_ci(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return false;
	for (; *a && *b; a++, b++) {
		char x = *a, y = *b;
		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return *a == *b;
}

static int
choice_parse(const struct field_def *f, const struct ftype_ctx *ctx,
    const char *input, char **out, char **cause)
{
	char *s;
	if (prepare(ctx, input, true, false, &s, cause) < 0)
		return -1;
	if (s[0] == '\0') {
		*out = s;
		return 0;
	}
	size_t n = f != NULL ? f->nchoices : 0;
	const struct choice *c = f != NULL ? f->choices : NULL;
	const char *found = NULL;
	/* The code as typed, then in another case, then a label (a CSV may hold those). */
	for (size_t i = 0; i < n && found == NULL; i++)
		if (strcmp(s, c[i].code) == 0)
			found = c[i].code;
	for (size_t i = 0; i < n && found == NULL; i++)
		if (same_ci(s, c[i].code))
			found = c[i].code;
	for (size_t i = 0; i < n && found == NULL; i++)
		for (int l = 0; l < LANG_COUNT && found == NULL; l++)
			if (c[i].label[l] != NULL && c[i].label[l][0] != '\0' &&
			    same_ci(s, c[i].label[l]))
				found = c[i].code;
	free(s);
	if (found != NULL) {
		*out = xstrdup(found);
		return 0;
	}
	struct strbuf list = SB_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			sb_adds(&list, ", ");
		sb_adds(&list, c[i].code);
	}
	char *codes = sb_detach(&list);
	char *shown = quoted(codes);
	free(codes);
	fail_raw(cause, L_(lang_of(ctx), "must be one of %s"), shown);
	free(shown);
	return -1;
}

static char *
choice_echo(const struct field_def *f, const struct ftype_ctx *ctx, const char *stored)
{
	enum lang l = lang_of(ctx);
	for (size_t i = 0; f != NULL && i < f->nchoices; i++) {
		const struct choice *c = &f->choices[i];
		if (strcmp(c->code, stored) != 0)
			continue;
		const char *label = c->label[l];
		if (label == NULL || label[0] == '\0')
			label = c->label[l == LANG_JA ? LANG_EN : LANG_JA];
		return xstrdup(label != NULL ? label : "");
	}
	return xstrdup("");
}

/* --- e-mail and phone -------------------------------------------------------- */

static bool
email_local_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
	    (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~.", c) != NULL);
}

static bool
valid_domain(const char *d)
{
	bool dot = false;
	size_t label = 0;
	for (const char *p = d;; p++) {
		if (*p == '.' || *p == '\0') {
			if (label == 0 || p[-1] == '-')
				return false;
			if (*p == '\0')
				return dot;
			dot = true;
			label = 0;
			continue;
		}
		bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    is_digit(*p) || *p == '-';
		if (!ok || (label == 0 && *p == '-'))
			return false;
		label++;
	}
}

static int
email_parse(const struct field_def *f, const struct ftype_ctx *ctx,
    const char *input, char **out, char **cause)
{
	(void)f;
	char *s;
	if (prepare(ctx, input, true, false, &s, cause) < 0)
		return -1;
	if (s[0] == '\0') {
		*out = s;
		return 0;
	}
	int rc = -1;
	char *at = strchr(s, '@');
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p >= 0x80) {
			fail_raw(cause, "%s", L_(lang_of(ctx), "an e-mail address must be ASCII"));
			goto out;
		}
	if (strpbrk(s, " \t") != NULL) {
		fail_raw(cause, "%s", L_(lang_of(ctx), "an e-mail address has no spaces"));
		goto out;
	}
	if (at == NULL || strchr(at + 1, '@') != NULL) {
		fail_raw(cause, "%s", L_(lang_of(ctx), "must contain exactly one @"));
		goto out;
	}
	if (strlen(s) > 254) {
		fail_raw(cause, "%s", L_(lang_of(ctx), "the address is too long"));
		goto out;
	}
	*at = '\0';
	bool local_ok = s[0] != '\0' && s[0] != '.' && at[-1] != '.' && strstr(s, "..") == NULL;
	for (const char *p = s; local_ok && *p; p++)
		local_ok = email_local_char(*p);
	if (!local_ok) {
		fail_raw(cause, "%s", L_(lang_of(ctx), "the part before @ is not valid"));
		goto out;
	}
	if (!valid_domain(at + 1)) {
		fail_raw(cause, "%s", L_(lang_of(ctx),
		    "the domain after @ is not valid (e.g. example.lg.jp)"));
		goto out;
	}
	/* Domains are case-insensitive; the local part, strictly, is not. */
	for (char *p = at + 1; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	*out = xasprintf("%s@%s", s, at + 1);
	rc = 0;
out:
	free(s);
	return rc;
}

/* Longer than this is not a phone number (E.164 allows 15 digits, plus punctuation). */
#define PHONE_MAX 30

static int
phone_parse(const struct field_def *f, const struct ftype_ctx *ctx,
    const char *input, char **out, char **cause)
{
	(void)f;
	char *s;
	if (prepare(ctx, input, true, true, &s, cause) < 0)
		return -1;
	struct strbuf sb = SB_INIT;
	sb_adds(&sb, "");
	int ndigits = 0;
	int rc = -1;
	for (const char *p = s; *p; p++) {
		if (*p == ' ' || *p == '\t')
			continue;
		if (is_digit(*p))
			ndigits++;
		else if (*p == '+') {
			if (sb.len > 0) {
				fail_raw(cause, "%s", L_(lang_of(ctx), "+ may only come first"));
				goto out;
			}
		} else if (*p != '-' && *p != '(' && *p != ')') {
			fail_raw(cause, "%s", L_(lang_of(ctx),
			    "a phone number has only digits and - + ( )"));
			goto out;
		}
		sb_addc(&sb, *p);
	}
	if (sb.len > 0 && ndigits < 2) {
		fail_raw(cause, "%s", L_(lang_of(ctx), "too few digits"));
		goto out;
	}
	if (sb.len > PHONE_MAX) {
		fail_raw(cause, "%s", L_(lang_of(ctx), "the phone number is too long"));
		goto out;
	}
	*out = sb_detach(&sb);
	rc = 0;
out:
	sb_free(&sb);
	free(s);
	return rc;
}

/* --- countries and references ------------------------------------------------ */

static int
country_parse(const struct field_def *f, const struct ftype_ctx *ctx,
    const char *input, char **out, char **cause)
{
	(void)f;
	char *s;
	if (prepare(ctx, input, true, false, &s, cause) < 0)
		return -1;
	if (s[0] == '\0') {
		*out = s;
		return 0;
	}
	char *why = NULL;
	if (country_load(&why) < 0) {
		fail_raw(cause, L_(lang_of(ctx), "cannot read the list of countries: %s"), why);
		free(why);
		free(s);
		return -1;
	}
	bool letters = strlen(s) == 2;
	for (int i = 0; letters && i < 2; i++) {
		if (s[i] >= 'a' && s[i] <= 'z')
			s[i] = (char)(s[i] - 'a' + 'A');
		letters = s[i] >= 'A' && s[i] <= 'Z';
	}
	if (letters) {
		if (country_valid(s)) {
			*out = s;
			return 0;
		}
		fail_raw(cause, L_(lang_of(ctx), "no country has the code %s"), s);
		free(s);
		return -1;
	}
	const char *code = country_find_name(s);
	free(s);
	if (code != NULL) {
		*out = xstrdup(code);
		return 0;
	}
	return fail_raw(cause, "%s", L_(lang_of(ctx),
	    "enter an ISO 3166-1 two-letter code (e.g. JP, US, CN)"));
}

static char *
country_echo(const struct field_def *f, const struct ftype_ctx *ctx, const char *stored)
{
	(void)f;
	const char *name = stored[0] != '\0' ? country_name(stored, lang_of(ctx)) : NULL;
	return xstrdup(name != NULL ? name : "");
}

static int
ref_parse(const struct field_def *f, const struct ftype_ctx *ctx,
    const char *input, char **out, char **cause)
{
	char *s, *raw;
	if (prepare(ctx, input, true, false, &s, cause) < 0)
		return -1;
	if (text_has_control(s)) {
		free(s);
		return fail_control(ctx, cause);
	}
	if (s[0] == '\0' || !can_lookup(f, ctx)) {
		*out = s;
		return 0;
	}
	char *label = lookup(f, ctx, s);
	if (label == NULL) {
		/* A key that itself holds full-width letters is found as typed. */
		if (prepare(ctx, input, false, false, &raw, NULL) == 0) {
			if (strcmp(raw, s) != 0 && (label = lookup(f, ctx, raw)) != NULL) {
				free(s);
				s = raw;
			} else
				free(raw);
		}
	}
	if (label == NULL) {
		char *q = quoted(s);
		fail_raw(cause, L_(lang_of(ctx), "no such record: %s"), q);
		free(q);
		free(s);
		return -1;
	}
	free(label);
	*out = s;
	return 0;
}

/* --- the table -------------------------------------------------------------- */

/*
 * Every type but text folds full-width ASCII, so every type but text is
 * code_like: the form may fold as the operator types.
 */
static const struct ftype types[] = {
	{ "text", false, text_parse, echo_none },
	{ "int", true, int_parse, echo_none },
	{ "money", true, money_parse, money_echo },
	{ "date", true, date_parse, date_echo },
	{ "fy", true, fy_parse, fy_echo },
	{ "lgcode", true, lgcode_parse, lookup_echo },
	{ "choice", true, choice_parse, choice_echo },
	{ "email", true, email_parse, echo_none },
	{ "phone", true, phone_parse, echo_none },
	{ "country", true, country_parse, country_echo },
	{ "ref", true, ref_parse, lookup_echo },
};

#define NTYPES (sizeof types / sizeof types[0])

static const struct ftype *const type_list[NTYPES + 1] = {
	&types[0], &types[1], &types[2], &types[3], &types[4], &types[5],
	&types[6], &types[7], &types[8], &types[9], &types[10], NULL,
};

const struct ftype *
ftype_find(const char *name)
{
	for (size_t i = 0; name != NULL && i < NTYPES; i++)
		if (strcmp(types[i].name, name) == 0)
			return &types[i];
	return NULL;
}

const struct ftype *const *
ftype_all(void)
{
	return type_list;
}

int
ftype_parse_field(const struct field_def *f, const struct ftype_ctx *ctx,
    const char *input, char **out, char **cause)
{
	enum lang l = lang_of(ctx);
	const char *label = f->label[l];
	if (label == NULL || label[0] == '\0')
		label = f->label[l == LANG_JA ? LANG_EN : LANG_JA];
	if (label == NULL || label[0] == '\0')
		label = f->id != NULL ? f->id : "?";

	if (input == NULL)
		input = "";
	if (!text_valid_utf8(input, strlen(input)))
		return fail_raw(cause, "%s: %s", label, L_(lang_of(ctx), "not valid UTF-8"));
	char *t = text_trim(input);
	if (t[0] == '\0') {
		free(t);
		if (f->required)
			return fail_raw(cause, "%s: %s", label, L_(lang_of(ctx), "required"));
		*out = xstrdup("");
		return 0;
	}
	if (f->type == NULL) {
		free(t);
		return fail_raw(cause, "%s: %s", label, L_(lang_of(ctx), "no type"));
	}
	char *why = NULL;
	int rc = f->type->parse(f, ctx, t, out, &why);
	free(t);
	if (rc < 0) {
		fail_raw(cause, "%s: %s", label, why != NULL ? why : "?");
		free(why);
		return -1;
	}
	return 0;
}

char *
ftype_today(const struct ftype_ctx *ctx)
{
	if (ctx != NULL && ctx->today != NULL)
		return xstrdup(ctx->today);
	time_t now = time(NULL);
	struct tm tm;
	if (localtime_r(&now, &tm) == NULL)
		return xstrdup("1970-01-01");
	return xasprintf("%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}
