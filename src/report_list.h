/*
 * report_list.h - a list report declared in conf/reports.ini: the records
 * of one screen for a fiscal year, chosen columns (a code shown with the
 * name it stands for), and a totals row for the columns that add up.
 */
#ifndef LGOTP_REPORT_LIST_H
#define LGOTP_REPORT_LIST_H

#include "report.h"

int report_list(const struct report_def *rd, struct app *app, const struct report_opts *opts,
    struct table *t, char **cause);

#endif
