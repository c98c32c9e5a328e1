/*
 * ui_practice.h - practice mode in the terminal: over each entry form of a
 * screen that has samples, the sample document to key from as a read-only
 * panel in the rows the form leaves free, compared with what is saved,
 * and a score when the operator leaves the form or the samples run out.
 *
 * Each entry form of a screen with samples left is one round with its own
 * score.  Samples are shown in file order and not repeated in one run: a
 * form opened again goes on with the next sample not yet keyed.
 */
#ifndef LGOTP_UI_PRACTICE_H
#define LGOTP_UI_PRACTICE_H

#include <stdio.h>

#include "app.h"
#include "samples.h"

struct ui_practice;

/*
 * Start practice over APP (its database the throw-away copy) with the
 * samples SS (which must outlive it, checked by practice_copy_prepare):
 * sets app->practice and installs the entry-form hooks.
 */
struct ui_practice *ui_practice_new(struct app *app, const struct samples *ss);

/*
 * Every round's score that had any key, as plain text for a trainer to
 * keep, in the app's language; after the TUI has ended.
 */
void ui_practice_report(const struct ui_practice *up, FILE *f);

/* Remove the hooks from the app and free UP (NULL is allowed). */
void ui_practice_free(struct ui_practice *up);

#endif
