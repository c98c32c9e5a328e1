/*
 * report_survey.h - the demand survey's status board and chase list, as
 * conf/survey.ini declares them: which bodies are surveyed, each form's
 * screen and due date (from the fiscal year's settings), and when a form
 * is expected at all.
 */
#ifndef LGOTP_REPORT_SURVEY_H
#define LGOTP_REPORT_SURVEY_H

#include "report.h"

/* One row per surveyed body: its columns, then each form's state and date. */
int report_survey_status(struct app *app, const struct report_opts *opts, struct table *t,
    char **cause);
/* The late bodies with their contacts and the forms they owe. */
int report_chase(struct app *app, const struct report_opts *opts, struct table *t, char **cause);

#endif
