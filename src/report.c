#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "report_survey.h"
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

static const struct report_def survey_status_report = {
	"survey-status", { "利用要望調査 提出状況", "Survey status board" }, report_survey_status
};
static const struct report_def chase_report = {
	"chase", { "督促リスト (期限超過)", "Chase list (late bodies)" }, report_chase
};

static const struct report_def *const reports[] = {
	&survey_status_report,
	&chase_report,
	NULL,
};

const struct report_def *
report_find(const char *name)
{
	for (size_t i = 0; reports[i]; i++)
		if (strcmp(reports[i]->name, name) == 0)
			return reports[i];
	return NULL;
}

const struct report_def *const *
report_all(void)
{
	return reports;
}
