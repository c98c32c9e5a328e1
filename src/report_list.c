#include "report_list.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "util.h"

/* A column's cell: the stored value, with the name or label it stands for. */
static char *
cell(struct app *app, const struct field_def *f, const char *v)
{
	if (*v == '\0' || (f->ref == NULL && f->nchoices == 0))
		return xstrdup(v);
	char *echo = f->type->echo(f, &app->ctx, v);
	char *s = *echo ? xasprintf("%s %s", v, echo) : xstrdup(v);
	free(echo);
	return s;
}

int
report_list(const struct report_def *rd, struct app *app, const struct report_opts *opts,
    struct table *t, char **cause)
{
	const struct list_report_def *l = rd->list;
	const struct screen_def *sd = l->screen;
	int fy = opts->fy ? opts->fy : (int)app->schema->settings.survey_year;
	char fys[16];
	snprintf(fys, sizeof fys, "%d", fy);
	struct record **recs = NULL;
	size_t n = 0;
	if (store_list(app->db, sd, NULL, false, (size_t)-1, &recs, &n, cause) != 0)
		return -1;
	table_init(t, l->ncolumns);
	for (size_t c = 0; c < l->ncolumns; c++) {
		const struct field_def *f = &sd->fields[l->columns[c]];
		table_column(t, c, f->id, f->label[i18n_lang()]);
	}
	long *sums = xcalloc(l->ncolumns ? l->ncolumns : 1, sizeof *sums);
	const char **row = xcalloc(l->ncolumns ? l->ncolumns : 1, sizeof *row);
	char **owned = xcalloc(l->ncolumns ? l->ncolumns : 1, sizeof *owned);
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		if (l->fy >= 0 && strcmp(record_get(recs[i], sd->fields[l->fy].id), fys) != 0)
			continue;
		for (size_t c = 0; c < l->ncolumns; c++) {
			const struct field_def *f = &sd->fields[l->columns[c]];
			const char *v = record_get(recs[i], f->id);
			owned[c] = cell(app, f, v);
			row[c] = owned[c];
			if (l->total[c] && *v) {
				errno = 0;
				long x = strtol(v, NULL, 10);
				if (errno == 0)
					sums[c] += x;
			}
		}
		table_add(t, row);
		for (size_t c = 0; c < l->ncolumns; c++)
			free(owned[c]);
		shown++;
	}
	bool any_total = false;
	for (size_t c = 0; c < l->ncolumns; c++)
		any_total |= l->total[c];
	if (any_total) {
		for (size_t c = 0; c < l->ncolumns; c++) {
			owned[c] = l->total[c] ? xasprintf("%ld", sums[c])
			    : c == 0 ? xstrdup(C_("row", "Total")) : xstrdup("");
			row[c] = owned[c];
		}
		table_add(t, row);
		for (size_t c = 0; c < l->ncolumns; c++)
			free(owned[c]);
		t->totals = true;
	}
	t->summary = xasprintf(_("FY%d  %zu records"), fy, shown);
	free(sums);
	free(row);
	free(owned);
	store_free_list(recs, n);
	return 0;
}
