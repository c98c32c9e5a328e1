/*
 * e2e.h - what the end-to-end tests share: a temporary database with the
 * demo bodies, running lgotp's commands, and starting its TUI on a pty.
 */
#ifndef LGOTP_E2E_H
#define LGOTP_E2E_H

#include "vt.h"

/* A fresh database directory under /tmp (removed by e2e_db_free). */
char *e2e_db_new(void);
void e2e_db_free(char *dir);

/*
 * Run lgotp with ARGS (NULL-terminated, after "--db DIR") and return its
 * exit status; its standard output in *out and standard error in *err
 * (malloc'd) when those are not NULL.
 */
int e2e_run(const char *db, const char *const *args, char **out, char **err);

/* SCREEN's records in DB as UTF-8 CSV (malloc'd); the export must succeed. */
char *e2e_export(const char *db, const char *screen);

/* Import the demo bodies (conf/demo/body.csv) into DB. */
void e2e_seed_bodies(const char *db);

/* Start the TUI on DB at ROWS x COLS with the extra arguments (may be NULL). */
struct vt *e2e_tui(const char *db, int rows, int cols, const char *const *extra);

/* The TUI at 80x24, straight into entry on SCREEN (NULL: the menu); never NULL. */
struct vt *e2e_start(const char *db, const char *screen);

/* Today's date as YYYY-MM-DD (what `default = today` gives). */
char *e2e_today(void);

#endif
