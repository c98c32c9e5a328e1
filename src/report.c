#include "report.h"

#include "rekey.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "report_crosstab.h"
#include "report_list.h"
#include "report_survey.h"
#include "stats.h"
#include "util.h"

void
table_init(struct table *t, size_t ncols)
{
	memset(t, 0, sizeof *t);
	t->ncols = ncols;
	t->ids = xcalloc(ncols, sizeof *t->ids);
	t->head = xcalloc(ncols, sizeof *t->head);
}

void
table_column(struct table *t, size_t c, const char *id, const char *head)
{
	free(t->ids[c]);
	free(t->head[c]);
	t->ids[c] = xstrdup(id);
	t->head[c] = xstrdup(head);
}

void
table_add(struct table *t, const char *const *values)
{
	t->cells = xgrow(t->cells, &t->cap, (t->nrows + 1) * t->ncols, sizeof *t->cells);
	for (size_t c = 0; c < t->ncols; c++)
		t->cells[t->nrows * t->ncols + c] = xstrdup(values[c] ? values[c] : "");
	t->nrows++;
}

const char *
table_cell(const struct table *t, size_t row, size_t col)
{
	return row < t->nrows && col < t->ncols ? t->cells[row * t->ncols + col] : "";
}

void
table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	for (size_t c = 0; c < t->ncols; c++) {
		free(t->ids[c]);
		free(t->head[c]);
	}
	free(t->cells);
	free(t->ids);
	free(t->head);
	free(t->summary);
	memset(t, 0, sizeof *t);
}

int
table_write_csv(const struct table *t, FILE *f, enum csv_encoding enc, bool headings, FILE *err)
{
	struct csv_writer *w = csv_writer_new(f, enc);
	if (w == NULL) {
		fprintf(err, "lgotp: %s\n", _("this system cannot write that encoding"));
		return 2;
	}
	int rc = 0;
	char *why = NULL;
	if (csv_write(w, (const char *const *)(headings ? t->head : t->ids), t->ncols, false, &why) != 0) {
		fprintf(err, "lgotp: %s\n", why);
		free(why);
		rc = 1;
	}
	for (size_t r = 0; r < t->nrows; r++) {
		if (csv_write(w, (const char *const *)&t->cells[r * t->ncols], t->ncols, true, &why) != 0) {
			size_t c;
			const char *rest = csv_write_cause(why, &c);
			if (c < t->ncols)
				fprintf(err, _("lgotp: row %zu (%s): %s: %s\n"), r + 1, table_cell(t, r, 0),
				    t->head[c] ? t->head[c] : t->ids[c], rest);
			else
				fprintf(err, _("lgotp: row %zu (%s): %s\n"), r + 1, table_cell(t, r, 0), why);
			free(why);
			why = NULL;
			rc = 1;
		}
	}
	csv_writer_free(w);
	return rc;
}

static int
build_survey_status(const struct report_def *rd, struct app *app, const struct report_opts *opts,
    struct table *t, char **cause)
{
	(void)rd;
	return report_survey_status(app, opts, t, cause);
}

static int
build_chase(const struct report_def *rd, struct app *app, const struct report_opts *opts,
    struct table *t, char **cause)
{
	(void)rd;
	return report_chase(app, opts, t, cause);
}

/* N of D as a percentage with one decimal, or "" when D is 0. */
static void
percent(char *buf, size_t size, long n, long d)
{
	if (d > 0)
		snprintf(buf, size, "%.1f", 100.0 * (double)n / (double)d);
	else
		snprintf(buf, size, "%s", "");
}

/* The verification columns shared by `operators` and `operator-fields`. */
static void
verify_columns(struct table *t, size_t c)
{
	table_column(t, c, "checked", _("fields checked"));
	table_column(t, c + 1, "keyed_errors", _("keying errors"));
	table_column(t, c + 2, "keyed_error_rate", _("keying error %"));
	table_column(t, c + 3, "rekeyed", _("fields re-keyed"));
	table_column(t, c + 4, "verify_errors", _("verifying errors"));
	table_column(t, c + 5, "verify_error_rate", _("verifying error %"));
}

/* The six values of verify_columns for C, into CELLS[0..5] of 32 bytes. */
static void
verify_cells(char cells[6][32], const struct stats_counts *c)
{
	snprintf(cells[0], 32, "%ld", c->checked);
	snprintf(cells[1], 32, "%ld", c->keyed_errors);
	percent(cells[2], 32, c->keyed_errors, c->checked);
	snprintf(cells[3], 32, "%ld", c->rekeyed);
	snprintf(cells[4], 32, "%ld", c->verify_errors);
	percent(cells[5], 32, c->verify_errors, c->rekeyed);
}

static int
stats_row(void *arg, const char *day, const char *user, const char *screen, const char *field,
    const struct stats_counts *c)
{
	struct table *t = arg;
	if (field != NULL)
		return 0;
	char rec[32], keys[32], per[32], corr[32], rate[32], ver[32], v[6][32];
	snprintf(rec, sizeof rec, "%ld", c->records);
	snprintf(keys, sizeof keys, "%ld", c->keystrokes);
	snprintf(per, sizeof per, "%.1f", c->records ? (double)c->keystrokes / (double)c->records : 0.0);
	snprintf(corr, sizeof corr, "%ld", c->corrections);
	snprintf(rate, sizeof rate, "%.1f",
	    c->keystrokes ? 100.0 * (double)c->corrections / (double)c->keystrokes : 0.0);
	snprintf(ver, sizeof ver, "%ld", c->verified);
	verify_cells(v, c);
	const char *row[] = { day, user, screen, rec, keys, per, corr, rate, ver,
		v[0], v[1], v[2], v[3], v[4], v[5] };
	table_add(t, row);
	return 0;
}

/*
 * Per operator, day and screen: records keyed, keystrokes, corrections,
 * records verified, and the keying and verifying error rates that double
 * keying found (rekey.h).
 */
static int
build_operators(const struct report_def *rd, struct app *app, const struct report_opts *opts,
    struct table *t, char **cause)
{
	(void)rd;
	(void)opts;
	table_init(t, 15);
	table_column(t, 0, "day", _("day"));
	table_column(t, 1, "user", _("user"));
	table_column(t, 2, "screen", _("screen"));
	table_column(t, 3, "records", _("records"));
	table_column(t, 4, "keystrokes", _("keystrokes"));
	table_column(t, 5, "keys_per_record", _("keys per record"));
	table_column(t, 6, "corrections", _("corrections"));
	table_column(t, 7, "corrections_per_100_keys", _("corrections per 100 keys"));
	table_column(t, 8, "verified", _("records verified"));
	verify_columns(t, 9);
	if (stats_each(app->db, stats_row, t, cause) != 0) {
		table_free(t);
		return -1;
	}
	t->summary = xstrdup(
	    _("corrections: Backspace, Delete, Ctrl-U and going back a field; errors: found by double keying"));
	return 0;
}

struct field_rows {
	struct table *t;
	const struct app *app;
};

static int
field_row(void *arg, const char *day, const char *user, const char *screen, const char *field,
    const struct stats_counts *c)
{
	struct field_rows *fr = arg;
	if (field == NULL)
		return 0;
	const struct screen_def *sd = schema_screen(fr->app->schema, screen);
	int fi = sd ? schema_field_index(sd, field) : -1;
	const char *label = fi >= 0 ? sd->fields[fi].label[i18n_lang()] : field;
	char v[6][32];
	verify_cells(v, c);
	const char *row[] = { day, user, screen, field, label, v[0], v[1], v[2], v[3], v[4], v[5] };
	table_add(fr->t, row);
	return 0;
}

/* Per operator, day, screen and field: what double keying found, where errors come from. */
static int
build_operator_fields(const struct report_def *rd, struct app *app, const struct report_opts *opts,
    struct table *t, char **cause)
{
	(void)rd;
	(void)opts;
	table_init(t, 11);
	table_column(t, 0, "day", _("day"));
	table_column(t, 1, "user", _("user"));
	table_column(t, 2, "screen", _("screen"));
	table_column(t, 3, "field", _("field id"));
	table_column(t, 4, "label", _("field"));
	verify_columns(t, 5);
	struct field_rows fr = { t, app };
	if (stats_each(app->db, field_row, &fr, cause) != 0) {
		table_free(t);
		return -1;
	}
	return 0;
}

struct keyer_rows {
	struct table *t;
	const struct app *app;
};

static int
keyer_row(void *arg, const struct rekey_keyer *k)
{
	struct keyer_rows *kr = arg;
	const struct settings *st = &kr->app->schema->settings;
	char c[9][32];
	snprintf(c[0], 32, "%ld", k->keyed);
	snprintf(c[1], 32, "%ld", k->waiting);
	snprintf(c[2], 32, "%ld", k->verified);
	snprintf(c[3], 32, "%ld", k->corrected);
	snprintf(c[4], 32, "%ld", k->unsampled);
	snprintf(c[5], 32, "%ld", k->checked);
	snprintf(c[6], 32, "%ld", k->errors);
	percent(c[7], 32, k->errors, k->checked);
	/* What the next record of theirs gets. */
	if (rekey_verify_all(st->verify_new_keyer, st->verify_sample, st->verify_max_error_rate,
	    k->keyed, k->checked, k->errors))
		snprintf(c[8], 32, "%s", _("all"));
	else
		snprintf(c[8], 32, _("1 in %ld"), st->verify_sample);
	const char *row[] = { k->screen, k->user, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8] };
	table_add(kr->t, row);
	return 0;
}

/* Per verify screen and keyer: records keyed, waiting, verified, corrected, and the sampling now. */
static int
build_verification(const struct report_def *rd, struct app *app, const struct report_opts *opts,
    struct table *t, char **cause)
{
	(void)rd;
	(void)opts;
	table_init(t, 11);
	table_column(t, 0, "screen", _("screen"));
	table_column(t, 1, "keyer", _("keyer"));
	table_column(t, 2, "keyed", _("keyed"));
	table_column(t, 3, "waiting", _("waiting"));
	table_column(t, 4, "verified", _("verified"));
	table_column(t, 5, "corrected", _("corrected"));
	table_column(t, 6, "not_sampled", _("not sampled"));
	table_column(t, 7, "checked", _("fields checked"));
	table_column(t, 8, "errors", _("keying errors"));
	table_column(t, 9, "error_rate", _("keying error %"));
	table_column(t, 10, "sampling", _("next sampling"));
	struct keyer_rows kr = { t, app };
	if (rekey_each_keyer(app->db, app->schema, keyer_row, &kr, cause) != 0) {
		table_free(t);
		return -1;
	}
	return 0;
}

static const struct report_def builtin[] = {
	{ "operators", { NULL, NULL }, N_("Operator statistics"), build_operators, NULL },
	{ "operator-fields", { NULL, NULL }, N_("Errors by operator and field"),
	  build_operator_fields, NULL },
	{ "verification", { NULL, NULL }, N_("Double keying: verification status"),
	  build_verification, NULL },
	{ "survey-status", { NULL, NULL }, N_("Survey status board"), build_survey_status, NULL },
	{ "chase", { NULL, NULL }, N_("Chase list (late bodies)"), build_chase, NULL },
	{ "by-country", { NULL, NULL }, N_("Acceptance by country and year"),
	  report_by_country, NULL },
	{ "by-prefecture", { NULL, NULL }, N_("Acceptance by prefecture and year"),
	  report_by_prefecture, NULL },
	{ "by-field", { NULL, NULL }, N_("Acceptance by field and year"),
	  report_by_field, NULL },
};
#define NBUILTIN (sizeof builtin / sizeof builtin[0])

/* The declared reports as report_defs, made once for the schema in use. */
static struct report_def *declared;
static const struct schema *declared_for;

static void
free_declared(void)
{
	free(declared);
	declared = NULL;
}

static void
make_declared(const struct schema *schema)
{
	if (declared_for == schema && declared)
		return;
	if (declared == NULL)
		atexit(free_declared);
	free(declared);
	declared = xcalloc(schema->nreports ? schema->nreports : 1, sizeof *declared);
	for (size_t i = 0; i < schema->nreports; i++) {
		const struct list_report_def *l = &schema->reports[i];
		declared[i] = (struct report_def){ l->name, { l->title[LANG_JA], l->title[LANG_EN] },
			NULL, report_list, l };
	}
	declared_for = schema;
}

const struct report_def *
report_find(const struct schema *schema, const char *name)
{
	for (size_t i = 0; i < NBUILTIN; i++)
		if (strcmp(builtin[i].name, name) == 0)
			return &builtin[i];
	make_declared(schema);
	for (size_t i = 0; i < schema->nreports; i++)
		if (strcmp(declared[i].name, name) == 0)
			return &declared[i];
	return NULL;
}

const char *
report_title(const struct report_def *rd, enum lang lang)
{
	return rd->msgid != NULL ? L_(lang, rd->msgid) : rd->title[lang == LANG_EN ? LANG_EN : LANG_JA];
}

const char *
report_names(const struct schema *schema)
{
	static char *names;
	struct strbuf sb = SB_INIT;
	for (size_t i = 0; i < NBUILTIN; i++)
		sb_addf(&sb, "%s%s", sb.len ? ", " : "", builtin[i].name);
	for (size_t i = 0; i < schema->nreports; i++)
		sb_addf(&sb, "%s%s", sb.len ? ", " : "", schema->reports[i].name);
	free(names);
	names = sb_detach(&sb);
	return names;
}

int
report_build(const struct report_def *rd, struct app *app, const struct report_opts *opts,
    struct table *t, char **cause)
{
	return rd->build(rd, app, opts, t, cause);
}
