/*
 * bench.h - what the parts of `make bench` share: the generated data, the
 * table of figures, timing and process helpers.
 *
 * The benchmark (bench_main.c) generates a database with lgotp's own
 * import, drives lgotp and Debian's dialog through the pseudo-terminal
 * harness of tests/e2e (vt.h), times look-ups and writers through the
 * library, and loads the same CSV with the sqlite3 shell; it prints one
 * table and writes bench/results.md.  Byte and keystroke counts are exact;
 * times are medians of several runs.
 */
#ifndef LGOTP_BENCH_H
#define LGOTP_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vt.h"

#define BENCH_ROWS 24
#define BENCH_COLS 80

/* --- Generated data (bench_gen.c) ---------------------------------------- */

struct body {
	char code[7];
	char *name;         /* 札幌市-like: kanji, with 市/町/村/区 or a prefecture's name */
	char *kana;         /* its reading in katakana */
	char *name_en;
};

/* Bodies given no generated answers, for the records the benchmark keys in. */
#define GEN_RESERVED 1000

struct gen {
	char *dir;          /* the temporary directory (mkdtemp), removed at the end */
	struct body *bodies;
	size_t nbodies;
	size_t next_reserved;   /* reserved bodies handed out so far */
	char *bodies_csv;   /* DIR/bodies.csv */
	char *small_csv;    /* DIR/survey1-100k.csv: SMALL rows */
	char *large_csv;    /* DIR/survey1-large.csv: LARGE rows */
	size_t small, large;
	int small_fy_from, large_fy_from;   /* oldest fiscal year in each set */
	size_t small_bytes, large_bytes;    /* file sizes */
};

/* Every body code of prefectures 01-47 (47,000) with names and readings. */
void gen_bodies(struct gen *g);
/* Write bodies.csv and the two survey1 files; 0 or -1. */
int gen_files(struct gen *g);
/* The survey1 row ROW (0-based) of any generated set, as CSV without newline. */
char *gen_survey_row(const struct gen *g, size_t row);
void gen_free(struct gen *g);
/* Katakana in S turned into hiragana (malloc'd). */
char *gen_hiragana(const char *katakana);
/* Katakana in S turned into half-width katakana (malloc'd). */
char *gen_halfwidth(const char *katakana);
/* The first N characters of UTF-8 S (malloc'd). */
char *gen_prefix_chars(const char *s, size_t n);

/* The next reserved body (the last GEN_RESERVED, never in the generated answers). */
const struct body *reserved_body(struct gen *g);

/* --- The schema (bench_store.c) ------------------------------------------- */

struct schema;
struct screen_def;
extern struct schema *bench_schema;
/* Load conf/lgotp.ini and the screens as lgotp does; 0 or -1. */
int bench_schema_load(void);
const struct screen_def *bench_survey1(void);
/* The survey1 record FY/CODE stored in DB, its fields joined by ',' in
 * screen order (malloc'd), or NULL when there is none. */
char *stored_survey1(const char *db, const char *fy, const char *code);

/* --- The records keyed in (bench_tty.c) --------------------------------- */

struct entry {
	const char *field[12];      /* field ids, besides body_code (a reserved body's) */
	const char *value[12];      /* what is typed into each */
};
extern const struct entry bench_entries[];
extern const size_t bench_nentries;
/* What is typed into field FI of the screen for E and body B, or NULL. */
const char *entry_value(const struct entry *e, const struct screen_def *sd, size_t fi,
    const struct body *b);
/* The last field typed into. */
size_t last_typed(const struct entry *e, const struct screen_def *sd, const struct body *b);
size_t utf8_chars(const char *s);

/* --- The table of figures (bench_main.c) --------------------------------- */

enum mark { MARK_NONE, MARK_MET, MARK_MISSED };

struct row {
	char *section;
	char *what;
	char *value;        /* lgotp's figure, formatted */
	char *budget;       /* "" when none */
	enum mark mark;
	char *peer;         /* the peer's figure, or "" */
	char *ratio;        /* lgotp / peer, or "" */
};

void row_add(const char *section, const char *what, const char *value, const char *budget,
    enum mark mark, const char *peer, const char *ratio);
/* A note printed under the table (what was generated, what was not measured). */
void note_add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A finding: a cost or a defect seen while measuring. */
void finding_add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Formatting into a static rotating buffer (valid for a few calls). */
const char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
/* "x.yz" of a / b, or "-" when b is 0. */
const char *ratio(double a, double b);

/* --- Time, statistics, processes (bench_main.c) -------------------------- */

double now_ms(void);
double median(double *v, size_t n);
double maxof(const double *v, size_t n);

/* Run lgotp with ARGS after "--db DB" (NULL-terminated); stderr in *err
 * when not NULL; returns the exit status. */
int run_lgotp(const char *db, const char *const *args, char **err);
/* Run a shell command line; returns its exit status. */
int run_sh(const char *cmd);
/* Run argv (NULL-terminated) with stdin from IN (may be NULL), stdout and
 * stderr to /dev/null unless OUT is given (then captured, malloc'd). */
int run_argv(const char *const *argv, const char *in, char **out);

/* The pid of our running child whose command is COMM (the program on the pty), or -1. */
pid_t child_pid(const char *comm);
/* VmHWM of PID in KiB, or -1. */
long vm_hwm_kb(pid_t pid);
/* Rss of PID's mappings of files whose path ends in SUFFIX (/proc/PID/smaps), KiB, or -1. */
long smaps_rss_kb(pid_t pid, const char *suffix);
/* A "Field:" of /proc/PID/status in KiB (e.g. "RssAnon:"), or -1. */
long status_kb(pid_t pid, const char *field);

/* --- The phases ---------------------------------------------------------- */

struct dbs {
	char *small;        /* bodies + SMALL survey1 records */
	char *large;        /* bodies + LARGE survey1 records */
};

/* bench_import.c: build the databases, time imports against sqlite3. */
int bench_import(struct gen *g, struct dbs *d);
/* bench_tty.c: bytes, keystrokes and times of lgotp through the pty. */
struct tty_figures {
	/* entry on survey1 */
	size_t ascii_chars, ascii_bytes, ascii_max;
	size_t ascii_in_field, ascii_in_field_bytes;    /* not completing an autoskip field */
	size_t kanji_chars, kanji_bytes, kanji_max;
	size_t field_changes, field_bytes, field_max;   /* Tab */
	size_t autoskips, autoskip_bytes;               /* a code or choice typed full */
	size_t saves, save_bytes, save_max;
	size_t records, record_bytes;                   /* every key of a record, save included */
	size_t keystrokes, keystrokes_min;              /* per record, over all records */
	size_t start_entry_bytes, start_menu_bytes;
	/* menu → entry, entry → menu, menu → browse, browse → menu */
	size_t switch_bytes[4], switch_max;
	const char *costliest_key;                      /* the keystroke that sent most bytes */
	size_t costliest_bytes;
	int stored_same, stored_total;                  /* records stored exactly as typed */
	/* Key → first byte of the answer (ms), by kind of key. */
	double lat_char[512], lat_tab[64], lat_auto[64], lat_save[16];
	size_t nlat_char, nlat_tab, nlat_auto, nlat_save;
};
int bench_tty_entry(struct gen *g, const char *db, struct tty_figures *f);
int bench_tty_typeahead(struct gen *g, const char *db, double *settle_ms, int *same, int runs);
/* Time from exec to the survey1 form (and menu), browse first page, RSS. */
struct scale_figures {
	double start_entry_ms, start_menu_ms, browse_ms;
	double exec_browse_ms;      /* exec → menu, then its key → the list's first page */
	/* dialog's start-up timed in the same runs, each right after lgotp's
	 * (-1 without dialog), so that the machine's load falls on both alike */
	double dialog_start_ms;
	/* Pair by pair: lgotp's start-up less dialog's (median), and the pairs
	 * in which lgotp's form was usable first. */
	double pair_diff_ms;
	int pairs_faster;
	long rss_kb;
	/* At the end: heap and stack; mapped files (libraries, the database). */
	long anon_kb, file_kb;
	long db_kb;                 /* of file_kb: the database's files (data.mdb, lock.mdb) */
};
/* WITH_DIALOG: time dialog's start-up too (bench_dialog_start). */
int bench_tty_scale(struct gen *g, const char *db, int runs, bool with_dialog,
    struct scale_figures *s);

/* bench_dialog.c: the same survey1 entry keyed into `dialog --form`. */
struct dialog_figures {
	bool available;
	char *version;
	size_t starts;              /* runs (one per record) */
	size_t ascii_chars, ascii_bytes;
	size_t kanji_chars, kanji_bytes;
	size_t field_changes, field_bytes;
	size_t finish_bytes;        /* Enter: the form ends (dialog exits) */
	size_t records, record_bytes;
	size_t keystrokes;
	size_t start_bytes;         /* over all runs */
	long rss_kb;                /* VmHWM of dialog with the form filled */
	long anon_kb, file_kb;      /* then: heap and stack; mapped files */
	bool data_ok;               /* dialog returned what was typed */
	char *why;                  /* when not available */
};
int bench_dialog(struct gen *g, struct dialog_figures *f);
/* exec → dialog's form shown, once (ms), or -1. */
double bench_dialog_start(void);

/* bench_store.c: look-ups through the library, writers. */
/* Rows of the table for look-ups of bodies (the small set) and survey1 (the large). */
int bench_lookups(struct gen *g, const struct dbs *d);
/* A 4 KiB write and fdatasync in DIR: the disk's cost of one durable commit (ms, median of 50). */
double fsync_ms(const char *dir);
int bench_writers(struct gen *g, const char *db, int writers, int per_writer, double *per_s);

#endif
