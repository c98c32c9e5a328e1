/*
 * app.h - what one run of lgotp holds: the declarations, the database, the
 * language, and the look-up context the field types use.
 */
#ifndef LGOTP_APP_H
#define LGOTP_APP_H

#include <stdbool.h>

#include "db.h"
#include "ftype.h"
#include "schema.h"
#include "validate.h"

struct form_hooks;

struct app {
	struct schema *schema;
	struct db *db;
	enum lang lang;
	int lean;
	struct lookup_env env;
	struct ftype_ctx ctx;       /* ctx.lookup_arg points at env */
	char *today;                /* YYYY-MM-DD, fixed at start */
	struct access *access;      /* what this Unix user may do (roles.h); NULL: all */
	bool practice;              /* lgotp --practice: every title says so */
	const struct form_hooks *form_hooks;    /* told by entry forms (form_hooks.h); NULL: none */
	void *form_hooks_arg;
};

/* The text for the app's language: T(app, "日本語", "English"). */
#define T(app, ja, en) ((app)->lang == LANG_EN ? (en) : (ja))

#endif
