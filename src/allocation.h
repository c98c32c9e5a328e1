/*
 * allocation.h - the estimate of what the state refunds a host through
 * the local allocation tax (地方交付税) for hosting trainees.  The amounts
 * change by year, so they come in a struct filled from the year's
 * settings (conf/years/FY.ini [allocation]); no figure lives in code.
 *
 * Rule (FY2023 as published): a prefecture gets ordinary allocation tax of
 * a fixed amount per body (5,700,000 yen) whatever the number of trainees;
 * a designated city, city, special ward, town or village gets special
 * allocation tax per trainee of base x rate (5,700,000 x 0.5), on a lower
 * base (5,000,000) where the stay is shorter than short_months (10).
 */
#ifndef LGOTP_ALLOCATION_H
#define LGOTP_ALLOCATION_H

struct allocation_rates {
	long pref_per_body;         /* yen */
	long muni_base;             /* yen per trainee */
	long muni_base_short;       /* yen per trainee, stays under short_months */
	int muni_rate_permille;     /* 500 = x 0.5 */
	int short_months;
};

/*
 * The estimate in yen for a host of KIND ("pref", "desig", "city", "ward",
 * "town", "village") with TRAINEES trainees staying STAY_MONTHS months
 * each.  Returns -1 for a kind that gets nothing (e.g. "branch") or bad
 * arguments (no trainees: 0).
 */
long allocation_estimate(const struct allocation_rates *r, const char *kind, int trainees,
    int stay_months);

#endif
