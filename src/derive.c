#include "derive.h"

#include <string.h>

#include "lgcode.h"
#include "util.h"

static char *
derive_lgcode_kind(const char *const *args)
{
	if (!lgcode_valid(args[0]))
		return NULL;
	const char *kind = lgcode_kind(args[0], args[1]);
	return kind ? xstrdup(kind) : NULL;
}

static char *
derive_lgcode_pref(const char *const *args)
{
	if (!lgcode_valid(args[0]))
		return NULL;
	return xstrndup(args[0], 2);
}

static const struct derivation derivations[] = {
	{ "lgcode_kind", 2, derive_lgcode_kind },
	{ "lgcode_pref", 1, derive_lgcode_pref },
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
	return "lgcode_kind(code, name), lgcode_pref(code)";
}
