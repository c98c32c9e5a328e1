/*
 * report.h - reports: tables computed from the records, shown on screen
 * (ui_table) and written as CSV (`lgotp report NAME`).  Each report is one
 * entry of a table of builders; the builders read the declarations
 * (conf/survey.ini, the year files) for everything year-dependent.
 */
#ifndef LGOTP_REPORT_H
#define LGOTP_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "app.h"
#include "csv.h"

struct table {
	size_t ncols;
	char **ids;                 /* CSV header: ASCII ids */
	char **head;                /* column titles in the app's language */
	char **cells;               /* nrows x ncols, row-major, each malloc'd */
	size_t nrows, cap;
	char *summary;              /* a line shown above the table (counts), or NULL */
	bool totals;                /* the last row is a totals row */
};

void table_init(struct table *t, size_t ncols);
/* Set column C's id and title (copied). */
void table_column(struct table *t, size_t c, const char *id, const char *head);
/* Append a row of ncols values (copied; NULL is ""). */
void table_add(struct table *t, const char *const *values);
const char *table_cell(const struct table *t, size_t row, size_t col);
void table_free(struct table *t);
/* Write as CSV: header of ids (or titles with HEADINGS), then the rows. */
int table_write_csv(const struct table *t, FILE *f, enum csv_encoding enc, bool headings,
    FILE *err);

struct report_opts {
	int fy;                     /* 0: the survey year from the settings */
};

struct report_def {
	const char *name;
	const char *title[LANG_COUNT];  /* a declared report's, from conf/reports.ini */
	const char *msgid;              /* a built-in report's title (i18n.h), or NULL */
	int (*build)(const struct report_def *rd, struct app *app, const struct report_opts *opts,
	    struct table *t, char **cause);
	const struct list_report_def *list;     /* a report declared in conf/reports.ini */
};

/*
 * The report called NAME: one built in, or one conf/reports.ini declares.
 * NULL when there is none.  The returned report lives as long as SCHEMA.
 */
const struct report_def *report_find(const struct schema *schema, const char *name);
/* RD's title in LANG: a built-in one's from the catalogue, a declared one's from its file. */
const char *report_title(const struct report_def *rd, enum lang lang);
/* Names of all reports, for messages: "survey-status, chase, ..." (static until the next call). */
const char *report_names(const struct schema *schema);
/* Build RD's table. */
int report_build(const struct report_def *rd, struct app *app, const struct report_opts *opts,
    struct table *t, char **cause);

#endif
