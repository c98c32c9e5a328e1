/*
 * ui.h - the three kinds of screen: the menu, the form (entry of new
 * records, or editing one), and the list (browse with incremental search,
 * also used to pick a value for a field).  Each runs its own key loop and
 * returns when the operator leaves it.
 */
#ifndef LGOTP_UI_H
#define LGOTP_UI_H

#include <stdbool.h>
#include <stdint.h>

#include "app.h"
#include "report.h"

/* The menu of conf/menu.ini; returns when the operator quits. */
void ui_menu(struct app *app);

/* Entry of new records on SD (KEY NULL), or editing record KEY. */
void ui_form(struct app *app, const struct screen_def *sd, const char *key);

/*
 * Verify mode of a screen with verify = yes: the records others keyed and
 * that wait for a second keying, oldest first, each with its key fields
 * shown and every other field empty to be keyed again (rekey.h).
 */
void ui_verify(struct app *app, const struct screen_def *sd);

/*
 * The records of SD with incremental search starting from QUERY.  With
 * PICK, Enter returns the chosen record's key (malloc'd; NULL when the
 * operator left); otherwise Enter opens the record in the form and the list
 * returns NULL when left.
 */
char *ui_list(struct app *app, const struct screen_def *sd, bool pick, const char *query);

/*
 * Pick from a given list of SD's records (e.g. candidates ranked), shown
 * in that order under TITLE; takes ownership of RECS.  Returns the chosen
 * record's key (malloc'd) or NULL.
 */
char *ui_pick_from(struct app *app, const struct screen_def *sd, struct record **recs, size_t n,
    const char *title);

/* Show a report's table under TITLE until the operator leaves. */
void ui_table(struct app *app, const struct table *t, const char *title);

/*
 * Delete record KEY (read at VERSION) of SD after asking, unless the role
 * may not or another record names it (the status line says which).
 * Returns true when it was deleted.
 */
bool ui_delete(struct app *app, const struct screen_def *sd, const char *key, uint32_t version);

/* Pick one of F's choices; returns the code (malloc'd) or NULL. */
char *ui_pick_choice(struct app *app, const struct field_def *f, const char *current);

#endif
