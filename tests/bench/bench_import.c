/*
 * bench_import.c - the databases the other phases use, built with lgotp's
 * own import, and the import of the survey rows timed against the sqlite3
 * shell's .import of the same file into a table with the same key and
 * search indexes, in the same run.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#define IMPORT_RUNS 3

/* Import FILE into NAME of DB; the time in ms, or -1 (after saying why). */
static double
timed_import(const char *db, const char *name, const char *file)
{
	const char *args[] = { "import", name, file, NULL };
	char *err = NULL;
	double t0 = now_ms();
	int rc = run_lgotp(db, args, &err);
	double t = now_ms() - t0;
	if (rc != 0) {
		fprintf(stderr, "bench: lgotp import %s %s failed (%d):\n%.2000s\n", name, file, rc, err);
		free(err);
		return -1;
	}
	free(err);
	return t;
}

/* The sqlite3 shell loading FILE into a table keyed and indexed as survey1 is. */
static double
timed_sqlite(const char *dir, const char *file)
{
	char *dbfile = xasprintf("%s/peer.sqlite", dir);
	char *script = xasprintf("%s/peer.sql", dir);
	unlink(dbfile);
	FILE *f = fopen(script, "w");
	if (f == NULL) {
		perror(script);
		return -1;
	}
	/* survey1.ini: key = fy, body_code; search = body_code, dept, contact. */
	fprintf(f,
	    "CREATE TABLE survey1(fy TEXT, body_code TEXT, intent TEXT, dept TEXT, contact TEXT,\n"
	    "  email TEXT, phone TEXT, received_on TEXT, note TEXT);\n"
	    "CREATE UNIQUE INDEX survey1_key ON survey1(fy, body_code);\n"
	    "CREATE INDEX survey1_body ON survey1(body_code);\n"
	    "CREATE INDEX survey1_dept ON survey1(dept);\n"
	    "CREATE INDEX survey1_contact ON survey1(contact);\n"
	    ".bail on\n"
	    ".mode csv\n"
	    ".import --skip 1 %s survey1\n"
	    "SELECT count(*) FROM survey1;\n", file);
	fclose(f);
	const char *argv[] = { "sqlite3", dbfile, NULL };
	char *out = NULL;
	double t0 = now_ms();
	int rc = run_argv(argv, script, &out);
	double t = now_ms() - t0;
	if (rc != 0) {
		fprintf(stderr, "bench: sqlite3 .import failed (%d): %.2000s\n", rc, out);
		t = -1;
	}
	free(out);
	unlink(dbfile);
	unlink(script);
	free(dbfile);
	free(script);
	return t;
}

static void
rm_rf(const char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	run_sh(cmd);
	free(cmd);
}

int
bench_import(struct gen *g, struct dbs *d)
{
	d->small = xasprintf("%s/db-small", g->dir);
	d->large = xasprintf("%s/db-large", g->dir);
	double body_t[IMPORT_RUNS], lg[IMPORT_RUNS], sq[IMPORT_RUNS];
	bool peer = true;
	for (int run = 0; run < IMPORT_RUNS; run++) {
		/* The first run builds the database the other phases use. */
		char *db = run == 0 ? xstrdup(d->small) : xasprintf("%s/db-scratch", g->dir);
		body_t[run] = timed_import(db, "body", g->bodies_csv);
		if (body_t[run] < 0)
			return -1;
		lg[run] = timed_import(db, "survey1", g->small_csv);
		if (lg[run] < 0)
			return -1;
		if (run > 0)
			rm_rf(db);
		free(db);
		sq[run] = peer ? timed_sqlite(g->dir, g->small_csv) : -1;
		if (sq[run] < 0 && peer) {
			peer = false;
			note_add("sqlite3: the shell could not load the file (see stderr); no peer figure "
			    "for the import.");
		}
		fprintf(stderr, "bench: import run %d: bodies %.0f ms, survey1 %.0f ms, sqlite3 %.0f ms\n",
		    run + 1, body_t[run], lg[run], sq[run]);
	}
	if (peer)
		note_add("Import: sqlite3 loads the file in one transaction into text columns and checks "
		    "nothing but the unique key; lgotp commits every 2,000 rows and per row parses and "
		    "validates every field, looks the body up, and writes the record, its search index "
		    "entries and an audit entry.");
	double mb = median(body_t, IMPORT_RUNS), ml = median(lg, IMPORT_RUNS),
	    ms = median(sq, IMPORT_RUNS);
	row_add("Import", fmt("import of %zu bodies (ms, median of %d)", g->nbodies, IMPORT_RUNS),
	    fmt("%.0f", mb), "", MARK_NONE, "", "");
	row_add("Import", fmt("import of %zu survey1 rows (ms, median of %d; peer: sqlite3 .import "
	    "into a table with the same unique key and search indexes)", g->small, IMPORT_RUNS),
	    fmt("%.0f", ml), "≤ sqlite3", !peer ? MARK_NONE : ml <= ms ? MARK_MET : MARK_MISSED,
	    peer ? fmt("%.0f", ms) : "", peer ? ratio(ml, ms) : "");
	row_add("Import", "rows per second", fmt("%.0f", (double)g->small / (ml / 1e3)), "", MARK_NONE,
	    peer ? fmt("%.0f", (double)g->small / (ms / 1e3)) : "", peer ? ratio(ms, ml) : "");

	/* The large set, once (its time is reported, not compared). */
	double t = timed_import(d->large, "body", g->bodies_csv);
	if (t < 0)
		return -1;
	t = timed_import(d->large, "survey1", g->large_csv);
	if (t < 0)
		return -1;
	fprintf(stderr, "bench: import of %zu rows: %.0f ms\n", g->large, t);
	row_add("Import", fmt("import of %zu survey1 rows (ms, one run)", g->large), fmt("%.0f", t), "",
	    MARK_NONE, "", "");
	return 0;
}
