/*
 * schema.h - everything declared in files: the screens (screens/NAME.ini),
 * the settings (conf/lgotp.ini) and the menu (conf/menu.ini).
 *
 * The engine knows nothing of the program it serves beyond what these
 * files say.  schema_load reads and checks all of it; `lgotp check` prints
 * the same messages the TUI refuses to start with.
 *
 * A screen file:
 *   [screen]       title_ja, title_en, key (field ids), list (columns of the
 *                  browse list), search (fields indexed for incremental
 *                  search), label (the field that names a record in
 *                  look-ups elsewhere), label_en (the same in English,
 *                  e.g. the body's English name; a record without it
 *                  falls back to label), verify (yes: records keyed here
 *                  are keyed again blind by a second operator, rekey.h)
 *   [field.ID]     one per field, in entry order: label_ja, label_en, type,
 *                  width, required, carry, autoskip, default, ref, min, max,
 *                  row, col, derive, and for choices one `choice.CODE =
 *                  日本語 | English` per choice
 *   [import.NAME]  another header layout the screen's import accepts (a
 *                  sheet someone else designs): see struct import_layout
 *   [check.NAME]   rule (rule.h), level = warn | error, message_ja, message_en
 *   [effect.NAME]  target = REF_FIELD; set.FIELD = SOURCE (a field or 'literal')
 *   [match]        ranks the look-up of one ref field (see struct match_def)
 * Field keys beyond those: compute, readonly, order = forward, except, log.
 * The settings file:
 *   [database] dir; [survey] year; [display] lang, lean; [paths] screens, years;
 *   [verify] new_keyer, sample, max_error_rate
 * The year files (conf/years/FY.ini): any sections; read by `year:` rules,
 *   computations and the first screen's [events] (event.N = DATE | 日本語 | English).
 * The survey board (conf/survey.ini): [board] bodies, kinds; [form.NAME]
 *   screen, due = SECTION.KEY (of the year file), expected = RULE.
 * List reports (conf/reports.ini): [report.NAME] title_ja, title_en, screen,
 *   fy = FIELD, columns = FIELD, ..., totals = FIELD, ...
 * Country names (conf/countries.ini): [ja] and [en], CODE = name, over
 *   iso-codes' (country.h); schema_load applies them when all is clean.
 * The menu file:
 *   [menu] title_ja, title_en; [group.NAME] title_ja, title_en,
 *   items = SCREEN:MODE, ... with MODE entry, browse or verify (screens with
 *   verify = yes), or REPORT:report.
 */
#ifndef LGOTP_SCHEMA_H
#define LGOTP_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "field.h"
#include "util.h"

struct ini;

/* FIELD = HEADER [| HEADER...], or FIELD = 'constant' (quoted). */
struct import_column {
	size_t field;               /* index into the screen's fields */
	struct strlist headers;     /* first non-empty of these columns */
	char *constant;             /* quoted in the file: this value, not a header */
};

/* One FIELD=VALUE of a record line; VALUE `$` is the line's cell. */
struct import_set {
	size_t field;
	char *value;                /* NULL for `$` */
};

/* record.N = HEADER: FIELD=VALUE, ...: each row makes one record from the
 * cell under HEADER (none when that cell is empty). */
struct import_record {
	char *header;
	struct import_set *sets;
	size_t nsets;
	int line;                   /* in the screen file, for messages */
};

/*
 * [import.NAME]: a sheet laid out by someone else.
 *   detect = HEADER      a header cell that marks a file of this layout
 *   FIELD = HEADER [| HEADER...]   the first non-empty of those columns
 *   FIELD = 'value'      a constant (quoted; iniparser drops the quotes,
 *                        ini_quoted tells them apart)
 *   record.N = HEADER: FIELD=VALUE, ...   unpivot a wide table: each row
 *                        gives one record per such line (all or none of
 *                        them stored), the plain columns and constants
 *                        shared, then these fields set, `$` being the
 *                        cell under HEADER
 *   total = HEADER: FIELD   with record lines: the row's records' FIELD
 *                        must add up to the cell under HEADER (a grand
 *                        total column, checked rather than imported)
 *   ignore = HEADER [| HEADER...]   columns for people (a name beside a
 *                        code), not read and not reported as unknown
 */
struct import_layout {
	char *name;
	char *detect;               /* a header that marks this layout */
	struct import_column *columns;
	size_t ncolumns;
	struct import_record *records;  /* none: one record per row */
	size_t nrecords;
	char *total_header;         /* NULL: no total column */
	size_t total_field;
	struct strlist ignore;
};

struct rule;

enum check_level { CHECK_WARN, CHECK_ERROR };

/* [check.NAME]: a rule the record must satisfy when saved. */
struct check_def {
	char *name;
	struct rule *rule;
	enum check_level level;
	char *message[LANG_COUNT];
	int line;
};

/* One `set.FIELD = SOURCE` of an effect. */
struct effect_set {
	char *target_field;         /* a field of the target screen */
	int source;                 /* a field of this screen, or -1 for the literal */
	char *literal;
};

/* [effect.NAME]: saving this record also updates the record a ref names. */
struct effect_def {
	char *name;
	size_t target;              /* the ref field naming the record to update */
	struct effect_set *sets;
	size_t nsets;
};

/* [match]: the look-up of one ref field lists candidates ranked. */
struct match_def {
	size_t field;               /* the ref field */
	size_t countries, training_field, language;  /* this screen's fields */
	char *cand_country, *cand_field, *cand_ja, *cand_en;  /* the ref screen's */
	char *cand_status_field;    /* "status" */
	struct strlist cand_status; /* statuses that make a candidate */
};

/*
 * A screen file is read when first needed (see schema_load_for): until
 * then its screen_def holds only its name and file.
 */
enum screen_state {
	SCREEN_UNREAD,              /* name and file only */
	SCREEN_LOADING,             /* fields known; its references being checked */
	SCREEN_READY,
	SCREEN_BROKEN,              /* the file or a screen it needs has errors */
};

struct screen_def {
	char *name;                 /* the file's base name: "survey1" */
	char *file;
	enum screen_state state;
	char *title[LANG_COUNT];
	struct field_def *fields;
	size_t nfields;
	size_t *key;                /* indexes of the key fields, in key order */
	size_t nkey;
	size_t *list;               /* browse list columns */
	size_t nlist;
	size_t *search;             /* fields indexed for search */
	size_t nsearch;
	size_t label;               /* field naming a record elsewhere */
	int label_en;               /* the same in English (label_en =), or -1: label in both */
	int fy;                     /* the fiscal-year field, or -1 */
	bool confidential;          /* roles' `*` does not reach it (counseling notes) */
	bool verify;                /* records keyed here are verified by a second keying (rekey.h) */
	char *hint[LANG_COUNT];     /* a line under the title; {year:SEC.KEY} filled in, or NULL */
	struct import_layout *imports;
	size_t nimports;
	struct check_def *checks;
	size_t nchecks;
	struct effect_def *effects;
	size_t neffects;
	struct match_def *match;    /* NULL when none */
};

/* A fiscal year's settings: conf/years/FY.ini. */
struct year_def {
	int fy;
	struct ini *ini;
};

/* One form of the survey board (conf/survey.ini [form.NAME]). */
struct board_form {
	char *name;
	const struct screen_def *screen;
	char *due_section, *due_key;    /* in the year's settings */
	struct rule *expected;          /* NULL: always expected */
	char *received;                 /* the form's field holding the date received */
};

/* A list report declared in conf/reports.ini [report.NAME]: one screen's
 * records of a fiscal year as rows, chosen columns, totals of some. */
struct list_report_def {
	char *name;
	char *title[LANG_COUNT];
	const struct screen_def *screen;
	int fy;                         /* the field filtered by fiscal year, or -1 */
	size_t *columns;
	size_t ncolumns;
	bool *total;                    /* per column: add it up in a totals row */
};

struct board_def {
	const struct screen_def *bodies;
	struct strlist kinds;           /* kinds surveyed (empty: all) */
	char *kind_field;               /* the bodies' field holding the kind */
	struct strlist columns;         /* the bodies' fields shown on the board */
	struct strlist contacts;        /* the bodies' fields shown on the chase list */
	struct board_form *forms;
	size_t nforms;
};

enum menu_mode { MENU_ENTRY, MENU_BROWSE, MENU_REPORT, MENU_VERIFY };

struct menu_item {
	const struct screen_def *screen;    /* NULL for a report */
	enum menu_mode mode;
	char *report;                       /* MENU_REPORT: the report's name */
	char *file;                         /* where it was declared, for messages */
	int line;
};

struct menu_group {
	char *title[LANG_COUNT];
	struct menu_item *items;
	size_t nitems;
};

struct settings {
	char *conf_path;            /* the settings file read */
	char *db_dir;               /* NULL: none set */
	long survey_year;
	enum lang lang;             /* [display] lang = ja or en... */
	bool lang_from_locale;      /* ...or auto, or none: the locale's (i18n_lang_from_env) */
	int lean;
	/* [verify]: which records a second operator keys again (rekey.h) */
	long verify_new_keyer;          /* a keyer's first records on a screen: all */
	long verify_sample;             /* then 1 in this many ... */
	double verify_max_error_rate;   /* ... while their error rate (%) stays below this */
	char *screens_dir;
	char *years_dir;
};

/* A country's name as the organisation writes it (conf/countries.ini). */
struct country_name {
	char code[3];               /* ISO 3166-1 alpha-2, upper case */
	enum lang lang;
	char *name;
};

struct schema {
	struct settings settings;
	struct ini *conf;           /* kept for `default = conf:SECTION.KEY` */
	char *menu_title[LANG_COUNT];
	struct menu_group *groups;
	size_t ngroups;
	struct screen_def *screens;
	size_t nscreens;
	struct year_def *years;         /* sorted by fy */
	size_t nyears;
	struct board_def *board;        /* NULL without conf/survey.ini */
	struct list_report_def *reports;    /* conf/reports.ini */
	size_t nreports;
	struct roles *roles;            /* conf/roles.ini; NULL: no restriction */
	struct country_name *countries; /* conf/countries.ini, applied to country.h's names */
	size_t ncountries;
	/* Loading on demand (schema_screen): where its messages go, and
	 * whether a load is running (broken screens are then still handed
	 * out, so each message is about the file at fault). */
	struct strlist *errs;
	int building;
	struct strlist late;            /* messages of screens read after the start */
};

/*
 * Load the settings file CONF_PATH, the menu file beside it (menu.ini),
 * and every *.ini of SCREENS_DIR (NULL: the settings' [paths] screens,
 * else "screens" beside the settings file's directory).  Every problem is
 * appended to ERRS as "file:line: message"; returns NULL when there was
 * any.
 */
struct schema *schema_load(const char *conf_path, const char *screens_dir, struct strlist *errs);
/*
 * What the TUI needs to open screen SCREEN at once: the settings, the year
 * files, the roles, SCREEN's file and those of the screens it names (its
 * refs, the screens its rules read and its effects write), all checked as
 * schema_load checks them, with the same messages and NULL on any.  No
 * menu, survey board or reports; every other screen file is read and
 * checked when first asked for (schema_screen), its messages kept in
 * s->late.  A SCREEN with no file is no error here (the caller says so).
 */
struct schema *schema_load_for(const char *conf_path, const char *screens_dir,
    const char *screen, struct strlist *errs);
void schema_free(struct schema *s);
/* lgotp check's part that a start leaves out: conf/countries.ini's codes
 * against iso-codes (a start checks only that they are two letters). */
void schema_check_countries(const struct schema *s, struct strlist *errs);

/*
 * Screen NAME, or NULL when there is none or its file (or one it needs)
 * has errors.  Reads the file when it was not read yet: the schema is
 * const to its readers, but what it holds in memory grows (a cache;
 * what it says does not change).
 */
const struct screen_def *schema_screen(const struct schema *s, const char *name);
/* Index of screen NAME in s->screens, read or not (nothing is read), or -1. */
int schema_screen_index(const struct schema *s, const char *name);
/*
 * Read every screen not read yet, for a walk over s->screens.  -1 with the
 * first problem in *CAUSE (malloc'd) when some file has errors; those
 * screens stay SCREEN_BROKEN.
 */
int schema_screens_all(const struct schema *s, char **cause);
/* Index of field ID in SD, or -1. */
int schema_field_index(const struct screen_def *sd, const char *id);
/* The setting SECTION.KEY of fiscal year FY (conf/years/FY.ini), or NULL. */
const char *schema_year_setting(const struct schema *s, int fy, const char *section,
    const char *key);
/*
 * The same, or else from the latest earlier year that sets it: for amounts,
 * which hold until changed (not for dates, which belong to their year).
 */
const char *schema_year_setting_latest(const struct schema *s, int fy, const char *section,
    const char *key);

/* The value a `default =` declaration gives now ("" for none); caller frees. */
char *schema_default(const struct schema *s, const struct field_def *f, const char *today);

#endif
