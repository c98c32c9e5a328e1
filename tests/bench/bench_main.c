/*
 * bench_main.c - `make bench`: generate the data, run every phase, print
 * the table and write bench/results.md.
 *
 * Environment:
 *   LGOTP_BIN            the lgotp under test (the Makefile sets ./lgotp)
 *   LGOTP_BENCH_SCALE    survey1 records of the large set (default 1000000)
 *   LGOTP_BENCH_RUNS     runs of each timed start-up (default 15)
 *   LGOTP_BENCH_RESULTS  where to write the results (default bench/results.md)
 *   LGOTP_BENCH_KEEP     1: keep the generated files and databases (for a look)
 *
 * Exit status: 0 when every phase ran (budgets missed or not: this is a
 * measurement), 1 when a phase could not be run, 2 when nothing could.
 */
#include "bench.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "schema.h"
#include "util.h"

extern struct row *bench_rows;
extern size_t bench_nrows;
extern struct strlist bench_notes, bench_findings;

#define SMALL_ROWS 100000

static int failures;

static void
phase_failed(const char *section, const char *what)
{
	failures++;
	row_add(section, what, "not measured: the phase failed (see stderr)", "", MARK_NONE, "", "");
	fprintf(stderr, "bench: %s: %s failed\n", section, what);
}

static const char *
mark_text(enum mark m)
{
	return m == MARK_MET ? "met" : m == MARK_MISSED ? "**MISSED**" : "";
}

static size_t
env_size(const char *name, size_t def)
{
	const char *v = getenv(name);
	if (v == NULL || *v == '\0')
		return def;
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno || *end || n == 0) {
		fprintf(stderr, "bench: %s=%s: a positive number, please; using %zu\n", name, v, def);
		return def;
	}
	return (size_t)n;
}

/* How the start-up pairs went, pair by pair (a difference of two medians
 * hides it): the median of lgotp's time less dialog's, and in how many
 * pairs lgotp's form was usable first. */
static const char *
pairs_said(const struct scale_figures *sf, int runs, bool with_dialog)
{
	if (!with_dialog)
		return "";
	return fmt("; pair by pair, lgotp less dialog: median %+.2f ms, lgotp first in %d of %d",
	    sf->pair_diff_ms, sf->pairs_faster, runs);
}

static const char *
human(size_t n)
{
	if (n >= 1000000 && n % 1000000 == 0)
		return fmt("%zuM", n / 1000000);
	if (n >= 1000 && n % 1000 == 0)
		return fmt("%zuk", n / 1000);
	return fmt("%zu", n);
}

static double
per(size_t a, size_t b)
{
	return b ? (double)a / (double)b : 0;
}

/* --- Reporting the terminal figures --------------------------------------- */

static void
report_tty(const struct tty_figures *t, const struct dialog_figures *d)
{
	const char *S = "Terminal bytes (survey1 entry, 80x24, xterm-256color)";
	bool dp = d->available;
	double la = per(t->ascii_bytes, t->ascii_chars), da = per(d->ascii_bytes, d->ascii_chars);
	row_add(S, fmt("per typed ASCII character (average of %zu; max %zu)", t->ascii_chars,
	    t->ascii_max), fmt("%.2f", la), dp ? "≤ 4, ≤ dialog" : "≤ 4",
	    la <= 4 && (!dp || la <= da) ? MARK_MET : MARK_MISSED,
	    dp ? fmt("%.2f", da) : "", dp ? ratio(la, da) : "");
	row_add(S, fmt("per ASCII character that stays in its field (%zu)", t->ascii_in_field),
	    fmt("%.2f", per(t->ascii_in_field_bytes, t->ascii_in_field)), "", MARK_NONE, "", "");
	double lk = per(t->kanji_bytes, t->kanji_chars), dk = per(d->kanji_bytes, d->kanji_chars);
	row_add(S, fmt("per typed kanji/kana (average of %zu; max %zu; its own bytes: 3)",
	    t->kanji_chars, t->kanji_max), fmt("%.2f", lk), dp ? "≤ dialog" : "",
	    !dp ? MARK_NONE : lk <= dk ? MARK_MET : MARK_MISSED, dp ? fmt("%.2f", dk) : "",
	    dp ? ratio(lk, dk) : "");
	double lf = per(t->field_bytes, t->field_changes), df = per(d->field_bytes, d->field_changes);
	row_add(S, fmt("per field change (Tab; dialog: Down) (average of %zu; max %zu)",
	    t->field_changes, t->field_max), fmt("%.1f", lf), dp ? "≤ dialog" : "",
	    dp ? (lf <= df ? MARK_MET : MARK_MISSED) : MARK_NONE, dp ? fmt("%.1f", df) : "",
	    dp ? ratio(lf, df) : "");
	row_add(S, fmt("per autoskip: a code's last digit or a choice (echo shown, next field) (%zu)",
	    t->autoskips), fmt("%.1f", per(t->autoskip_bytes, t->autoskips)), "", MARK_NONE,
	    "", "");
	double ls = per(t->save_bytes, t->saves);
	double dstart = per(d->start_bytes, d->starts);
	double ds = per(d->finish_bytes, d->records) + dstart;
	row_add(S, fmt("per saved-and-cleared record (Ctrl-S; dialog: Enter + the next form's "
	    "start) (average of %zu; max %zu)", t->saves, t->save_max), fmt("%.0f", ls),
	    dp ? "≤ 300, ≤ dialog" : "≤ 300",
	    ls <= 300 && (!dp || ls <= ds) ? MARK_MET : MARK_MISSED, dp ? fmt("%.0f", ds) : "",
	    dp ? ratio(ls, ds) : "");
	double lr = per(t->record_bytes, t->records);
	double dr = per(d->record_bytes, d->records) + dstart;
	row_add(S, "per whole record (every key from the first character to saved and cleared)",
	    fmt("%.0f", lr), dp ? "≤ dialog" : "", dp ? (lr <= dr ? MARK_MET : MARK_MISSED) : MARK_NONE,
	    dp ? fmt("%.0f", dr) : "", dp ? ratio(lr, dr) : "");
	double le = (double)t->start_entry_bytes;
	row_add(S, "at start-up: the entry form (--screen survey1)", fmt("%.0f", le),
	    dp ? "≤ dialog" : "", !dp ? MARK_NONE : le <= dstart ? MARK_MET : MARK_MISSED,
	    dp ? fmt("%.0f", dstart) : "", dp ? ratio(le, dstart) : "");
	row_add(S, "at start-up: the menu", fmt("%zu", t->start_menu_bytes), "", MARK_NONE, "", "");
	static const char *const sw[4] = { "menu → entry (1)", "entry → menu (Ctrl-Q)",
		"menu → browse (2)", "browse → menu (Ctrl-Q)" };
	for (int i = 0; i < 4; i++)
		row_add(S, fmt("screen switch: %s", sw[i]), fmt("%zu", t->switch_bytes[i]), "≤ 2000",
		    t->switch_bytes[i] <= 2000 ? MARK_MET : MARK_MISSED, "", "");
	row_add(S, fmt("costliest single key: %s", t->costliest_key ? t->costliest_key : "?"),
	    fmt("%zu", t->costliest_bytes), "", MARK_NONE, "", "");
	int worst = 0;
	for (int i = 1; i < 4; i++)
		if (t->switch_bytes[i] > t->switch_bytes[worst])
			worst = i;
	finding_add("The costliest screen switch is %s: %zu bytes, %.1f%% of the 2,000-byte budget "
	    "(the menu's start-up repaint is %zu).", sw[worst], t->switch_bytes[worst],
	    100.0 * (double)t->switch_bytes[worst] / 2000, t->start_menu_bytes);

	const char *Lt = "Answer to a key (ms from the write to the first byte on the terminal, median)";
	struct tty_figures c = *t;  /* median() sorts */
	row_add(Lt, fmt("a character typed into a field (%zu)", c.nlat_char),
	    fmt("%.1f", median(c.lat_char, c.nlat_char)), "", MARK_NONE, "", "");
	row_add(Lt, fmt("the last digit of a code or a choice: look-up, echo, next field (%zu)",
	    c.nlat_auto), fmt("%.1f", median(c.lat_auto, c.nlat_auto)), "", MARK_NONE, "", "");
	row_add(Lt, fmt("Tab: next field (%zu)", c.nlat_tab), fmt("%.1f (max %.1f)",
	    median(c.lat_tab, c.nlat_tab), maxof(c.lat_tab, c.nlat_tab)), "", MARK_NONE, "", "");
	row_add(Lt, fmt("Ctrl-S: save and clear (%zu)", c.nlat_save), fmt("%.1f (max %.1f)",
	    median(c.lat_save, c.nlat_save), maxof(c.lat_save, c.nlat_save)), "", MARK_NONE, "", "");

	{
		struct tty_figures c2 = *t;
		double mc = median(c2.lat_char, c2.nlat_char), mt = median(c2.lat_tab, c2.nlat_tab);
		if (mc > 0 && mt > 3 * mc)
			finding_add("A field change answers in %.1f ms (median; a character: %.1f ms): "
			    "leaving a field does a durable database write (the draft kept for a dropped "
			    "link), one LMDB commit with its syncs per field.  Bytes are unaffected; it "
			    "sets the pace of a record typed ahead.", mt, mc);
	}

	const char *K = "Keystrokes";
	double lks = per(t->keystrokes, t->records), dks = per(d->keystrokes, d->records);
	row_add(K, fmt("per survey1 record (average of %zu; minimum = data characters + fields left "
	    "+ save)", t->records), fmt("%.1f (minimum %.1f)", lks, per(t->keystrokes_min, t->records)),
	    dp ? "= minimum, ≤ dialog" : "= minimum", t->keystrokes == t->keystrokes_min &&
	    (!dp || t->keystrokes * d->records <= d->keystrokes * t->records) ? MARK_MET : MARK_MISSED,
	    dp ? fmt("%.1f", dks) : "", dp ? ratio(lks, dks) : "");
	row_add(K, "records stored exactly as typed (read back through the library)",
	    fmt("%d/%d", t->stored_same, t->stored_total), "all",
	    t->stored_same == t->stored_total ? MARK_MET : MARK_MISSED,
	    dp ? (d->data_ok ? "all returned as typed" : "NOT as typed") : "", "");
}

/* --- results.md ----------------------------------------------------------- */

static char *
first_line_of(const char *path, const char *prefix)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return NULL;
	char line[512];
	char *found = NULL;
	while (!found && fgets(line, sizeof line, f)) {
		if (prefix && strncmp(line, prefix, strlen(prefix)) != 0)
			continue;
		char *v = prefix ? strchr(line, ':') : line;
		v = v ? (prefix ? v + 1 : v) : line;
		found = trim_dup(v);
		found[strcspn(found, "\n")] = '\0';
	}
	fclose(f);
	return found;
}

static char *
command_line(const char *const *argv)
{
	char *out = NULL;
	if (run_argv(argv, NULL, &out) != 0) {
		free(out);
		return NULL;
	}
	char *t = trim_dup(out);
	free(out);
	t[strcspn(t, "\n")] = '\0';
	return t;
}

static void
print_table(FILE *f)
{
	const char *section = NULL;
	for (size_t i = 0; i < bench_nrows; i++) {
		const struct row *r = &bench_rows[i];
		if (section == NULL || strcmp(section, r->section) != 0) {
			section = r->section;
			fprintf(f, "\n### %s\n\n", section);
			fprintf(f, "| figure | lgotp | budget | | peer | lgotp / peer |\n");
			fprintf(f, "|---|---:|---|---|---:|---:|\n");
		}
		fprintf(f, "| %s | %s | %s | %s | %s | %s |\n", r->what, r->value, r->budget,
		    mark_text(r->mark), r->peer, r->ratio);
	}
}

static void
print_summary(FILE *f)
{
	size_t met = 0, missed = 0;
	for (size_t i = 0; i < bench_nrows; i++) {
		met += bench_rows[i].mark == MARK_MET;
		missed += bench_rows[i].mark == MARK_MISSED;
	}
	fprintf(f, "\nBudgets: %zu met, %zu missed.\n", met, missed);
	if (missed) {
		fprintf(f, "\nMissed:\n\n");
		for (size_t i = 0; i < bench_nrows; i++)
			if (bench_rows[i].mark == MARK_MISSED)
				fprintf(f, "- %s — %s: %s (budget %s%s%s)\n", bench_rows[i].section,
				    bench_rows[i].what, bench_rows[i].value, bench_rows[i].budget,
				    *bench_rows[i].peer ? "; peer " : "", bench_rows[i].peer);
	}
	if (bench_findings.n) {
		fprintf(f, "\nSeen while measuring:\n\n");
		for (size_t i = 0; i < bench_findings.n; i++)
			fprintf(f, "- %s\n", bench_findings.v[i]);
	}
	if (bench_notes.n) {
		fprintf(f, "\nNotes:\n\n");
		for (size_t i = 0; i < bench_notes.n; i++)
			fprintf(f, "- %s\n", bench_notes.v[i]);
	}
}

static int
write_results(const char *path, const struct gen *g, const struct dialog_figures *d, double total_s)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		mkdir(dir, 0777);
	}
	free(dir);
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		fprintf(stderr, "bench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	char date[64];
	strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", &tm);
	struct utsname u;
	uname(&u);
	char *model = first_line_of("/proc/cpuinfo", "model name");
	char *mem = first_line_of("/proc/meminfo", "MemTotal");
	char *debian = first_line_of("/etc/debian_version", NULL);
	const char *git_head[] = { "git", "rev-parse", "--short", "HEAD", NULL };
	const char *git_dirty[] = { "git", "status", "--porcelain", "--untracked-files=no", NULL };
	const char *sq[] = { "sqlite3", "--version", NULL };
	char *head = command_line(git_head), *dirty = command_line(git_dirty), *sqv = command_line(sq);
	if (sqv)
		sqv[strcspn(sqv, " ")] = '\0';
	long mem_kb = mem ? strtol(mem, NULL, 10) : 0;

	fprintf(f, "# lgotp benchmark results\n\n");
	fprintf(f, "Written by `make bench` (tests/bench/); do not edit by hand.\n\n");
	fprintf(f, "- Date: %s\n", date);
	fprintf(f, "- Machine: %ld CPUs (%s), %.1f GiB memory, Linux %s, Debian %s\n",
	    sysconf(_SC_NPROCESSORS_ONLN), model ? model : "?", (double)mem_kb / 1048576.0, u.release,
	    debian ? debian : "?");
	fprintf(f, "- lgotp: commit %s%s; peers: dialog %s, sqlite3 %s\n", head ? head : "?",
	    dirty && *dirty ? " with uncommitted changes" : "", d->available && d->version ?
	    d->version : "(not installed)", sqv ? sqv : "(not installed)");
	fprintf(f, "- Terminal: a pseudo-terminal of %dx%d, TERM=xterm-256color, LANG=ja_JP.UTF-8 "
	    "for lgotp and C.UTF-8 for dialog, read through libvterm (tests/e2e/vt.h); bytes are "
	    "what the program wrote to it, exactly.\n",
	    BENCH_COLS, BENCH_ROWS);
	fprintf(f, "- Generated (in a temporary directory, removed afterwards): %zu bodies "
	    "(every code of prefectures 01-47 with a valid JIS X 0402 check digit — there are no "
	    "more, so the 100k/1M scale is in the survey answers — kanji names "
	    "with 市/町/村/区, katakana readings, English names); survey1 answers spread over "
	    "fiscal years, newest first, over %zu bodies (the last %d, prefecture 47, are kept "
	    "free for the records keyed in): %s records (FY%d-2025, %.1f MB CSV) and %s records "
	    "(FY%d-2025, %.1f MB CSV), each imported with `lgotp import` into its own database "
	    "with the bodies.\n", g->nbodies, g->nbodies - GEN_RESERVED, GEN_RESERVED,
	    human(g->small), g->small_fy_from, (double)g->small_bytes / 1e6, human(g->large),
	    g->large_fy_from, (double)g->large_bytes / 1e6);
	fprintf(f, "- Times are medians of several runs (the count is in each row); byte and "
	    "keystroke counts are exact.  The whole run took %.0f s.\n", total_s);
	print_table(f);
	print_summary(f);
	fclose(f);
	free(model);
	free(mem);
	free(debian);
	free(head);
	free(dirty);
	free(sqv);
	return 0;
}

/* --- main ------------------------------------------------------------------ */

int
main(void)
{
	double t_start = now_ms();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (access("conf/lgotp.ini", R_OK) != 0) {
		fprintf(stderr, "bench: run from the top of the lgotp tree (conf/lgotp.ini)\n");
		return 2;
	}
	if (bench_schema_load() != 0)
		return 2;
	size_t large = env_size("LGOTP_BENCH_SCALE", 1000000);
	int runs = (int)env_size("LGOTP_BENCH_RUNS", 15);
	const char *results = getenv("LGOTP_BENCH_RESULTS");
	if (results == NULL || *results == '\0')
		results = "bench/results.md";

	struct gen g = { 0 };
	struct dbs d = { 0 };
	struct tty_figures tf = { 0 };
	struct dialog_figures df = { 0 };
	struct scale_figures s1 = { 0 }, s2 = { 0 };
	const char *tmp = getenv("TMPDIR");
	g.dir = xasprintf("%s/lgotp-bench-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(g.dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	g.small = SMALL_ROWS;
	g.large = large;
	gen_bodies(&g);
	fprintf(stderr, "bench: generating %zu bodies, %zu and %zu survey1 rows in %s\n", g.nbodies,
	    g.small, g.large, g.dir);
	if (gen_files(&g) != 0) {
		fprintf(stderr, "bench: could not write the generated files\n");
		return 2;
	}
	if (large != 1000000)
		note_add("LGOTP_BENCH_SCALE=%zu: the large set has %zu records instead of 1,000,000.",
		    large, large);
	char *L = xstrdup(human(g.large)), *Sm = xstrdup(human(g.small));

	/* 1. The databases, and the import against sqlite3. */
	fprintf(stderr, "bench: import\n");
	if (bench_import(&g, &d) != 0) {
		phase_failed("Import", "building the databases");
		goto out;
	}

	/* 2. Entry through the terminal, and the same in dialog. */
	fprintf(stderr, "bench: entry through the terminal\n");
	int tty_ok = bench_tty_entry(&g, d.small, &tf) == 0;
	fprintf(stderr, "bench: dialog\n");
	if (bench_dialog(&g, &df) != 0) {
		failures++;
		df.available = false;
		fprintf(stderr, "bench: the dialog phase failed\n");
		note_add("dialog: the phase failed; no peer figures (see stderr).");
	} else if (!df.available) {
		note_add("dialog: %s; no peer figures.", df.why);
	} else {
		note_add("dialog: `dialog --form` with survey1's labels, widths (+1 column so a full "
		    "field does not scroll) and defaults, height 0 (dialog's own; with 24 it shows "
		    "only 8 of the 9 fields), width 80.  It has no autoskip (a Down after every "
		    "field, the fiscal year included), no look-up of the body's name and no "
		    "validation; each record is a fresh run ended by Enter.");
	}
	if (tty_ok)
		report_tty(&tf, &df);
	else
		phase_failed("Terminal bytes (survey1 entry, 80x24, xterm-256color)", "entry");

	/* 3. Type-ahead. */
	fprintf(stderr, "bench: type-ahead\n");
	double settle = 0;
	int same = 0, bursts = 5;
	if (bench_tty_typeahead(&g, d.small, &settle, &same, bursts) == 0) {
		row_add("Type-ahead", fmt("a whole record sent as one write: stored as when typed "
		    "slowly (%d records)", bursts), fmt("%d/%d", same, bursts), "all",
		    same == bursts ? MARK_MET : MARK_MISSED, "", "");
		row_add("Type-ahead", fmt("from the write to the last byte of the settled screen (ms, "
		    "median of %d)", bursts), fmt("%.1f", settle), "", MARK_NONE, "", "");
	} else {
		phase_failed("Type-ahead", "a record as one burst");
	}

	/* 4. Times and memory at both scales. */
	fprintf(stderr, "bench: start-up times and memory\n");
	int ok1 = bench_tty_scale(&g, d.small, runs, df.available, &s1) == 0;
	int ok2 = bench_tty_scale(&g, d.large, runs, df.available, &s2) == 0;
	const char *T = "Times and memory";
	char dstart1[32] = "", dstart2[32] = "", drss[32] = "";
	if (df.available) {
		snprintf(dstart1, sizeof dstart1, "%.1f", s1.dialog_start_ms);
		snprintf(dstart2, sizeof dstart2, "%.1f", s2.dialog_start_ms);
	}
	if (df.available && df.rss_kb > 0)
		snprintf(drss, sizeof drss, "%.1f", df.rss_kb / 1024.0);
	if (ok1) {
		row_add(T, fmt("exec → survey1 entry form usable, %s records (ms, median of %d; dialog "
		    "timed in the same runs%s)", Sm, runs, pairs_said(&s1, runs, df.available)),
		    fmt("%.1f", s1.start_entry_ms),
		    df.available ? "≤ 100 (SPEC), ≤ dialog" : "≤ 100 (SPEC)",
		    s1.start_entry_ms <= 100 && (!df.available || s1.start_entry_ms <= s1.dialog_start_ms) ?
		    MARK_MET : MARK_MISSED, dstart1, df.available ? ratio(s1.start_entry_ms,
		    s1.dialog_start_ms) : "");
		row_add(T, fmt("exec → menu usable, %s records (ms, median of %d)", Sm, runs),
		    fmt("%.1f", s1.start_menu_ms), "≤ 100 (SPEC)", s1.start_menu_ms <= 100 ? MARK_MET :
		    MARK_MISSED, "", "");
	} else {
		phase_failed(T, fmt("start-up at %s", Sm));
	}
	if (ok2) {
		row_add(T, fmt("exec → survey1 entry form usable, %s records (ms, median of %d; dialog "
		    "timed in the same runs%s)", L, runs, pairs_said(&s2, runs, df.available)),
		    fmt("%.1f", s2.start_entry_ms),
		    df.available ? "≤ 50, ≤ dialog" : "≤ 50",
		    s2.start_entry_ms <= 50 && (!df.available || s2.start_entry_ms <= s2.dialog_start_ms) ?
		    MARK_MET : MARK_MISSED, dstart2, df.available ? ratio(s2.start_entry_ms,
		    s2.dialog_start_ms) : "");
		row_add(T, fmt("exec → menu usable, %s records (ms, median of %d)", L, runs),
		    fmt("%.1f", s2.start_menu_ms), "≤ 50", s2.start_menu_ms <= 50 ? MARK_MET :
		    MARK_MISSED, "", "");
	} else {
		phase_failed(T, fmt("start-up at %s", L));
	}
	/* What of the start-up is reading the configuration: `lgotp check`. */
	double *chk = xcalloc((size_t)runs, sizeof *chk);
	int chk_ok = 1;
	for (int r = 0; r < runs && chk_ok; r++) {
		const char *args[] = { "check", NULL };
		double t0 = now_ms();
		chk_ok = run_lgotp(d.small, args, NULL) == 0;
		chk[r] = now_ms() - t0;
	}
	if (chk_ok)
		row_add(T, fmt("for comparison: exec → exit of `lgotp check` (reads conf/ and screens/; "
		    "no terminal, no database) (ms, median of %d)", runs),
		    fmt("%.1f", median(chk, (size_t)runs)), "", MARK_NONE, "", "");
	free(chk);
	if (ok1)
		row_add(T, fmt("menu key → browse list's first page, %s records (ms, median of %d)", Sm,
		    runs), fmt("%.1f", s1.browse_ms), "", MARK_NONE, "", "");
	if (ok2)
		row_add(T, fmt("menu key → browse list's first page, %s records (ms, median of %d)", L,
		    runs), fmt("%.1f", s2.browse_ms), "", MARK_NONE, "", "");
	if (ok1)
		row_add(T, fmt("exec → browse list's first page (menu, then its key), %s records (ms, "
		    "median of %d)", Sm, runs), fmt("%.1f", s1.exec_browse_ms), "", MARK_NONE, "", "");
	if (ok2)
		row_add(T, fmt("exec → browse list's first page (menu, then its key), %s records (ms, "
		    "median of %d)", L, runs), fmt("%.1f", s2.exec_browse_ms), "", MARK_NONE, "", "");
	if (ok1)
		row_add(T, fmt("peak RSS of the TUI, %s records (MiB; VmHWM after browse, search, entry; "
		    "at the end %.1f anonymous + %.1f mapped files, of which %.1f the database's)", Sm,
		    s1.anon_kb / 1024.0, s1.file_kb / 1024.0, s1.db_kb / 1024.0),
		    fmt("%.1f", s1.rss_kb / 1024.0), "", MARK_NONE, drss,
		    df.available && df.rss_kb > 0 ? ratio(s1.rss_kb, df.rss_kb) : "");
	if (ok2)
		row_add(T, fmt("peak RSS of the TUI, %s records (MiB; at the end %.1f anonymous + %.1f "
		    "mapped files, of which %.1f the database's)", L, s2.anon_kb / 1024.0,
		    s2.file_kb / 1024.0, s2.db_kb / 1024.0), fmt("%.1f", s2.rss_kb / 1024.0), "",
		    MARK_NONE, drss, df.available && df.rss_kb > 0 ? ratio(s2.rss_kb, df.rss_kb) : "");
	/* The same less the database's pages, which dialog has no counterpart
	 * for: what the process itself holds, against dialog's whole RSS. */
	long dnow = df.available && df.anon_kb >= 0 && df.file_kb >= 0 ? df.anon_kb + df.file_kb : -1;
	for (int i = 0; i < 2; i++) {
		const struct scale_figures *sf = i == 0 ? &s1 : &s2;
		if (!(i == 0 ? ok1 : ok2) || sf->anon_kb < 0 || sf->file_kb < 0 || sf->db_kb < 0)
			continue;
		long own = sf->anon_kb + sf->file_kb - sf->db_kb;
		row_add(T, fmt("RSS of the TUI at the end of that session less the database's pages, "
		    "%s records (MiB; %.1f anonymous + %.1f mapped program, libraries and locale; "
		    "dialog: its RSS with the form filled)", i == 0 ? Sm : L, sf->anon_kb / 1024.0,
		    (sf->file_kb - sf->db_kb) / 1024.0), fmt("%.1f", own / 1024.0), "", MARK_NONE,
		    dnow > 0 ? fmt("%.1f", dnow / 1024.0) : "", dnow > 0 ? ratio(own, dnow) : "");
	}
	if (df.available) {
		note_add("Start-up and RSS peer: dialog showing the same form (it opens no database).  "
		    "Its start-ups are timed in pairs with lgotp's, at each scale, which of the two "
		    "goes first alternating from pair to pair, so that the load of a shared machine, "
		    "which changes from minute to minute, falls on both alike, and neither always "
		    "starts right after the other's exit.");
		if (df.rss_kb > 0)
			note_add("dialog's peak RSS with the form filled: %.1f MiB, %.1f anonymous + %.1f "
			    "mapped files (the C library, libm, ncurses, the locale).", df.rss_kb / 1024.0,
			    df.anon_kb / 1024.0, df.file_kb / 1024.0);
		note_add("lgotp's RSS counts the database pages it has read, and the kernel maps "
		    "whole page-cache folios around each one (up to 2 MiB), so that share depends on "
		    "how the file came into the cache: the same session maps a few hundred KiB of it "
		    "with the cache cold and tens of MiB after the file was read through.  It is page "
		    "cache, shared with every other process, not memory of lgotp's own.");
	}

	/* 5. Look-ups through the library. */
	fprintf(stderr, "bench: look-ups\n");
	if (bench_lookups(&g, &d) != 0)
		phase_failed("Look-up", "look-ups");
	else
		note_add("Look-ups: through the library in this process (db_open, store_get, "
		    "store_search asking for as many records as the list does at 80x24), after a few to warm up; "
		    "figures in ms: median / 99th percentile / worst / the slowest ten queries re-timed "
		    "in five rounds, the largest median.  The budget is judged on the larger of the "
		    "median and the last: a query's own cost, not a one-off stall of a shared 2-CPU "
		    "machine.");

	/* 6. Writers. */
	fprintf(stderr, "bench: writers\n");
	/* Three rounds, alternating, each figure the median: commits wait for
	 * the disk, which other work on the machine shares. */
	double w1[3], w8[3], fs[3];
	int per1 = 200, per8 = 50, wok = 1;
	for (int r = 0; r < 3 && wok; r++) {
		fs[r] = fsync_ms(g.dir);
		wok = bench_writers(&g, d.small, 1, per1, &w1[r]) == 0 &&
		    bench_writers(&g, d.small, 8, per8, &w8[r]) == 0;
	}
	double sync = wok ? median(fs, 3) : -1;
	if (wok) {
		double m1 = median(w1, 3), m8 = median(w8, 3);
		if (sync > 0)
			row_add("Writers (LMDB's single writer)", "for scale: one 4 KiB rewrite + fdatasync "
			    "on the same disk (ms; median of 50 before each round, median of those; LMDB "
			    "syncs twice per commit)",
			    fmt("%.2f", sync), "", MARK_NONE, "", "");
		row_add("Writers (LMDB's single writer)", fmt("saves per second, 1 process (%d saves, "
		    "store_save, each a durable commit; median of 3 rounds)", per1), fmt("%.0f", m1), "",
		    MARK_NONE, "", "");
		row_add("Writers (LMDB's single writer)", fmt("saves per second, 8 processes at once "
		    "(%d saves each; median of 3 rounds)", per8), fmt("%.0f", m8), "", MARK_NONE,
		    fmt("1 process: %.0f", m1), ratio(m8, m1));
	} else {
		phase_failed("Writers (LMDB's single writer)", "saves per second");
	}

out:;
	double total = (now_ms() - t_start) / 1e3;
	printf("# lgotp benchmark (%zu bodies; %s and %s survey1 records)\n", g.nbodies, Sm, L);
	print_table(stdout);
	print_summary(stdout);
	if (write_results(results, &g, &df, total) == 0)
		printf("\nWritten to %s (%.0f s in all).\n", results, total);
	const char *keep = getenv("LGOTP_BENCH_KEEP");
	if (keep && *keep && strcmp(keep, "0") != 0) {
		fprintf(stderr, "bench: LGOTP_BENCH_KEEP: the generated files stay in %s\n", g.dir);
	} else {
		char *cmd = xasprintf("rm -rf '%s'", g.dir);
		run_sh(cmd);
		free(cmd);
	}
	gen_free(&g);
	free(L);
	free(Sm);
	return failures ? 1 : 0;
}
