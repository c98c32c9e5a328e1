/*
 * app.h - what one run of lgotp holds: the declarations, the database and
 * the look-up context the field types use.  The UI language is i18n.h's
 * (process-wide, as gettext's is); app_set_lang keeps the field types'
 * context in step with it.
 */
#ifndef LGOTP_APP_H
#define LGOTP_APP_H

#include <stdbool.h>

#include "db.h"
#include "ftype.h"
#include "i18n.h"
#include "schema.h"
#include "validate.h"

struct form_hooks;

struct app {
	struct schema *schema;
	struct db *db;
	int lean;
	struct lookup_env env;
	struct ftype_ctx ctx;       /* ctx.lookup_arg points at env */
	char *today;                /* YYYY-MM-DD, fixed at start */
	struct access *access;      /* what this Unix user may do (roles.h); NULL: all */
	bool practice;              /* lgotp --practice: every title says so */
	const struct form_hooks *form_hooks;    /* told by entry forms (form_hooks.h); NULL: none */
	void *form_hooks_arg;
};

/* Set the UI language (i18n_set_lang) and the field types' (ctx.lang) together. */
static inline void
app_set_lang(struct app *app, enum lang lang)
{
	i18n_set_lang(lang);
	app->ctx.lang = i18n_lang();
}

#endif
