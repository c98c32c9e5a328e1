/*
 * main.c - the command line (SPEC §4): options, then the TUI or one of
 * the commands.  Exit status: 0 done, 1 some data rejected, 2 bad usage
 * or configuration.
 */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "csv.h"
#include "db.h"
#include "exchange.h"
#include "ini.h"
#include "audit.h"
#include "practice_copy.h"
#include "report.h"
#include "report_crosstab.h"
#include "roles.h"
#include "samples.h"
#include "schema.h"
#include "store.h"
#include "tui.h"
#include "ui.h"
#include "ui_practice.h"
#include "util.h"
#include "verify.h"

#define LGOTP_VERSION "0.1.0"

/* --where options at most (a fixed array: nothing to free on any exit). */
#define MAX_WHERE 32

#ifndef LGOTP_SHAREDIR
#define LGOTP_SHAREDIR "/usr/local/share/lgotp"
#endif

struct options {
	const char *db_dir;
	const char *conf;
	const char *screens;
	const char *lang;
	const char *encoding;
	const char *screen;
	const char *mode;
	const char *fy;
	const char *user;
	const char *since;
	const char *const *where;   /* --where FIELD=VALUE, repeatable */
	size_t nwhere;
	int dry_run;
	int lean;
	int verified;               /* export: only records verified by double keying */
	int practice;
};

/* In the UI language (early_lang's: the settings are not loaded yet). */
static void
usage(FILE *f)
{
	fputs(_("usage: lgotp [OPTIONS]                      the menu\n"
	      "       lgotp [OPTIONS] --screen NAME        new-record entry on screen NAME\n"
	      "       lgotp [OPTIONS] import NAME FILE     CSV rows into screen NAME's records\n"
	      "       lgotp [OPTIONS] export NAME [FILE]   screen NAME's records as CSV\n"
	      "       lgotp [OPTIONS] report NAME [FILE]   a report as CSV (--fy YEAR)\n"
	      "       lgotp [OPTIONS] check                validate screens/ and conf/\n"
	      "       lgotp [OPTIONS] backup DIR           consistent, compacted copy of the database\n"
	      "       lgotp [OPTIONS] verify DIR           check a copy: every record and index entry\n"
	      "       lgotp [OPTIONS] audit [NAME [KEY]]   the audit trail as CSV (--user, --since)\n"
	      "       lgotp --help | --version\n"), f);
	fputs(_("options:\n"
	      "  --db DIR           the database directory (or LGOTP_DB, or conf [database] dir)\n"
	      "  --conf FILE        settings file (default ./conf/lgotp.ini, else the installed one)\n"
	      "  --screens DIR      screen files (default: screens/ beside conf/)\n"
	      "  --lang ja|en       language of screens and messages; export: headers in\n"
	      "                     that language's labels (without it: field ids)\n"
	      "  --encoding utf-8|utf-8-bom|cp932\n"
	      "                     export: the CSV's encoding (default utf-8-bom, for Excel);\n"
	      "                     import: force one (default: BOM, else UTF-8, else CP932)\n"
	      "  --mode insert|update|upsert\n"
	      "                     import: add new records, rejecting keys already stored (the\n"
	      "                     default); replace stored ones, rejecting new keys; or both\n"
	      "  --dry-run          import: check every row, store nothing\n"
	      "  --where FIELD=VALUE\n"
	      "                     export: only records whose FIELD is VALUE (repeatable: all)\n"
	      "  --verified         export: only records a second operator verified\n"
	      "  --fy YEAR          report, export: the fiscal year (2025, R7; a report's default:\n"
	      "                     the survey year)\n"
	      "  --user USER        audit: only this Unix user's changes\n"
	      "  --since DATE       audit: only changes from this day (YYYY-MM-DD, UTC) on\n"
	      "  --lean             no colour (for slow links)\n"
	      "  --practice         the TUI on a throw-away copy of the database, with the sample\n"
	      "                     documents of conf/practice/ to key from, and a score\n"), f);
	fputs(_("exit status: 0 done; 1 some data rejected (each row reported on stderr, and by\n"
	      "import in FILE.rejects.csv); 2 bad usage or configuration\n"), f);
}

static int
file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* --conf, else LGOTP_CONF, else ./conf/lgotp.ini, else the installed one. */
static char *
find_conf(const struct options *o)
{
	if (o->conf)
		return xstrdup(o->conf);
	const char *env = getenv("LGOTP_CONF");
	if (env && *env)
		return xstrdup(env);
	if (file_exists("conf/lgotp.ini"))
		return xstrdup("conf/lgotp.ini");
	return xstrdup(LGOTP_SHAREDIR "/conf/lgotp.ini");
}

static char *
today_iso(void)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	char buf[16];
	strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
	return xstrdup(buf);
}

/*
 * Japanese must work even where LANG is unset or C (Tera Term, PuTTY).
 * Only the character type is set: it is all lgotp uses (UTF-8, character
 * widths); numbers, dates and messages are its own, and the other
 * categories stay "C", so a report's 12.5 is never written 12,5.
 *
 * It is C.UTF-8's, whatever the operator's locale: glibc gives every
 * UTF-8 locale the same character classes and widths, so a screen lines
 * up alike for everyone, and the operator's own locale is not looked
 * for.  That look-up cost a start half a millisecond where LANG names a
 * locale the server does not have (ssh passes the client's LANG on, and
 * Debian installs no ja_JP locale by default): the alias file read and
 * eight paths tried before falling back to C.UTF-8 anyway.
 */
static void
set_locale(void)
{
	/* Without C.UTF-8 (a C library other than Debian's), the operator's. */
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "");
}

/* --lang, else the settings' [display] lang, else the locale (i18n.h). */
static enum lang
pick_lang(const struct options *o, const struct schema *s)
{
	if (o->lang)
		return strcmp(o->lang, "en") == 0 ? LANG_EN : LANG_JA;
	if (s && !s->settings.lang_from_locale)
		return s->settings.lang;
	return i18n_lang_from_env();
}

/*
 * The language before the settings are loaded, for what is said until then
 * (the usage, an option refused, a problem in the files): [display] lang
 * of the settings file CONF when it says ja or en (the file read once more
 * for it; its problems are schema_load's to report), else the locale.
 * pick_lang's order, --lang aside.  Asked for only when something is said
 * (i18n_defer_lang): a start that says nothing reads the settings once.
 */
static enum lang
early_lang(void *conf)
{
	struct strlist ignored = { 0 };
	struct ini *ini = conf && file_exists(conf) ? ini_load(conf, &ignored) : NULL;
	const char *v = ini ? ini_get(ini, "display", "lang") : NULL;
	enum lang l = v && strcmp(v, "en") == 0 ? LANG_EN : v && strcmp(v, "ja") == 0 ? LANG_JA :
	    i18n_lang_from_env();
	ini_free(ini);
	strlist_free(&ignored);
	return l;
}

/* The settings file early_lang reads, until pick_lang has chosen (static:
 * the ways out of main between are not leaks). */
static char *early_conf;

/* The database directory: --db, else LGOTP_DB, else the settings'; NULL
 * after a message when none is given. */
static const char *
db_dir_of(struct app *app, const struct options *o)
{
	const char *dir = o->db_dir;
	if (dir == NULL)
		dir = getenv("LGOTP_DB");
	if ((dir == NULL || *dir == '\0') && app->schema->settings.db_dir)
		dir = app->schema->settings.db_dir;
	if (dir == NULL || *dir == '\0') {
		fprintf(stderr, "lgotp: %s\n",
		    _("no database given: use --db DIR, LGOTP_DB, or [database] dir in the settings"));
		return NULL;
	}
	return dir;
}

/* The database of --db, LGOTP_DB or the settings, opened with FLAGS (DB_OPEN_*). */
static int
open_db_flags(struct app *app, const struct options *o, int flags)
{
	const char *dir = db_dir_of(app, o);
	if (dir == NULL)
		return -1;
	char *why = NULL;
	if (db_open_flags(dir, flags, &app->db, &why) != 0) {
		fprintf(stderr, "lgotp: %s\n", why);
		free(why);
		return -1;
	}
	app->env.db = app->db;
	return 0;
}

static int
open_db(struct app *app, const struct options *o)
{
	return open_db_flags(app, o, 0);
}

static const struct screen_def *
screen_arg(struct app *app, const char *name)
{
	const struct screen_def *sd = schema_screen(app->schema, name);
	if (sd == NULL) {
		fprintf(stderr, "lgotp: %s '%s'; %s", _("no such screen:"), name,
		    _("screens:"));
		for (size_t i = 0; i < app->schema->nscreens; i++)
			fprintf(stderr, " %s", app->schema->screens[i].name);
		fputc('\n', stderr);
	}
	return sd;
}

/* --encoding into *ENC (left as it is without the option); -1 after a message. */
static int
encoding_arg(const struct options *o, enum csv_encoding *enc)
{
	if (o->encoding == NULL)
		return 0;
	int e = csv_encoding_parse(o->encoding);
	if (e < 0) {
		fprintf(stderr, _("lgotp: --encoding %s: utf-8, utf-8-bom or cp932\n"), o->encoding);
		return -1;
	}
	*enc = (enum csv_encoding)e;
	return 0;
}

/* A refusal for what this user's roles do not allow (conf/roles.ini). */
static int
refuse(const char *what, const char *screen)
{
	fprintf(stderr, "lgotp: %s: %s%s%s\n", audit_user(), what, screen ? " " : "", screen ? screen : "");
	fprintf(stderr, "lgotp: %s\n", _("rights come from conf/roles.ini: ask an administrator"));
	return 2;
}

static int
cmd_import(struct app *app, const struct options *o, char **argv, int argc)
{
	if (argc != 2) {
		usage(stderr);
		return 2;
	}
	const struct screen_def *sd = screen_arg(app, argv[0]);
	if (sd == NULL)
		return 2;
	if (access_level(app->access, sd) < ACCESS_EDIT)
		return refuse(_("may not import into"), sd->name);
	struct import_opts io = { CSV_AUTO, IMPORT_INSERT, o->dry_run != 0, isatty(2) != 0 };
	if (encoding_arg(o, &io.encoding) != 0)
		return 2;
	if (o->mode == NULL || strcmp(o->mode, "insert") == 0)
		io.mode = IMPORT_INSERT;
	else if (strcmp(o->mode, "update") == 0)
		io.mode = IMPORT_UPDATE;
	else if (strcmp(o->mode, "upsert") == 0)
		io.mode = IMPORT_UPSERT;
	else {
		fprintf(stderr, _("lgotp: --mode %s: insert, update or upsert\n"), o->mode);
		return 2;
	}
	if (open_db(app, o) != 0)
		return 2;
	struct import_stats st;
	int rc = exchange_import(app, sd, argv[1], &io, stderr, &st);
	if (io.dry_run)
		fprintf(stderr,
		    _("%s: %ld rows, %ld would be stored, %ld rejected (--dry-run: nothing stored)\n"),
		    argv[1], st.rows, st.stored, st.rejected);
	else
		fprintf(stderr,
		    _("%s: %ld rows, %ld stored, %ld rejected\n"), argv[1], st.rows, st.stored, st.rejected);
	return rc;
}

static void
filters_free(struct export_filter *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(f[i].value);
	free(f);
}

static int
cmd_export(struct app *app, const struct options *o, char **argv, int argc)
{
	if (argc < 1 || argc > 2) {
		usage(stderr);
		return 2;
	}
	const struct screen_def *sd = screen_arg(app, argv[0]);
	if (sd == NULL)
		return 2;
	if (!access_export(app->access, sd))
		return refuse(_("may not export"), sd->name);
	/* Labels only when asked: the default header is the field ids, which
	 * SPEC promises for round trips whatever the configured language. */
	struct export_opts eo = { CSV_UTF8_BOM, o->lang ? (int)i18n_lang() : -1, NULL, 0,
		isatty(2) != 0, o->verified != 0 };
	if (eo.verified_only && !sd->verify) {
		fprintf(stderr,
		    _("lgotp: --verified: screen %s is not verified by double keying\n"), sd->name);
		return 2;
	}
	if (encoding_arg(o, &eo.encoding) != 0)
		return 2;
	/* The database first: a filter's value may name another record. */
	if (open_db(app, o) != 0)
		return 2;
	struct export_filter *filters = xcalloc(o->nwhere + 1, sizeof *filters);
	size_t nf = 0;
	char *why = NULL;
	int rc = 0;
	for (size_t i = 0; i < o->nwhere && rc == 0; i++) {
		if (exchange_filter_parse(app, sd, o->where[i], &filters[nf], &why) == 0)
			nf++;
		else
			rc = 2;
	}
	if (rc == 0 && o->fy) {
		if (sd->fy < 0) {
			why = xasprintf(
			    _("--fy: screen %s has no fiscal year (use --where FIELD=VALUE)"), sd->name);
			rc = 2;
		} else if (exchange_filter_field(app, sd, (size_t)sd->fy, o->fy, &filters[nf], &why) == 0) {
			nf++;
		} else {
			rc = 2;
		}
	}
	if (rc != 0) {
		fprintf(stderr, "lgotp: %s\n", why);
		free(why);
		filters_free(filters, nf);
		return rc;
	}
	eo.filters = filters;
	eo.nfilters = nf;
	FILE *out = stdout;
	if (argc == 2 && (out = fopen(argv[1], "wb")) == NULL) {
		fprintf(stderr, "lgotp: %s: %s\n", argv[1], strerror(errno));
		filters_free(filters, nf);
		return 2;
	}
	rc = exchange_export(app, sd, out, &eo, stderr);
	if (fflush(out) != 0 || ferror(out)) {
		fprintf(stderr, "lgotp: %s: %s\n", argc == 2 ? argv[1] : "stdout", strerror(errno));
		rc = 2;
	}
	if (out != stdout && fclose(out) != 0)
		rc = 2;
	filters_free(filters, nf);
	return rc;
}

static int
cmd_report(struct app *app, const struct options *o, char **argv, int argc)
{
	if (argc < 1 || argc > 2) {
		usage(stderr);
		return 2;
	}
	const struct report_def *rd = report_find(app->schema, argv[0]);
	if (rd == NULL) {
		fprintf(stderr, "lgotp: %s '%s'; %s %s\n", _("no such report:"),
		    argv[0], _("reports:"), report_names(app->schema));
		return 2;
	}
	if (!access_reports(app->access))
		return refuse(_("may not run report"), rd->name);
	struct report_opts ro = { 0 };
	if (o->fy) {
		struct field_def fyf = { .id = "fy", .type = ftype_find("fy"), .width = 4 };
		char *v = NULL, *why = NULL;
		if (fyf.type->parse(&fyf, &app->ctx, o->fy, &v, &why) != 0) {
			fprintf(stderr, "lgotp: --fy %s: %s\n", o->fy, why);
			free(why);
			return 2;
		}
		ro.fy = atoi(v);
		free(v);
	}
	enum csv_encoding enc = CSV_UTF8_BOM;
	if (o->encoding) {
		int e = csv_encoding_parse(o->encoding);
		if (e < 0) {
			fprintf(stderr, _("lgotp: --encoding %s: utf-8, utf-8-bom or cp932\n"), o->encoding);
			return 2;
		}
		enc = (enum csv_encoding)e;
	}
	if (open_db(app, o) != 0)
		return 2;
	struct table t;
	char *why = NULL;
	if (report_build(rd, app, &ro, &t, &why) != 0) {
		fprintf(stderr, "lgotp: %s: %s\n", rd->name, why);
		free(why);
		return 2;
	}
	FILE *out = stdout;
	if (argc == 2 && (out = fopen(argv[1], "wb")) == NULL) {
		fprintf(stderr, "lgotp: %s: %s\n", argv[1], strerror(errno));
		table_free(&t);
		return 2;
	}
	int rc = table_write_csv(&t, out, enc, false, stderr);
	if (fflush(out) != 0 || ferror(out))
		rc = 2;
	if (out != stdout && fclose(out) != 0)
		rc = 2;
	table_free(&t);
	return rc;
}

/* Menu items naming reports: checked here, where the reports are known. */
static int
check_menu_reports(const struct schema *s)
{
	int bad = 0;
	for (size_t g = 0; g < s->ngroups; g++)
		for (size_t i = 0; i < s->groups[g].nitems; i++) {
			const struct menu_item *it = &s->groups[g].items[i];
			if (it->mode == MENU_REPORT && report_find(s, it->report) == NULL) {
				fprintf(stderr, _("%s:%d: items: no report '%s'\n"), it->file, it->line, it->report);
				bad = 1;
			}
		}
	return bad;
}

static int
cmd_backup(struct app *app, const struct options *o, char **argv, int argc)
{
	if (argc != 1) {
		usage(stderr);
		return 2;
	}
	if (open_db(app, o) != 0)
		return 2;
	char *why = NULL;
	if (db_backup(app->db, argv[0], &why) != 0) {
		fprintf(stderr, "lgotp: backup: %s\n", why);
		free(why);
		return 2;
	}
	return 0;
}

/* Open the copy in DIR (not the live database) and check all of it. */
static int
cmd_verify(struct app *app, char **argv, int argc)
{
	if (argc != 1) {
		usage(stderr);
		return 2;
	}
	return verify_database(app->schema, argv[0], i18n_lang(), stdout, stderr);
}

/* Options that belong to one command only: misplaced, they would be
 * ignored silently, so they are refused, naming the commands they are for. */
static int
options_fit(const struct options *o, const char *cmd)
{
	bool import = cmd && strcmp(cmd, "import") == 0;
	bool export = cmd && strcmp(cmd, "export") == 0;
	bool report = cmd && strcmp(cmd, "report") == 0;
	const char *bad = NULL;
	if (o->mode && !import)
		bad = N_("--mode: import");
	else if (o->dry_run && !import)
		bad = N_("--dry-run: import");
	else if (o->nwhere && !export)
		bad = N_("--where: export");
	else if (o->verified && !export)
		bad = N_("--verified: export");
	else if (o->fy && !export && !report)
		bad = N_("--fy: export, report");
	else if ((o->user || o->since) && !(cmd && strcmp(cmd, "audit") == 0))
		bad = N_("--user, --since: audit");
	else if (o->practice && cmd)
		bad = N_("--practice: the TUI only");
	if (bad == NULL)
		return 0;
	fprintf(stderr, "lgotp: %s\n", _(bad));
	return -1;
}

struct audit_out {
	struct app *app;
	struct csv_writer *w;
	long rows;
	long bad;                   /* rows that could not be written (an encoding) */
};

static const char *const audit_head[] = { "time", "user", "screen", "key", "change", "field",
	"before", "after" };

/* One row of the trail's CSV; one that cannot be written is said, by its
 * entry and column, never dropped in silence. */
static void
audit_put(struct audit_out *ao, const char *const row[8])
{
	char *why = NULL;
	if (csv_write(ao->w, row, 8, true, &why) == 0) {
		ao->rows++;
		return;
	}
	size_t c;
	const char *rest = csv_write_cause(why, &c);
	char *shown = store_key_display(row[3]);
	fprintf(stderr, "lgotp: audit %s %s %s: %s%s%s\n", row[0], row[2], shown,
	    c < 8 ? audit_head[c] : "", c < 8 ? ": " : "", rest);
	free(shown);
	free(why);
	ao->bad++;
}

static int
audit_row(void *arg, const struct audit_entry *e)
{
	struct audit_out *ao = arg;
	const struct screen_def *sd = schema_screen(ao->app->schema, e->screen);
	/* What a role may not read, its history does not show either. */
	if (sd && access_level(ao->app->access, sd) < ACCESS_READ)
		return 0;
	const struct record *r = e->rec;
	bool any = false;
	for (size_t i = 0; i < r->n; i++) {
		const char *id = r->ids[i];
		if (strncmp(id, "a.", 2) != 0 && strncmp(id, "b.", 2) != 0)
			continue;
		char *other = xasprintf("%c.%s", id[0] == 'a' ? 'b' : 'a', id + 2);
		bool paired = false;
		for (size_t k = 0; k < r->n; k++)
			paired |= strcmp(r->ids[k], other) == 0;
		free(other);
		if (id[0] == 'b' && paired)
			continue;       /* written with its "after" */
		char *bid = xasprintf("b.%s", id + 2);
		const char *before = id[0] == 'a' ? record_get(r, bid) : r->vals[i];
		const char *after = id[0] == 'a' ? r->vals[i] : "";
		const char *row[] = { e->time, e->user, e->screen, e->key, e->op, id + 2, before, after };
		audit_put(ao, row);
		free(bid);
		any = true;
	}
	if (!any) {
		const char *row[] = { e->time, e->user, e->screen, e->key, e->op, "", "", "" };
		audit_put(ao, row);
	}
	return 0;
}

/* lgotp audit [--user U] [--since DATE] [NAME [KEY]]: the trail as CSV. */
static int
cmd_audit(struct app *app, const struct options *o, char **argv, int argc)
{
	if (argc > 2) {
		usage(stderr);
		return 2;
	}
	if (argc >= 1 && screen_arg(app, argv[0]) == NULL)
		return 2;
	if (!access_reports(app->access))
		return refuse(_("may not read the audit trail"), NULL);
	enum csv_encoding enc = CSV_UTF8_BOM;
	if (encoding_arg(o, &enc) != 0)
		return 2;
	if (open_db(app, o) != 0)
		return 2;
	/* A key is written as shown: "2025 / 011002" or "2025/011002" both work. */
	char *key = NULL;
	if (argc == 2) {
		struct strbuf sb = SB_INIT;
		struct strlist parts = { 0 };
		split_trim(argv[1], '/', &parts);
		for (size_t i = 0; i < parts.n; i++) {
			if (i)
				sb_addc(&sb, '\x1f');
			sb_adds(&sb, parts.v[i]);
		}
		strlist_free(&parts);
		key = sb_detach(&sb);
	}
	struct audit_filter f = { o->user, o->since, argc >= 1 ? argv[0] : NULL, key };
	struct audit_out ao = { app, csv_writer_new(stdout, enc), 0, 0 };
	if (ao.w == NULL) {
		free(key);
		fprintf(stderr, "lgotp: %s\n", _("this system cannot write that encoding"));
		return 2;
	}
	char *why = NULL;
	int rc = csv_write(ao.w, audit_head, 8, false, &why);
	if (rc == 0)
		rc = audit_each(app->db, &f, audit_row, &ao, &why);
	csv_writer_free(ao.w);
	free(key);
	if (rc != 0) {
		fprintf(stderr, "lgotp: audit: %s\n", why);
		free(why);
		return 2;
	}
	if (fflush(stdout) != 0)
		return 2;
	/* As export: rows that could not be written make the run fail. */
	if (ao.bad > 0) {
		fprintf(stderr, _("lgotp: audit: %ld rows written, %ld could not be (listed above)\n"),
		    ao.rows, ao.bad);
		return 1;
	}
	return 0;
}

/* Print and free the problems in ERRS; returns whether there were any. */
static bool
print_errors(struct strlist *errs)
{
	bool any = errs->n > 0;
	for (size_t i = 0; i < errs->n; i++)
		fprintf(stderr, "%s\n", errs->v[i]);
	strlist_free(errs);
	return any;
}

/*
 * Practice mode's database: the samples read, the configured database
 * copied (never opened for writing) into a temporary directory, the copy
 * opened as app->db and made ready for the samples.  Returns 0, or -1
 * after a message with nothing left behind.
 */
static int
practice_open(struct app *app, const struct options *o, struct practice_copy *pc,
    struct samples **ss)
{
	struct strlist errs = { 0 };
	char *sdir = samples_dir(app->schema);
	*ss = samples_load(app->schema, sdir, i18n_lang(), &errs);
	free(sdir);
	if (print_errors(&errs) || *ss == NULL)
		return -1;
	const char *real = db_dir_of(app, o);
	char *why = NULL;
	if (real == NULL || practice_copy_make(real, pc, &why) != 0) {
		if (why)
			fprintf(stderr, "lgotp: %s\n", why);
		free(why);
		samples_free(*ss);
		return -1;
	}
	if (db_open(pc->dir, &app->db, &why) == 0) {
		app->env.db = app->db;
		if (practice_copy_prepare(app, *ss, &why) == 0) {
			if (pc->empty)
				fprintf(stderr,
				    _("lgotp: %s holds no database yet: practising on an empty one\n"), real);
			return 0;
		}
		db_close(app->db);
		app->db = app->env.db = NULL;
	}
	fprintf(stderr, "lgotp: %s\n", why);
	free(why);
	practice_copy_remove(pc);
	samples_free(*ss);
	return -1;
}

static int
run_tui(struct app *app, const struct options *o)
{
	const struct screen_def *sd = NULL;
	if (o->screen && (sd = screen_arg(app, o->screen)) == NULL)
		return 2;
	if (sd && access_level(app->access, sd) < ACCESS_EDIT)
		return refuse(_("may not enter records on"),
		    sd->name);
	struct practice_copy pc = { 0 };
	struct samples *samples = NULL;
	struct ui_practice *up = NULL;
	/* An operator reads a few records at a time, here and there: no read-ahead. */
	if (o->practice) {
		if (practice_open(app, o, &pc, &samples) != 0)
			return 2;
		up = ui_practice_new(app, samples);
	} else if (open_db_flags(app, o, DB_OPEN_RANDOM) != 0) {
		return 2;
	}
	char *why = NULL;
	int rc = 0;
	if (tui_start(app, &why) != 0) {
		fprintf(stderr, "lgotp: %s\n", why);
		free(why);
		rc = 2;
	} else {
		if (sd)
			ui_form(app, sd, NULL);
		else
			ui_menu(app);
		tui_end();
	}
	/* Also after SIGHUP or SIGTERM, which end the TUI's loops: the score
	 * for the trainer, then nothing of the copy is left. */
	if (up) {
		ui_practice_report(up, stdout);
		ui_practice_free(up);
		db_close(app->db);
		app->db = app->env.db = NULL;
		practice_copy_remove(&pc);
		samples_free(samples);
	}
	return rc;
}

int
main(int argc, char **argv)
{
	set_locale();
	struct options o = { 0 };
	static const char *where[MAX_WHERE];
	o.where = where;
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "conf", required_argument, NULL, 'c' },
		{ "screens", required_argument, NULL, 's' },
		{ "lang", required_argument, NULL, 'l' },
		{ "encoding", required_argument, NULL, 'e' },
		{ "screen", required_argument, NULL, 'S' },
		{ "mode", required_argument, NULL, 'm' },
		{ "fy", required_argument, NULL, 'y' },
		{ "where", required_argument, NULL, 'w' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "verified", no_argument, NULL, 'v' },
		{ "user", required_argument, NULL, 'u' },
		{ "since", required_argument, NULL, 'Z' },
		{ "lean", no_argument, NULL, 'L' },
		{ "practice", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c, first = 0;   /* --help, --version or a bad option: the first, said below */
	/* '+': options stop at the command, so FILE arguments starting with '-' work. */
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o.db_dir = optarg; break;
		case 'c': o.conf = optarg; break;
		case 's': o.screens = optarg; break;
		case 'l': o.lang = optarg; break;
		case 'e': o.encoding = optarg; break;
		case 'S': o.screen = optarg; break;
		case 'm': o.mode = optarg; break;
		case 'y': o.fy = optarg; break;
		case 'w':
			if (o.nwhere < MAX_WHERE)
				where[o.nwhere++] = optarg;
			else
				first = first ? first : c;
			break;
		case 'n': o.dry_run = 1; break;
		case 'v': o.verified = 1; break;
		case 'u': o.user = optarg; break;
		case 'Z': o.since = optarg; break;
		case 'L': o.lean = 1; break;
		case 'P': o.practice = 1; break;
		case 'h': case 'V': first = first ? first : c; break;
		default: first = first ? first : '?'; break;
		}
	}
	/* What is said from here on is in the language chosen as always: --lang,
	 * the settings (read once more for it), the locale. */
	bool lang_ok = !o.lang || strcmp(o.lang, "ja") == 0 || strcmp(o.lang, "en") == 0;
	if (lang_ok && o.lang)
		i18n_set_lang(strcmp(o.lang, "en") == 0 ? LANG_EN : LANG_JA);
	else {
		early_conf = find_conf(&o);
		i18n_defer_lang(early_lang, early_conf);
	}
	switch (first) {
	case 0: break;
	case 'h': usage(stdout); return 0;
	case 'V': printf("lgotp %s\n", LGOTP_VERSION); return 0;
	case 'w': fprintf(stderr, _("lgotp: --where: at most %d\n"), MAX_WHERE); return 2;
	default: usage(stderr); return 2;
	}
	if (!lang_ok) {
		fprintf(stderr, _("lgotp: --lang %s: ja or en\n"), o.lang);
		return 2;
	}
	const char *cmd = optind < argc ? argv[optind] : NULL;
	/* `lgotp audit [--user U] [--since DATE] [NAME [KEY]]`: its options come
	 * after the command (elsewhere options stop at it, so a FILE may start
	 * with '-'). */
	if (cmd && strcmp(cmd, "audit") == 0) {
		optind++;
		while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
			if (c == 'u')
				o.user = optarg;
			else if (c == 'Z')
				o.since = optarg;
			else {
				usage(stderr);
				return 2;
			}
		}
	}
	char **args = argv + optind + (cmd && strcmp(cmd, "audit") == 0 ? 0 : 1);
	int nargs = cmd ? argc - optind - (cmd && strcmp(cmd, "audit") == 0 ? 0 : 1) : 0;
	if (options_fit(&o, cmd) != 0) {
		usage(stderr);
		return 2;
	}

	struct app app = { 0 };
	char *conf = find_conf(&o);
	struct strlist errs = { 0 };
	/* `--screen NAME` reads the files that screen needs; the other screens'
	 * files are read if it comes to need them.  Everything else reads and
	 * checks them all first. */
	if (cmd == NULL && o.screen)
		app.schema = schema_load_for(conf, o.screens, o.screen, &errs);
	else
		app.schema = schema_load(conf, o.screens, &errs);
	free(conf);
	for (size_t i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.v[i]);
	strlist_free(&errs);
	if (app.schema == NULL)
		return 2;
	if (check_menu_reports(app.schema) != 0) {
		schema_free(app.schema);
		return 2;
	}
	i18n_set_lang(pick_lang(&o, app.schema));
	free(early_conf);
	early_conf = NULL;
	/* Japanese needs the catalogue: without it the texts are English, which
	 * is said rather than silently shown (and `check` fails on it).  An
	 * English start does not read it (its check costs as much as the rest
	 * of a start); Ctrl-T to Japanese loads it on the first text. */
	bool is_check = cmd != NULL && strcmp(cmd, "check") == 0;
	bool mo_ok = true;
	if (i18n_lang() == LANG_JA || is_check) {
		char *mo_why = NULL;
		mo_ok = i18n_load_default(&mo_why) == 0;
		if (!mo_ok)
			fprintf(stderr, "lgotp: %s\n", mo_why);
		free(mo_why);
	}
	app.lean = o.lean || app.schema->settings.lean;
	app.env.schema = app.schema;
	app.today = today_iso();
	app.env.today = app.today;
	validate_ctx_init(&app.ctx, &app.env, i18n_lang());
	/* Who is asking: the Unix user, never a name given on the command line.
	 * `check` reads only the files, so it needs no role. */
	if (cmd == NULL || strcmp(cmd, "check") != 0) {
		app.access = access_for_self(app.schema->roles, app.schema);
		if (app.access == NULL) {
			fprintf(stderr,
			    _("lgotp: %s has no role in conf/roles.ini: ask an administrator to add you\n"),
			    audit_user());
			schema_free(app.schema);
			free(app.today);
			return 2;
		}
	}

	int rc;
	if (cmd == NULL)
		rc = run_tui(&app, &o);
	else if (strcmp(cmd, "check") == 0) {
		rc = nargs == 0 ? 0 : 2;
		struct strlist cerrs = { 0 };
		if (rc == 0) {
			report_crosstab_check(app.schema, &cerrs);
			schema_check_countries(app.schema, &cerrs);
			/* Practice mode's samples: only --practice reads them, but a
			 * trainer's mistake there is found here like any other. */
			char *sdir = samples_dir(app.schema);
			samples_free(samples_load(app.schema, sdir, i18n_lang(), &cerrs));
			free(sdir);
			if (print_errors(&cerrs) || !mo_ok)
				rc = 2;         /* a missing catalogue was said above */
		} else {
			strlist_free(&cerrs);
		}
		if (rc == 0)
			printf("%s: %zu %s\n", app.schema->settings.conf_path, app.schema->nscreens,
			    _("screens, no problems"));
		else if (nargs != 0)
			usage(stderr);
	} else if (strcmp(cmd, "import") == 0)
		rc = cmd_import(&app, &o, args, nargs);
	else if (strcmp(cmd, "export") == 0)
		rc = cmd_export(&app, &o, args, nargs);
	else if (strcmp(cmd, "backup") == 0)
		rc = cmd_backup(&app, &o, args, nargs);
	else if (strcmp(cmd, "verify") == 0)
		rc = cmd_verify(&app, args, nargs);
	else if (strcmp(cmd, "report") == 0)
		rc = cmd_report(&app, &o, args, nargs);
	else if (strcmp(cmd, "audit") == 0)
		rc = cmd_audit(&app, &o, args, nargs);
	else {
		fprintf(stderr, "lgotp: %s '%s'\n", _("unknown command"), cmd);
		usage(stderr);
		rc = 2;
	}
	if (app.db)
		db_close(app.db);
	access_free(app.access);
	schema_free(app.schema);
	free(app.today);
	return rc;
}
