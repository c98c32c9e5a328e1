/*
 * i18n.c - the UI language and its catalogue (see i18n.h).
 */
#include "i18n.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "util.h"

/* Where make compiles the catalogue, relative to the checkout's root. */
#ifndef LGOTP_BUILD_LOCALEDIR
#define LGOTP_BUILD_LOCALEDIR "build/locale"
#endif
/* Where make install puts it. */
#ifndef LGOTP_LOCALEDIR
#define LGOTP_LOCALEDIR "/usr/local/share/locale"
#endif
#define MO_TAIL "/ja/LC_MESSAGES/lgotp.mo"

static struct {
	enum lang lang;
	enum lang (*resolve)(void *);       /* pending: i18n_defer_lang */
	void *resolve_ctx;
	struct catalog *cat;
	char *path;                 /* of cat */
	bool tried;                 /* the default was looked for (found or not) */
	char *error;                /* why the default could not be loaded */
} state;

enum lang
i18n_lang(void)
{
	if (state.resolve != NULL) {
		enum lang (*resolve)(void *) = state.resolve;
		state.resolve = NULL;       /* first: RESOLVE may itself say something */
		i18n_set_lang(resolve(state.resolve_ctx));
	}
	return state.lang;
}

void
i18n_set_lang(enum lang lang)
{
	state.resolve = NULL;
	state.lang = lang == LANG_EN ? LANG_EN : LANG_JA;
}

void
i18n_defer_lang(enum lang (*resolve)(void *ctx), void *ctx)
{
	state.resolve = resolve;
	state.resolve_ctx = ctx;
}

const char *
i18n_text(enum lang lang, const char *context, const char *msgid)
{
	if (lang != LANG_JA || msgid == NULL)
		return msgid;
	if (state.cat == NULL && !state.tried)
		(void)i18n_load_default(NULL);
	const char *t = catalog_get(state.cat, context, msgid);
	return t != NULL ? t : msgid;
}

int
i18n_load(const char *path, char **cause)
{
	struct catalog *c = NULL;
	state.tried = true;         /* the caller chose: no default behind its back */
	if (catalog_open(path, &c, cause) != 0)
		return -1;
	catalog_free(state.cat);
	free(state.path);
	state.cat = c;
	state.path = xstrdup(path);
	free(state.error);
	state.error = NULL;
	return 0;
}

int
i18n_load_default(char **cause)
{
	if (state.cat != NULL)
		return 0;
	if (state.tried)
		return fail_raw(cause, "%s", state.error ? state.error : "no catalogue loaded");
	/* The checkout's: only where it exists, as ./conf/lgotp.ini is used only
	 * where it exists; a damaged one is reported, not passed over. */
	const char *local = LGOTP_BUILD_LOCALEDIR MO_TAIL;
	const char *path = access(local, F_OK) == 0 ? local : LGOTP_LOCALEDIR MO_TAIL;
	char *why = NULL;
	if (i18n_load(path, &why) == 0)
		return 0;
	state.error = xasprintf("%s (Japanese texts are shown in English)", why);
	free(why);
	return fail_raw(cause, "%s", state.error);
}

const char *
i18n_catalog_path(void)
{
	return state.path;
}

void
i18n_unload(void)
{
	catalog_free(state.cat);
	free(state.path);
	free(state.error);
	state.cat = NULL;
	state.path = NULL;
	state.error = NULL;
	state.tried = false;
}

enum lang
i18n_lang_from_env(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);
		if (v == NULL || *v == '\0')
			continue;
		bool ja = strncmp(v, "ja", 2) == 0 &&
		    (v[2] == '\0' || v[2] == '_' || v[2] == '.' || v[2] == '@');
		return ja ? LANG_JA : LANG_EN;
	}
	return LANG_EN;
}
