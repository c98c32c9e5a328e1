/*
 * derive.h - values a field takes from other fields, declared in a screen
 * file as
 *   derive = NAME(FIELD, ...)    fills the field when it is left empty
 *   compute = NAME(FIELD, ...)   recomputes it on every save (read-only)
 * e.g. `derive = lgcode_kind(code, name)`, `compute = sum(a, b, c)`.
 * The functions that are domain rules live in domain modules
 * (lgcode.c, allocation.c); this table only names them.
 */
#ifndef LGOTP_DERIVE_H
#define LGOTP_DERIVE_H

#include <stddef.h>

struct field_def;

/* What a derivation may consult beyond the record's own fields. */
struct derive_ctx {
	/* The value of SECTION.KEY in fiscal year FY's settings (or the latest
	 * earlier year's: derivations read amounts), or NULL. */
	const char *(*year_setting)(void *arg, const char *fy, const char *section, const char *key);
	/* Field FIELD of record KEY of screen SCREEN (malloc'd), or NULL. */
	char *(*record_field)(void *arg, const char *screen, const char *key, const char *field);
	void *arg;
};

struct derivation {
	const char *name;
	int nargs;                  /* -1: one or more */
	/*
	 * Returns a malloc'd value in the field's stored form, or NULL when it
	 * cannot be derived (an argument missing or invalid).  ARGF are the
	 * argument fields' declarations (for their `ref`).
	 */
	char *(*fn)(const struct derive_ctx *ctx, const struct field_def *const *argf,
	    const char *const *args, size_t nargs);
};

const struct derivation *derive_find(const char *name);
/* The names with their arguments, for messages. Static. */
const char *derive_names(void);

#endif
