/*
 * report_crosstab.h - acceptance records (受入実績) as tables of counts:
 * rows by country, by the hosts' prefecture, or by field of training;
 * columns by fiscal year from FY1996 (H8) to the last year held; totals
 * per row and per column.  Counts come from the aggregate history (which
 * may cover a range of years in one record: shown as its own column) plus
 * the individual trainees.
 */
#ifndef LGOTP_REPORT_CROSSTAB_H
#define LGOTP_REPORT_CROSSTAB_H

#include "report.h"

int report_by_country(const struct report_def *rd, struct app *app,
    const struct report_opts *opts, struct table *t, char **cause);
int report_by_prefecture(const struct report_def *rd, struct app *app,
    const struct report_opts *opts, struct table *t, char **cause);
int report_by_field(const struct report_def *rd, struct app *app,
    const struct report_opts *opts, struct table *t, char **cause);

#endif
