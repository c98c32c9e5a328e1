/*
 * verify.c - the checks of `lgotp verify DIR` (see verify.h).
 *
 * Each screen's index is read into memory and sorted by record key, field
 * and value; the expected entries, computed from the records as store.c
 * computes them, likewise; one walk over both then finds what is missing
 * and what points nowhere.  store.c clips long values in index keys, so
 * an entry also matches when it is a long enough prefix of the expected
 * value (no copy of store.c's limit here to fall out of step).
 */
#include "verify.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db.h"
#include "i18n.h"
#include "record.h"
#include "store.h"
#include "text.h"
#include "util.h"

/* Problems printed at most; the count goes on. */
#define MAX_SHOWN 200

/* An index entry clipped to at least this many bytes is taken as the
 * clipped form of a longer value. */
#define CLIP_MIN 64

struct ientry {
	size_t field;           /* field byte - 1 */
	char *value;            /* folded */
	char *key;              /* record key */
	bool matched;
};

struct entries {
	struct ientry *v;
	size_t n, cap;
};

struct verify {
	const struct schema *schema;
	const char *dir;
	enum lang lang;
	FILE *err;
	long problems;
	long records, index_entries, audit_entries;
	const char *table;      /* of record_tables, being read */
	long other_entries;     /* read of it so far */

	/* The screen being checked. */
	const struct screen_def *sd;
	char *rec_table, *idx_table;
	struct entries actual, expected;
	char **keys;            /* record keys, in table (memcmp) order */
	size_t nkeys, keys_cap;
};

static void __attribute__((format(printf, 4, 5)))
problem(struct verify *v, const char *table, const char *key, const char *fmt, ...)
{
	if (v->problems++ >= MAX_SHOWN)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	char *shown = key ? store_key_display(key) : NULL;
	char *safe = shown ? text_printable(shown) : NULL;
	fprintf(v->err, "%s: %s%s%s: %s\n", v->dir, table, safe ? " " : "", safe ? safe : "", msg);
	free(safe);
	free(shown);
	free(msg);
}

static void
entries_add(struct entries *e, size_t field, char *value, char *key)
{
	e->v = xgrow(e->v, &e->cap, e->n + 1, sizeof *e->v);
	e->v[e->n++] = (struct ientry){ field, value, key, false };
}

static void
entries_clear(struct entries *e)
{
	for (size_t i = 0; i < e->n; i++) {
		free(e->v[i].value);
		free(e->v[i].key);
	}
	e->n = 0;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct ientry *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c == 0)
		c = (x->field > y->field) - (x->field < y->field);
	return c ? c : strcmp(x->value, y->value);
}

static bool
is_search_field(const struct screen_def *sd, size_t f)
{
	for (size_t i = 0; i < sd->nsearch; i++)
		if (sd->search[i] == f)
			return true;
	return false;
}

/* Does index value GOT stand for the folded value WANT (itself, or its
 * clipped form)? */
static bool
indexes(const char *got, const char *want)
{
	size_t g = strlen(got);
	if (strcmp(got, want) == 0)
		return true;
	return g >= CLIP_MIN && g < strlen(want) && strncmp(got, want, g) == 0;
}

static int
idx_cb(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
	struct verify *v = arg;
	(void)val;
	(void)vlen;
	v->index_entries++;
	const char *k = key;
	const char *nul = klen > 1 ? memchr(k + 1, '\0', klen - 1) : NULL;
	if (nul == NULL || (size_t)(nul - k) + 1 >= klen) {
		char *raw = xstrndup(k, klen > 80 ? 80 : klen), *shown = text_printable(raw);
		problem(v, v->idx_table, NULL, L_(v->lang, "malformed entry: %s"),
		    shown);
		free(shown);
		free(raw);
		return 0;
	}
	size_t field = (size_t)(unsigned char)k[0] - 1;
	char *value = xstrndup(k + 1, (size_t)(nul - k - 1));
	char *rkey = xstrndup(nul + 1, klen - (size_t)(nul - k) - 1);
	if (field >= v->sd->nfields || !is_search_field(v->sd, field)) {
		problem(v, v->idx_table, rkey, L_(v->lang,
		    "entry for field number %zu, which is not a search field"), field + 1);
		free(value);
		free(rkey);
		return 0;
	}
	entries_add(&v->actual, field, value, rkey);
	return 0;
}

static int
rec_cb(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
	struct verify *v = arg;
	const struct screen_def *sd = v->sd;
	v->records++;
	char *k = xstrndup(key, klen);
	v->keys = xgrow(v->keys, &v->keys_cap, v->nkeys + 1, sizeof *v->keys);
	v->keys[v->nkeys++] = k;
	struct record *r;
	char *why = NULL;
	if (record_decode(val, vlen, &r, &why) != 0) {
		problem(v, v->rec_table, k, L_(v->lang, "does not decode: %s"), why);
		free(why);
		return 0;
	}
	char *want = store_key(sd, r);
	if (strcmp(want, k) != 0) {
		char *shown = store_key_display(want);
		problem(v, v->rec_table, k, L_(v->lang, "its key fields give %s"),
		    shown);
		free(shown);
	}
	free(want);
	if (r->version == 0)
		problem(v, v->rec_table, k, "%s", L_(v->lang, "version 0"));
	for (size_t i = 0; i < sd->nsearch; i++) {
		const char *value = record_get(r, sd->fields[sd->search[i]].id);
		if (*value)
			entries_add(&v->expected, sd->search[i], text_search_key(value), xstrdup(k));
	}
	record_free(r);
	return 0;
}

static bool
record_exists(const struct verify *v, const char *key)
{
	size_t lo = 0, hi = v->nkeys;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v->keys[mid], key);
		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Compare the index read with the one the records call for. */
static void
match_index(struct verify *v)
{
	struct entries *a = &v->actual, *e = &v->expected;
	/* (qsort's array must not be NULL, even when empty.) */
	if (a->n > 1)
		qsort(a->v, a->n, sizeof *a->v, entry_cmp);
	if (e->n > 1)
		qsort(e->v, e->n, sizeof *e->v, entry_cmp);
	size_t i = 0;
	for (size_t j = 0; j < e->n; j++) {
		struct ientry *want = &e->v[j];
		/* Entries sorting before this (key, field) have no record value. */
		while (i < a->n && (strcmp(a->v[i].key, want->key) < 0 ||
		    (strcmp(a->v[i].key, want->key) == 0 && a->v[i].field < want->field)))
			i++;
		bool found = false;
		for (size_t x = i; x < a->n && a->v[x].field == want->field &&
		    strcmp(a->v[x].key, want->key) == 0; x++)
			if (!a->v[x].matched && indexes(a->v[x].value, want->value)) {
				a->v[x].matched = found = true;
				break;
			}
		if (!found)
			problem(v, v->idx_table, want->key, L_(v->lang,
			    "no index entry for %s"), v->sd->fields[want->field].id);
	}
	for (size_t x = 0; x < a->n; x++) {
		if (a->v[x].matched)
			continue;
		if (!record_exists(v, a->v[x].key))
			problem(v, v->idx_table, a->v[x].key, L_(v->lang,
			    "%s entry points at no record"), v->sd->fields[a->v[x].field].id);
		else
			problem(v, v->idx_table, a->v[x].key, L_(v->lang,
			    "%s entry holds a value the record no longer has: '%s'"),
			    v->sd->fields[a->v[x].field].id, a->v[x].value);
	}
}

/* The tables beside the screens' whose values are records too: the audit
 * trail (audit.h), drafts and leases (draft.h). */
static const char *const record_tables[] = { "audit", "draft", "lease" };

static int
other_cb(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
	struct verify *v = arg;
	(void)key;
	(void)klen;
	long n = ++v->other_entries;
	if (strcmp(v->table, "audit") == 0)
		v->audit_entries++;
	struct record *r;
	char *why = NULL;
	if (record_decode(val, vlen, &r, &why) != 0) {
		problem(v, v->table, NULL, L_(v->lang, "entry %ld does not decode: %s"), n, why);
		free(why);
		return 0;
	}
	record_free(r);
	return 0;
}

static int
verify_txn(struct db_txn *txn, void *arg, char **cause)
{
	struct verify *v = arg;
	for (size_t s = 0; s < v->schema->nscreens; s++) {
		v->sd = &v->schema->screens[s];
		v->rec_table = xasprintf("rec:%s", v->sd->name);
		v->idx_table = xasprintf("idx:%s", v->sd->name);
		int rc = db_scan(txn, v->idx_table, NULL, 0, false, idx_cb, v, cause);
		if (rc == 0)
			rc = db_scan(txn, v->rec_table, NULL, 0, false, rec_cb, v, cause);
		if (rc == 0)
			match_index(v);
		entries_clear(&v->actual);
		entries_clear(&v->expected);
		for (size_t i = 0; i < v->nkeys; i++)
			free(v->keys[i]);
		v->nkeys = 0;
		free(v->rec_table);
		free(v->idx_table);
		if (rc != 0)
			return -1;
	}
	for (size_t t = 0; t < sizeof record_tables / sizeof record_tables[0]; t++) {
		v->table = record_tables[t];
		v->other_entries = 0;
		if (db_scan(txn, v->table, NULL, 0, false, other_cb, v, cause) != 0)
			return -1;
	}
	return 0;
}

int
verify_database(const struct schema *schema, const char *dir, enum lang lang, FILE *out,
    FILE *err)
{
	struct verify v = { 0 };
	v.schema = schema;
	v.dir = dir;
	v.lang = lang;
	v.err = err;
	char *data = xasprintf("%s/data.mdb", dir);
	struct stat st;
	int rc = 2;
	struct db *db = NULL;
	char *why = NULL;
	if (stat(data, &st) != 0) {
		fprintf(err, "%s: %s (%s)\n", dir, L_(((&v))->lang, "no database here"),
		    strerror(errno));
		goto out;
	}
	rc = 1;
	if (db_open(dir, &db, &why) != 0) {
		fprintf(err, "%s: %s\n", dir, why);
		goto out;
	}
	if (db_read(db, verify_txn, &v, &why) != 0) {
		fprintf(err, "%s: %s\n", dir, why);
		v.problems++;
	}
	if (v.problems > MAX_SHOWN)
		fprintf(err, L_(((&v))->lang, "%s: %ld more problems\n"), dir,
		    v.problems - MAX_SHOWN);
	fprintf(out, L_(((&v))->lang,
	    "%s: %zu screens, %ld records, %ld index entries, %ld audit entries: %s\n"), dir,
	    schema->nscreens, v.records, v.index_entries, v.audit_entries,
	    v.problems ? L_(((&v))->lang, "PROBLEMS FOUND") : L_(((&v))->lang, "no problems"));
	if (v.problems)
		fprintf(out, L_(((&v))->lang, "%s: %ld problems\n"), dir, v.problems);
	rc = v.problems ? 1 : 0;
out:
	free(why);
	free(v.actual.v);
	free(v.expected.v);
	free(v.keys);
	if (db)
		db_close(db);
	free(data);
	return rc;
}
