/*
 * fuzz_csv.c - the CSV reader (csv_open_mem, csv_next) on any bytes, in
 * every encoding, and the writer on whatever the reader returns.
 *
 * Promises checked (csv.h):
 *   - csv_open_mem fails only with a cause, and a reader says which
 *     encoding it used (never CSV_AUTO); forcing the encoding detection
 *     chose reads the same records and errors;
 *   - csv_next: a record has at least one field, each valid UTF-8; an error
 *     has a cause and no fields; records start on strictly increasing
 *     physical lines; reading ends (at most one record per byte, plus one);
 *   - what csv_write writes reads back unchanged: in UTF-8 with and without
 *     BOM exactly, with `inert` exactly after csv_uninert, in CP932 up to
 *     the seven JIS/Microsoft twins csv.h allows (or csv_write refuses).
 */
#include "fuzz.h"

#include <unistr.h>

#include "csv.h"

/* The records one reading returned, for the round trips. */
struct fuzz_csv_rows {
	char ***rows;           /* rows[i][j]: malloc'd copies */
	size_t *nf;
	size_t n, cap;
};

static void
fuzz_csv_rows_free(struct fuzz_csv_rows *r)
{
	for (size_t i = 0; i < r->n; i++) {
		for (size_t j = 0; j < r->nf[i]; j++)
			free(r->rows[i][j]);
		free(r->rows[i]);
	}
	free(r->rows);
	free(r->nf);
	memset(r, 0, sizeof *r);
}

static void
fuzz_csv_rows_add(struct fuzz_csv_rows *r, char **fields, size_t nf)
{
	size_t cap = r->cap;
	r->rows = xgrow(r->rows, &cap, r->n + 1, sizeof *r->rows);
	r->nf = xgrow(r->nf, &r->cap, r->n + 1, sizeof *r->nf);
	r->rows[r->n] = xcalloc(nf, sizeof **r->rows);
	for (size_t j = 0; j < nf; j++)
		r->rows[r->n][j] = xstrdup(fields[j]);
	r->nf[r->n++] = nf;
}

/*
 * Read everything from DATA in ENC, checking every record; the good ones
 * are added to ROWS when it is not NULL.  Returns the number of errors, or
 * -1 when csv_open_mem refused the input.
 */
static long
fuzz_csv_read(const void *data, size_t size, enum csv_encoding enc, struct fuzz_csv_rows *rows)
{
	char *cause = NULL;
	struct csv_reader *r = csv_open_mem(data, size, enc, &cause);
	if (r == NULL) {
		FUZZ_CHECK(cause != NULL);
		free(cause);
		return -1;
	}
	FUZZ_CHECK(cause == NULL);
	enum csv_encoding used = csv_reader_encoding(r);
	FUZZ_CHECK(used == CSV_UTF8 || used == CSV_UTF8_BOM || used == CSV_CP932);
	if (enc == CSV_CP932)
		FUZZ_CHECK(used == CSV_CP932);
	if (enc == CSV_UTF8 || enc == CSV_UTF8_BOM)
		FUZZ_CHECK(used != CSV_CP932);

	long errors = 0, last = 0;
	size_t count = 0;
	for (;;) {
		char **fields = (char **)&cause;        /* anything but NULL */
		size_t nf = 99;
		long line = 0;
		int rc = csv_next(r, &fields, &nf, &line, &cause);
		if (rc == 0) {
			FUZZ_CHECK(fields == NULL && nf == 0);
			break;
		}
		FUZZ_CHECK(++count <= size + 1);
		FUZZ_CHECK(line > last);
		last = line;
		if (rc < 0) {
			FUZZ_CHECK(rc == -1 && cause != NULL && fields == NULL && nf == 0);
			free(cause);
			cause = NULL;
			errors++;
			continue;
		}
		FUZZ_CHECK(rc == 1 && fields != NULL && nf >= 1);
		for (size_t i = 0; i < nf; i++)
			FUZZ_CHECK(u8_check((const uint8_t *)fields[i], strlen(fields[i])) == NULL);
		if (rows != NULL)
			fuzz_csv_rows_add(rows, fields, nf);
	}
	csv_close(r);
	return errors;
}

/* The seven twins csv.h allows in CP932, as UTF-8: written, then read back. */
static const char *const fuzz_csv_twins[][2] = {
	{ "\xC2\xA2", "\xEF\xBF\xA0" },         /* U+00A2 → U+FFE0 */
	{ "\xC2\xA3", "\xEF\xBF\xA1" },         /* U+00A3 → U+FFE1 */
	{ "\xC2\xAC", "\xEF\xBF\xA2" },         /* U+00AC → U+FFE2 */
	{ "\xE2\x80\x94", "\xE2\x80\x95" },     /* U+2014 → U+2015 */
	{ "\xE2\x80\x96", "\xE2\x88\xA5" },     /* U+2016 → U+2225 */
	{ "\xE2\x88\x92", "\xEF\xBC\x8D" },     /* U+2212 → U+FF0D */
	{ "\xE3\x80\x9C", "\xEF\xBD\x9E" },     /* U+301C → U+FF5E */
};

/* V as a CP932 file reads it back: the twins replaced.  Malloc'd. */
static char *
fuzz_csv_twinned(const char *v)
{
	struct strbuf sb = SB_INIT;
	sb_adds(&sb, "");
	while (*v != '\0') {
		size_t t;
		for (t = 0; t < sizeof fuzz_csv_twins / sizeof fuzz_csv_twins[0]; t++) {
			size_t n = strlen(fuzz_csv_twins[t][0]);
			if (strncmp(v, fuzz_csv_twins[t][0], n) == 0) {
				sb_adds(&sb, fuzz_csv_twins[t][1]);
				v += n;
				break;
			}
		}
		if (t == sizeof fuzz_csv_twins / sizeof fuzz_csv_twins[0])
			sb_addc(&sb, *v++);
	}
	return sb_detach(&sb);
}

/*
 * Write ROWS in ENC (with INERT), read the output back and compare.  A row
 * csv_write refuses (CP932 only: a character it cannot hold) is left out.
 */
static void
fuzz_csv_round_trip(const struct fuzz_csv_rows *rows, enum csv_encoding enc, bool inert)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	FUZZ_CHECK(f != NULL);
	struct csv_writer *w = csv_writer_new(f, enc);
	FUZZ_CHECK(w != NULL);
	bool *kept = xcalloc(rows->n ? rows->n : 1, sizeof *kept);
	for (size_t i = 0; i < rows->n; i++) {
		char *cause = NULL;
		int rc = csv_write(w, (const char *const *)rows->rows[i], rows->nf[i], inert, &cause);
		/* Only CP932 may refuse a value, and then with a cause. */
		FUZZ_CHECK(rc == 0 || (enc == CSV_CP932 && rc == -1 && cause != NULL));
		kept[i] = rc == 0;
		free(cause);
	}
	csv_writer_free(w);
	FUZZ_CHECK(fclose(f) == 0);

	struct fuzz_csv_rows back = { 0 };
	long errors = fuzz_csv_read(buf, len, enc == CSV_CP932 ? CSV_CP932 : CSV_AUTO, &back);
	FUZZ_CHECK(errors == 0);
	size_t b = 0;
	for (size_t i = 0; i < rows->n; i++) {
		if (!kept[i])
			continue;
		FUZZ_CHECK(b < back.n);
		FUZZ_CHECK(back.nf[b] == rows->nf[i]);
		for (size_t j = 0; j < rows->nf[i]; j++) {
			char *got = xstrdup(inert ? csv_uninert(back.rows[b][j]) : back.rows[b][j]);
			char *want = enc == CSV_CP932 ? fuzz_csv_twinned(rows->rows[i][j])
			    : xstrdup(rows->rows[i][j]);
			if (strcmp(got, want) != 0) {
				fprintf(stderr, "record %zu field %zu: wrote '%s', read back '%s'\n",
				    i + 1, j + 1, want, got);
				FUZZ_CHECK(!"round trip");
			}
			free(got);
			free(want);
		}
		b++;
	}
	FUZZ_CHECK(b == back.n);
	fuzz_csv_rows_free(&back);
	free(kept);
	free(buf);
}

static bool
fuzz_csv_same_rows(const struct fuzz_csv_rows *a, const struct fuzz_csv_rows *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		if (a->nf[i] != b->nf[i])
			return false;
		for (size_t j = 0; j < a->nf[i]; j++)
			if (strcmp(a->rows[i][j], b->rows[i][j]) != 0)
				return false;
	}
	return true;
}

/* The encoding a reader of DATA settled on with ENC, or -1 when it refused. */
static int
fuzz_csv_encoding(const void *data, size_t size, enum csv_encoding enc)
{
	struct csv_reader *r = csv_open_mem(data, size, enc, NULL);
	int used = r != NULL ? (int)csv_reader_encoding(r) : -1;
	csv_close(r);
	return used;
}

int
fuzz_csv_one(const uint8_t *data, size_t size)
{
	struct fuzz_csv_rows rows = { 0 }, forced = { 0 };

	/* Automatic detection, whose rows the writer then gets. */
	long errors = fuzz_csv_read(data, size, CSV_AUTO, &rows);
	int used = fuzz_csv_encoding(data, size, CSV_AUTO);
	for (enum csv_encoding enc = CSV_UTF8; enc <= CSV_CP932; enc++) {
		long e = fuzz_csv_read(data, size, enc, &forced);
		/* Detection only chooses: forcing the encoding it chose reads
		 * the same records and errors. */
		if (used == (int)enc || (used == CSV_UTF8_BOM && enc == CSV_UTF8) ||
		    (used == CSV_UTF8 && enc == CSV_UTF8_BOM))
			FUZZ_CHECK(e == errors && fuzz_csv_same_rows(&rows, &forced));
		fuzz_csv_rows_free(&forced);
	}

	fuzz_csv_round_trip(&rows, CSV_UTF8, false);
	fuzz_csv_round_trip(&rows, CSV_UTF8_BOM, false);
	fuzz_csv_round_trip(&rows, CSV_UTF8, true);
	fuzz_csv_round_trip(&rows, CSV_CP932, false);
	fuzz_csv_rows_free(&rows);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_csv_one(data, size);
}
#endif
