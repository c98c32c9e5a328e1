/*
 * allocation.c - the local allocation tax estimate for a host body.
 *
 * Every figure comes from struct allocation_rates (the year's settings);
 * this file only knows the shape of the rule: a prefecture is refunded per
 * body, the other kinds of host per trainee, with a lower base for short
 * stays.  Amounts are whole yen in a long and the rate is in permille, so
 * the arithmetic is exact integer arithmetic: no floating point, whose
 * rounding would make 5,700,000 x 0.5 a matter of luck.
 */
#include "allocation.h"

#include <limits.h>
#include <string.h>

/* The kinds of body refunded per trainee (special allocation tax). */
static const char *const allocation_muni_kinds[] = {
	"desig", "city", "ward", "town", "village",
};

/*
 * True when KIND is one of allocation_muni_kinds.  Kinds are the stored
 * codes of the body screen, so the comparison is exact: "City" or " city"
 * is not a kind, and estimating it as one would hide bad data.
 */
static int
allocation_is_muni(const char *kind)
{
	for (size_t i = 0; i < sizeof allocation_muni_kinds / sizeof allocation_muni_kinds[0]; i++)
		if (strcmp(kind, allocation_muni_kinds[i]) == 0)
			return 1;
	return 0;
}

/*
 * BASE x RATE_PERMILLE / 1000, rounded down, or -1 when it does not fit in
 * a long.  Splitting BASE into thousands and a remainder keeps the
 * intermediate product no larger than the result, so a base near LONG_MAX
 * with a rate under 1000 still works:
 *   base = 1000q + m  =>  floor(base x rate / 1000) = q x rate + floor(m x rate / 1000).
 * Both arguments are non-negative (checked by the caller).
 */
static long
allocation_apply_rate(long base, int rate_permille)
{
	long q = base / 1000, m = base % 1000;
	if (rate_permille != 0 && q > LONG_MAX / rate_permille)
		return -1;
	long whole = q * rate_permille;
	/* m < 1000 and rate <= INT_MAX: the product fits in 64 bits. */
	long long part = (long long)m * rate_permille / 1000;
	if (part > LONG_MAX - whole)
		return -1;
	return whole + (long)part;
}

/*
 * See allocation.h.  Bad arguments, all answered with -1: no rates or no
 * kind, a negative number of trainees or months, a negative figure in the
 * rates (a settings error: a refund is never negative), or a result too
 * large for a long.  The per-trainee amount is rounded down before it is
 * multiplied, because the tax is granted per trainee; with the published
 * figures nothing is rounded anyway (5,000,000 x 0.5 is exact).
 */
long
allocation_estimate(const struct allocation_rates *r, const char *kind, int trainees,
    int stay_months)
{
	if (r == NULL || kind == NULL || trainees < 0 || stay_months < 0)
		return -1;

	if (strcmp(kind, "pref") == 0) {
		if (r->pref_per_body < 0)
			return -1;
		/* Once per body: hosting two trainees does not double it. */
		return trainees == 0 ? 0 : r->pref_per_body;
	}

	if (!allocation_is_muni(kind))
		return -1;      /* e.g. "branch": CLAIR's own branches get nothing */
	if (r->muni_base < 0 || r->muni_base_short < 0 || r->muni_rate_permille < 0)
		return -1;
	if (trainees == 0)
		return 0;

	/* "Under short_months": a stay of exactly short_months is a full one. */
	long base = stay_months < r->short_months ? r->muni_base_short : r->muni_base;
	long per_trainee = allocation_apply_rate(base, r->muni_rate_permille);
	if (per_trainee < 0)
		return -1;
	if (per_trainee != 0 && trainees > LONG_MAX / per_trainee)
		return -1;
	return per_trainee * trainees;
}
