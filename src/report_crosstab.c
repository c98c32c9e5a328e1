/*
 * report_crosstab.c - the acceptance-record reports: counts of records per
 * row (a field, or a field reached through references) and fiscal year,
 * as [crosstab.NAME] of reports.ini declares them (the syntax is at the top
 * of that file).
 *
 * The declarations are read from the file each time a report is built
 * rather than kept in the schema: schema.c leaves [crosstab.*] sections to
 * this module, and reading a small INI file costs nothing next to listing
 * the records.
 *
 * Every record counted lands in exactly one cell: its row, and the column
 * of its fiscal year or of its range of years.  A range is never spread
 * over single years, since the published totals do not say how it falls.
 * Rows and columns are collected as the records are read, then sorted.
 */
#include "report_crosstab.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "era.h"
#include "ini.h"
#include "rule.h"
#include "store.h"
#include "util.h"

/* The reports built here; each reads the section [crosstab.NAME]. */
static const char *const report_crosstab_names[] = { "by-country", "by-prefecture", "by-field" };
#define XT_NNAMES (sizeof report_crosstab_names / sizeof report_crosstab_names[0])

/* A cell no record counts in (0 is a count: a published zero). */
#define XT_NONE LONG_MIN

/* --- the declarations ---------------------------------------------------- */

/* One source of counts: the records of one screen. */
struct xt_source {
	const struct screen_def *sd;
	int from, to;                   /* the fiscal-year fields; to == from for one year */
	int count;                      /* the count field, or -1: each record counts one */
	/* The row path: hops[0] is a field of sd; hops[i] a field of hop_sd[i],
	 * the screen whose records hops[i - 1] names. */
	const struct field_def **hops;
	const struct screen_def **hop_sd;
	size_t nhops;
	struct rule *filter;            /* NULL: every record counts */
};

/* A [crosstab.NAME] section, read and checked. */
struct xt_def {
	struct xt_source *src;
	size_t nsrc;
};

static void
xt_def_free(struct xt_def *d)
{
	for (size_t i = 0; i < d->nsrc; i++) {
		free(d->src[i].hops);
		free(d->src[i].hop_sd);
		rule_free(d->src[i].filter);
	}
	free(d->src);
	memset(d, 0, sizeof *d);
}

/* The last field of SRC's row path: what a row is. */
static const struct field_def *
xt_row_field(const struct xt_source *src)
{
	return src->hops[src->nhops - 1];
}

static void xt_err(struct strlist *errs, const struct ini *ini, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Append "FILE:LINE: message" to ERRS; FMT is an English msgid (an xgettext
 * keyword, i18n.h), said in the UI language. */
static void
xt_err(struct strlist *errs, const struct ini *ini, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(_(fmt), ap);
	va_end(ap);
	strlist_addf(errs, "%s:%d: %s", ini_path(ini), line, msg);
	free(msg);
}

/* reports.ini beside the settings file S was loaded from (malloc'd). */
static char *
xt_reports_path(const struct schema *s)
{
	const char *conf = s->settings.conf_path ? s->settings.conf_path : "";
	const char *slash = strrchr(conf, '/');
	if (slash == NULL)
		return xstrdup("reports.ini");
	return xasprintf("%.*s/reports.ini", (int)(slash - conf), conf);
}

static bool
xt_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Whether F can hold a fiscal year. */
static bool
xt_year_type(const struct field_def *f)
{
	return strcmp(f->type->name, "fy") == 0 || strcmp(f->type->name, "int") == 0;
}

/*
 * `source.SCREEN = FY | FY, COUNT | FROM, TO, COUNT` (KEY, at LINE): append
 * the source to D, or report why not.
 */
static void
xt_parse_source(const struct schema *s, const struct ini *ini, const char *sec, const char *key,
    struct xt_def *d, struct strlist *errs)
{
	const char *name = key + strlen("source.");
	const char *value = ini_get(ini, sec, key);
	int line = ini_line(ini, sec, key);
	const struct screen_def *sd = schema_screen(s, name);
	if (sd == NULL) {
		xt_err(errs, ini, line, "%s: no screen '%s'", key, name);
		return;
	}
	struct strlist parts = { 0 };
	split_trim(value ? value : "", ',', &parts);
	if (parts.n < 1 || parts.n > 3 || (parts.n == 1 && parts.v[0][0] == '\0')) {
		xt_err(errs, ini, line, "%s: expected FY, or FY, COUNT, or FROM, TO, COUNT (fields of %s)",
		    key, name);
		strlist_free(&parts);
		return;
	}
	int idx[3];
	bool ok = true;
	for (size_t i = 0; i < parts.n; i++) {
		idx[i] = schema_field_index(sd, parts.v[i]);
		if (idx[i] < 0) {
			xt_err(errs, ini, line, "%s: screen %s has no field '%s'", key, name, parts.v[i]);
			ok = false;
			continue;
		}
		const struct field_def *f = &sd->fields[idx[i]];
		bool is_count = parts.n > 1 && i == parts.n - 1;
		if (is_count && strcmp(f->type->name, "int") != 0) {
			xt_err(errs, ini, line, "%s: %s is a %s field; a count must be an int field", key,
			    f->id, f->type->name);
			ok = false;
		} else if (!is_count && !xt_year_type(f)) {
			xt_err(errs, ini, line, "%s: %s is a %s field; a fiscal year must be a fy or int field",
			    key, f->id, f->type->name);
			ok = false;
		}
	}
	if (ok) {
		d->src = xrealloc(d->src, (d->nsrc + 1) * sizeof *d->src);
		struct xt_source *src = &d->src[d->nsrc++];
		memset(src, 0, sizeof *src);
		src->sd = sd;
		src->from = idx[0];
		src->to = parts.n == 3 ? idx[1] : idx[0];
		src->count = parts.n > 1 ? idx[parts.n - 1] : -1;
	}
	strlist_free(&parts);
}

/*
 * Resolve `rows = FIELD>FIELD...` for SRC; false (reported) when a hop is
 * not a field of its screen or a hop to follow names no other screen.
 */
static bool
xt_parse_path(const struct schema *s, const struct ini *ini, int line, const char *rows,
    struct xt_source *src, struct strlist *errs)
{
	struct strlist hops = { 0 };
	split_trim(rows, '>', &hops);
	src->hops = xcalloc(hops.n, sizeof *src->hops);
	src->hop_sd = xcalloc(hops.n, sizeof *src->hop_sd);
	const struct screen_def *cur = src->sd;
	bool ok = true;
	for (size_t i = 0; i < hops.n && ok; i++) {
		int fi = schema_field_index(cur, hops.v[i]);
		if (fi < 0) {
			xt_err(errs, ini, line, "rows: screen %s has no field '%s' (source.%s)", cur->name,
			    hops.v[i], src->sd->name);
			ok = false;
			break;
		}
		src->hops[i] = &cur->fields[fi];
		src->hop_sd[i] = cur;
		if (i + 1 == hops.n)
			break;
		const struct screen_def *next = src->hops[i]->ref ? schema_screen(s, src->hops[i]->ref) : NULL;
		if (next == NULL) {
			xt_err(errs, ini, line, "rows: %s.%s names no other screen's record (ref = SCREEN), "
			    "so '>' cannot follow it", cur->name, hops.v[i]);
			ok = false;
		}
		cur = next;
	}
	src->nhops = ok ? hops.n : 0;
	strlist_free(&hops);
	return ok;
}

/*
 * The names a filter on SRC refers to must exist (as schema.c binds the
 * screens' checks): fields of SRC's screen; SCREEN.FIELD where SCREEN's
 * key fields are fields of SRC's screen, since that is how its record is
 * found; conf: settings.  year: settings may be added by a year file later.
 */
static void
xt_bind_filter(const struct schema *s, const struct ini *ini, int line, const char *key,
    const struct xt_source *src, const struct rule *r, struct strlist *errs)
{
	const struct rule_ref *refs;
	size_t n = rule_refs(r, &refs);
	for (size_t i = 0; i < n; i++) {
		const struct rule_ref *ref = &refs[i];
		if (ref->kind == RULE_FIELD && schema_field_index(src->sd, ref->a) < 0) {
			xt_err(errs, ini, line, "%s: screen %s has no field '%s' (quote a code: '%s')", key,
			    src->sd->name, ref->a, ref->a);
		} else if (ref->kind == RULE_OTHER) {
			const struct screen_def *o = schema_screen(s, ref->a);
			if (o == NULL) {
				xt_err(errs, ini, line, "%s: no screen '%s'", key, ref->a);
				continue;
			}
			if (schema_field_index(o, ref->b) < 0)
				xt_err(errs, ini, line, "%s: screen %s has no field '%s'", key, ref->a, ref->b);
			for (size_t k = 0; k < o->nkey; k++)
				if (schema_field_index(src->sd, o->fields[o->key[k]].id) < 0)
					xt_err(errs, ini, line, "%s: %s.%s: screen %s has no field '%s' to find the "
					    "%s record by", key, ref->a, ref->b, src->sd->name,
					    o->fields[o->key[k]].id, ref->a);
		} else if (ref->kind == RULE_CONF &&
		    (s->conf == NULL || ini_get(s->conf, ref->a, ref->b) == NULL)) {
			xt_err(errs, ini, line, "%s: no setting conf:%s.%s", key, ref->a, ref->b);
		}
	}
}

/*
 * Read section SEC of INI into *D (zeroed first; free with xt_def_free
 * whatever happens), appending every problem to ERRS.  D is usable only
 * when nothing was appended.
 */
static void
xt_parse(const struct schema *s, const struct ini *ini, const char *sec, struct xt_def *d,
    struct strlist *errs)
{
	memset(d, 0, sizeof *d);
	int secline = ini_line(ini, sec, NULL);
	size_t nkeys = ini_nkeys(ini, sec);
	for (size_t k = 0; k < nkeys; k++) {
		const char *key = ini_key(ini, sec, k);
		if (strcmp(key, "rows") == 0)
			continue;
		if (xt_starts_with(key, "source.") && key[strlen("source.")] != '\0')
			xt_parse_source(s, ini, sec, key, d, errs);
		else if (!xt_starts_with(key, "filter.") || key[strlen("filter.")] == '\0')
			xt_err(errs, ini, ini_line(ini, sec, key), "unknown key '%s' in [%s]: expected rows, "
			    "source.SCREEN or filter.SCREEN", key, sec);
	}
	bool any_source = false;
	for (size_t k = 0; k < nkeys; k++)
		any_source |= xt_starts_with(ini_key(ini, sec, k), "source.");
	if (!any_source)
		xt_err(errs, ini, secline, "[%s] needs source.SCREEN = FY (or FROM, TO, COUNT): "
		    "the records it counts", sec);

	const char *rows = ini_get(ini, sec, "rows");
	if (rows == NULL || *rows == '\0') {
		xt_err(errs, ini, rows ? ini_line(ini, sec, "rows") : secline,
		    "[%s] needs rows = FIELD (or FIELD>FIELD): what a row is", sec);
	} else {
		int line = ini_line(ini, sec, "rows");
		bool paths = true;
		for (size_t i = 0; i < d->nsrc; i++)
			paths &= xt_parse_path(s, ini, line, rows, &d->src[i], errs);
		/* Rows are matched by their stored values, so the sources must agree on what those are. */
		for (size_t i = 1; paths && i < d->nsrc; i++) {
			const struct field_def *a = xt_row_field(&d->src[0]), *b = xt_row_field(&d->src[i]);
			if (a->type != b->type)
				xt_err(errs, ini, line, "rows: %s of %s is a %s field but %s of %s a %s field",
				    a->id, d->src[0].sd->name, a->type->name, b->id, d->src[i].sd->name,
				    b->type->name);
		}
	}

	for (size_t k = 0; k < nkeys; k++) {
		const char *key = ini_key(ini, sec, k);
		if (!xt_starts_with(key, "filter.") || key[strlen("filter.")] == '\0')
			continue;
		const char *name = key + strlen("filter.");
		int line = ini_line(ini, sec, key);
		struct xt_source *src = NULL;
		for (size_t i = 0; i < d->nsrc && src == NULL; i++)
			if (strcmp(d->src[i].sd->name, name) == 0)
				src = &d->src[i];
		if (src == NULL) {
			char *skey = xasprintf("source.%s", name);
			/* A source declared but refused has been reported already. */
			if (ini_get(ini, sec, skey) == NULL)
				xt_err(errs, ini, line, "%s: no source.%s in [%s] for it to filter", key, name, sec);
			free(skey);
			continue;
		}
		char *why = NULL;
		struct rule *r = NULL;
		if (rule_parse(ini_get(ini, sec, key), &r, &why) != 0) {
			strlist_addf(errs, "%s:%d: %s: %s", ini_path(ini), line, key, why);
			free(why);
			continue;
		}
		xt_bind_filter(s, ini, line, key, src, r, errs);
		src->filter = r;
	}
}

int
report_crosstab_check(const struct schema *s, struct strlist *errs)
{
	size_t n0 = errs->n;
	char *path = xt_reports_path(s);
	struct ini *ini = ini_load(path, errs);
	if (ini != NULL) {
		for (size_t i = 0; i < ini_nsections(ini); i++) {
			const char *sec = ini_section(ini, i);
			if (!xt_starts_with(sec, "crosstab."))
				continue;
			const char *name = sec + strlen("crosstab.");
			bool known = false;
			for (size_t k = 0; k < XT_NNAMES; k++)
				known |= strcmp(report_crosstab_names[k], name) == 0;
			if (!known) {
				xt_err(errs, ini, ini_line(ini, sec, NULL), "[%s]: no report '%s' is built from a "
				    "cross table (these are: by-country, by-prefecture, by-field)", sec, name);
				continue;
			}
			struct xt_def d;
			xt_parse(s, ini, sec, &d, errs);
			xt_def_free(&d);
		}
		for (size_t k = 0; k < XT_NNAMES; k++) {
			char *sec = xasprintf("crosstab.%s", report_crosstab_names[k]);
			if (!ini_has_section(ini, sec))
				xt_err(errs, ini, 0, "no [%s] section: the report %s reads it", sec,
				    report_crosstab_names[k]);
			free(sec);
		}
		ini_free(ini);
	}
	free(path);
	return errs->n > n0 ? -1 : 0;
}

/* --- counting ------------------------------------------------------------ */

/* A map from strings to indexes: open addressing, linear probing. */
struct xt_map {
	char **keys;
	size_t *vals;
	size_t cap, n;                  /* cap: 0 or a power of two */
};

static uint32_t
xt_hash(const char *s)
{
	uint32_t h = 2166136261u;       /* FNV-1a */
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

/* The index stored for KEY, or NULL. */
static size_t *
xt_map_get(const struct xt_map *m, const char *key)
{
	if (m->cap == 0)
		return NULL;
	for (size_t i = xt_hash(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == NULL)
			return NULL;
		if (strcmp(m->keys[i], key) == 0)
			return &m->vals[i];
	}
}

/* Put KEY (taken, not copied) with VAL into a table of CAP slots that has room. */
static void
xt_map_slot(char **keys, size_t *vals, size_t cap, char *key, size_t val)
{
	size_t i = xt_hash(key) & (cap - 1);
	while (keys[i] != NULL)
		i = (i + 1) & (cap - 1);
	keys[i] = key;
	vals[i] = val;
}

/* Store VAL for KEY (copied), which is not there yet. */
static void
xt_map_put(struct xt_map *m, const char *key, size_t val)
{
	if ((m->n + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		char **keys = xcalloc(cap, sizeof *keys);
		size_t *vals = xcalloc(cap, sizeof *vals);
		for (size_t i = 0; i < m->cap; i++)
			if (m->keys[i] != NULL)
				xt_map_slot(keys, vals, cap, m->keys[i], m->vals[i]);
		free(m->keys);
		free(m->vals);
		m->keys = keys;
		m->vals = vals;
		m->cap = cap;
	}
	xt_map_slot(m->keys, m->vals, m->cap, xstrdup(key), val);
	m->n++;
}

static void
xt_map_free(struct xt_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

struct xt_col {
	int from, to;                   /* from == to: one fiscal year */
};

struct xt_row {
	char *code;                     /* the stored value; "" for records without one */
	long *n;                        /* per column (in order found), XT_NONE where nothing counts */
	size_t ncap;
	int rank;                       /* sorting: 0 a declared choice, 1 another value, 2 none */
	size_t ord;                     /* sorting: the choice's place in the declarations */
};

/* One report being counted. */
struct xt_run {
	struct app *app;
	const struct xt_def *d;
	int fy;                         /* 0: every year; else only columns holding it */
	struct xt_col *cols;
	size_t ncols, colcap;
	struct xt_row *rows;
	size_t nrows, rowcap;
	struct xt_map rowmap;           /* code -> index into rows */
	size_t skipped;                 /* records without a readable year or count */
};

static void
xt_run_free(struct xt_run *x)
{
	for (size_t i = 0; i < x->nrows; i++) {
		free(x->rows[i].code);
		free(x->rows[i].n);
	}
	free(x->rows);
	free(x->cols);
	xt_map_free(&x->rowmap);
}

/* The column of years FROM..TO, added when new. */
static size_t
xt_column(struct xt_run *x, int from, int to)
{
	/* Linear: a few dozen columns at most (one per year held, a few ranges). */
	for (size_t c = 0; c < x->ncols; c++)
		if (x->cols[c].from == from && x->cols[c].to == to)
			return c;
	x->cols = xgrow(x->cols, &x->colcap, x->ncols + 1, sizeof *x->cols);
	x->cols[x->ncols] = (struct xt_col){ from, to };
	return x->ncols++;
}

/* Add COUNT to row CODE's cell for FROM..TO. */
static void
xt_add(struct xt_run *x, const char *code, int from, int to, long count)
{
	size_t c = xt_column(x, from, to);
	size_t *hit = xt_map_get(&x->rowmap, code);
	size_t ri;
	if (hit != NULL) {
		ri = *hit;
	} else {
		x->rows = xgrow(x->rows, &x->rowcap, x->nrows + 1, sizeof *x->rows);
		x->rows[x->nrows] = (struct xt_row){ .code = xstrdup(code) };
		xt_map_put(&x->rowmap, code, x->nrows);
		ri = x->nrows++;
	}
	struct xt_row *row = &x->rows[ri];
	if (c >= row->ncap) {
		size_t old = row->ncap;
		row->n = xgrow(row->n, &row->ncap, c + 1, sizeof *row->n);
		for (size_t i = old; i < row->ncap; i++)
			row->n[i] = XT_NONE;
	}
	row->n[c] = row->n[c] == XT_NONE ? count : row->n[c] + count;
}

/* A stored fiscal year ("2025"), or 0 when V is none. */
static int
xt_year(const char *v)
{
	char *end;
	errno = 0;
	long y = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || y < 1 || y > 9999)
		return 0;
	return (int)y;
}

/* What a filter's names stand for, for one record of a source. */
struct xt_env {
	struct app *app;
	const struct xt_source *src;
	const struct record *r;
};

/* rule_resolve_fn over the record's fields, the records it names, the settings. */
static int
xt_resolve(void *arg, const struct rule_ref *ref, char **out, char **cause)
{
	struct xt_env *e = arg;
	const struct schema *s = e->app->schema;
	const char *v = NULL;
	switch (ref->kind) {
	case RULE_FIELD:
		v = record_get(e->r, ref->a);
		break;
	case RULE_OTHER: {
		/* Bound by xt_bind_filter: the screen exists and its key is in this record. */
		const struct screen_def *o = schema_screen(s, ref->a);
		char *key = store_key(o, e->r);
		struct record *other = NULL;
		int rc = store_get(e->app->db, o, key, &other, cause);
		free(key);
		if (rc < 0)
			return -1;
		*out = xstrdup(rc == 0 ? record_get(other, ref->b) : "");
		record_free(other);
		return 0;
	}
	case RULE_YEAR:
		v = schema_year_setting(s, xt_year(record_get(e->r, e->src->sd->fields[e->src->from].id)),
		    ref->a, ref->b);
		break;
	case RULE_CONF:
		v = s->conf ? ini_get(s->conf, ref->a, ref->b) : NULL;
		break;
	}
	*out = xstrdup(v ? v : "");
	return 0;
}

/*
 * The row of R through SRC's path (*code, valid while R and FOUND live):
 * the first hop's value, then for each further hop the field of the record
 * the previous value names; "" when a record named is not there.  CACHE
 * maps a first value to its result in FOUND, since many trainees share a
 * host.  0, or -1 with *cause on a database error.
 */
static int
xt_row_code(struct app *app, const struct xt_source *src, const struct record *r,
    struct xt_map *cache, struct strlist *found, const char **code, char **cause)
{
	const char *v = record_get(r, src->hops[0]->id);
	if (src->nhops == 1 || *v == '\0') {
		*code = v;
		return 0;
	}
	size_t *hit = xt_map_get(cache, v);
	if (hit != NULL) {
		*code = found->v[*hit];
		return 0;
	}
	char *cur = xstrdup(v);
	for (size_t h = 1; h < src->nhops && *cur != '\0'; h++) {
		struct record *o = NULL;
		int rc = store_get(app->db, src->hop_sd[h], cur, &o, cause);
		free(cur);
		if (rc < 0)
			return -1;
		cur = xstrdup(rc == 0 ? record_get(o, src->hops[h]->id) : "");
		record_free(o);
	}
	xt_map_put(cache, v, found->n);
	strlist_add(found, cur);
	*code = cur;
	return 0;
}

/* Count one record of SRC into X. */
static int
xt_count_record(struct xt_run *x, const struct xt_source *src, const struct record *r,
    struct xt_map *cache, struct strlist *found, char **cause)
{
	const struct screen_def *sd = src->sd;
	if (src->filter != NULL) {
		struct xt_env env = { x->app, src, r };
		bool holds = true;
		char *why = NULL;
		if (rule_eval(src->filter, xt_resolve, &env, x->app->today, &holds, &why) != 0) {
			char *key = store_key(sd, r);
			char *shown = store_key_display(key);
			fail(cause, "%s %s: filter: %s", sd->name, shown, why);
			free(shown);
			free(key);
			free(why);
			return -1;
		}
		if (!holds)
			return 0;
	}
	int from = xt_year(record_get(r, sd->fields[src->from].id));
	int to = src->to == src->from ? from : xt_year(record_get(r, sd->fields[src->to].id));
	/* A range with one end given is that one year. */
	if (from == 0)
		from = to;
	if (to == 0)
		to = from;
	long count = 1;
	if (src->count >= 0) {
		const char *v = record_get(r, sd->fields[src->count].id);
		char *end;
		errno = 0;
		count = strtol(v, &end, 10);
		if (errno != 0 || end == v || *end != '\0')
			from = 0;
	}
	if (from == 0 || to < from) {
		x->skipped++;
		return 0;
	}
	if (x->fy != 0 && (x->fy < from || x->fy > to))
		return 0;
	const char *code;
	if (xt_row_code(x->app, src, r, cache, found, &code, cause) != 0)
		return -1;
	xt_add(x, code, from, to, count);
	return 0;
}

/* Count every record of SRC into X. */
static int
xt_count_source(struct xt_run *x, const struct xt_source *src, char **cause)
{
	struct record **recs = NULL;
	size_t n = 0;
	/* The whole list first: the path and filter look-ups below read the
	 * database, which must not happen inside another read's scan. */
	if (store_list(x->app->db, src->sd, NULL, false, (size_t)-1, &recs, &n, cause) != 0)
		return -1;
	struct xt_map cache = { 0 };
	struct strlist found = { 0 };
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = xt_count_record(x, src, recs[i], &cache, &found, cause);
	xt_map_free(&cache);
	strlist_free(&found);
	store_free_list(recs, n);
	return rc;
}

/* --- the table ----------------------------------------------------------- */

/* "H8", "R1" for fiscal year FY (named after the era at the end of its first
 * calendar year, as era.h does); "" before 明治. */
static void
xt_era_tag(int fy, char *buf, size_t size)
{
	const struct era_info *e = era_of((struct era_date){ fy, 12, 31 });
	if (e != NULL)
		snprintf(buf, size, "%c%d", e->letter, fy - e->start.y + 1);
	else if (size > 0)
		buf[0] = '\0';
}

/* A year column's title, both calendars in one line: "1996(H8)", "FY1996 (H8)", "1996-2010". */
static char *
xt_head(enum lang lang, const struct xt_col *col)
{
	if (col->from != col->to)
		return xasprintf(LC_(lang, "year column", "FY%d-%d"), col->from, col->to);
	char tag[16];
	xt_era_tag(col->from, tag, sizeof tag);
	if (*tag == '\0')
		return xasprintf(LC_(lang, "year column", "FY%d"), col->from);
	/* The Western year and its era: "FY1996 (H8)", "1996(H8)". */
	return xasprintf(LC_(lang, "year column", "FY%d (%s)"), col->from, tag);
}

/* A row's label: the code and what it stands for in the app's language. */
static char *
xt_label(struct app *app, const struct xt_def *d, const char *code)
{
	if (*code == '\0')
		return xstrdup(_("(not set)"));
	struct ftype_ctx ctx = app->ctx;
	ctx.lang = i18n_lang();
	/* The sources' row fields may differ in their choices (history has "all"). */
	for (size_t i = 0; i < d->nsrc; i++) {
		const struct field_def *f = xt_row_field(&d->src[i]);
		char *echo = f->type->echo(f, &ctx, code);
		if (*echo != '\0') {
			char *s = xasprintf("%s %s", code, echo);
			free(echo);
			return s;
		}
		free(echo);
	}
	return xstrdup(code);
}

/* Where a row sorts: declared choices in their order (the order the
 * organisation lists them), then other codes, then records without one. */
static void
xt_rank(const struct xt_def *d, struct xt_row *row)
{
	row->rank = *row->code == '\0' ? 2 : 1;
	row->ord = 0;
	size_t base = 0;
	for (size_t i = 0; i < d->nsrc && row->rank == 1; i++) {
		const struct field_def *f = xt_row_field(&d->src[i]);
		for (size_t k = 0; k < f->nchoices; k++)
			if (strcmp(f->choices[k].code, row->code) == 0) {
				row->rank = 0;
				row->ord = base + k;
				break;
			}
		base += f->nchoices;
	}
}

static int
xt_row_cmp(const void *a, const void *b)
{
	const struct xt_row *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->ord != y->ord)
		return x->ord < y->ord ? -1 : 1;
	return strcmp(x->code, y->code);
}

/*
 * Fiscal years LO to HI (LO alone when equal) in both calendars: the
 * Japanese era names get the Western years beside them ("令和7年度 (2025)",
 * "平成8年度〜令和7年度 (1996-2025)"); the English ones hold the era already
 * ("FY2025 (R7)", "FY1996 (H8) to FY2025 (R7)").  Caller frees.
 */
static char *
xt_fy_both(int lo, int hi)
{
	char *a = era_format_fy(lo, i18n_lang());
	char *b = lo == hi ? NULL : era_format_fy(hi, i18n_lang());
	char *s = b == NULL ? xstrdup(a) : xasprintf(_("%s to %s"), a, b);
	free(a);
	free(b);
	if (i18n_lang() == LANG_EN)
		return s;
	char *w = lo == hi ? xasprintf("%s (%d)", s, lo) : xasprintf("%s (%d-%d)", s, lo, hi);
	free(s);
	return w;
}

/* The summary line: the years covered and the grand total. */
static char *
xt_summary(const struct xt_run *x, const size_t *order, long grand)
{
	struct strbuf sb = SB_INIT;
	if (x->fy != 0) {
		char *f = xt_fy_both(x->fy, x->fy);
		bool ranges = false;
		for (size_t c = 0; c < x->ncols; c++)
			ranges |= x->cols[c].from != x->cols[c].to;
		sb_addf(&sb, _("%s%s  total %ld"), f,
		    ranges ? _(" and the ranges holding it") : "", grand);
		free(f);
	} else if (x->ncols == 0) {
		sb_adds(&sb, _("No records"));
	} else {
		int lo = x->cols[order[0]].from, hi = 0;
		for (size_t c = 0; c < x->ncols; c++)
			if (x->cols[c].to > hi)
				hi = x->cols[c].to;
		char *span = xt_fy_both(lo, hi);
		sb_addf(&sb, _("%s  total %ld"), span, grand);
		free(span);
	}
	if (x->skipped)
		sb_addf(&sb, _("  (%zu records without a year or count left out)"),
		    x->skipped);
	return sb_detach(&sb);
}

/* Fill T from the counts of X. */
static void
xt_table(struct xt_run *x, struct table *t)
{
	struct app *app = x->app;
	const struct xt_def *d = x->d;
	/* Columns by first year, a single year before the ranges starting with it. */
	size_t *order = xcalloc(x->ncols ? x->ncols : 1, sizeof *order);
	for (size_t c = 0; c < x->ncols; c++) {
		size_t k = c;
		for (; k > 0; k--) {
			const struct xt_col *p = &x->cols[order[k - 1]], *q = &x->cols[c];
			if (p->from < q->from || (p->from == q->from && p->to < q->to))
				break;
			order[k] = order[k - 1];
		}
		order[k] = c;
	}
	/* The map's indexes are not needed any more: rows may move. */
	for (size_t r = 0; r < x->nrows; r++)
		xt_rank(d, &x->rows[r]);
	if (x->nrows > 1)
		qsort(x->rows, x->nrows, sizeof *x->rows, xt_row_cmp);

	const struct field_def *rf = xt_row_field(&d->src[0]);
	size_t nc = x->ncols + 2;
	table_init(t, nc);
	table_column(t, 0, rf->id, rf->label[i18n_lang()]);
	for (size_t c = 0; c < x->ncols; c++) {
		const struct xt_col *col = &x->cols[order[c]];
		char *id = col->from == col->to ? xasprintf("fy%d", col->from)
		    : xasprintf("fy%d_%d", col->from, col->to);
		char *head = xt_head(i18n_lang(), col);
		table_column(t, c + 1, id, head);
		free(id);
		free(head);
	}
	table_column(t, nc - 1, "total", C_("column", "Total"));

	long *sums = xcalloc(x->ncols + 1, sizeof *sums);
	char **cells = xcalloc(nc, sizeof *cells);
	long grand = 0;
	for (size_t r = 0; r <= x->nrows; r++) {
		bool totals = r == x->nrows;
		const struct xt_row *row = totals ? NULL : &x->rows[r];
		cells[0] = totals ? xstrdup(C_("row", "Total")) : xt_label(app, d, row->code);
		long rowsum = 0;
		for (size_t c = 0; c < x->ncols; c++) {
			size_t k = order[c];
			long v = totals ? sums[k] : k < row->ncap ? row->n[k] : XT_NONE;
			if (!totals && v != XT_NONE) {
				sums[k] += v;
				rowsum += v;
			}
			cells[c + 1] = v == XT_NONE ? xstrdup("") : xasprintf("%ld", v);
		}
		if (totals)
			rowsum = grand;
		else
			grand += rowsum;
		cells[nc - 1] = xasprintf("%ld", rowsum);
		table_add(t, (const char *const *)cells);
		for (size_t c = 0; c < nc; c++)
			free(cells[c]);
	}
	t->totals = true;
	t->summary = xt_summary(x, order, grand);
	free(cells);
	free(sums);
	free(order);
}

/* Build the report RD from [crosstab.RD->name]. */
static int
xt_build(const struct report_def *rd, struct app *app, const struct report_opts *opts,
    struct table *t, char **cause)
{
	struct strlist errs = { 0 };
	char *path = xt_reports_path(app->schema);
	char *sec = xasprintf("crosstab.%s", rd->name);
	struct ini *ini = ini_load(path, &errs);
	struct xt_def d = { 0 };
	if (ini != NULL && !ini_has_section(ini, sec))
		xt_err(&errs, ini, 0, "no [%s] section: the report %s reads it", sec, rd->name);
	else if (ini != NULL)
		xt_parse(app->schema, ini, sec, &d, &errs);
	ini_free(ini);
	free(path);
	free(sec);
	if (errs.n > 0) {
		fail_raw(cause, "%s%s", errs.v[0], errs.n > 1 ? _(" (and more: see lgotp check)") : "");
		strlist_free(&errs);
		xt_def_free(&d);
		return -1;
	}
	struct xt_run x = { .app = app, .d = &d, .fy = opts ? opts->fy : 0 };
	int rc = 0;
	for (size_t i = 0; i < d.nsrc && rc == 0; i++)
		rc = xt_count_source(&x, &d.src[i], cause);
	if (rc == 0) {
		/* Asked about one year: its column even when nothing counts in it. */
		bool held = false;
		for (size_t c = 0; c < x.ncols; c++)
			held |= x.cols[c].from <= x.fy && x.fy <= x.cols[c].to;
		if (x.fy != 0 && !held)
			xt_column(&x, x.fy, x.fy);
		xt_table(&x, t);
	}
	xt_run_free(&x);
	xt_def_free(&d);
	return rc;
}

int
report_by_country(const struct report_def *rd, struct app *app, const struct report_opts *opts,
    struct table *t, char **cause)
{
	return xt_build(rd, app, opts, t, cause);
}

int
report_by_prefecture(const struct report_def *rd, struct app *app,
    const struct report_opts *opts, struct table *t, char **cause)
{
	return xt_build(rd, app, opts, t, cause);
}

int
report_by_field(const struct report_def *rd, struct app *app, const struct report_opts *opts,
    struct table *t, char **cause)
{
	return xt_build(rd, app, opts, t, cause);
}
