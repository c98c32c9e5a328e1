/*
 * e2e.h - what the end-to-end tests share: a temporary database with the
 * demo bodies, running lgotp's commands, and starting its TUI on a pty.
 */
#ifndef LGOTP_E2E_H
#define LGOTP_E2E_H

#include "vt.h"

/*
 * The locale lgotp is started with by e2e_run and e2e_tui: a Japanese
 * operator's login (LANG=ja_JP.UTF-8, no LC_ALL), so the shipped settings'
 * `lang = auto` gives Japanese, as the tests expect unless they say
 * otherwise.  The locale need not be installed: lgotp reads the name for
 * its language and falls back to C.UTF-8 for characters.  For vt_spawn's
 * envp_extra; E2E_ENV_EN is the English operator's (C.UTF-8, vt.h's own).
 */
#define E2E_ENV_JA "LANG=ja_JP.UTF-8", "LC_ALL", "LC_MESSAGES"
#define E2E_ENV_EN "LANG=C.UTF-8", "LC_ALL=C.UTF-8"

/* A fresh database directory under /tmp (removed by e2e_db_free). */
char *e2e_db_new(void);
void e2e_db_free(char *dir);

/*
 * Run lgotp with ARGS (NULL-terminated, after "--db DIR") in the E2E_ENV_JA
 * locale and return its exit status; its standard output in *out and
 * standard error in *err (malloc'd) when those are not NULL.
 */
int e2e_run(const char *db, const char *const *args, char **out, char **err);
/* The same with the environment changed by ENV ("NAME=VALUE" sets, a bare
 * "NAME" removes; NULL-terminated), applied after E2E_ENV_JA. */
int e2e_run_env(const char *db, const char *const *args, const char *const *env, char **out,
    char **err);

/* Write TEXT to PATH, replacing it; aborts the test when it cannot. */
void e2e_write_text(const char *path, const char *text);

/* SCREEN's records in DB as UTF-8 CSV (malloc'd); the export must succeed. */
char *e2e_export(const char *db, const char *screen);

/* Import the demo bodies (conf/demo/body.csv) into DB. */
void e2e_seed_bodies(const char *db);

/* Start the TUI on DB at ROWS x COLS with the extra arguments (may be NULL),
 * in the E2E_ENV_JA locale. */
struct vt *e2e_tui(const char *db, int rows, int cols, const char *const *extra);
/* The same with ENV for vt_spawn's envp_extra (after E2E_ENV_JA; may be NULL). */
struct vt *e2e_tui_env(const char *db, int rows, int cols, const char *const *extra,
    const char *const *env);

/* The TUI at 80x24, straight into entry on SCREEN (NULL: the menu); never NULL. */
struct vt *e2e_start(const char *db, const char *screen);

/* Today's date as YYYY-MM-DD (what `default = today` gives). */
char *e2e_today(void);

#endif
