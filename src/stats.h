/*
 * stats.h - operator statistics, counted in the program as keys arrive and
 * stored in the database with the records (table "stats": key = day NUL
 * user NUL screen; value = a record of counters), not parsed from a log.
 * A supervisor reads them as the `operators` report.
 */
#ifndef LGOTP_STATS_H
#define LGOTP_STATS_H

#include "db.h"

struct stats_counts {
	long records;       /* records saved */
	long keystrokes;    /* keys that reached the form */
	long corrections;   /* erasing keys (Backspace, Delete, Ctrl-U) and going back a field */
};

/* Add COUNTS to this user's line for DAY (YYYY-MM-DD) and SCREEN. */
int stats_add(struct db *db, const char *day, const char *screen, const struct stats_counts *c,
    char **cause);

/* Visit every line, oldest day first; FN returns non-zero to stop. */
int stats_each(struct db *db, int (*fn)(void *arg, const char *day, const char *user,
    const char *screen, const struct stats_counts *c), void *arg, char **cause);

#endif
