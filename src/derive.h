/*
 * derive.h - values a field can take from other fields of the same record
 * when it is left empty, declared in a screen file as
 *   derive = NAME(FIELD, FIELD...)
 * e.g. `derive = lgcode_kind(code, name)`.  The functions are the domain's
 * (they live in domain modules); this table only names them.
 */
#ifndef LGOTP_DERIVE_H
#define LGOTP_DERIVE_H

#include <stddef.h>

struct derivation {
	const char *name;
	size_t nargs;
	/* Returns a malloc'd value, or NULL when it cannot be derived. */
	char *(*fn)(const char *const *args);
};

const struct derivation *derive_find(const char *name);
/* The names, comma-separated, for messages. Static. */
const char *derive_names(void);

#endif
