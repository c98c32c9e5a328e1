/*
 * app_fixture.h - what unit tests of the programme's own rules share: the
 * project's conf/ and screens/ loaded, a temporary database, and the app
 * as lgotp holds them, in English.  Header-only (each test program is one
 * .c file); include it after the project's headers and <cmocka.h>.
 */
#ifndef LGOTP_APP_FIXTURE_H
#define LGOTP_APP_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "record.h"
#include "schema.h"
#include "util.h"
#include "validate.h"

struct app_fixture {
	char dir[64];
	struct app app;
};

/* A new fixture: database under /tmp/lgotp-NAME-XXXXXX, today TODAY (YYYY-MM-DD). */
static inline struct app_fixture *
app_fixture_open(const char *name, const char *today)
{
	struct app_fixture *fx = xcalloc(1, sizeof *fx);
	snprintf(fx->dir, sizeof fx->dir, "/tmp/lgotp-%s-XXXXXX", name);
	assert_non_null(mkdtemp(fx->dir));
	char *why = NULL;
	if (db_open(fx->dir, &fx->app.db, &why) != 0)
		fail_msg("%s: %s", fx->dir, why);
	struct strlist errs = { 0 };
	fx->app.schema = schema_load("conf/lgotp.ini", NULL, &errs);
	for (size_t i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.v[i]);
	strlist_free(&errs);
	assert_non_null(fx->app.schema);
	app_set_lang(&fx->app, LANG_EN);
	fx->app.today = xstrdup(today);
	fx->app.env = (struct lookup_env){ fx->app.db, fx->app.schema, fx->app.today };
	validate_ctx_init(&fx->app.ctx, &fx->app.env, LANG_EN);
	return fx;
}

static inline void
app_fixture_close(struct app_fixture *fx)
{
	db_close(fx->app.db);
	schema_free(fx->app.schema);
	free(fx->app.today);
	char *cmd = xasprintf("rm -rf '%s'", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(fx);
}

/* A record from "field=value|field=value" (values may hold anything but '|'). */
static inline struct record *
app_fixture_record(const char *spec)
{
	struct record *r = record_new();
	struct strlist parts = { 0 };
	split_trim(spec, '|', &parts);
	for (size_t i = 0; i < parts.n; i++) {
		char *eq = strchr(parts.v[i], '=');
		if (eq) {
			*eq = '\0';
			record_set(r, parts.v[i], eq + 1);
		}
	}
	strlist_free(&parts);
	return r;
}

/*
 * The project's schema alone, no database, for tests of rules and types:
 * CTX reads in English and looks nothing up (references are taken as the
 * codes they are).  Free with schema_free.
 */
static inline struct schema *
schema_fixture_load(struct ftype_ctx *ctx, struct lookup_env *env)
{
	struct strlist errs = { 0 };
	struct schema *s = schema_load("conf/lgotp.ini", NULL, &errs);
	for (size_t i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.v[i]);
	strlist_free(&errs);
	assert_non_null(s);
	*env = (struct lookup_env){ .schema = s };
	validate_ctx_init(ctx, env, LANG_EN);
	ctx->lookup = NULL;
	return s;
}

#endif
