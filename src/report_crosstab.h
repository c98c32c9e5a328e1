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

/*
 * Build the table of the report RD (each reads [crosstab.RD->name] of
 * reports.ini): first column the row (a code and the name or label it
 * stands for; "(not set)" for records without one, last), then one column
 * per fiscal year present and one per range of years an aggregate record
 * covers, in order of their first year, then the row's total; a last row
 * of column totals (t->totals).  A cell is empty where no record counts,
 * "0" where records count none.  With OPTS->fy, only the columns holding
 * that year (an empty one for the year itself when none does).  Returns 0,
 * or -1 with *cause (a declaration that does not hold, a database error).
 */
int report_by_country(const struct report_def *rd, struct app *app,
    const struct report_opts *opts, struct table *t, char **cause);
int report_by_prefecture(const struct report_def *rd, struct app *app,
    const struct report_opts *opts, struct table *t, char **cause);
int report_by_field(const struct report_def *rd, struct app *app,
    const struct report_opts *opts, struct table *t, char **cause);

/*
 * Check the [crosstab.NAME] sections of reports.ini (beside the settings
 * file S was loaded from; the syntax is described at the top of that
 * file): every section is one of the reports above and each of those has
 * one; screens, fields, the row path and the filter rules exist.  Appends
 * "file:line: message" to ERRS for each problem (line 0 when the problem
 * is a section or file that is missing).  Returns 0 when there was none,
 * else -1.
 */
int report_crosstab_check(const struct schema *s, struct strlist *errs);

#endif
