/*
 * era.h - dates in the Western and the Japanese calendar (元号), and fiscal
 * years (年度, 1 April to 31 March).
 *
 * All dates are proleptic Gregorian, years 1 to 9999.  Japanese era dates
 * are converted with the Gregorian calendar too: Japan used a lunisolar
 * calendar until 明治5年 (1872), so for 明治1-5 an era date here is the
 * Gregorian day with that era number, not the historical lunisolar date.
 *
 * Eras and their first days:
 *   明治 M 1868-10-23  (the proclamation, 慶応4年9月8日; the era was made
 *                       retroactive to 1 January of the lunar year, but a
 *                       date before the proclamation is not written in it)
 *   大正 T 1912-07-30
 *   昭和 S 1926-12-25
 *   平成 H 1989-01-08
 *   令和 R 2019-05-01
 * Year 1 of an era is written 元年 in the long form.
 */
#ifndef LGOTP_ERA_H
#define LGOTP_ERA_H

#include <stdbool.h>

#include "field.h"

struct era_date {
	int y, m, d;
};

struct era_info {
	const char *kanji;          /* "令和" */
	const char *romaji;         /* "Reiwa" */
	char letter;                /* 'R' */
	struct era_date start;      /* its first day */
};

/* True for a real Gregorian date with 1 <= y <= 9999 (2023-02-29 is not). */
bool era_date_valid(int y, int m, int d);
/* Days in month M (1-12) of year Y; 0 for a bad month. */
int era_days_in_month(int y, int m);
/* Day of the week of a valid date: 0 = Sunday .. 6 = Saturday. */
int era_weekday(struct era_date d);
/* "金" (ja) or "Fri" (en) for weekday WD (0 = Sunday); static. */
const char *era_weekday_name(int wd, enum lang lang);
/* Days since 1970-01-01 (negative before), and back: for date arithmetic. */
long era_to_days(struct era_date d);
struct era_date era_from_days(long days);
/* <0, 0, >0 as A is before, the same day as, or after B. */
int era_compare(struct era_date a, struct era_date b);
/*
 * Whole months from A to B: the largest m with A + m months <= B + 1 day
 * (a month added to the 31st ends on the month's last day), so
 * 2025-05-01 .. 2026-04-30 is 12 and 2025-05-01 .. 2025-10-30 is 5.
 * 0 when B is before A.
 */
int era_months_between(struct era_date a, struct era_date b);

/* The era table, oldest first, ending with an entry whose kanji is NULL. */
const struct era_info *era_all(void);
/* The era a valid date falls in, or NULL before 明治. */
const struct era_info *era_of(struct era_date d);

/*
 * Parse a date as people write it: 2024-10-04, 2024/10/4, 2024.10.4,
 * 20241004, 2024年10月4日, R6.10.4, R6/10/4, R061004, 令和6年10月4日,
 * 令和元年5月1日, ㋿6.10.4, Reiwa 6.10.4, 4 Oct 2024, Oct 4, 2024, with
 * full-width digits and punctuation, and an optional weekday that must be
 * right: 2024-10-04(金), Fri 4 Oct 2024.  Checks that the date exists and,
 * for an era date, that it lies inside the era (H31.5.1 and R1.4.30 are
 * refused).  Returns 0 and *out, or -1 and a malloc'd *cause in LANG.
 */
int era_parse_date(const char *in, enum lang lang, struct era_date *out, char **cause);
/* The stored form: exactly YYYY-MM-DD of a valid date.  0 or -1 (no message). */
int era_parse_iso(const char *iso, struct era_date *out);
/* "2024-10-04".  Caller frees. */
char *era_format_iso(struct era_date d);
/* "R6.10.4", or NULL before 明治.  Caller frees. */
char *era_format_short(struct era_date d);
/* "令和6年10月4日", "令和元年5月1日", or NULL before 明治.  Caller frees. */
char *era_format_long(struct era_date d);
/* "Fri 4 Oct 2024".  Caller frees. */
char *era_format_en(struct era_date d);

/*
 * Fiscal years are named by the Western year they start in: FY2025 is
 * 2025-04-01 to 2026-03-31 = 令和7年度.  A fiscal year takes the name of the
 * era in force at the end of its first calendar year, so FY2019 is 令和元年度
 * (as government documents wrote it once the era had changed) and FY1989
 * 平成元年度.
 *
 * era_parse_fy accepts 2025, FY2025, 2025年度, R7, R7年度, 令和7, 令和7年度,
 * 令和元年度, with full-width digits; H31 and R1 both give 2019 (an era year
 * names the calendar year, and must be one the era reached: H32 is refused).
 * Returns 0 and *fy, or -1 and a malloc'd *cause in LANG.
 */
int era_parse_fy(const char *in, enum lang lang, int *fy, char **cause);
/* "令和7年度" (ja) or "FY2025 (R7)" (en); before 明治 "1850年度" / "FY1850".  Caller frees. */
char *era_format_fy(int fy, enum lang lang);
/* The fiscal year a valid date falls in (2025-03-31 → 2024). */
int era_fy_of(struct era_date d);
/* First and last day of fiscal year FY. */
struct era_date era_fy_start(int fy);
struct era_date era_fy_end(int fy);

#endif
