/*
 * exchange.c - CSV import and export of a screen's records.
 *
 * Import reads rows into batches.  Each row is checked as the form checks
 * a record (validate_record) and becomes one record, or several under an
 * unpivot layout; a batch is then stored in one write transaction.  So
 * that a row is stored whole or not at all, even while others write, the
 * batch is stored with a hook (guard_hook) that checks each record finds
 * the version the row was checked against (none for a new record); when
 * one does not, the transaction is abandoned and the batch stored again a
 * row per transaction, so only the rows someone else raced are rejected.
 * Messages about a batch's rows are given in line order when it is stored.
 */
#include "exchange.h"

#include <errno.h>
#include <stdarg.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "effects.h"
#include "rekey.h"
#include "roles.h"
#include "store.h"
#include "text.h"
#include "util.h"

/* Rows (and records) saved per write transaction: large enough to
 * amortise the commit's sync, small enough that a full map retries little. */
#define IMPORT_BATCH 2000

/* Returned by guard_hook to abandon a batch's transaction. */
#define GUARD_TRIPPED 100

/* A row-by-row retry that fails this many rows in a row with a database
 * error, none stored, is taken for a database that cannot be written. */
#define SYSTEMIC_FAILURES 3

/* ------------------------------------------------------------------ */
/* Progress on a terminal                                             */

/*
 * At most four updates a second, the first after half a second, so a
 * short run stays quiet.  The caller decides whether ERR is a terminal.
 * LGOTP_PROGRESS_DELAY (seconds) moves the first update, as git's
 * GIT_PROGRESS_DELAY does: 0 shows it from the first row, which is how
 * the tests see a progress line without depending on the machine's speed.
 */
#define PROGRESS_DELAY    0.5
#define PROGRESS_INTERVAL 0.25

struct progress {
	bool on;
	FILE *f;
	double start, last;
	double delay;
	bool shown;
	unsigned tick;
};

/* LGOTP_PROGRESS_DELAY when it is a number of seconds >= 0, else the default. */
static double
progress_delay(void)
{
	const char *v = getenv("LGOTP_PROGRESS_DELAY");
	if (v == NULL || *v == '\0')
		return PROGRESS_DELAY;
	char *end;
	errno = 0;
	double d = strtod(v, &end);
	if (errno != 0 || *end != '\0' || !(d >= 0.0 && d <= 3600.0))
		return PROGRESS_DELAY;
	return d;
}

static double
now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
progress_start(struct progress *p, bool on, FILE *f)
{
	memset(p, 0, sizeof *p);
	p->on = on;
	p->f = f;
	p->delay = progress_delay();
	p->start = now_seconds();
	p->last = p->start - PROGRESS_INTERVAL;
}

/* DONE rows or records so far; FRAC of the whole done, or < 0 when unknown. */
static void
progress_tick(struct progress *p, long done, double frac)
{
	if (!p->on || (p->tick++ & 63) != 0)
		return;
	double t = now_seconds();
	if (t - p->start < p->delay || t - p->last < PROGRESS_INTERVAL)
		return;
	p->last = t;
	/* One write: stderr is unbuffered, and a line in pieces flickers. */
	struct strbuf sb = SB_INIT;
	sb_addc(&sb, '\r');      /* not in the text: gettext keeps control characters out */
	sb_addf(&sb, _("%ld rows, %.0f/s"), done,
	    (double)done / (t - p->start));
	if (frac > 0.0 && frac < 1.0) {
		long left = (long)((t - p->start) * (1.0 - frac) / frac + 0.5);
		sb_addf(&sb, _(", %ld:%02ld left"), left / 60, left % 60);
	}
	sb_adds(&sb, "\033[K");
	fwrite(sb.s, 1, sb.len, p->f);
	fflush(p->f);
	sb_free(&sb);
	p->shown = true;
}

/* Before any other message, and at the end: erase the progress line. */
static void
progress_clear(struct progress *p)
{
	if (!p->shown)
		return;
	fputs("\r\033[K", p->f);
	fflush(p->f);
	p->shown = false;
}

/* ------------------------------------------------------------------ */
/* Header matching                                                    */

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
	if (name == NULL)
		return false;
	char *a = header_key(cell), *b = header_key(name);
	bool same = strcmp(a, b) == 0;
	free(a);
	free(b);
	return same;
}

/* The column headed NAME, or -1. */
static int
header_find(char *const *header, size_t n, const char *name)
{
	for (size_t c = 0; c < n; c++)
		if (header_is(header[c], name))
			return (int)c;
	return -1;
}

/* The header of rejects files; import skips it as the last column. */
#define REASON_COLUMN "reason"

/* ------------------------------------------------------------------ */
/* Keys met in this file                                              */

/* Open addressing on FNV-1a: a record key may appear once in a file, and
 * a dry run must find the second one without the database's help. */
struct keyset {
	char **keys;
	long *lines;
	size_t cap, n;
};

static uint64_t
key_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The line KEY was first met on, or 0. */
static long
keyset_find(const struct keyset *ks, const char *key)
{
	if (ks->cap == 0)
		return 0;
	for (size_t i = key_hash(key) & (ks->cap - 1); ks->keys[i]; i = (i + 1) & (ks->cap - 1))
		if (strcmp(ks->keys[i], key) == 0)
			return ks->lines[i];
	return 0;
}

static void
keyset_put(struct keyset *ks, char *key, long line)
{
	for (size_t i = key_hash(key) & (ks->cap - 1);; i = (i + 1) & (ks->cap - 1))
		if (ks->keys[i] == NULL) {
			ks->keys[i] = key;
			ks->lines[i] = line;
			return;
		}
}

/* Note KEY (copied) as met on LINE; KEY must not be there yet. */
static void
keyset_add(struct keyset *ks, const char *key, long line)
{
	if (2 * (ks->n + 1) > ks->cap) {
		struct keyset old = *ks;
		ks->cap = old.cap ? 2 * old.cap : 1024;
		ks->keys = xcalloc(ks->cap, sizeof *ks->keys);
		ks->lines = xcalloc(ks->cap, sizeof *ks->lines);
		for (size_t i = 0; i < old.cap; i++)
			if (old.keys[i])
				keyset_put(ks, old.keys[i], old.lines[i]);
		free(old.keys);
		free(old.lines);
	}
	keyset_put(ks, xstrdup(key), line);
	ks->n++;
}

static void
keyset_free(struct keyset *ks)
{
	for (size_t i = 0; i < ks->cap; i++)
		free(ks->keys[i]);
	free(ks->keys);
	free(ks->lines);
}

/* ------------------------------------------------------------------ */
/* The input's raw bytes, for rows the reader could not parse          */

/*
 * Read again only when a row is malformed (an unterminated quote, a NUL
 * byte, bytes invalid in the encoding), so that the row can go to the
 * rejects file as near to how it was as a CSV file can hold.
 */
struct raw {
	bool loaded;
	char *buf;
	size_t len;
	size_t *starts;         /* starts[i]: offset of physical line i + 1 */
	size_t nlines;
};

static int
raw_load(struct raw *rw, const char *path, char **cause)
{
	if (rw->loaded)
		return 0;
	if (read_whole_file(path, &rw->buf, &rw->len) != 0)
		return errno == EIO ? fail(cause, "%s: read error", path) :
		    fail_raw(cause, "%s: %s", path, strerror(errno));
	size_t skip = rw->len >= 3 && memcmp(rw->buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	size_t cap = 0;
	/* Physical lines as the reader counts them: LF, CRLF, or a lone CR. */
	for (size_t p = skip; p < rw->len;) {
		rw->starts = xgrow(rw->starts, &cap, rw->nlines + 1, sizeof *rw->starts);
		rw->starts[rw->nlines++] = p;
		while (p < rw->len && rw->buf[p] != '\n' && rw->buf[p] != '\r')
			p++;
		if (p < rw->len && rw->buf[p] == '\r' && p + 1 < rw->len && rw->buf[p + 1] == '\n')
			p++;
		if (p < rw->len)
			p++;
	}
	rw->loaded = true;
	return 0;
}

static void
raw_free(struct raw *rw)
{
	free(rw->buf);
	free(rw->starts);
}

/* Append BYTES decoded from ENC to OUT, an undecodable byte as REPL and a
 * NUL byte dropped. */
static void
decode_lenient(const char *bytes, size_t n, enum csv_encoding enc, const char *repl,
    struct strbuf *out)
{
	iconv_t cd = enc == CSV_CP932 ? iconv_open("UTF-8", "CP932") : (iconv_t)-1;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)bytes[i];
		if (c == 0) {
			i++;
			continue;
		}
		if (c < 0x80) {
			sb_addc(out, (char)c);
			i++;
			continue;
		}
		if (cd == (iconv_t)-1) {
			uint32_t uc;
			int len = enc == CSV_CP932 ? -1 : text_decode(bytes + i, n - i, &uc);
			if (len > 0) {
				sb_add(out, bytes + i, (size_t)len);
				i += (size_t)len;
			} else {
				sb_adds(out, repl);
				i++;
			}
			continue;
		}
		/* One CP932 character: a lead byte and, for most, a trail byte. */
		char buf[8];
		size_t cl = (c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xFC) ? 2 : 1;
		if (i + cl > n)
			cl = n - i;
		char *ip = (char *)bytes + i, *op = buf;
		size_t il = cl, ol = sizeof buf;
		iconv(cd, NULL, NULL, NULL, NULL);
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 || il != 0) {
			sb_adds(out, repl);
			i++;
		} else {
			sb_add(out, buf, (size_t)(op - buf));
			i += cl;
		}
	}
	if (cd != (iconv_t)-1)
		iconv_close(cd);
}

/*
 * The text of the malformed record that starts on physical line LINE and
 * ends before line NEXT (0: the end of the file), decoded leniently.  A
 * quoted line break continues the record; a quote never closed ends it at
 * its first line, where the reader went on.
 */
static char *
raw_record(const struct raw *rw, long line, long next, enum csv_encoding enc)
{
	if (line < 1 || (size_t)line > rw->nlines)
		return xstrdup("");
	size_t b = rw->starts[line - 1];
	size_t e = next > line && (size_t)next <= rw->nlines ? rw->starts[next - 1] : rw->len;
	size_t p = b;
	bool quoted = false;
	for (; p < e; p++) {
		if (rw->buf[p] == '"')
			quoted = !quoted;
		else if (!quoted && (rw->buf[p] == '\n' || rw->buf[p] == '\r'))
			break;
	}
	if (quoted) {
		/* Never closed: the record is its first line. */
		p = b;
		while (p < e && rw->buf[p] != '\n' && rw->buf[p] != '\r')
			p++;
	}
	while (p > b && (rw->buf[p - 1] == '\n' || rw->buf[p - 1] == '\r'))
		p--;
	struct strbuf sb = SB_INIT;
	/* U+FFFD has no CP932 code; 〓 (geta) is the Japanese mark for it. */
	decode_lenient(rw->buf + b, p - b, enc, enc == CSV_CP932 ? "\xE3\x80\x93" : "\xEF\xBF\xBD",
	    &sb);
	return sb_detach(&sb);
}

/* ------------------------------------------------------------------ */
/* A batch of rows                                                    */

struct row {
	long line;
	char *cells;            /* packed: NCELLS NUL-terminated cells; NULL: not kept */
	size_t ncells;
	size_t first, nrecs;    /* its records in batch.recs */
	char *reason;           /* NULL while it may be stored */
	bool raw;               /* malformed: cells from the raw bytes, when resolved */
	bool stored;            /* (with dry_run: would be) */
	struct strlist warnings;
};

struct batch {
	struct row *rows;
	size_t nrows, rows_cap;
	struct record **recs;
	char **keys;
	uint32_t *prev;         /* the stored version the record replaces; 0: none */
	size_t *row_of;
	size_t nrecs, recs_cap;
};

static struct row *
batch_row(struct batch *b, long line)
{
	b->rows = xgrow(b->rows, &b->rows_cap, b->nrows + 1, sizeof *b->rows);
	struct row *r = &b->rows[b->nrows++];
	memset(r, 0, sizeof *r);
	r->line = line;
	r->first = b->nrecs;
	return r;
}

/* Add OUT (taken) with KEY (taken) to the last row. */
static void
batch_record(struct batch *b, struct record *out, char *key, uint32_t prev)
{
	size_t cap = b->recs_cap;
	b->recs = xgrow(b->recs, &cap, b->nrecs + 1, sizeof *b->recs);
	cap = b->recs_cap;
	b->keys = xgrow(b->keys, &cap, b->nrecs + 1, sizeof *b->keys);
	cap = b->recs_cap;
	b->prev = xgrow(b->prev, &cap, b->nrecs + 1, sizeof *b->prev);
	b->row_of = xgrow(b->row_of, &b->recs_cap, b->nrecs + 1, sizeof *b->row_of);
	b->recs[b->nrecs] = out;
	b->keys[b->nrecs] = key;
	b->prev[b->nrecs] = prev;
	b->row_of[b->nrecs] = b->nrows - 1;
	b->nrecs++;
	b->rows[b->nrows - 1].nrecs++;
}

static void
batch_reset(struct batch *b)
{
	for (size_t i = 0; i < b->nrows; i++) {
		free(b->rows[i].cells);
		free(b->rows[i].reason);
		strlist_free(&b->rows[i].warnings);
	}
	for (size_t i = 0; i < b->nrecs; i++) {
		record_free(b->recs[i]);
		free(b->keys[i]);
	}
	b->nrows = b->nrecs = 0;
}

static void
batch_free(struct batch *b)
{
	batch_reset(b);
	free(b->rows);
	free(b->recs);
	free(b->keys);
	free(b->prev);
	free(b->row_of);
}

/* Keep CELLS in ROW, packed, each as import reads it (csv_uninert): the
 * rejects file writes them inert again, so a row re-imports the same. */
static void
row_keep_cells(struct row *row, char *const *cells, size_t n)
{
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		len += strlen(csv_uninert(cells[i])) + 1;
	char *p = row->cells = xmalloc(len + 1);
	for (size_t i = 0; i < n; i++) {
		const char *plain = csv_uninert(cells[i]);
		size_t l = strlen(plain) + 1;
		memcpy(p, plain, l);
		p += l;
	}
	*p = '\0';
	row->ncells = n;
}

/* ------------------------------------------------------------------ */
/* One import run                                                     */

/* Where each field's value comes from: up to a few columns, first
 * non-empty wins, or a constant of the layout. */
#define MAX_SOURCES 4
struct column_map {
	int src[MAX_SOURCES];
	int nsrc;
	const char *constant;
};

struct import {
	struct app *app;
	const struct screen_def *sd;
	const char *path;
	const struct import_opts *o;
	FILE *err;
	struct import_stats *st;
	struct csv_reader *r;

	char **header;              /* the header row, copied */
	size_t nheader;
	const struct import_layout *layout;
	struct column_map *map;     /* per field */
	bool *filled;               /* per field: the file gives it (else default / kept) */
	char **defaults;            /* per field not filled: its default now, or NULL */
	int *rec_col;               /* per layout record line: its column */
	int total_col;              /* the layout's total column, or -1 */
	int reason_col;             /* a rejects file's reason column, or -1 */
	bool *read;                 /* per header column: something reads it */
	long unknown;               /* columns not read */

	bool rejects_on;            /* write PATH.rejects.csv */
	char *rejects_path;
	FILE *rejects_f;
	struct csv_writer *rejects_w;
	long rejects_written;
	struct raw raw;

	struct keyset seen;
	struct batch b;
	struct progress pg;
	long total_lines;           /* for the time left; 0 unknown */
	bool fatal;
};

/* Print a message about line LINE (0: the file as a whole). */
static void __attribute__((format(printf, 3, 4)))
say(struct import *im, long line, const char *fmt, ...)
{
	progress_clear(&im->pg);
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (line > 0)
		fprintf(im->err, "%s:%ld: %s\n", im->path, line, msg);
	else
		fprintf(im->err, "%s: %s\n", im->path, msg);
	free(msg);
}

static const struct import_layout *
detect_layout(const struct screen_def *sd, char **header, size_t n)
{
	for (size_t i = 0; i < sd->nimports; i++)
		if (header_find(header, n, sd->imports[i].detect) >= 0)
			return &sd->imports[i];
	return NULL;
}

static bool
is_key_field(const struct screen_def *sd, size_t f)
{
	for (size_t k = 0; k < sd->nkey; k++)
		if (sd->key[k] == f)
			return true;
	return false;
}

/* Map the header through the layout IM->layout. 0, or -1 after reporting. */
static int
map_layout(struct import *im, long line)
{
	const struct import_layout *lay = im->layout;
	int rc = 0;
	for (size_t i = 0; i < lay->ncolumns; i++) {
		const struct import_column *ic = &lay->columns[i];
		struct column_map *m = &im->map[ic->field];
		if (ic->constant)
			m->constant = ic->constant;
		for (size_t h = 0; h < ic->headers.n; h++)
			for (size_t c = 0; c < im->nheader; c++)
				if (header_is(im->header[c], ic->headers.v[h]) && m->nsrc < MAX_SOURCES) {
					m->src[m->nsrc++] = (int)c;
					im->read[c] = true;
				}
	}
	for (size_t i = 0; i < lay->ignore.n; i++)
		for (size_t c = 0; c < im->nheader; c++)
			if (header_is(im->header[c], lay->ignore.v[i]))
				im->read[c] = true;
	for (size_t i = 0; i < lay->nrecords; i++) {
		int c = header_find(im->header, im->nheader, lay->records[i].header);
		im->rec_col[i] = c;
		if (c < 0) {
			say(im, line, "%s '%s' (%s [import.%s])",
			    _("the column is missing:"), lay->records[i].header,
			    im->sd->file, lay->name);
			rc = -1;
		} else {
			im->read[c] = true;
		}
	}
	if (lay->total_header && (im->total_col = header_find(im->header, im->nheader,
	    lay->total_header)) >= 0)
		im->read[im->total_col] = true;
	return rc;
}

/* Map the header by field ids and labels.  0, or -1 after reporting. */
static int
map_fields(struct import *im, long line)
{
	const struct screen_def *sd = im->sd;
	for (size_t c = 0; c < im->nheader; c++) {
		for (size_t f = 0; f < sd->nfields && !im->read[c]; f++) {
			const struct field_def *fd = &sd->fields[f];
			if (!header_is(im->header[c], fd->id) && !header_is(im->header[c], fd->label[LANG_JA]) &&
			    !header_is(im->header[c], fd->label[LANG_EN]))
				continue;
			if (im->map[f].nsrc > 0) {
				say(im, line, "%s '%s'", _("column given twice:"),
				    im->header[c]);
				return -1;
			}
			im->map[f].src[im->map[f].nsrc++] = (int)c;
			im->read[c] = true;
		}
	}
	return 0;
}

/*
 * Map the header row CELLS (N of them, on LINE) to fields.  Columns not
 * read are reported (the run then ends 1); a file that cannot give a key
 * or required field a value is unusable: -1 after reporting.
 */
static int
map_header(struct import *im, long line, char **cells, size_t n)
{
	const struct screen_def *sd = im->sd;
	struct app *app = im->app;
	im->nheader = n;
	im->header = xcalloc(n ? n : 1, sizeof *im->header);
	for (size_t c = 0; c < n; c++)
		im->header[c] = xstrdup(cells[c]);
	im->map = xcalloc(sd->nfields ? sd->nfields : 1, sizeof *im->map);
	im->filled = xcalloc(sd->nfields ? sd->nfields : 1, sizeof *im->filled);
	im->read = xcalloc(n ? n : 1, sizeof *im->read);
	im->total_col = -1;
	im->reason_col = -1;
	im->layout = detect_layout(sd, im->header, n);
	if (im->layout)
		im->rec_col = xcalloc(im->layout->nrecords + 1, sizeof *im->rec_col);
	if ((im->layout ? map_layout(im, line) : map_fields(im, line)) != 0)
		return -1;

	for (size_t c = 0; c < n; c++) {
		if (im->read[c] || *im->header[c] == '\0')
			continue;
		if (c + 1 == n && header_is(im->header[c], REASON_COLUMN)) {
			im->reason_col = (int)c;    /* a rejects file's own column */
			continue;
		}
		say(im, line, "%s '%s'", _("unknown column, not read:"), im->header[c]);
		im->unknown++;
	}

	for (size_t f = 0; f < sd->nfields; f++) {
		bool every = im->layout && im->layout->nrecords > 0;
		for (size_t i = 0; every && i < im->layout->nrecords; i++) {
			bool sets = false;
			for (size_t s = 0; s < im->layout->records[i].nsets; s++)
				sets = sets || im->layout->records[i].sets[s].field == f;
			every = sets;
		}
		im->filled[f] = im->map[f].nsrc > 0 || im->map[f].constant || every;
	}
	/* Once: `today` and conf: defaults do not change during a run. */
	im->defaults = xcalloc(sd->nfields ? sd->nfields : 1, sizeof *im->defaults);
	for (size_t f = 0; f < sd->nfields; f++) {
		if (im->filled[f] || sd->fields[f].default_value == NULL)
			continue;
		im->defaults[f] = schema_default(app->schema, &sd->fields[f], app->today);
		if (*im->defaults[f] == '\0') {
			free(im->defaults[f]);
			im->defaults[f] = NULL;
		}
	}
	int rc = 0;
	for (size_t f = 0; f < sd->nfields; f++) {
		const struct field_def *fd = &sd->fields[f];
		bool needed = is_key_field(sd, f) || (fd->required && im->o->mode != IMPORT_UPDATE);
		if (!needed || im->filled[f] || fd->default_value || fd->derive)
			continue;
		say(im, line, "%s %s (%s)", is_key_field(sd, f) ?
		    _("the key column is missing:") :
		    _("the column of a required field is missing:"),
		    fd->id, fd->label[i18n_lang()]);
		rc = -1;
	}
	return rc;
}

/* The value the file gives field F in CELLS, before the record lines;
 * NULL when nothing in the file names it. */
static const char *
cell_for(const struct import *im, size_t f, char **cells, size_t n)
{
	const struct column_map *m = &im->map[f];
	for (int s = 0; s < m->nsrc; s++) {
		size_t c = (size_t)m->src[s];
		if (c < n && cells[c][0] != '\0')
			return cells[c];
	}
	if (m->constant)
		return m->constant;
	return m->nsrc > 0 ? "" : NULL;
}

/* Does the record line REC (may be NULL) set field F? */
static bool
sets_field(const struct import_record *rec, size_t f)
{
	for (size_t s = 0; rec && s < rec->nsets; s++)
		if (rec->sets[s].field == f)
			return true;
	return false;
}

/*
 * The input for one record: the row's columns, then the record line's
 * settings (REC, may be NULL) with CELL for `$`, then for what the file
 * does not give, OLD's value (a record being replaced) or the default.
 */
static struct record *
build_input(const struct import *im, char **cells, size_t n, const struct import_record *rec,
    const char *cell, const struct record *old)
{
	const struct screen_def *sd = im->sd;
	struct record *in = record_new();
	for (size_t f = 0; f < sd->nfields; f++) {
		const char *v = cell_for(im, f, cells, n);
		if (v)
			record_set(in, sd->fields[f].id, csv_uninert(v));
	}
	for (size_t s = 0; rec && s < rec->nsets; s++) {
		const struct import_set *set = &rec->sets[s];
		record_set(in, sd->fields[set->field].id, csv_uninert(set->value ? set->value : cell));
	}
	for (size_t f = 0; f < sd->nfields; f++) {
		if (im->filled[f] || sets_field(rec, f))
			continue;
		const struct field_def *fd = &sd->fields[f];
		if (old)
			record_set(in, fd->id, record_get(old, fd->id));
		else if (im->defaults[f])
			record_set(in, fd->id, im->defaults[f]);
	}
	if (old)
		in->version = old->version;
	return in;
}

/* The record key IN's key fields would have, or NULL if one does not parse. */
static char *
input_key(const struct import *im, const struct record *in)
{
	const struct screen_def *sd = im->sd;
	struct strbuf sb = SB_INIT;
	for (size_t k = 0; k < sd->nkey; k++) {
		const struct field_def *f = &sd->fields[sd->key[k]];
		char *v = NULL, *why = NULL;
		if (validate_field(f, &im->app->ctx, record_get(in, f->id), &v, &why) != 0) {
			free(why);
			sb_free(&sb);
			return NULL;
		}
		if (k > 0)
			sb_addc(&sb, STORE_KEY_SEP);
		sb_adds(&sb, v);
		free(v);
	}
	return sb_detach(&sb);
}

/*
 * Check one record of a row (REC: its record line, or NULL).  Returns 0
 * with *out, *key and *prev (the stored version it replaces, 0 for a new
 * record), or -1 with *reason ("FIELD: why", malloc'd).
 */
static int
check_record(struct import *im, char **cells, size_t n, const struct import_record *rec,
    const char *cell, struct record **out, char **key, uint32_t *prev, char **reason,
    struct strlist *warnings)
{
	const struct screen_def *sd = im->sd;
	struct app *app = im->app;
	struct record *in = build_input(im, cells, n, rec, cell, NULL), *old = NULL;
	char *why = NULL;
	int bad = -1, rc;
	*out = NULL;
	*key = NULL;
	*prev = 0;
	rc = validate_record(sd, &app->ctx, in, NULL, out, &bad, &why, warnings);
	if (im->o->mode != IMPORT_INSERT) {
		/* What the row replaces, found by its checked key: the fields the
		 * file lacks are kept from it, and status order and change logs
		 * carry on from it. */
		char *k = rc == 0 ? store_key(sd, *out) : input_key(im, in);
		char *gwhy = NULL;
		int g = k ? store_get(app->db, sd, k, &old, &gwhy) : DB_NOTFOUND;
		if (g < 0) {
			free(why);
			why = xasprintf("%s", gwhy);
			bad = -1;
			rc = -1;
		} else if (g == 0) {
			record_free(in);
			record_free(*out);
			*out = NULL;
			free(why);
			why = NULL;
			strlist_free(warnings);
			in = build_input(im, cells, n, rec, cell, old);
			rc = validate_record(sd, &app->ctx, in, old, out, &bad, &why, warnings);
			*prev = old->version;
		} else if (im->o->mode == IMPORT_UPDATE && k) {
			char *shown = store_key_display(k);
			free(why);
			why = xasprintf("%s %s", shown, _("does not exist (--mode update)"));
			bad = -1;
			rc = -1;
			free(shown);
		}
		free(gwhy);
		free(k);
	}
	/* A role with a scope changes only its own records, and makes none outside. */
	if (rc == 0 && (!access_in_scope(app->access, sd, *out) ||
	    (old && !access_in_scope(app->access, sd, old)))) {
		why = xstrdup(_("outside what your role may change"));
		bad = -1;
		rc = -1;
	}
	record_free(old);
	record_free(in);
	if (rc != 0) {
		record_free(*out);
		*out = NULL;
		if (bad >= 0)
			*reason = xasprintf("%s: %s", sd->fields[bad].id, why);
		else
			*reason = why ? xstrdup(why) : xstrdup("?");
		free(why);
		if (rec) {
			/* Which of the row's cells made the record. */
			char *r = xasprintf("%s (%s)", *reason, rec->header);
			free(*reason);
			*reason = r;
		}
		return -1;
	}
	*key = store_key(sd, *out);
	return 0;
}

/* Take back the records the last row added (it is being rejected). */
static void
row_drop_records(struct batch *b, struct row *row)
{
	while (row->nrecs > 0) {
		b->nrecs--;
		record_free(b->recs[b->nrecs]);
		free(b->keys[b->nrecs]);
		row->nrecs--;
	}
}

/* Check and add one record of ROW (REC, CELL: its record line, or NULL);
 * *SUM gets FIELD's value added for a total.  0, or -1 with row->reason. */
static int
add_record(struct import *im, struct row *row, char **cells, size_t n,
    const struct import_record *rec, const char *cell)
{
	struct batch *b = &im->b;
	struct record *out;
	char *key, *reason = NULL;
	uint32_t prev;
	struct strlist warnings = { 0 };
	if (check_record(im, cells, n, rec, cell, &out, &key, &prev, &reason, &warnings) != 0) {
		strlist_free(&warnings);
		row->reason = reason;
		return -1;
	}
	for (size_t w = 0; w < warnings.n; w++) {
		strlist_add(&row->warnings, warnings.v[w]);
		warnings.v[w] = NULL;
	}
	strlist_free(&warnings);
	/* A key may appear once in a file: which row wins would be a guess. */
	long first = keyset_find(&im->seen, key);
	for (size_t i = row->first; first == 0 && i < row->first + row->nrecs; i++)
		if (strcmp(b->keys[i], key) == 0)
			first = row->line;
	if (first > 0) {
		char *shown = store_key_display(key);
		if (im->o->mode == IMPORT_INSERT)
			row->reason = xasprintf(_("%s already exists (line %ld)"), shown, first);
		else
			row->reason = xasprintf(
			    _("%s is also on line %ld: give each key once"), shown, first);
		free(shown);
		free(key);
		record_free(out);
		return -1;
	}
	batch_record(b, out, key, prev);
	return 0;
}

/* The row's records' FIELD added up, against the total column's cell. */
static int
check_total(struct import *im, struct row *row, char **cells, size_t n)
{
	const struct import_layout *lay = im->layout;
	if (lay->total_header == NULL || im->total_col < 0 || (size_t)im->total_col >= n ||
	    cells[im->total_col][0] == '\0')
		return 0;
	const struct field_def *f = &im->sd->fields[lay->total_field];
	char *v = NULL, *why = NULL;
	if (validate_field(f, &im->app->ctx, cells[im->total_col], &v, &why) != 0) {
		row->reason = xasprintf("%s: %s", lay->total_header, why);
		free(why);
		return -1;
	}
	long total = strtol(v, NULL, 10), sum = 0;
	free(v);
	for (size_t i = row->first; i < row->first + row->nrecs; i++)
		sum += strtol(record_get(im->b.recs[i], f->id), NULL, 10);
	if (sum == total)
		return 0;
	row->reason = xasprintf(
	    _("%s: %ld, but the records' %s add up to %ld"), lay->total_header, total, f->id, sum);
	return -1;
}

/* A data row read well: checked, its records added to the batch. */
static void
process_row(struct import *im, long line, char **cells, size_t n)
{
	struct row *row = batch_row(&im->b, line);
	if (im->rejects_on)
		row_keep_cells(row, cells, n);
	/* A value in a column nothing reads would be lost: not silently. */
	for (size_t c = 0; c < n; c++) {
		if (cells[c][0] == '\0')
			continue;
		if (c >= im->nheader) {
			row->reason = xasprintf(
			    _("column %zu: the header has %zu columns: this value would not be read"),
			    c + 1, im->nheader);
			return;
		}
		if (*im->header[c] == '\0') {
			row->reason = xasprintf(
			    _("column %zu has no header: this value would not be read"), c + 1);
			return;
		}
	}
	const struct import_layout *lay = im->layout;
	if (lay == NULL || lay->nrecords == 0) {
		add_record(im, row, cells, n, NULL, NULL);
	} else {
		struct strbuf empty = SB_INIT;
		for (size_t i = 0; i < lay->nrecords && row->reason == NULL; i++) {
			int c = im->rec_col[i];
			const char *cell = c >= 0 && (size_t)c < n ? cells[c] : "";
			if (*cell == '\0') {
				/* No figure for that column: no record from it. */
				sb_adds(&empty, empty.len ? ", " : "");
				sb_adds(&empty, lay->records[i].header);
				continue;
			}
			add_record(im, row, cells, n, &lay->records[i], cell);
		}
		if (row->reason == NULL && row->nrecs == 0)
			row->reason = xasprintf(_("no value in %s"), empty.s);
		else if (row->reason == NULL)
			check_total(im, row, cells, n);
		sb_free(&empty);
	}
	if (row->reason) {
		row_drop_records(&im->b, row);
		return;
	}
	for (size_t i = row->first; i < row->first + row->nrecs; i++)
		keyset_add(&im->seen, im->b.keys[i], line);
}

/* A row the reader could not parse: its reason now, its cells once the
 * next record's line says where it ended (row_resolve). */
static void
malformed_row(struct import *im, long line, const char *cause)
{
	struct row *row = batch_row(&im->b, line);
	row->raw = true;
	/* The cause names the column (csv.h); its header says more. */
	size_t col = csv_error_column(im->r);
	if (col >= 1 && col <= im->nheader && *im->header[col - 1])
		row->reason = xasprintf("%s: %s", im->header[col - 1], cause);
	else
		row->reason = xstrdup(cause);
}

/* Fill the cells of a malformed ROW from the raw bytes, NEXT being the
 * line the following record starts on (0: none). */
static void
row_resolve(struct import *im, struct row *row, long next)
{
	if (!im->rejects_on)
		return;
	char *why = NULL;
	if (raw_load(&im->raw, im->path, &why) != 0) {
		say(im, row->line, "%s", why);
		free(why);
		return;
	}
	char *text = raw_record(&im->raw, row->line, next, csv_reader_encoding(im->r));
	/* Split as CSV when the damage was only in bytes (a NUL, an invalid
	 * byte); a row whose quotes are broken goes whole into one cell. */
	struct csv_reader *r = csv_open_mem(text, strlen(text), CSV_UTF8, NULL);
	char **cells = NULL, **extra;
	size_t n = 0, nextra;
	long l;
	if (r && csv_next(r, &cells, &n, &l, NULL) == 1) {
		char **copy = xcalloc(n, sizeof *copy);
		for (size_t i = 0; i < n; i++)
			copy[i] = xstrdup(cells[i]);
		int more = csv_next(r, &extra, &nextra, &l, NULL);
		if (more == 0)
			row_keep_cells(row, copy, n);
		for (size_t i = 0; i < n; i++)
			free(copy[i]);
		free(copy);
		if (more != 0)
			row_keep_cells(row, &text, 1);
	} else {
		row_keep_cells(row, &text, 1);
	}
	csv_close(r);
	free(text);
}

/* ------------------------------------------------------------------ */
/* Storing a batch                                                    */

/* Why the record of key KEY was found at version FOUND, not PREV. */
static char *
race_reason(const char *key, uint32_t prev, uint32_t found)
{
	char *shown = store_key_display(key), *r;
	if (prev == 0)
		r = xasprintf(_("%s already exists"), shown);
	else if (found == 0)
		r = xasprintf(_("%s was deleted during the import"),
		    shown);
	else
		r = xasprintf(
		    _("%s was changed by someone else during the import: import the row again"), shown);
	free(shown);
	return r;
}

/* A dry run's stand-in for the write, in one read transaction: each
 * record still finds the version its row was checked against (insert: no
 * record), as the guard would require. */
static int
precheck_txn(struct db_txn *txn, void *arg, char **cause)
{
	struct import *im = arg;
	struct batch *b = &im->b;
	for (size_t i = 0; i < b->nrecs; i++) {
		struct row *row = &b->rows[b->row_of[i]];
		if (row->reason)
			continue;
		struct record *cur = NULL;
		int g = store_txn_get(txn, im->sd, b->keys[i], &cur, cause);
		if (g < 0)
			return -1;
		uint32_t found = g == 0 ? cur->version : 0;
		record_free(cur);
		if (found != b->prev[i])
			row->reason = race_reason(b->keys[i], b->prev[i], found);
	}
	return 0;
}

/*
 * The hook of every batch save: the record SAVED must replace the version
 * its row was checked against, else the transaction is abandoned
 * (GUARD_TRIPPED); then the screen's effects.
 */
struct guard {
	struct import *im;
	const size_t *idx;      /* batch indexes of the records being saved */
	size_t m;
	size_t next;
	size_t tripped;         /* batch index of the record that tripped */
	uint32_t found;
	struct effects_arg ea;
};

static int
guard_hook(struct db_txn *txn, void *arg, const struct record *saved, char **cause)
{
	struct guard *g = arg;
	struct batch *b = &g->im->b;
	char *key = store_key(g->im->sd, saved);
	/* Records come in order; a retried transaction starts again. */
	size_t j = g->next;
	if (j >= g->m || strcmp(b->keys[g->idx[j]], key) != 0)
		for (j = 0; j < g->m && strcmp(b->keys[g->idx[j]], key) != 0; j++)
			;
	free(key);
	if (j >= g->m)
		return fail(cause, "import: a record saved that was not in the batch");
	g->next = j + 1;
	uint32_t before = saved->version - 1;
	if (before != b->prev[g->idx[j]]) {
		g->tripped = g->idx[j];
		g->found = before;
		return GUARD_TRIPPED;
	}
	if (g->im->sd->neffects)
		return effects_apply(txn, &g->ea, saved, cause);
	return 0;
}

/*
 * Save the batch records IDX[0..M) in one transaction: 0, GUARD_TRIPPED,
 * or -1 with *cause.  Without UPSERT a record whose key is taken is
 * skipped and its row rejected, which keeps rows whole only when each
 * has one record; with it, whether a record may be there is the guard's
 * to decide.
 */
static int
save_records(struct import *im, const size_t *idx, size_t m, bool upsert, struct guard *g,
    char **cause)
{
	struct batch *b = &im->b;
	struct record **recs = xcalloc(m ? m : 1, sizeof *recs);
	int *results = xcalloc(m ? m : 1, sizeof *results);
	for (size_t i = 0; i < m; i++)
		recs[i] = b->recs[idx[i]];
	g->idx = idx;
	g->m = m;
	g->next = 0;
	int rc = store_save_batch_ex(im->app->db, im->sd, recs, m, upsert, results, guard_hook, g,
	    cause);
	for (size_t i = 0; rc == 0 && i < m; i++)
		if (results[i] == STORE_EXISTS)
			b->rows[b->row_of[idx[i]]].reason = race_reason(b->keys[idx[i]], 0, 1);
	free(recs);
	free(results);
	return rc;
}

/* May the rows of IDX[0..M) be saved without upsert (see save_records)? */
static bool
needs_upsert(const struct import *im, const size_t *idx, size_t m)
{
	if (im->o->mode != IMPORT_INSERT)
		return true;
	for (size_t i = 0; i < m; i++)
		if (im->b.rows[im->b.row_of[idx[i]]].nrecs > 1)
			return true;
	return false;
}

/* Store the rows of the batch not rejected; mark each stored or rejected. */
static void
write_batch(struct import *im)
{
	struct batch *b = &im->b;
	struct app *app = im->app;
	struct guard g = { im, NULL, 0, 0, 0, 0, { app->schema, im->sd, app->today } };
	size_t *idx = xcalloc(b->nrecs ? b->nrecs : 1, sizeof *idx), m = 0;
	for (size_t i = 0; i < b->nrecs; i++)
		if (b->rows[b->row_of[i]].reason == NULL)
			idx[m++] = i;
	char *why = NULL;
	int rc = m ? save_records(im, idx, m, needs_upsert(im, idx, m), &g, &why) : 0;
	free(why);
	why = NULL;
	if (rc == 0) {
		for (size_t r = 0; r < b->nrows; r++)
			b->rows[r].stored = b->rows[r].reason == NULL && b->rows[r].nrecs > 0;
		free(idx);
		return;
	}
	/* Someone raced a row, or one row cannot be stored: a row per
	 * transaction, so only those rows are rejected. */
	int failures = 0;
	bool any = false;
	for (size_t r = 0; r < b->nrows && !im->fatal; r++) {
		struct row *row = &b->rows[r];
		if (row->reason || row->nrecs == 0)
			continue;
		m = 0;
		for (size_t i = row->first; i < row->first + row->nrecs; i++)
			idx[m++] = i;
		rc = save_records(im, idx, m, needs_upsert(im, idx, m), &g, &why);
		if (rc == 0) {
			row->stored = row->reason == NULL;
			any = true;
			failures = 0;
		} else if (rc == GUARD_TRIPPED) {
			row->reason = race_reason(b->keys[g.tripped], b->prev[g.tripped], g.found);
		} else if (!any && ++failures >= SYSTEMIC_FAILURES) {
			say(im, 0, "%s: %s", _("cannot store"), why);
			im->fatal = true;
		} else {
			row->reason = xstrdup(why ? why : "?");
		}
		free(why);
		why = NULL;
	}
	free(idx);
}

/* ------------------------------------------------------------------ */
/* The rejects file                                                   */

static int
rejects_open(struct import *im)
{
	im->rejects_f = fopen(im->rejects_path, "wb");
	if (im->rejects_f == NULL) {
		say(im, 0, "%s %s: %s",
		    _("cannot write the rejects file"), im->rejects_path, strerror(errno));
		im->rejects_on = false;
		return -1;
	}
	im->rejects_w = csv_writer_new(im->rejects_f, csv_reader_encoding(im->r));
	if (im->rejects_w == NULL) {
		say(im, 0, "%s: %s", im->rejects_path, _("this system cannot convert to CP932"));
		fclose(im->rejects_f);
		im->rejects_f = NULL;
		(void)unlink(im->rejects_path);
		im->rejects_on = false;
		return -1;
	}
	size_t n = im->reason_col >= 0 ? im->nheader : im->nheader + 1;
	const char **h = xcalloc(n, sizeof *h);
	for (size_t c = 0; c < im->nheader; c++)
		h[c] = im->header[c];
	h[n - 1] = REASON_COLUMN;
	char *why = NULL;
	if (csv_write(im->rejects_w, h, n, false, &why) != 0) {
		say(im, 0, "%s: %s", im->rejects_path, why);
		free(why);
	}
	free(h);
	return 0;
}

/* ROW as it was, with its reason, into the rejects file. */
static void
reject_write(struct import *im, const struct row *row)
{
	if (!im->rejects_on || (im->rejects_w == NULL && rejects_open(im) != 0))
		return;
	size_t rcol = im->reason_col >= 0 ? (size_t)im->reason_col : im->nheader;
	size_t n = row->ncells > rcol + 1 ? row->ncells : rcol + 1;
	const char **v = xcalloc(n, sizeof *v);
	const char *p = row->cells;
	for (size_t i = 0; p && i < row->ncells; i++) {
		v[i] = p;
		p += strlen(p) + 1;
	}
	char *reason = xasprintf(_("line %ld: %s"), row->line, row->reason);
	v[rcol] = reason;
	char *why = NULL;
	if (csv_write(im->rejects_w, v, n, true, &why) != 0) {
		/* The reason may quote what the encoding cannot hold. */
		free(why);
		why = NULL;
		free(reason);
		reason = xasprintf(_("line %ld: see the error output for why"), row->line);
		v[rcol] = reason;
		if (csv_write(im->rejects_w, v, n, true, &why) != 0) {
			say(im, row->line, "%s: %s", im->rejects_path, why);
			free(why);
		} else {
			im->rejects_written++;
		}
	} else {
		im->rejects_written++;
	}
	free(reason);
	free(v);
}

/* Report the batch's rows in line order, then empty it. */
static void
emit_batch(struct import *im)
{
	struct batch *b = &im->b;
	for (size_t r = 0; r < b->nrows; r++) {
		struct row *row = &b->rows[r];
		if (row->reason) {
			say(im, row->line, "%s", row->reason);
			reject_write(im, row);
			im->st->rejected++;
			continue;
		}
		if (row->stored)
			im->st->stored += (long)row->nrecs;
		/* Stored all the same, as the operator at the form may choose. */
		for (size_t w = 0; w < row->warnings.n; w++)
			say(im, row->line, "%s %s", _("warning:"), row->warnings.v[w]);
	}
	batch_reset(b);
}

/* Check the batch against the database, store it (unless a dry run), and
 * report it. */
static void
flush(struct import *im)
{
	struct batch *b = &im->b;
	if (b->nrows == 0)
		return;
	if (b->nrecs > 0 && !im->fatal && !im->o->dry_run) {
		write_batch(im);
	} else if (b->nrecs > 0 && !im->fatal) {
		char *why = NULL;
		if (db_read(im->app->db, precheck_txn, im, &why) != 0) {
			say(im, 0, "%s: %s", _("cannot read"), why);
			free(why);
			im->fatal = true;
		}
		for (size_t r = 0; r < b->nrows; r++)
			b->rows[r].stored = b->rows[r].reason == NULL && b->rows[r].nrecs > 0 &&
			    !im->fatal;
	}
	if (im->fatal) {
		/* Reported as rejected, so they land in the rejects file. */
		for (size_t r = 0; r < b->nrows; r++)
			if (!b->rows[r].stored && b->rows[r].reason == NULL)
				b->rows[r].reason = xstrdup(_("not stored (database error)"));
	}
	emit_batch(im);
}

static void
import_free(struct import *im)
{
	for (size_t c = 0; c < im->nheader; c++)
		free(im->header[c]);
	free(im->header);
	free(im->map);
	free(im->filled);
	for (size_t f = 0; im->defaults && f < im->sd->nfields; f++)
		free(im->defaults[f]);
	free(im->defaults);
	free(im->rec_col);
	free(im->read);
	free(im->rejects_path);
	raw_free(&im->raw);
	keyset_free(&im->seen);
	batch_free(&im->b);
	csv_close(im->r);
}

/* The end of a run: the rejects file closed and named, or a stale one
 * from an earlier run removed. */
static void
rejects_finish(struct import *im)
{
	if (im->rejects_w) {
		csv_writer_free(im->rejects_w);
		im->rejects_w = NULL;
	}
	if (im->rejects_f) {
		if (fclose(im->rejects_f) != 0)
			say(im, 0, "%s: %s", im->rejects_path, strerror(errno));
		im->rejects_f = NULL;
		say(im, 0,
		    _("%ld rejected rows written to %s: fix them there and import that file"),
		    im->rejects_written, im->rejects_path);
	} else if (im->rejects_on && unlink(im->rejects_path) != 0 && errno != ENOENT) {
		say(im, 0, "%s: %s", im->rejects_path, strerror(errno));
	}
}

int
exchange_import(struct app *app, const struct screen_def *sd, const char *path,
    const struct import_opts *opts, FILE *err, struct import_stats *st)
{
	struct import im = { 0 };
	im.app = app;
	im.sd = sd;
	im.path = path;
	im.o = opts;
	im.err = err;
	im.st = st;
	memset(st, 0, sizeof *st);
	bool is_stdin = strcmp(path, "-") == 0;
	im.rejects_on = !opts->dry_run && !is_stdin;
	im.rejects_path = xasprintf("%s.rejects.csv", path);
	progress_start(&im.pg, opts->progress, err);
	validate_cache_start(&app->env);
	int rc = 2;
	char *why = NULL;
	char **cells;
	size_t n;
	long line = 0;
	int got;

	im.r = csv_open(path, opts->encoding, &why);
	if (im.r == NULL) {
		/* csv_open names the file, except for standard input. */
		if (strncmp(why, path, strlen(path)) == 0)
			fprintf(err, "%s\n", why);
		else
			fprintf(err, "%s: %s\n", path, why);
		goto out;
	}
	got = csv_next(im.r, &cells, &n, &line, &why);
	if (got <= 0) {
		say(&im, got < 0 ? line : 1L, "%s", got < 0 ? why :
		    _("empty file: no header row"));
		goto out;
	}
	if (map_header(&im, line, cells, n) != 0)
		goto out;
	/* Lines in all, for the time left. */
	if (opts->progress && !is_stdin && raw_load(&im.raw, path, NULL) == 0)
		im.total_lines = (long)im.raw.nlines;

	long pending_raw = -1;      /* a malformed row waiting for its end */
	for (;;) {
		free(why);
		why = NULL;
		got = csv_next(im.r, &cells, &n, &line, &why);
		if (pending_raw >= 0) {
			row_resolve(&im, &im.b.rows[pending_raw], got != 0 ? line : 0);
			pending_raw = -1;
		}
		if (im.b.nrows >= IMPORT_BATCH || im.b.nrecs >= IMPORT_BATCH)
			flush(&im);
		if (im.fatal) {
			if (got != 0)
				say(&im, 0, _("nothing from line %ld on was read"),
				    line);
			break;
		}
		if (got == 0)
			break;
		st->rows++;
		progress_tick(&im.pg, st->rows, im.total_lines ? (double)line / (double)im.total_lines : -1);
		if (got < 0) {
			malformed_row(&im, line, why);
			pending_raw = (long)im.b.nrows - 1;
			continue;
		}
		bool blank = true;
		for (size_t c = 0; c < n && blank; c++)
			blank = cells[c][0] == '\0';
		if (blank) {
			st->rows--;         /* ",,,": no data (Excel leaves such rows) */
			continue;
		}
		process_row(&im, line, cells, n);
	}
	flush(&im);
	progress_clear(&im.pg);
	rejects_finish(&im);
	rc = im.fatal ? 2 : st->rejected > 0 || im.unknown > 0 ? 1 : 0;
out:
	validate_cache_end(&app->env);
	free(why);
	progress_clear(&im.pg);
	import_free(&im);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Export                                                             */

int
exchange_filter_field(struct app *app, const struct screen_def *sd, size_t field,
    const char *value, struct export_filter *f, char **cause)
{
	const struct field_def *fd = &sd->fields[field];
	char *v = NULL, *why = NULL;
	if (validate_field(fd, &app->ctx, value, &v, &why) != 0) {
		fail_raw(cause, "%s=%s: %s", fd->id, value, why);
		free(why);
		return -1;
	}
	f->field = field;
	f->value = v;
	return 0;
}

int
exchange_filter_parse(struct app *app, const struct screen_def *sd, const char *arg,
    struct export_filter *f, char **cause)
{
	const char *eq = strchr(arg, '=');
	if (eq == NULL || eq == arg)
		return fail(cause, "%s: FIELD=VALUE", arg);
	char *id = xstrndup(arg, (size_t)(eq - arg));
	int fi = schema_field_index(sd, id);
	if (fi < 0) {
		struct strbuf sb = SB_INIT;
		for (size_t i = 0; i < sd->nfields; i++)
			sb_addf(&sb, " %s", sd->fields[i].id);
		fail_raw(cause, "%s: %s '%s'; %s%s", arg, _("no field"), id,
		    _("fields:"), sb.s ? sb.s : "");
		sb_free(&sb);
		free(id);
		return -1;
	}
	free(id);
	return exchange_filter_field(app, sd, (size_t)fi, eq + 1, f, cause);
}

struct export_state {
	struct app *app;
	const struct screen_def *sd;
	const struct export_opts *o;
	struct csv_writer *w;
	FILE *err;
	const char **row;
	long bad;
	long done;
	size_t total;
	struct progress pg;
	struct strlist verified;    /* verified_only: the keys verified, in key order */
};

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
export_one(void *arg, struct record *r)
{
	struct export_state *es = arg;
	const struct screen_def *sd = es->sd;
	es->done++;
	if (!access_in_scope(es->app->access, sd, r))
		return 0;               /* not this role's to see */
	progress_tick(&es->pg, es->done, es->total ? (double)es->done / (double)es->total : -1);
	for (size_t i = 0; i < es->o->nfilters; i++)
		if (strcmp(record_get(r, sd->fields[es->o->filters[i].field].id),
		    es->o->filters[i].value) != 0)
			return 0;
	if (es->o->verified_only) {
		char *key = store_key(sd, r);
		bool found = es->verified.n > 0 &&
		    bsearch(&key, es->verified.v, es->verified.n, sizeof *es->verified.v, cmp_key) != NULL;
		free(key);
		if (!found)
			return 0;
	}
	for (size_t f = 0; f < sd->nfields; f++)
		es->row[f] = record_get(r, sd->fields[f].id);
	char *why = NULL;
	if (csv_write(es->w, es->row, sd->nfields, true, &why) != 0) {
		size_t idx;
		const char *rest = csv_write_cause(why, &idx);
		const char *field = idx < sd->nfields ? sd->fields[idx].id : "";
		char *key = store_key(sd, r);
		char *shown = store_key_display(key);
		progress_clear(&es->pg);
		fprintf(es->err, "%s %s: %s%s%s\n", sd->name, shown, field, *field ? ": " : "", rest);
		free(shown);
		free(key);
		free(why);
		es->bad++;
	}
	return 0;
}

int
exchange_export(struct app *app, const struct screen_def *sd, FILE *out,
    const struct export_opts *opts, FILE *err)
{
	struct export_state es = { app, sd, opts, csv_writer_new(out, opts->encoding), err, NULL, 0,
		0, 0, { 0 }, { 0 } };
	char *why = NULL;
	int rc = 0;
	if (es.w == NULL) {
		fprintf(err, "%s\n", _("this system cannot convert to CP932"));
		return 2;
	}
	/* Read before the records: a callback of store_each may not open a transaction. */
	if (opts->verified_only && rekey_verified_keys(app->db, sd, &es.verified, &why) != 0) {
		fprintf(err, "%s: %s\n", sd->name, why);
		free(why);
		csv_writer_free(es.w);
		return 2;
	}
	es.row = xcalloc(sd->nfields ? sd->nfields : 1, sizeof *es.row);
	for (size_t f = 0; f < sd->nfields; f++)
		es.row[f] = opts->header_lang < 0 ? sd->fields[f].id :
		    sd->fields[f].label[opts->header_lang];
	progress_start(&es.pg, opts->progress, err);
	if (opts->progress && store_count(app->db, sd, &es.total, &why) != 0) {
		free(why);
		why = NULL;
		es.total = 0;
	}
	if (csv_write(es.w, es.row, sd->nfields, false, &why) != 0) {
		/* No rows under a header that is not there. */
		fprintf(err, "%s: %s\n", sd->name, why);
		free(why);
		rc = 2;
	}
	if (rc != 2 && store_each(app->db, sd, export_one, &es, &why) != 0) {
		progress_clear(&es.pg);
		fprintf(err, "%s: %s\n", sd->name, why);
		free(why);
		rc = 2;
	} else if (rc == 0 && es.bad > 0) {
		rc = 1;
	}
	progress_clear(&es.pg);
	csv_writer_free(es.w);
	free(es.row);
	strlist_free(&es.verified);
	return rc;
}
