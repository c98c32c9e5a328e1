#include "report_survey.h"

#include <stdlib.h>
#include <string.h>

#include "rule.h"
#include "store.h"
#include "survey_status.h"
#include "util.h"

struct board_run {
	struct app *app;
	const struct board_def *b;
	char fy[8];
	struct table *t;
	bool chase;
	long counts[8][SURVEY_STATE_COUNT];
	char *error;
};

/* A record holding only the form screen's key fields (fiscal year, body). */
static struct record *
form_key_record(const struct screen_def *form, const char *fy, const char *code)
{
	struct record *k = record_new();
	record_set(k, form->fields[form->key[0]].id, fy);
	record_set(k, form->fields[form->key[1]].id, code);
	return k;
}

struct expect_env {
	struct app *app;
	const struct record *keyrec;
};

static int
expect_resolve(void *arg, const struct rule_ref *ref, char **out, char **cause)
{
	struct expect_env *ee = arg;
	(void)cause;
	if (ref->kind == RULE_OTHER) {
		const struct screen_def *o = schema_screen(ee->app->schema, ref->a);
		struct record *r = NULL;
		char *key = o ? store_key(o, ee->keyrec) : NULL;
		char *why = NULL;
		if (key && store_get(ee->app->db, o, key, &r, &why) == 0) {
			*out = xstrdup(record_get(r, ref->b));
			record_free(r);
		} else {
			*out = xstrdup("");
		}
		free(why);
		free(key);
		return 0;
	}
	*out = xstrdup(ref->kind == RULE_FIELD ? record_get(ee->keyrec, ref->a) : "");
	return 0;
}

static bool
kind_surveyed(const struct board_def *b, const char *kind)
{
	return b->kinds.n == 0 || strlist_has(&b->kinds, kind);
}

/* A field's value as a person reads it: a choice's label, else the value. */
static const char *
shown_value(const struct screen_def *sd, const char *id, const char *v, enum lang lang)
{
	int fi = schema_field_index(sd, id);
	if (fi < 0)
		return v;
	const struct field_def *f = &sd->fields[fi];
	for (size_t i = 0; i < f->nchoices; i++)
		if (strcmp(f->choices[i].code, v) == 0)
			return f->choices[i].label[lang];
	return v;
}

static int
board_body(void *arg, struct record *body)
{
	struct board_run *br = arg;
	struct app *app = br->app;
	const struct board_def *b = br->b;
	if (!kind_surveyed(b, record_get(body, b->kind_field)))
		return 0;
	const char *code = record_get(body, b->bodies->fields[b->bodies->key[0]].id);
	size_t ncols = br->t->ncols;
	const char **row = xcalloc(ncols, sizeof *row);
	char **owned = xcalloc(ncols, sizeof *owned);
	size_t c = 0;
	bool late = false;
	struct strbuf late_forms = SB_INIT;
	if (!br->chase)
		for (size_t i = 0; i < b->columns.n; i++)
			row[c++] = shown_value(b->bodies, b->columns.v[i], record_get(body, b->columns.v[i]),
			    i18n_lang());
	for (size_t f = 0; f < b->nforms; f++) {
		const struct board_form *bf = &b->forms[f];
		struct record *keyrec = form_key_record(bf->screen, br->fy, code);
		char *key = store_key(bf->screen, keyrec);
		struct record *rec = NULL;
		char *why = NULL;
		int rc = store_get(app->db, bf->screen, key, &rec, &why);
		if (rc < 0 && br->error == NULL)
			br->error = why;
		else
			free(why);
		const char *received = rc == 0 ? record_get(rec, bf->received) : "";
		/* A form received counts whatever the date field says. */
		if (rc == 0 && *received == '\0')
			received = "0000-00-00";
		const char *due = schema_year_setting(app->schema, atoi(br->fy), bf->due_section,
		    bf->due_key);
		bool expected = true;
		if (bf->expected) {
			struct expect_env ee = { app, keyrec };
			bool holds = true;
			char *ewhy = NULL;
			/* Empty values make a rule hold: with no 様式1 at all, 様式3 is not
			 * yet known to be expected, so an empty answer means "not expected". */
			char *answer = NULL;
			const struct rule_ref *refs;
			size_t nrefs = rule_refs(bf->expected, &refs);
			bool any_answer = false;
			for (size_t k = 0; k < nrefs; k++) {
				if (refs[k].kind != RULE_OTHER)
					continue;
				expect_resolve(&ee, &refs[k], &answer, &ewhy);
				any_answer |= *answer != '\0';
				free(answer);
			}
			if (rule_eval(bf->expected, expect_resolve, &ee, app->today, &holds, &ewhy) != 0) {
				free(ewhy);
				holds = false;
			}
			expected = holds && any_answer;
		}
		enum survey_state st = survey_state(rc == 0 ? received : "", due ? due : "", app->today,
		    expected);
		br->counts[f][st]++;
		if (survey_state_is_late(st)) {
			late = true;
			sb_addf(&late_forms, "%s%s", late_forms.len ? " " : "", bf->screen->title[i18n_lang()]);
		}
		if (!br->chase) {
			row[c++] = survey_state_name(st, i18n_lang());
			owned[c] = xstrdup(rc == 0 && strcmp(received, "0000-00-00") != 0 ? received : "");
			row[c] = owned[c];
			c++;
		}
		record_free(rec);
		free(key);
		record_free(keyrec);
	}
	if (br->chase && late) {
		row[c++] = code;
		row[c++] = record_get(body, b->bodies->fields[b->bodies->label].id);
		owned[c] = sb_detach(&late_forms);
		row[c] = owned[c];
		c++;
		for (size_t i = 0; i < b->contacts.n; i++)
			row[c++] = record_get(body, b->contacts.v[i]);
	}
	if (!br->chase || late)
		table_add(br->t, row);
	sb_free(&late_forms);
	for (size_t i = 0; i < ncols; i++)
		free(owned[i]);
	free(owned);
	free(row);
	return br->error != NULL;
}

static int
run_board(struct app *app, const struct report_opts *opts, struct table *t, bool chase,
    char **cause)
{
	const struct board_def *b = app->schema->board;
	if (b == NULL || b->bodies == NULL)
		return fail(cause, "the survey board is not set up (conf/survey.ini)");
	struct board_run br = { .app = app, .b = b, .t = t, .chase = chase };
	int fy = opts->fy ? opts->fy : (int)app->schema->settings.survey_year;
	snprintf(br.fy, sizeof br.fy, "%d", fy);
	size_t nforms = b->nforms < 8 ? b->nforms : 8;
	if (chase) {
		table_init(t, 3 + b->contacts.n);
		table_column(t, 0, "code", b->bodies->fields[b->bodies->key[0]].label[i18n_lang()]);
		table_column(t, 1, "name", b->bodies->fields[b->bodies->label].label[i18n_lang()]);
		table_column(t, 2, "late", _("late forms"));
		for (size_t i = 0; i < b->contacts.n; i++) {
			int fi = schema_field_index(b->bodies, b->contacts.v[i]);
			table_column(t, 3 + i, b->contacts.v[i], b->bodies->fields[fi].label[i18n_lang()]);
		}
	} else {
		table_init(t, b->columns.n + 2 * nforms);
		size_t c = 0;
		for (size_t i = 0; i < b->columns.n; i++, c++) {
			int fi = schema_field_index(b->bodies, b->columns.v[i]);
			table_column(t, c, b->columns.v[i], b->bodies->fields[fi].label[i18n_lang()]);
		}
		for (size_t f = 0; f < nforms; f++) {
			char *id = xasprintf("%s_state", b->forms[f].name);
			table_column(t, c++, id, b->forms[f].screen->title[i18n_lang()]);
			free(id);
			id = xasprintf("%s_received", b->forms[f].name);
			table_column(t, c++, id, _("received"));
			free(id);
		}
	}
	b = br.b;
	struct board_def trimmed = *b;
	trimmed.nforms = nforms;
	br.b = &trimmed;
	/* The bodies are read first: each row looks up its forms, and a
	 * transaction may not be opened inside another's scan. */
	struct record **bodies = NULL;
	size_t nbodies = 0;
	char *why = NULL;
	if (store_list(app->db, b->bodies, NULL, false, (size_t)-1, &bodies, &nbodies, &why) != 0) {
		table_free(t);
		*cause = why;
		return -1;
	}
	for (size_t i = 0; i < nbodies && br.error == NULL; i++)
		board_body(&br, bodies[i]);
	store_free_list(bodies, nbodies);
	if (br.error) {
		table_free(t);
		*cause = br.error;
		return -1;
	}
	struct strbuf sb = SB_INIT;
	char *fyname = xasprintf(_("FY%d"), fy);
	sb_addf(&sb, "%s  ", fyname);
	free(fyname);
	for (size_t f = 0; f < nforms; f++) {
		sb_addf(&sb, "%s%s:", f ? "  " : "", b->forms[f].screen->title[i18n_lang()]);
		for (int st = 0; st < SURVEY_STATE_COUNT; st++)
			if (br.counts[f][st])
				sb_addf(&sb, " %s %ld", survey_state_name((enum survey_state)st, i18n_lang()),
				    br.counts[f][st]);
	}
	t->summary = sb_detach(&sb);
	return 0;
}

int
report_survey_status(struct app *app, const struct report_opts *opts, struct table *t,
    char **cause)
{
	return run_board(app, opts, t, false, cause);
}

int
report_chase(struct app *app, const struct report_opts *opts, struct table *t, char **cause)
{
	return run_board(app, opts, t, true, cause);
}
