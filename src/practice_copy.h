/*
 * practice_copy.h - the throw-away database of practice mode: a copy of the
 * configured database in a new private temporary directory, made ready for
 * the sample documents, and removed when practice ends.  The live database
 * is only read (db_copy), never opened for writing.
 */
#ifndef LGOTP_PRACTICE_COPY_H
#define LGOTP_PRACTICE_COPY_H

#include <stdbool.h>

#include "app.h"
#include "samples.h"
#include "util.h"

struct practice_copy {
	char *dir;                  /* the temporary directory; NULL once removed */
	bool empty;                 /* there was no database to copy: it starts empty */
};

/*
 * Make a directory $TMPDIR/lgotp-practice-XXXXXX (mode 0700; /tmp when
 * TMPDIR is unset or empty) and copy the database in DB_DIR into it, the
 * same consistent, compacted copy `lgotp backup` makes.  When DB_DIR holds
 * no database yet, the directory is left for an empty one (pc->empty).
 * Returns 0, or -1 with *cause (and nothing left behind).
 */
int practice_copy_make(const char *db_dir, struct practice_copy *pc, char **cause);

/*
 * Make the copy, opened as APP->db, ready for samples SS:
 *  - every operator's drafts and every lease of the live database are
 *    dropped from it (they belong to sessions there, not to this one);
 *  - a record stored under a sample's key is deleted from it, so every
 *    sample is keyed as a new record whatever the live database holds;
 *  - each sample is then checked as a save would check it, references to
 *    other records included, and one that could not be saved gets the
 *    reason in its `unusable` (a survey answer naming a body this
 *    database does not have, say).
 * Returns 0, or -1 with *cause when the copy could not be written.
 */
int practice_copy_prepare(struct app *app, struct samples *ss, char **cause);

/*
 * Remove the copy: every file in its directory, then the directory.  The
 * database in it must be closed first.  Safe to call again.
 */
void practice_copy_remove(struct practice_copy *pc);

#endif
