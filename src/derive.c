#include "derive.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "allocation.h"
#include "era.h"
#include "field.h"
#include "lgcode.h"
#include "util.h"

static char *
derive_lgcode_kind(const struct derive_ctx *ctx, const struct field_def *const *argf,
    const char *const *args, size_t n)
{
	(void)ctx;
	(void)argf;
	(void)n;
	if (!lgcode_valid(args[0]))
		return NULL;
	const char *kind = lgcode_kind(args[0], args[1]);
	return kind ? xstrdup(kind) : NULL;
}

static char *
derive_lgcode_pref(const struct derive_ctx *ctx, const struct field_def *const *argf,
    const char *const *args, size_t n)
{
	(void)ctx;
	(void)argf;
	(void)n;
	if (!lgcode_valid(args[0]))
		return NULL;
	return xstrndup(args[0], 2);
}

static int
parse_long(const char *s, long *out)
{
	if (s == NULL || *s == '\0')
		return -1;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

/* The total of the arguments that hold a number; empty ones count 0. */
static char *
derive_sum(const struct derive_ctx *ctx, const struct field_def *const *argf,
    const char *const *args, size_t n)
{
	(void)ctx;
	(void)argf;
	long total = 0;
	for (size_t i = 0; i < n; i++) {
		long v;
		if (*args[i] == '\0')
			continue;
		if (parse_long(args[i], &v) != 0)
			return NULL;
		if ((v > 0 && total > __LONG_MAX__ - v) || (v < 0 && total < -__LONG_MAX__ - v))
			return NULL;
		total += v;
	}
	return xasprintf("%ld", total);
}

static char *
derive_months_between(const struct derive_ctx *ctx, const struct field_def *const *argf,
    const char *const *args, size_t n)
{
	(void)ctx;
	(void)argf;
	(void)n;
	struct era_date a, b;
	if (era_parse_iso(args[0], &a) != 0 || era_parse_iso(args[1], &b) != 0)
		return NULL;
	return xasprintf("%d", era_months_between(a, b));
}

/*
 * allocation_estimate(HOST, FY, TRAINEES, MONTHS): the host's kind comes
 * from the `kind` field of the record HOST names (its field's `ref`), the
 * rates from fiscal year FY's [allocation] settings.
 */
static char *
derive_allocation(const struct derive_ctx *ctx, const struct field_def *const *argf,
    const char *const *args, size_t n)
{
	(void)n;
	if (ctx == NULL || ctx->year_setting == NULL || ctx->record_field == NULL || !argf[0]->ref)
		return NULL;
	char *kind = ctx->record_field(ctx->arg, argf[0]->ref, args[0], "kind");
	if (kind == NULL)
		return NULL;
	static const char *const keys[] = {
		"pref_per_body", "muni_base", "muni_base_short", "muni_rate_permille", "short_months"
	};
	long v[5];
	for (size_t i = 0; i < 5; i++)
		if (parse_long(ctx->year_setting(ctx->arg, args[1], "allocation", keys[i]), &v[i]) != 0) {
			free(kind);
			return NULL;
		}
	struct allocation_rates r = { v[0], v[1], v[2], (int)v[3], (int)v[4] };
	long trainees, months;
	char *out = NULL;
	if (parse_long(args[2], &trainees) == 0 && parse_long(args[3], &months) == 0) {
		long yen = allocation_estimate(&r, kind, (int)trainees, (int)months);
		out = xasprintf("%ld", yen < 0 ? 0 : yen);
	}
	free(kind);
	return out;
}

static const struct derivation derivations[] = {
	{ "lgcode_kind", 2, derive_lgcode_kind },
	{ "lgcode_pref", 1, derive_lgcode_pref },
	{ "sum", -1, derive_sum },
	{ "months_between", 2, derive_months_between },
	{ "allocation_estimate", 4, derive_allocation },
};

const struct derivation *
derive_find(const char *name)
{
	for (size_t i = 0; i < sizeof derivations / sizeof derivations[0]; i++)
		if (strcmp(derivations[i].name, name) == 0)
			return &derivations[i];
	return NULL;
}

const char *
derive_names(void)
{
	return "lgcode_kind(code, name), lgcode_pref(code), sum(field, ...), "
	       "months_between(from, to), allocation_estimate(host, fy, trainees, months)";
}
