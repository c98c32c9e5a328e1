#include "exchange.h"

#include <stdlib.h>
#include <string.h>

#include "effects.h"
#include "store.h"
#include "text.h"
#include "util.h"

/* Rows saved per write transaction: large enough to amortise the commit's
 * sync, small enough that a full map retries little. */
#define IMPORT_BATCH 2000

/* A header cell as compared: white space (Excel's line breaks inside
 * headers too) removed, full-width ASCII folded, ASCII lower-cased. */
static char *
header_key(const char *h)
{
	char *folded = text_fold_ascii(h);
	struct strbuf sb = SB_INIT;
	for (const char *p = folded; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			continue;
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		sb_addc(&sb, c);
	}
	free(folded);
	return sb_detach(&sb);
}

static bool
header_is(const char *cell, const char *name)
{
	char *a = header_key(cell), *b = header_key(name);
	bool same = strcmp(a, b) == 0;
	free(a);
	free(b);
	return same;
}

/* Where each field's value comes from: up to a few columns, first non-empty wins. */
#define MAX_SOURCES 4
struct column_map {
	int src[MAX_SOURCES];
	int nsrc;
};

static const struct import_layout *
detect_layout(const struct screen_def *sd, char **header, size_t n)
{
	for (size_t i = 0; i < sd->nimports; i++)
		for (size_t c = 0; c < n; c++)
			if (header_is(header[c], sd->imports[i].detect))
				return &sd->imports[i];
	return NULL;
}

/* Map the header; 0, or -1 after reporting why the file cannot be imported. */
static int
map_header(struct app *app, const struct screen_def *sd, const char *path, long line,
    char **header, size_t n, struct column_map *map, FILE *err, long *unknown)
{
	const struct import_layout *layout = detect_layout(sd, header, n);
	bool *used = xcalloc(n ? n : 1, sizeof *used);
	for (size_t f = 0; f < sd->nfields; f++)
		map[f].nsrc = 0;
	if (layout) {
		for (size_t i = 0; i < layout->ncolumns; i++) {
			const struct import_column *ic = &layout->columns[i];
			struct column_map *m = &map[ic->field];
			for (size_t h = 0; h < ic->headers.n; h++)
				for (size_t c = 0; c < n; c++)
					if (header_is(header[c], ic->headers.v[h]) && m->nsrc < MAX_SOURCES) {
						m->src[m->nsrc++] = (int)c;
						used[c] = true;
					}
		}
	} else {
		for (size_t c = 0; c < n; c++) {
			for (size_t f = 0; f < sd->nfields && !used[c]; f++) {
				const struct field_def *fd = &sd->fields[f];
				if (header_is(header[c], fd->id) || header_is(header[c], fd->label[LANG_JA]) ||
				    header_is(header[c], fd->label[LANG_EN])) {
					if (map[f].nsrc > 0) {
						fprintf(err, "%s:%ld: %s '%s'\n", path, line,
						    T(app, "列が重複しています:", "column given twice:"), header[c]);
						free(used);
						return -1;
					}
					map[f].src[map[f].nsrc++] = (int)c;
					used[c] = true;
				}
			}
		}
	}
	for (size_t c = 0; c < n; c++)
		if (!used[c] && *header[c]) {
			fprintf(err, "%s:%ld: %s '%s'\n", path, line,
			    T(app, "この画面にない列なので読みません:", "unknown column, not read:"), header[c]);
			(*unknown)++;
		}
	free(used);
	int rc = 0;
	for (size_t k = 0; k < sd->nkey; k++)
		if (map[sd->key[k]].nsrc == 0) {
			fprintf(err, "%s:%ld: %s %s\n", path, line,
			    T(app, "キーの列がありません:", "the key column is missing:"),
			    sd->fields[sd->key[k]].id);
			rc = -1;
		}
	return rc;
}

struct pending {
	struct record **recs;
	long *lines;
	size_t n;
};

static int
flush(struct app *app, const struct screen_def *sd, const char *path, struct pending *p,
    bool upsert, FILE *err, struct import_stats *st)
{
	if (p->n == 0)
		return 0;
	int *results = xcalloc(p->n, sizeof *results);
	char *why = NULL;
	struct effects_arg ea = { app->schema, sd, app->today };
	int rc = store_save_batch_ex(app->db, sd, p->recs, p->n, upsert, results,
	    sd->neffects ? effects_apply : NULL, &ea, &why);
	if (rc != 0) {
		fprintf(err, "%s: %s: %s\n", path, T(app, "保存できません", "cannot store"), why);
		free(why);
	} else {
		for (size_t i = 0; i < p->n; i++) {
			if (results[i] == 0) {
				st->stored++;
				continue;
			}
			char *key = store_key(sd, p->recs[i]);
			char *shown = store_key_display(key);
			fprintf(err, "%s:%ld: %s %s\n", path, p->lines[i], shown,
			    T(app, "は登録済みです", "already exists"));
			st->rejected++;
			free(shown);
			free(key);
		}
	}
	for (size_t i = 0; i < p->n; i++)
		record_free(p->recs[i]);
	p->n = 0;
	free(results);
	return rc;
}

int
exchange_import(struct app *app, const struct screen_def *sd, const char *path,
    const struct import_opts *opts, FILE *err, struct import_stats *st)
{
	memset(st, 0, sizeof *st);
	char *why = NULL;
	struct csv_reader *r = csv_open(path, opts->encoding, &why);
	if (r == NULL) {
		fprintf(err, "%s: %s\n", path, why);
		free(why);
		return 2;
	}
	char **cells;
	size_t n;
	long line;
	int got = csv_next(r, &cells, &n, &line, &why);
	if (got <= 0) {
		fprintf(err, "%s:%ld: %s\n", path, got < 0 ? line : 1L,
		    got < 0 ? why : T(app, "空のファイルです (見出し行がありません)", "empty file: no header row"));
		free(why);
		csv_close(r);
		return 2;
	}
	struct column_map *map = xcalloc(sd->nfields, sizeof *map);
	long unknown = 0;
	if (map_header(app, sd, path, line, cells, n, map, err, &unknown) != 0) {
		free(map);
		csv_close(r);
		return 2;
	}
	struct pending p = { xcalloc(IMPORT_BATCH, sizeof *p.recs),
		xcalloc(IMPORT_BATCH, sizeof *p.lines), 0 };
	int fatal = 0;
	while (!fatal && (got = csv_next(r, &cells, &n, &line, &why)) != 0) {
		st->rows++;
		if (got < 0) {
			fprintf(err, "%s:%ld: %s\n", path, line, why);
			free(why);
			why = NULL;
			st->rejected++;
			continue;
		}
		if (n == 1 && cells[0][0] == '\0') {
			st->rows--;         /* a blank line, as Excel leaves at the end */
			continue;
		}
		struct record *in = record_new();
		for (size_t f = 0; f < sd->nfields; f++)
			for (int s = 0; s < map[f].nsrc; s++) {
				size_t c = (size_t)map[f].src[s];
				if (c < n && cells[c][0] != '\0') {
					char *v = csv_uninert(cells[c]);
					record_set(in, sd->fields[f].id, v);
					free(v);
					break;
				}
			}
		struct record *out = NULL, *old = NULL;
		int bad = -1;
		struct strlist warnings = { 0 };
		int vrc = validate_record(sd, &app->ctx, in, NULL, &out, &bad, &why, &warnings);
		if (vrc == 0 && opts->upsert) {
			/* What the row replaces (found by its checked key): status order
			 * and change logs carry on from it. */
			char *key = store_key(sd, out);
			char *gwhy = NULL;
			if (store_get(app->db, sd, key, &old, &gwhy) == 0) {
				record_free(out);
				out = NULL;
				strlist_free(&warnings);
				vrc = validate_record(sd, &app->ctx, in, old, &out, &bad, &why, &warnings);
			}
			free(gwhy);
			free(key);
		}
		record_free(old);
		if (vrc != 0) {
			fprintf(err, "%s:%ld: %s: %s\n", path, line, sd->fields[bad].id, why);
			free(why);
			why = NULL;
			st->rejected++;
		} else {
			/* Stored all the same, as the operator at the form may choose. */
			for (size_t w = 0; w < warnings.n; w++)
				fprintf(err, "%s:%ld: %s %s\n", path, line, T(app, "警告:", "warning:"),
				    warnings.v[w]);
			p.recs[p.n] = out;
			p.lines[p.n++] = line;
			if (p.n == IMPORT_BATCH)
				fatal = flush(app, sd, path, &p, opts->upsert, err, st);
		}
		strlist_free(&warnings);
		record_free(in);
	}
	if (!fatal)
		fatal = flush(app, sd, path, &p, opts->upsert, err, st);
	for (size_t i = 0; i < p.n; i++)
		record_free(p.recs[i]);
	free(p.recs);
	free(p.lines);
	free(map);
	csv_close(r);
	if (fatal)
		return 2;
	return st->rejected > 0 || unknown > 0 ? 1 : 0;
}

struct export_state {
	struct app *app;
	const struct screen_def *sd;
	struct csv_writer *w;
	FILE *err;
	const char **row;
	long bad;
};

static int
export_one(void *arg, struct record *r)
{
	struct export_state *es = arg;
	for (size_t f = 0; f < es->sd->nfields; f++)
		es->row[f] = record_get(r, es->sd->fields[f].id);
	char *why = NULL;
	if (csv_write(es->w, es->row, es->sd->nfields, true, &why) != 0) {
		char *key = store_key(es->sd, r);
		char *shown = store_key_display(key);
		fprintf(es->err, "%s %s: %s\n", es->sd->name, shown, why);
		free(shown);
		free(key);
		free(why);
		es->bad++;
	}
	return 0;
}

int
exchange_export(struct app *app, const struct screen_def *sd, FILE *out, enum csv_encoding enc,
    FILE *err)
{
	struct export_state es = { app, sd, csv_writer_new(out, enc), err, NULL, 0 };
	es.row = xcalloc(sd->nfields, sizeof *es.row);
	for (size_t f = 0; f < sd->nfields; f++)
		es.row[f] = sd->fields[f].id;
	char *why = NULL;
	int rc = 0;
	if (csv_write(es.w, es.row, sd->nfields, false, &why) != 0) {
		fprintf(err, "%s\n", why);
		free(why);
		rc = 2;
	} else if (store_each(app->db, sd, export_one, &es, &why) != 0) {
		fprintf(err, "%s: %s\n", sd->name, why);
		free(why);
		rc = 2;
	} else if (es.bad > 0) {
		rc = 1;
	}
	csv_writer_free(es.w);
	free(es.row);
	return rc;
}
