/*
 * samples.h - the sample documents of practice mode (lgotp --practice):
 * paper forms a trainee keys from, declared in files, never in C.
 *
 * The files are CONFDIR/practice/SCREEN.ini (CONFDIR: the directory of the
 * settings file), each named after the screen its samples are keyed into:
 * practice/survey1.ini holds samples for screen survey1.  A screen without
 * a file has no samples.  In a file:
 *   [sample.NAME]   one paper form, shown in file order; its keys are
 *                   field ids of the screen, its values what the paper
 *                   says, written as a keyer would read them (any form
 *                   the field's type accepts: 令和6年10月1日 for a date,
 *                   ０１２０２５ for a body code).  The fields a sample
 *                   lists are the ones compared when it is keyed; a field
 *                   listed with an empty value must be left empty.
 *
 * samples_load checks, each problem as "file:line: message": the file
 * names a screen; it has only [sample.NAME] sections, at least one; every
 * key is a field of the screen that is typed (not readonly, not computed);
 * every value is one its field's type accepts (references to other
 * records are not looked up here: practice mode checks them against the
 * database it copies); every required field without a default or a
 * derivation is listed and not empty.
 */
#ifndef LGOTP_SAMPLES_H
#define LGOTP_SAMPLES_H

#include <stddef.h>

#include "field.h"
#include "schema.h"
#include "util.h"

struct sample_value {
	size_t field;               /* index into the screen's fields */
	char *value;                /* as written in the file */
	int line;
};

/* One paper form. */
struct sample {
	char *name;                 /* NAME of [sample.NAME] */
	struct sample_value *values;    /* in file order */
	size_t nvalues;
	int line;                   /* of the [sample.NAME] line */
	char *unusable;             /* why it cannot be keyed on the database at hand
	                               (set by practice_copy_prepare); NULL: it can */
};

/* The samples of one screen. */
struct sample_set {
	const struct screen_def *sd;
	char *file;
	struct sample *samples;
	size_t n;
};

struct samples {
	struct sample_set *sets;    /* sorted by file name */
	size_t n;
};

/*
 * The directory the samples of schema S are read from: "practice" beside
 * its settings file.  Caller frees.
 */
char *samples_dir(const struct schema *s);

/*
 * Read every *.ini of DIR for the screens of S.  Type messages are in LANG.
 * A DIR that does not exist gives no samples.  On any problem, appends
 * "file:line: message" lines to ERRS and returns NULL.
 */
struct samples *samples_load(const struct schema *s, const char *dir, enum lang lang,
    struct strlist *errs);
void samples_free(struct samples *ss);

/* The samples of screen SD, or NULL when it has none. */
const struct sample_set *samples_for(const struct samples *ss, const struct screen_def *sd);

/* The value sample SMP gives field FIELD, or NULL when it lists none. */
const char *sample_value(const struct sample *smp, size_t field);

#endif
