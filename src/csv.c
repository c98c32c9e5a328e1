/*
 * csv.c - CSV reading and writing the way Excel in Japan does it.
 *
 * The reader holds the whole input in memory.  It finds record and field
 * boundaries on the raw bytes (safe in UTF-8 and CP932 alike: see csv.h),
 * unescapes quotes into a per-record buffer, and only then decodes, one
 * record at a time, so a byte that cannot be decoded spoils its record and
 * not the file.  Line numbers come from the raw bytes and so stay right.
 */
#include "csv.h"

#include "i18n.h"
#include "text.h"
#include "util.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NO_ICONV ((iconv_t)-1)

/* ------------------------------------------------------------------ */
/* Encodings                                                          */

int
csv_encoding_parse(const char *name)
{
	static const struct {
		const char *name;
		enum csv_encoding enc;
	} names[] = {
		{ "utf-8", CSV_UTF8 },
		{ "utf8", CSV_UTF8 },
		{ "utf-8-bom", CSV_UTF8_BOM },
		{ "cp932", CSV_CP932 },
		{ "sjis", CSV_CP932 },
		{ "shift_jis", CSV_CP932 },
		{ "windows-31j", CSV_CP932 },
		{ "ms932", CSV_CP932 },
	};

	if (name == NULL)
		return -1;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcasecmp(name, names[i].name) == 0)
			return (int)names[i].enc;
	}
	return -1;
}

/*
 * Convert IN (INLEN bytes) with CD, appending to OUT.  Returns 0, or -1
 * with *bad set to the offset in IN of the first byte that could not be
 * converted (an invalid or incomplete sequence).  OUT keeps whatever was
 * converted before the failure; callers reset it.
 */
static int
iconv_append(iconv_t cd, const char *in, size_t inlen, struct strbuf *out, size_t *bad)
{
	char *ip = (char *)in; /* iconv's prototype lacks const */
	size_t il = inlen;

	iconv(cd, NULL, NULL, NULL, NULL);
	/* 3 output bytes per input byte covers both directions used here
	 * (CP932 to UTF-8 at most triples; UTF-8 to CP932 never grows); the
	 * E2BIG branch is there in case that ever stops being true. */
	out->s = xgrow(out->s, &out->cap, out->len + 3 * inlen + 16, 1);
	char *op = out->s + out->len;
	size_t ol = out->cap - out->len - 1;
	while (il > 0) {
		if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1)
			break;
		if (errno != E2BIG) {
			*bad = (size_t)(ip - in);
			out->len = (size_t)(op - out->s);
			out->s[out->len] = '\0';
			return -1;
		}
		size_t used = (size_t)(op - out->s);
		out->s = xgrow(out->s, &out->cap, out->cap + il * 3 + 16, 1);
		op = out->s + used;
		ol = out->cap - used - 1;
	}
	out->len = (size_t)(op - out->s);
	out->s[out->len] = '\0';
	return 0;
}

static bool
all_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s[i] >= 0x80)
			return false;
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Reader                                                             */

enum scan_err {
	SCAN_OK,
	SCAN_NUL,          /* a NUL byte; the record's extent is still sound */
	SCAN_AFTER_QUOTE,  /* "ab"c: quoting is broken, resume on the next line */
	SCAN_UNTERMINATED, /* a quote never closed; ditto */
};

struct csv_reader {
	char *buf;              /* the whole input, BOM excluded */
	size_t len;
	size_t pos;             /* next byte to scan */
	long line;              /* physical line of buf[pos] */
	enum csv_encoding enc;  /* CSV_UTF8, CSV_UTF8_BOM or CSV_CP932 */
	iconv_t cd;             /* CP932 to UTF-8, or NO_ICONV */

	/* The record last scanned: its unescaped bytes, each field followed
	 * by a NUL (input NULs are never copied, so NULs only separate). */
	struct strbuf raw;
	size_t *ends;           /* ends[i]: offset in raw of field i's NUL */
	size_t ends_cap;
	size_t nf;
	long rec_line;          /* where the record started */
	size_t rec_pos;

	/* The first error found in the record, if any. */
	enum scan_err err;
	size_t err_col;         /* 1-based */
	long err_line;
	size_t bad_col;         /* the column csv_next's last -1 named; 0: none */

	struct strbuf out;      /* the record decoded from CP932 */
	char **fields;          /* handed to the caller */
	size_t fields_cap;
};

static void
scan_error(struct csv_reader *r, enum scan_err e, long line)
{
	if (r->err != SCAN_OK)
		return;
	r->err = e;
	r->err_col = r->nf + 1;
	r->err_line = line;
}

static void
end_field(struct csv_reader *r)
{
	r->ends = xgrow(r->ends, &r->ends_cap, r->nf + 1, sizeof *r->ends);
	r->ends[r->nf++] = r->raw.len;
	sb_addc(&r->raw, '\0');
}

/* Offset just past the line break that ends the physical line at P. */
static size_t
next_line(const char *b, size_t n, size_t p)
{
	while (p < n && b[p] != '\n' && b[p] != '\r')
		p++;
	if (p < n && b[p] == '\r' && p + 1 < n && b[p + 1] == '\n')
		p++;
	return p < n ? p + 1 : n;
}

/*
 * Scan one record from r->pos into r->raw / r->ends, noting the first
 * error in r->err, and move r->pos / r->line past it (or, after a quoting
 * error, to the line after the record's first).  Returns 0 at end of
 * input, else 1.
 */
static int
scan_record(struct csv_reader *r)
{
	const char *b = r->buf;
	size_t n = r->len;
	size_t p = r->pos;

	sb_reset(&r->raw);
	r->nf = 0;
	r->err = SCAN_OK;

	/* Empty lines are not records. */
	while (p < n && (b[p] == '\n' || b[p] == '\r')) {
		if (b[p] == '\r' && p + 1 < n && b[p + 1] == '\n')
			p++;
		p++;
		r->line++;
	}
	if (p >= n) {
		r->pos = n;
		return 0;
	}
	r->rec_pos = p;
	r->rec_line = r->line;

	for (;;) {
		if (b[p] == '"') {
			long opened = r->line;
			p++;
			for (;;) {
				size_t q = p;
				while (q < n && b[q] != '"' && b[q] != '\n' && b[q] != '\r' && b[q] != '\0')
					q++;
				sb_add(&r->raw, b + p, q - p);
				p = q;
				if (p >= n) {
					scan_error(r, SCAN_UNTERMINATED, opened);
					end_field(r);
					goto done;
				}
				if (b[p] == '"') {
					if (p + 1 < n && b[p + 1] == '"') {
						sb_addc(&r->raw, '"');
						p += 2;
						continue;
					}
					p++;
					break;
				}
				if (b[p] == '\0') {
					scan_error(r, SCAN_NUL, r->line);
					p++;
					continue;
				}
				/* A line break inside quotes is data, kept as it is. */
				if (b[p] == '\r' && p + 1 < n && b[p + 1] == '\n') {
					sb_add(&r->raw, b + p, 2);
					p += 2;
				} else {
					sb_addc(&r->raw, b[p]);
					p++;
				}
				r->line++;
			}
			if (p < n && b[p] != ',' && b[p] != '\n' && b[p] != '\r')
				scan_error(r, SCAN_AFTER_QUOTE, r->line);
		}
		/* An unquoted field, or what follows a bad closing quote. */
		for (;;) {
			size_t q = p;
			while (q < n && b[q] != ',' && b[q] != '\n' && b[q] != '\r' && b[q] != '\0')
				q++;
			sb_add(&r->raw, b + p, q - p);
			p = q;
			if (p < n && b[p] == '\0') {
				scan_error(r, SCAN_NUL, r->line);
				p++;
				continue;
			}
			break;
		}
		end_field(r);
		if (p >= n)
			break;
		if (b[p] == ',') {
			p++;
			continue;
		}
		if (b[p] == '\r' && p + 1 < n && b[p + 1] == '\n')
			p++;
		p++;
		r->line++;
		break;
	}
done:
	if (r->err == SCAN_AFTER_QUOTE || r->err == SCAN_UNTERMINATED) {
		/* The quotes cannot be trusted: what looked like the rest of
		 * this record may be good records, so look at them again. */
		r->pos = next_line(b, n, r->rec_pos);
		r->line = r->rec_line + 1;
	} else {
		r->pos = p;
	}
	return 1;
}

/* The 1-based column of raw offset OFF in the scanned record. */
static size_t
column_of(const struct csv_reader *r, size_t off)
{
	size_t i = 0;
	while (i + 1 < r->nf && r->ends[i] < off)
		i++;
	return i + 1;
}

static int
scan_error_cause(const struct csv_reader *r, char **cause)
{
	switch (r->err) {
	case SCAN_UNTERMINATED:
		return fail(cause, "column %zu: the quote opened on line %ld is never closed",
		    r->err_col, r->err_line);
	case SCAN_AFTER_QUOTE:
		return fail(cause, "column %zu: text after the closing quote on line %ld "
		    "(a quote inside a quoted field must be doubled)", r->err_col, r->err_line);
	case SCAN_NUL:
		return fail(cause, "column %zu: NUL byte on line %ld", r->err_col, r->err_line);
	case SCAN_OK:
		break;
	}
	return fail(cause, "malformed record");
}

/* Is the scanned record valid UTF-8?  If not, *bad is the offending offset. */
static bool
raw_utf8_ok(const struct csv_reader *r, size_t *bad)
{
	size_t ok = text_valid_prefix(r->raw.s, r->raw.len);
	if (ok == r->raw.len)
		return true;
	*bad = ok;
	return false;
}

/* Decode the scanned record from CP932 into r->out.  The NUL separators
 * decode to NULs, so fields stay apart. */
static bool
raw_cp932_ok(struct csv_reader *r, size_t *bad)
{
	sb_reset(&r->out);
	if (all_ascii(r->raw.s, r->raw.len)) {
		sb_add(&r->out, r->raw.s, r->raw.len);
		return true;
	}
	return iconv_append(r->cd, r->raw.s, r->raw.len, &r->out, bad) == 0;
}

/* Point r->fields at the NUL-separated fields in S (NF of them). */
static char **
split_fields(struct csv_reader *r, char *s)
{
	r->fields = xgrow(r->fields, &r->fields_cap, r->nf, sizeof *r->fields);
	for (size_t i = 0; i < r->nf; i++) {
		r->fields[i] = s;
		s += strlen(s) + 1;
	}
	return r->fields;
}

static void
reader_free(struct csv_reader *r)
{
	if (r == NULL)
		return;
	if (r->cd != NO_ICONV)
		iconv_close(r->cd);
	free(r->buf);
	sb_free(&r->raw);
	sb_free(&r->out);
	free(r->ends);
	free(r->fields);
	free(r);
}

static int
open_cp932(struct csv_reader *r, char **cause)
{
	if (r->cd != NO_ICONV)
		return 0;
	r->cd = iconv_open("UTF-8", "CP932");
	if (r->cd == NO_ICONV)
		return fail(cause, "this system cannot convert from CP932: %s", strerror(errno));
	return 0;
}

/*
 * Decide between UTF-8 and CP932 for a file without BOM that is not valid
 * UTF-8 throughout (see csv.h for the rule).  Leaves r->pos / r->line at
 * the start.
 */
static int
detect(struct csv_reader *r, char **cause)
{
	size_t nonascii = 0, bad_u8 = 0, bad_cp = 0, off;
	long first_u8 = 0, first_cp = 0;
	int rc = -1;

	if (open_cp932(r, cause) == -1)
		return -1;
	while (scan_record(r)) {
		if (all_ascii(r->raw.s, r->raw.len))
			continue;
		nonascii++;
		if (!raw_utf8_ok(r, &off) && bad_u8++ == 0)
			first_u8 = r->rec_line;
		if (!raw_cp932_ok(r, &off) && bad_cp++ == 0)
			first_cp = r->rec_line;
	}
	r->pos = 0;
	r->line = 1;

	if (bad_cp == 0 || (bad_cp < bad_u8 && bad_cp * 2 < nonascii)) {
		r->enc = CSV_CP932;
		rc = 0;
	} else if (bad_u8 < bad_cp && bad_u8 * 2 < nonascii) {
		r->enc = CSV_UTF8;
		rc = 0;
	} else {
		rc = fail(cause, "the file is neither UTF-8 nor CP932 (invalid UTF-8 in %zu of "
		    "%zu records with non-ASCII bytes, first on line %ld; invalid CP932 in %zu, "
		    "first on line %ld); give the encoding explicitly if you know it",
		    bad_u8, nonascii, first_u8, bad_cp, first_cp);
	}
	return rc;
}

struct csv_reader *
csv_open_mem(const void *data, size_t len, enum csv_encoding enc, char **cause)
{
	char *copy = xmalloc(len + 1);
	if (len > 0)
		memcpy(copy, data, len);
	copy[len] = '\0';

	struct csv_reader *r = xcalloc(1, sizeof *r);
	r->buf = copy;
	r->len = len;
	r->line = 1;
	r->cd = NO_ICONV;

	const unsigned char *u = (const unsigned char *)copy;
	bool bom = len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF;
	if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
		fail(cause, "the file is UTF-16 (Excel's \"Unicode text\"), not CSV: "
		    "save it as \"CSV UTF-8\" or \"CSV\"");
		goto fail;
	}
	if (bom) {
		if (enc == CSV_CP932) {
			fail(cause, "the file starts with a UTF-8 byte order mark, "
			    "but CP932 was asked for");
			goto fail;
		}
		memmove(r->buf, r->buf + 3, len - 3 + 1);
		r->len = len - 3;
	}

	switch (enc) {
	case CSV_AUTO:
		if (bom)
			r->enc = CSV_UTF8_BOM;
		else if (text_valid_utf8(r->buf, r->len))
			r->enc = CSV_UTF8;
		else if (detect(r, cause) == -1)
			goto fail;
		break;
	case CSV_UTF8:
	case CSV_UTF8_BOM:
		r->enc = bom ? CSV_UTF8_BOM : CSV_UTF8;
		break;
	case CSV_CP932:
		r->enc = CSV_CP932;
		break;
	default:
		fail(cause, "unknown encoding %d", (int)enc);
		goto fail;
	}
	if (r->enc == CSV_CP932 && open_cp932(r, cause) == -1)
		goto fail;
	return r;

fail:
	reader_free(r);
	return NULL;
}

struct csv_reader *
csv_open(const char *path, enum csv_encoding enc, char **cause)
{
	bool is_stdin = strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	struct strbuf sb = SB_INIT;
	struct csv_reader *r = NULL;

	if (f == NULL) {
		fail_raw(cause, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		sb.s = xgrow(sb.s, &sb.cap, sb.len + 65536 + 1, 1);
		size_t got = fread(sb.s + sb.len, 1, sb.cap - sb.len - 1, f);
		sb.len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		fail_raw(cause, "%s: %s", is_stdin ? _("standard input") : path, strerror(errno));
		goto out;
	}
	r = csv_open_mem(sb.s, sb.len, enc, cause);
	if (r == NULL && cause != NULL && *cause != NULL && !is_stdin) {
		char *c = xasprintf("%s: %s", path, *cause);
		free(*cause);
		*cause = c;
	}
out:
	if (!is_stdin)
		fclose(f);
	sb_free(&sb);
	return r;
}

enum csv_encoding
csv_reader_encoding(const struct csv_reader *r)
{
	return r->enc;
}

size_t
csv_error_column(const struct csv_reader *r)
{
	return r->bad_col;
}

int
csv_next(struct csv_reader *r, char ***fields, size_t *nfields, long *line, char **cause)
{
	size_t bad;

	*fields = NULL;
	*nfields = 0;
	r->bad_col = 0;
	if (!scan_record(r))
		return 0;
	*line = r->rec_line;
	if (r->err != SCAN_OK) {
		r->bad_col = r->err_col;
		return scan_error_cause(r, cause);
	}

	if (r->enc == CSV_CP932) {
		if (!raw_cp932_ok(r, &bad)) {
			const unsigned char *u = (const unsigned char *)r->raw.s + bad;
			r->bad_col = column_of(r, bad);
			if (bad + 1 < r->raw.len && u[1] != '\0')
				return fail(cause, "column %zu: bytes 0x%02X 0x%02X are not valid CP932",
				    column_of(r, bad), u[0], u[1]);
			return fail(cause, "column %zu: byte 0x%02X is not valid CP932",
			    column_of(r, bad), u[0]);
		}
		*fields = split_fields(r, r->out.s);
	} else {
		if (!raw_utf8_ok(r, &bad)) {
			r->bad_col = column_of(r, bad);
			return fail(cause, "column %zu: invalid UTF-8 (byte 0x%02X)",
			    column_of(r, bad), (unsigned char)r->raw.s[bad]);
		}
		*fields = split_fields(r, r->raw.s);
	}
	*nfields = r->nf;
	return 1;
}

void
csv_close(struct csv_reader *r)
{
	reader_free(r);
}

/* ------------------------------------------------------------------ */
/* Formula injection                                                  */

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "-5", "+1.5", "-1,234,567.8", "-.5", "2e-3": what Excel reads as a
 * number, so a leading sign is no formula. */
static bool
plain_number(const char *s)
{
	const char *p = s;
	size_t idigits = 0, fdigits = 0;

	if (*p == '+' || *p == '-')
		p++;
	while (is_digit(*p)) {
		p++;
		idigits++;
	}
	if (*p == ',' && idigits >= 1 && idigits <= 3) {
		while (p[0] == ',' && is_digit(p[1]) && is_digit(p[2]) && is_digit(p[3]))
			p += 4;
	}
	if (*p == '.') {
		p++;
		while (is_digit(*p)) {
			p++;
			fdigits++;
		}
	}
	if (idigits + fdigits == 0)
		return false;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!is_digit(*p))
			return false;
		while (is_digit(*p))
			p++;
	}
	return *p == '\0';
}

/* Would a spreadsheet evaluate V as a formula? */
static bool
formula_like(const char *v)
{
	switch (v[0]) {
	case '=':
	case '@':
	case '\t':
	case '\r':
		return true;
	case '+':
	case '-':
		return v[1] != '\0' && !plain_number(v);
	default:
		return false;
	}
}

/* Does csv_write(inert) put a single quote before V?  Values already
 * starting with one get another, so csv_uninert is exact. */
static bool
needs_inert_prefix(const char *v)
{
	return v[0] == '\'' || formula_like(v);
}

const char *
csv_uninert(const char *value)
{
	if (value == NULL)
		return "";
	if (value[0] == '\'' && needs_inert_prefix(value + 1))
		return value + 1;
	return value;
}

/* ------------------------------------------------------------------ */
/* Writer                                                             */

struct csv_writer {
	FILE *f;
	enum csv_encoding enc;
	iconv_t to;             /* UTF-8 to CP932, or NO_ICONV */
	iconv_t back;           /* CP932 to UTF-8, to check the round trip */
	struct strbuf rec;      /* the record being built */
	struct strbuf enc_buf;  /* one value in CP932 */
	struct strbuf chk;      /* it read back */
};

/* The JIS/Microsoft twins: U+301C is written as 0x8160, which reads back
 * as U+FF5E, and so on.  Accepted because a Japanese reader sees the same
 * character (see csv.h); no other change in a round trip is. */
static const struct {
	uint32_t from, reads_as;
} twins[] = {
	{ 0x00A2, 0xFFE0 }, { 0x00A3, 0xFFE1 }, { 0x00AC, 0xFFE2 },
	{ 0x2014, 0x2015 }, { 0x2016, 0x2225 }, { 0x2212, 0xFF0D },
	{ 0x301C, 0xFF5E },
};

static bool
is_twin(uint32_t from, uint32_t reads_as)
{
	for (size_t i = 0; i < sizeof twins / sizeof twins[0]; i++) {
		if (twins[i].from == from && twins[i].reads_as == reads_as)
			return true;
	}
	return false;
}

struct csv_writer *
csv_writer_new(FILE *f, enum csv_encoding enc)
{
	struct csv_writer *w = xcalloc(1, sizeof *w);
	w->f = f;
	w->enc = enc == CSV_AUTO ? CSV_UTF8 : enc;
	w->to = w->back = NO_ICONV;
	if (w->enc == CSV_CP932) {
		/* Plain "CP932": no //TRANSLIT, which would replace silently. */
		w->to = iconv_open("CP932", "UTF-8");
		w->back = iconv_open("UTF-8", "CP932");
		if (w->to == NO_ICONV || w->back == NO_ICONV) {
			csv_writer_free(w);
			return NULL;
		}
	}
	if (w->enc == CSV_UTF8_BOM)
		fwrite("\xEF\xBB\xBF", 1, 3, f);
	return w;
}

void
csv_writer_free(struct csv_writer *w)
{
	if (w == NULL)
		return;
	if (w->to != NO_ICONV)
		iconv_close(w->to);
	if (w->back != NO_ICONV)
		iconv_close(w->back);
	sb_free(&w->rec);
	sb_free(&w->enc_buf);
	sb_free(&w->chk);
	free(w);
}

/*
 * csv_write's cause: "field IDX: ", which is never translated (csv.h), then
 * FMT, a msgid (N_()), in the UI language.  Returns -1.
 */
static int __attribute__((format(printf, 3, 4)))
field_fail(char **cause, size_t idx, const char *fmt, ...)
{
	if (cause == NULL)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	char *why = xvasprintf(_(fmt), ap);
	va_end(ap);
	fail_raw(cause, "field %zu: %s", idx, why);
	free(why);
	return -1;
}

const char *
csv_write_cause(const char *cause, size_t *idx)
{
	size_t i = 0;
	int used = 0;
	*idx = (size_t)-1;
	if (cause == NULL)
		return "";
	if (sscanf(cause, "field %zu: %n", &i, &used) == 1 && used > 0) {
		*idx = i;
		return cause + used;
	}
	return cause;
}

/*
 * Encode the character C (its UTF-8 bytes S, N long) of field IDX into
 * w->enc_buf, checking it reads back as itself or its twin.
 */
static int
cp932_char(struct csv_writer *w, const char *s, size_t n, uint32_t c, size_t idx, char **cause)
{
	size_t bad, start = w->enc_buf.len;

	if (iconv_append(w->to, s, n, &w->enc_buf, &bad) == -1)
		return field_fail(cause, idx, N_("U+%04X (%.*s) cannot be written in CP932"),
		    (unsigned)c, (int)n, s);
	sb_reset(&w->chk);
	if (w->enc_buf.len == start ||
	    iconv_append(w->back, w->enc_buf.s + start, w->enc_buf.len - start, &w->chk, &bad) == -1)
		return field_fail(cause, idx, N_("U+%04X (%.*s) cannot be written in CP932 "
		    "(it would be dropped)"), (unsigned)c, (int)n, s);
	uint32_t d = 0xFFFD;
	int dn = text_decode(w->chk.s, w->chk.len, &d);
	if (dn > 0 && (size_t)dn == w->chk.len && (d == c || is_twin(c, d)))
		return 0;
	return field_fail(cause, idx, N_("U+%04X (%.*s) cannot be written in CP932 "
	    "(it would read back as U+%04X %s)"), (unsigned)c, (int)n, s, (unsigned)d, w->chk.s);
}

/* Encode value V (N bytes, valid UTF-8) of field IDX into w->enc_buf. */
static int
cp932_value(struct csv_writer *w, const char *v, size_t n, size_t idx, char **cause)
{
	size_t bad;

	sb_reset(&w->enc_buf);
	if (all_ascii(v, n)) {
		sb_add(&w->enc_buf, v, n);
		return 0;
	}
	/* Usually the whole value converts and reads back unchanged. */
	if (iconv_append(w->to, v, n, &w->enc_buf, &bad) == 0) {
		sb_reset(&w->chk);
		if (iconv_append(w->back, w->enc_buf.s, w->enc_buf.len, &w->chk, &bad) == 0 &&
		    w->chk.len == n && memcmp(w->chk.s, v, n) == 0)
			return 0;
	}
	/* Else go character by character to accept twins and name the
	 * character that fails. */
	sb_reset(&w->enc_buf);
	for (size_t i = 0; i < n;) {
		/* V is well-formed (csv_write checked it): every character decodes. */
		uint32_t c = 0xFFFD;
		int cn = text_decode(v + i, n - i, &c);
		if (cn <= 0)
			cn = 1;
		if (c < 0x80)
			sb_addc(&w->enc_buf, v[i]);
		else if (cp932_char(w, v + i, (size_t)cn, c, idx, cause) == -1)
			return -1;
		i += (size_t)cn;
	}
	return 0;
}

static bool
needs_quotes(const char *v, size_t n)
{
	if (n == 0)
		return false;
	if (v[0] == ' ' || v[0] == '\t' || v[n - 1] == ' ' || v[n - 1] == '\t')
		return true;
	/* A value starting with U+FEFF, first in a UTF-8 file, would be read
	 * back as the file's byte order mark and dropped; after a quote it is
	 * data (found by tests/fuzz/fuzz_csv.c). */
	if (n >= 3 && memcmp(v, "\xEF\xBB\xBF", 3) == 0)
		return true;
	return strpbrk(v, ",\"\r\n") != NULL;
}

int
csv_write(struct csv_writer *w, const char *const *fields, size_t n, bool inert, char **cause)
{
	if (n == 0)
		return 0;
	sb_reset(&w->rec);
	for (size_t i = 0; i < n; i++) {
		const char *v = fields[i] != NULL ? fields[i] : "";
		size_t len = strlen(v);
		size_t ok = text_valid_prefix(v, len);
		if (ok != len)
			return field_fail(cause, i, N_("invalid UTF-8 (byte 0x%02X)"), (unsigned char)v[ok]);

		bool prefix = inert && needs_inert_prefix(v);
		bool quote = needs_quotes(v, len) || (n == 1 && len == 0);
		const char *bytes = v;
		size_t blen = len;
		if (w->enc == CSV_CP932) {
			if (cp932_value(w, v, len, i, cause) == -1)
				return -1;
			bytes = w->enc_buf.s;
			blen = w->enc_buf.len;
		}

		if (i > 0)
			sb_addc(&w->rec, ',');
		if (quote)
			sb_addc(&w->rec, '"');
		if (prefix)
			sb_addc(&w->rec, '\'');
		/* Doubling '"' byte-wise is safe in CP932 too: 0x22 is never a
		 * trail byte. */
		for (size_t j = 0; j < blen;) {
			const char *q = memchr(bytes + j, '"', blen - j);
			size_t k = q ? (size_t)(q - bytes) + 1 : blen;
			sb_add(&w->rec, bytes + j, k - j);
			if (q)
				sb_addc(&w->rec, '"');
			j = k;
		}
		if (quote)
			sb_addc(&w->rec, '"');
	}
	sb_add(&w->rec, "\r\n", 2);
	if (fwrite(w->rec.s, 1, w->rec.len, w->f) != w->rec.len)
		return fail(cause, "write error: %s", strerror(errno));
	return 0;
}
