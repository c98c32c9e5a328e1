/*
 * stats.h - operator statistics, counted in the program as keys arrive and
 * stored in the database with the records (table "stats"), not parsed
 * from a log.  A supervisor reads them as the `operators` and
 * `operator-fields` reports.
 *
 * Key: day NUL user NUL screen, for a screen's line; day NUL user NUL
 * screen NUL field for one field's line (verification counts by field).
 * Value: a record (record.h) of the counters below, by name; a counter
 * missing from an older line is 0.  A verification is counted on the day
 * it is done, for the verifier and for the first keyer alike.
 */
#ifndef LGOTP_STATS_H
#define LGOTP_STATS_H

#include "db.h"

struct stats_counts {
	long records;       /* records saved */
	long keystrokes;    /* keys that reached the form */
	long corrections;   /* erasing keys (Backspace, Delete, Ctrl-U) and going back a field */
	long verified;      /* records this operator verified by keying them again */
	long checked;       /* fields of this operator's records compared by a verifier */
	long keyed_errors;  /* of those, found wrong as this operator keyed them */
	long rekeyed;       /* fields this operator keyed again as verifier */
	long verify_errors; /* of those, wrong as this operator keyed them again */
};

/* Add COUNTS to this user's line for DAY (YYYY-MM-DD) and SCREEN. */
int stats_add(struct db *db, const char *day, const char *screen, const struct stats_counts *c,
    char **cause);

/* Inside a write transaction: add C to USER's line for DAY, SCREEN and
 * FIELD (NULL: the screen's line). */
int stats_txn_add(struct db_txn *txn, const char *day, const char *user, const char *screen,
    const char *field, const struct stats_counts *c, char **cause);

/* Visit every line, oldest day first (a screen's line before its fields');
 * FIELD is NULL on a screen's line.  FN returns non-zero to stop. */
int stats_each(struct db *db, int (*fn)(void *arg, const char *day, const char *user,
    const char *screen, const char *field, const struct stats_counts *c), void *arg,
    char **cause);

#endif
