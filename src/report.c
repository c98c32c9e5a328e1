#include "report.h"

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
		fprintf(err, "lgotp: this system cannot write that encoding\n");
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
			fprintf(err, "lgotp: row %zu (%s): %s\n", r + 1, table_cell(t, r, 0), why);
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

static int
stats_row(void *arg, const char *day, const char *user, const char *screen,
    const struct stats_counts *c)
{
	struct table *t = arg;
	char rec[32], keys[32], per[32], corr[32], rate[32];
	snprintf(rec, sizeof rec, "%ld", c->records);
	snprintf(keys, sizeof keys, "%ld", c->keystrokes);
	snprintf(per, sizeof per, "%.1f", c->records ? (double)c->keystrokes / (double)c->records : 0.0);
	snprintf(corr, sizeof corr, "%ld", c->corrections);
	snprintf(rate, sizeof rate, "%.1f",
	    c->keystrokes ? 100.0 * (double)c->corrections / (double)c->keystrokes : 0.0);
	const char *row[] = { day, user, screen, rec, keys, per, corr, rate };
	table_add(t, row);
	return 0;
}

/* Per operator, day and screen: records keyed, keystrokes, corrections. */
static int
build_operators(const struct report_def *rd, struct app *app, const struct report_opts *opts,
    struct table *t, char **cause)
{
	(void)rd;
	(void)opts;
	table_init(t, 8);
	table_column(t, 0, "day", _("day"));
	table_column(t, 1, "user", _("user"));
	table_column(t, 2, "screen", _("screen"));
	table_column(t, 3, "records", _("records"));
	table_column(t, 4, "keystrokes", _("keystrokes"));
	table_column(t, 5, "keys_per_record", _("keys per record"));
	table_column(t, 6, "corrections", _("corrections"));
	table_column(t, 7, "corrections_per_100_keys", _("corrections per 100 keys"));
	if (stats_each(app->db, stats_row, t, cause) != 0) {
		table_free(t);
		return -1;
	}
	t->summary = xstrdup(_("corrections: Backspace, Delete, Ctrl-U and going back a field"));
	return 0;
}

static const struct report_def builtin[] = {
	{ "operators", { NULL, NULL }, N_("Operator statistics"), build_operators, NULL },
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
