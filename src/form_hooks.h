/*
 * form_hooks.h - what the entry form tells a mode layered over it (practice
 * mode, ui_practice.c), so that such a mode lives in its own files and the
 * form knows nothing of it.
 *
 * The form (ui_form.c) calls these only when it was opened for entering
 * new records (ui_form with KEY NULL), never when opened to edit one
 * record from a list.  ARG is app->form_hooks_arg.  Every member may be
 * NULL.  A hook that draws must leave the cursor where it found it.
 */
#ifndef LGOTP_FORM_HOOKS_H
#define LGOTP_FORM_HOOKS_H

#include <stdbool.h>

#include "keys.h"
#include "record.h"
#include "schema.h"

struct form_hooks {
	/* An entry form for SD opens, before it is first drawn. */
	void (*open)(void *arg, const struct screen_def *sd);
	/*
	 * The form was drawn whole (opened, resized, redrawn, the language
	 * switched): rows TOP to BOTTOM - 1, across the whole width, are free
	 * below its fields.  TOP >= BOTTOM when there is no room.
	 */
	void (*drawn)(void *arg, const struct screen_def *sd, int top, int bottom);
	/* A key reached the form; ACTION is what it means there (ACT_NONE: typed). */
	void (*key)(void *arg, const struct screen_def *sd, enum action action);
	/*
	 * A new record was saved and the form cleared for the next: TYPED holds
	 * the values as they were typed, STORED the record as stored.  Returns
	 * true when the form is to close now.
	 */
	bool (*saved)(void *arg, const struct screen_def *sd, const struct record *typed,
	    const struct record *stored);
	/* The form has closed (the operator left, or the program must stop). */
	void (*closed)(void *arg, const struct screen_def *sd);
};

#endif
