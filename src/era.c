/*
 * era.c - Western and Japanese calendar dates, fiscal years.
 *
 * Input is first folded (full-width digits and punctuation to ASCII, the
 * dashes an input method gives to '-') and then read by a small hand-written
 * scanner: the accepted forms are few and each error message should say
 * exactly what is wrong, which a regular expression would not.
 */
#include "era.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "text.h"
#include "util.h"

static const struct era_info eras[] = {
	{ "明治", "Meiji", 'M', { 1868, 10, 23 } },
	{ "大正", "Taisho", 'T', { 1912, 7, 30 } },
	{ "昭和", "Showa", 'S', { 1926, 12, 25 } },
	{ "平成", "Heisei", 'H', { 1989, 1, 8 } },
	{ "令和", "Reiwa", 'R', { 2019, 5, 1 } },
	{ NULL, NULL, 0, { 0, 0, 0 } },
};

/* The one-character era ligatures (㍾㍽㍼㍻㋿), in the order of eras[]. */
static const char *const ligatures[] = { "㍾", "㍽", "㍼", "㍻", "㋿" };

static const char *const month_en[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};
static const char *const month_en_long[12] = {
	"January", "February", "March", "April", "May", "June",
	"July", "August", "September", "October", "November", "December",
};
static const char *const wday_ja[7] = { "日", "月", "火", "水", "木", "金", "土" };
static const char *const wday_en[7] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *const wday_en_long[7] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
};

#define NERAS ((int)(sizeof eras / sizeof eras[0]) - 1)

/* An era's name for messages: 令和 or Reiwa. */
static const char *
era_name(const struct era_info *e, enum lang lang)
{
	return lang == LANG_EN ? e->romaji : e->kanji;
}

static bool
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
era_days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m < 1 || m > 12)
		return 0;
	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

bool
era_date_valid(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && d >= 1 && d <= era_days_in_month(y, m);
}

/* Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar. */
long
era_to_days(struct era_date d)
{
	long y = d.y - (d.m <= 2);
	long q = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - q * 400;
	long mp = (d.m + 9) % 12;
	long doy = (153 * mp + 2) / 5 + d.d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return q * 146097 + doe - 719468;
}

struct era_date
era_from_days(long z)
{
	z += 719468;
	long q = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - q * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	struct era_date r;
	r.d = (int)(doy - (153 * mp + 2) / 5 + 1);
	r.m = (int)(mp < 10 ? mp + 3 : mp - 9);
	r.y = (int)(yoe + q * 400 + (r.m <= 2));
	return r;
}

int
era_weekday(struct era_date d)
{
	long days = era_to_days(d);
	/* 1970-01-01 was a Thursday. */
	return (int)(((days % 7) + 7 + 4) % 7);
}

const char *
era_weekday_name(int wd, enum lang lang)
{
	if (wd < 0 || wd > 6)
		return "";
	return lang == LANG_EN ? wday_en[wd] : wday_ja[wd];
}

int
era_compare(struct era_date a, struct era_date b)
{
	if (a.y != b.y)
		return a.y < b.y ? -1 : 1;
	if (a.m != b.m)
		return a.m < b.m ? -1 : 1;
	if (a.d != b.d)
		return a.d < b.d ? -1 : 1;
	return 0;
}

const struct era_info *
era_all(void)
{
	return eras;
}

const struct era_info *
era_of(struct era_date d)
{
	for (int i = NERAS - 1; i >= 0; i--)
		if (era_compare(d, eras[i].start) >= 0)
			return &eras[i];
	return NULL;
}

/* The last day of era E, or false when it has not ended. */
static bool
era_last_day(const struct era_info *e, struct era_date *last)
{
	if (e[1].kanji == NULL)
		return false;
	*last = era_from_days(era_to_days(e[1].start) - 1);
	return true;
}

char *
era_format_iso(struct era_date d)
{
	return xasprintf("%04d-%02d-%02d", d.y, d.m, d.d);
}

/*
 * The parsers read an era year of at most three digits (R1234.1.1 is
 * refused as a typo), so the formatters write no era year past this: from
 * 令和1000年 (3018) on, a date or fiscal year is written as a Western year,
 * as before 明治, and what is shown can be typed back (before, "FY3018
 * (R1000)" and 令和1000年度 were shown and refused; found by
 * tests/fuzz/fuzz_ftype.c).
 */
#define ERA_YEAR_MAX 999

/* The era D is written in, or NULL (before 明治, or an era year past ERA_YEAR_MAX). */
static const struct era_info *
era_written(struct era_date d)
{
	const struct era_info *e = era_of(d);
	return e != NULL && d.y - e->start.y + 1 <= ERA_YEAR_MAX ? e : NULL;
}

char *
era_format_short(struct era_date d)
{
	const struct era_info *e = era_written(d);
	if (e == NULL)
		return NULL;
	return xasprintf("%c%d.%d.%d", e->letter, d.y - e->start.y + 1, d.m, d.d);
}

/* "令和7" or "令和元": an era and its year as written before 年. */
static char *
era_year_ja(const struct era_info *e, int n)
{
	return n == 1 ? xasprintf("%s元", e->kanji) : xasprintf("%s%d", e->kanji, n);
}

char *
era_format_long(struct era_date d)
{
	const struct era_info *e = era_written(d);
	if (e == NULL)
		return NULL;
	char *ey = era_year_ja(e, d.y - e->start.y + 1);
	char *s = xasprintf("%s年%d月%d日", ey, d.m, d.d);
	free(ey);
	return s;
}

char *
era_format_en(struct era_date d)
{
	return xasprintf("%s %d %s %d", wday_en[era_weekday(d)], d.d, month_en[d.m - 1], d.y);
}

int
era_parse_iso(const char *iso, struct era_date *out)
{
	if (iso == NULL || strlen(iso) != 10 || iso[4] != '-' || iso[7] != '-')
		return -1;
	int v[8], k = 0;
	for (int i = 0; i < 10; i++) {
		if (i == 4 || i == 7)
			continue;
		if (iso[i] < '0' || iso[i] > '9')
			return -1;
		v[k++] = iso[i] - '0';
	}
	struct era_date d = {
		v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3],
		v[4] * 10 + v[5],
		v[6] * 10 + v[7],
	};
	if (!era_date_valid(d.y, d.m, d.d))
		return -1;
	*out = d;
	return 0;
}

/* --- the scanner --------------------------------------------------------- */

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static void
skip_spaces(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
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

/* Eats the ASCII word TOK, case-insensitively, when no letter follows it. */
static bool
eat_word(const char **p, const char *tok)
{
	size_t n = strlen(tok);
	for (size_t i = 0; i < n; i++)
		if (lower((*p)[i]) != lower(tok[i]))
			return false;
	if (is_alpha((*p)[n]))
		return false;
	*p += n;
	return true;
}

/*
 * Reads a run of digits; returns how many there were (0 when none) and
 * their value in *v, saturated so that a long run cannot overflow.
 */
static int
digits(const char **p, int *v)
{
	int n = 0;
	long val = 0;
	while (is_digit(**p)) {
		if (val < 100000000)
			val = val * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	*v = (int)val;
	return n;
}

/* Reads an era name at *p: 令和, ㋿, Reiwa, R.  Returns it or NULL. */
static const struct era_info *
eat_era(const char **p)
{
	for (int i = 0; i < NERAS; i++)
		if (eat(p, eras[i].kanji) || eat(p, ligatures[i]) ||
		    eat_word(p, eras[i].romaji))
			return &eras[i];
	if (strncmp(*p, "Shōwa", strlen("Shōwa")) == 0 ||
	    strncmp(*p, "Taishō", strlen("Taishō")) == 0) {
		const struct era_info *e = (*p)[0] == 'S' ? &eras[2] : &eras[1];
		*p += (*p)[0] == 'S' ? strlen("Shōwa") : strlen("Taishō");
		return e;
	}
	/* A lone letter only when a year follows, so "Mar 4" is not Meiji. */
	char c = (*p)[0];
	if (c == '\0')
		return NULL;
	const char *after = *p + 1;
	while (*after == ' ')
		after++;
	if (is_digit(*after) || strncmp(after, "元", strlen("元")) == 0) {
		for (int i = 0; i < NERAS; i++)
			if (c == eras[i].letter || c == lower(eras[i].letter)) {
				*p = after;
				return &eras[i];
			}
	}
	return NULL;
}

/* A month name: "Oct", "October" (any case).  Returns 1-12 or 0. */
static int
eat_month_name(const char **p)
{
	for (int i = 0; i < 12; i++)
		if (eat_word(p, month_en_long[i]) || eat_word(p, month_en[i])) {
			if (**p == '.')
				(*p)++;
			return i + 1;
		}
	return 0;
}

/* A weekday: 金, 金曜, 金曜日, Fri, Friday.  Returns 0-6 or -1. */
static int
eat_weekday(const char **p)
{
	for (int i = 0; i < 7; i++) {
		if (eat(p, wday_ja[i])) {
			if (!eat(p, "曜日"))
				(void)eat(p, "曜");
			return i;
		}
		if (eat_word(p, wday_en_long[i]) || eat_word(p, wday_en[i])) {
			if (**p == '.')
				(*p)++;
			return i;
		}
	}
	return -1;
}

static bool
eat_sep(const char **p, const char *kanji)
{
	skip_spaces(p);
	bool ok = eat(p, "-") || eat(p, "/") || eat(p, ".") || eat(p, kanji);
	skip_spaces(p);
	return ok;
}

/* The input folded and trimmed, ready for the scanner. */
static char *
prepare(const char *in)
{
	char *a = text_fold_ascii(in ? in : "");
	char *b = text_fold_dashes(a);
	char *c = text_trim(b);
	free(a);
	free(b);
	return c;
}

static int
fail_format(enum lang lang, char **cause)
{
	return fail_raw(cause, "%s", L_(lang,
	    "not a date (e.g. 2024-10-04, 2024/10/4, R6.10.4, 4 Oct 2024)"));
}

/* "2024年10月4日" or "4 Oct 2024", for messages. */
static char *
describe(struct era_date d, enum lang lang)
{
	if (lang == LANG_EN)
		return xasprintf("%d %s %d", d.d, month_en[d.m - 1], d.y);
	return xasprintf("%d年%d月%d日", d.y, d.m, d.d);
}

/* Is D, written in era E, inside it?  -1 with a message that gives the right era. */
static int
check_in_era(const struct era_info *e, struct era_date d, enum lang lang, char **cause)
{
	struct era_date last;
	bool before = era_compare(d, e->start) < 0;
	bool after = era_last_day(e, &last) && era_compare(d, last) > 0;
	if (!before && !after)
		return 0;

	char *what = describe(d, lang);
	char *right = lang == LANG_EN ? era_format_short(d) : era_format_long(d);
	char *bound = describe(before ? e->start : last, lang);
	char *hint;
	if (right != NULL)
		hint = xasprintf(L_(lang, " (%s is %s)"), what, right);
	else
		hint = xstrdup("");
	if (before)
		fail_raw(cause, L_(lang, "%s began on %s%s"),
		    era_name(e, lang), bound, hint);
	else
		fail_raw(cause, L_(lang, "%s ended on %s%s"),
		    era_name(e, lang), bound, hint);
	free(what);
	free(right);
	free(bound);
	free(hint);
	return -1;
}

int
era_parse_date(const char *in, enum lang lang, struct era_date *out, char **cause)
{
	char *s = prepare(in);
	const char *p = s;
	const struct era_info *e = NULL;
	struct era_date d = { 0, 0, 0 };
	int eyear = 0, wd = -1, n;
	int rc = -1;

	/* "Fri 4 Oct 2024", "Fri, Oct 4, 2024" */
	if (is_alpha(*p) && (wd = eat_weekday(&p)) >= 0) {
		if (*p == ',')
			p++;
		skip_spaces(&p);
	}

	if ((e = eat_era(&p)) != NULL) {
		skip_spaces(&p);
		n = 0;
		if (eat(&p, "元"))
			eyear = 1;
		else
			n = digits(&p, &eyear);
		if (n == 6 && *p == '\0') {
			/* R061004: two digits each of year, month and day */
			d.m = eyear / 100 % 100;
			d.d = eyear % 100;
			eyear /= 10000;
		} else {
			if (n > 3)
				goto bad_format;
			if (n == 0 && eyear != 1)
				goto bad_format;
			if (!eat_sep(&p, "年") || (n = digits(&p, &d.m)) < 1 || n > 2 ||
			    !eat_sep(&p, "月") || (n = digits(&p, &d.d)) < 1 || n > 2)
				goto bad_format;
			(void)eat(&p, "日");
		}
		if (eyear < 1) {
			fail_raw(cause, L_(lang, "there is no year 0 of %s"),
			    era_name(e, lang));
			goto out;
		}
		d.y = e->start.y + eyear - 1;
	} else if (is_digit(*p)) {
		const char *start = p;
		n = digits(&p, &d.y);
		if (n == 8) {
			d.d = d.y % 100;
			d.m = d.y / 100 % 100;
			d.y /= 10000;
		} else if (n == 4) {
			if (!eat_sep(&p, "年") || (n = digits(&p, &d.m)) < 1 || n > 2 ||
			    !eat_sep(&p, "月") || (n = digits(&p, &d.d)) < 1 || n > 2)
				goto bad_format;
			(void)eat(&p, "日");
		} else if (n <= 2) {
			/* "4 Oct 2024" */
			p = start;
			digits(&p, &d.d);
			skip_spaces(&p);
			if ((d.m = eat_month_name(&p)) == 0)
				goto bad_format;
			skip_spaces(&p);
			if (*p == ',')
				p++;
			skip_spaces(&p);
			if (digits(&p, &d.y) != 4)
				goto bad_format;
		} else
			goto bad_format;
	} else if ((d.m = eat_month_name(&p)) != 0) {
		/* "Oct 4, 2024" */
		skip_spaces(&p);
		if ((n = digits(&p, &d.d)) < 1 || n > 2)
			goto bad_format;
		skip_spaces(&p);
		if (*p == ',')
			p++;
		skip_spaces(&p);
		if (digits(&p, &d.y) != 4)
			goto bad_format;
	} else
		goto bad_format;

	/* An optional weekday after the date: (金), (金曜日), (Fri). */
	skip_spaces(&p);
	if (*p == '(') {
		p++;
		skip_spaces(&p);
		int w2 = eat_weekday(&p);
		skip_spaces(&p);
		if (w2 < 0 || *p != ')' || (wd >= 0 && wd != w2))
			goto bad_format;
		p++;
		wd = w2;
		skip_spaces(&p);
	}
	if (*p != '\0')
		goto bad_format;

	if (!era_date_valid(d.y, d.m, d.d)) {
		if (d.m >= 1 && d.m <= 12 && d.y >= 1 && d.y <= 9999 && d.d >= 1) {
			char *month = lang == LANG_EN ? xasprintf("%s %d", month_en_long[d.m - 1], d.y)
			    : xasprintf("%d年%d月", d.y, d.m);
			fail_raw(cause, L_(lang, "%d-%02d-%02d does not exist (%s has %d days)"),
			    d.y, d.m, d.d, month, era_days_in_month(d.y, d.m));
			free(month);
		}
		else if (d.y < 1 || d.y > 9999)
			fail_raw(cause, "%s", L_(lang, "the year must be from 1 to 9999"));
		else
			fail_raw(cause, L_(lang, "%d-%02d-%02d does not exist"),
			    d.y, d.m, d.d);
		goto out;
	}
	if (e != NULL && check_in_era(e, d, lang, cause) < 0)
		goto out;
	if (wd >= 0 && wd != era_weekday(d)) {
		char *what = describe(d, lang);
		fail_raw(cause, L_(lang, "wrong weekday (%s is a %s)"),
		    what, lang == LANG_EN ? wday_en_long[era_weekday(d)] : wday_ja[era_weekday(d)]);
		free(what);
		goto out;
	}
	*out = d;
	rc = 0;
	goto out;

bad_format:
	fail_format(lang, cause);
out:
	free(s);
	return rc;
}

/* --- fiscal years ----------------------------------------------------------- */

int
era_fy_of(struct era_date d)
{
	return d.m >= 4 ? d.y : d.y - 1;
}

struct era_date
era_fy_start(int fy)
{
	struct era_date d = { fy, 4, 1 };
	return d;
}

struct era_date
era_fy_end(int fy)
{
	struct era_date d = { fy + 1, 3, 31 };
	return d;
}

/* The era a fiscal year is named after, and its year number in *n; NULL
 * when it is written as a Western year (see ERA_YEAR_MAX). */
static const struct era_info *
fy_era(int fy, int *n)
{
	struct era_date dec31 = { fy, 12, 31 };
	const struct era_info *e = era_written(dec31);
	if (e != NULL)
		*n = fy - e->start.y + 1;
	return e;
}

char *
era_format_fy(int fy, enum lang lang)
{
	int n = 0;
	const struct era_info *e = fy_era(fy, &n);
	if (e == NULL)
		return lang == LANG_EN ? xasprintf("FY%d", fy) : xasprintf("%d年度", fy);
	if (lang == LANG_EN)
		return xasprintf("FY%d (%c%d)", fy, e->letter, n);
	char *ey = era_year_ja(e, n);
	char *s = xasprintf("%s年度", ey);
	free(ey);
	return s;
}

/*
 * Reads "令和7", "R7", "R元" or "2025" at *p into a Western year.  Returns 0,
 * 1 when nothing year-like is there, or -1 with a message.
 */
static int
eat_fy_year(const char **p, enum lang lang, int *y, char **cause)
{
	const struct era_info *e = eat_era(p);
	int n, v;
	if (e == NULL) {
		if (digits(p, &v) != 4)
			return 1;
		*y = v;
		return 0;
	}
	skip_spaces(p);
	if (eat(p, "元"))
		v = 1;
	else if ((n = digits(p, &v)) < 1 || n > 3)
		return 1;
	if (v < 1)
		return fail_raw(cause, L_(lang, "there is no year 0 of %s"),
		    era_name(e, lang));
	struct era_date last;
	if (era_last_day(e, &last) && e->start.y + v - 1 > last.y)
		return fail_raw(cause, L_(lang, "%s ended in its year %d"),
		    era_name(e, lang), last.y - e->start.y + 1);
	*y = e->start.y + v - 1;
	return 0;
}

int
era_parse_fy(const char *in, enum lang lang, int *fy, char **cause)
{
	char *s = prepare(in);
	const char *p = s;
	int y = 0, y2 = 0, r;
	int rc = -1;

	if (eat_word(&p, "FY"))
		skip_spaces(&p);
	if ((r = eat_fy_year(&p, lang, &y, cause)) != 0)
		goto done;
	skip_spaces(&p);
	if (!eat(&p, "年度"))
		(void)eat(&p, "年");
	skip_spaces(&p);
	/* "FY2025 (R7)", as the English echo shows it: the two must agree. */
	if (*p == '(') {
		p++;
		skip_spaces(&p);
		if ((r = eat_fy_year(&p, lang, &y2, cause)) != 0)
			goto done;
		skip_spaces(&p);
		if (!eat(&p, "年度"))
			(void)eat(&p, "年");
		skip_spaces(&p);
		if (*p != ')') {
			r = 1;
			goto done;
		}
		p++;
		skip_spaces(&p);
		if (y2 != y) {
			fail_raw(cause, L_(lang, "the years do not agree (%d and %d)"), y, y2);
			goto out;
		}
	}
	if (*p != '\0') {
		r = 1;
		goto done;
	}
	if (y < 1000 || y > 9998) {
		fail_raw(cause, "%s", L_(lang, "the fiscal year must be from 1000 to 9998"));
		goto out;
	}
	*fy = y;
	rc = 0;
	goto out;
done:
	if (r > 0)
		fail_raw(cause, "%s", L_(lang, "not a fiscal year (e.g. 2025, FY2025, R7)"));
out:
	free(s);
	return rc;
}

/* A + M months, the day clipped to the month's last. */
static struct era_date
add_months(struct era_date a, int m)
{
	int y = a.y + (a.m - 1 + m) / 12;
	int mon = (a.m - 1 + m) % 12 + 1;
	int dim = era_days_in_month(y, mon);
	struct era_date r = { y, mon, a.d > dim ? dim : a.d };
	return r;
}

int
era_months_between(struct era_date a, struct era_date b)
{
	long limit = era_to_days(b) + 1;
	if (era_to_days(a) > limit)
		return 0;
	int m = (b.y - a.y) * 12 + (b.m - a.m) + 1;
	while (m > 0 && era_to_days(add_months(a, m)) > limit)
		m--;
	return m;
}
