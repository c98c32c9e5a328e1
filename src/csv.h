/*
 * csv.h - CSV as Japanese offices exchange it with Excel.
 *
 * Reading: RFC 4180 (quoted fields holding commas, quotes and line breaks;
 * CRLF or LF), from a file in UTF-8 with BOM, UTF-8, or CP932.  The reader
 * converts everything to UTF-8 and reports each record with the physical
 * line it started on, so rejects can be reported as FILE:LINE.
 * Writing: fields quoted when needed, CRLF, in UTF-8 (optionally with BOM)
 * or CP932 (glibc iconv "CP932"); a value that CP932 cannot hold is an
 * error for that row, never silently replaced.
 *
 * Reading, in detail:
 * - A physical line ends at LF, CRLF or a CR not followed by LF (old Mac
 *   files), inside quotes as well as outside; line numbers count those.
 * - Line breaks inside a quoted field are kept byte for byte: LF stays LF,
 *   CRLF stays CRLF, a lone CR stays CR.  Nothing is normalised, so what
 *   csv_write writes reads back unchanged.  (Excel writes a line break
 *   inside a cell, Alt+Enter, as a bare LF even in a CRLF file; the
 *   ministry's code sheet header "都道府県名\n（漢字）" is such a field.)
 * - Empty lines between records are skipped: they are not records.
 * - A quote that does not start a field is an ordinary character (ab"c),
 *   as Excel reads it.  Text after a closing quote ("ab"c) is an error.
 * - Errors for one record (the reader goes on after them): a quoted field
 *   never closed (it would run to the end of the file), text after a
 *   closing quote, a NUL byte, bytes invalid in the file's encoding.  After
 *   a quoting error the quotes cannot be trusted, so reading resumes on the
 *   physical line after the record's first line; after the other errors the
 *   record's extent is sound and reading resumes after it.
 * - Encoding detection (CSV_AUTO): a UTF-8 BOM means UTF-8 (the BOM is
 *   dropped); else a file valid UTF-8 throughout is UTF-8; else a file
 *   valid CP932 throughout is CP932.  Else, so that one damaged record does
 *   not lose a whole file, the records holding non-ASCII bytes are checked
 *   in both: the encoding that leaves strictly fewer of them invalid is
 *   used when those are under half of them, the invalid ones then coming
 *   back from csv_next as errors; otherwise csv_open fails.  A UTF-16 BOM
 *   always fails (Excel's "Unicode text" is not CSV).
 * - Why bytes can be split into fields before decoding: in CP932 a trail
 *   byte is 0x40-0x7E or 0x80-0xFC, so the bytes that carry CSV structure
 *   (NUL, LF, CR, '"', ',') never occur inside a character; 0x5C ('\') can
 *   (ソ is 0x83 0x5C) but CSV gives it no meaning.  In UTF-8 every byte of
 *   a multi-byte character is >= 0x80.  glibc's CP932 maps 0x00-0x7F to
 *   ASCII unchanged (0x5C reads as '\', 0x7E as '~').
 *
 * Writing, in detail:
 * - A field is quoted when it holds a comma, a quote, CR or LF, starts
 *   or ends with a space or TAB, or starts with U+FEFF (first in a UTF-8
 *   file it would read back as the byte-order mark); a record of one empty
 *   field is written "" so it does not read back as an (ignored) empty
 *   line.  Records end CRLF.
 * - CP932 is checked by reading each value back: a character without a
 *   CP932 code (emoji, most accented Latin) fails, and so does one that
 *   would read back as something else (U+00A5 ¥ and U+203E ‾ become the
 *   ASCII 0x5C '\' and 0x7E '~'; glibc drops U+E0000-E007F silently).
 *   Allowed, because every Japanese converter does it and a Japanese reader
 *   sees the same character, are the seven JIS/Microsoft twins, which read
 *   back as their Microsoft form: U+301C 〜 → U+FF5E ～, U+2016 ‖ → U+2225 ∥,
 *   U+2212 − → U+FF0D －, U+2014 — → U+2015 ―, U+00A2 ¢ → U+FFE0 ￠,
 *   U+00A3 £ → U+FFE1 ￡, U+00AC ¬ → U+FFE2 ￢.  So a CP932 export of a
 *   value typed with 〜 re-imports with ～; UTF-8 exports round-trip exactly.
 * - Formula injection (OWASP "CSV injection", CWE-1236, ASVS 5 1.2.10):
 *   with `inert`, a value that Excel would evaluate is prefixed with a
 *   single quote ('), the documented mitigation; Excel shows the quote.
 *   "Would evaluate": starts with '=', '@', TAB or CR, or with '+' or '-'
 *   unless the value is a plain number ("-5", "+1.5", "-1,234", "2e3") or
 *   the sign alone.  So that the prefix can be undone exactly, a value that
 *   itself starts with a single quote is prefixed too ("'abc" → "''abc");
 *   csv_uninert removes the prefix again.
 */
#ifndef LGOTP_CSV_H
#define LGOTP_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum csv_encoding {
	CSV_AUTO = 0,       /* reading only: BOM → UTF-8; else valid UTF-8 → UTF-8; else CP932 */
	CSV_UTF8,
	CSV_UTF8_BOM,
	CSV_CP932,
};

/* Parses "utf-8", "utf-8-bom", "cp932" (also "utf8", "sjis", "shift_jis",
 * "windows-31j", "ms932"), case-insensitively; -1 if unknown.  Shift_JIS
 * names mean CP932 because that is what Windows and Excel write under that
 * name. */
int csv_encoding_parse(const char *name);

struct csv_reader;

/*
 * Open PATH ("-" for stdin) for reading.  With CSV_AUTO the encoding is
 * decided from the whole file's bytes (the file is read into memory and
 * converted once).  Returns NULL and sets *cause on failure (unreadable,
 * or bytes that are valid in no candidate encoding).
 * Forcing CSV_UTF8 or CSV_UTF8_BOM reads UTF-8, dropping a BOM if there is
 * one; forcing CSV_CP932 on a file that starts with a UTF-8 BOM fails.
 * Bytes invalid in a forced encoding are errors of their records only.
 */
struct csv_reader *csv_open(const char *path, enum csv_encoding enc, char **cause);
/* The same, from bytes in memory (copied). */
struct csv_reader *csv_open_mem(const void *data, size_t len, enum csv_encoding enc, char **cause);
/* The encoding actually used: CSV_UTF8_BOM when the input had a UTF-8 BOM,
 * CSV_UTF8 when it had none, or CSV_CP932. */
enum csv_encoding csv_reader_encoding(const struct csv_reader *r);

/*
 * Read the next record.  Returns 1 and fills *fields / *nfields (pointers
 * owned by the reader, valid until the next call), 0 at end of input, or -1
 * with *cause for a malformed record (e.g. an unterminated quote, a NUL
 * byte); *line is the physical line the record started on (1-based).
 * After -1 the reader resynchronises at the next line, so the caller can
 * report the bad record and continue.
 * Fields are NUL-terminated valid UTF-8; *nfields is at least 1; rows may
 * have any number of fields (the caller compares with its header).  On -1,
 * *fields is NULL and *nfields 0; *cause names the column (1-based, as a
 * spreadsheet counts) and does not repeat *line.
 */
int csv_next(struct csv_reader *r, char ***fields, size_t *nfields, long *line, char **cause);
/* The column (1-based) *cause named at csv_next's last -1; 0 when it named
 * none.  The cause is in the UI language; this is for callers that say
 * more about the column (its header). */
size_t csv_error_column(const struct csv_reader *r);
void csv_close(struct csv_reader *r);

struct csv_writer;

/* Write to F (not closed by csv_writer_free). UTF-8-BOM writes the BOM now.
 * CSV_AUTO writes UTF-8.  NULL only if this system's iconv lacks CP932. */
struct csv_writer *csv_writer_new(FILE *f, enum csv_encoding enc);
/*
 * Write one record.  Returns 0, or -1 with *cause (naming the 0-based
 * field index and the character: "field N: " then the reason in the UI
 * language; the prefix is never translated, for callers that name the
 * field instead) when a value cannot be encoded; then
 * nothing of the record has been written.  Values starting with '=', '+',
 * '-', '@', TAB or CR are written as text Excel will not evaluate when
 * `inert` is true.
 * Values must be valid UTF-8 (else -1, nothing written); a NULL value is
 * written as empty.  -1 also when F reports a write error.  n == 0 writes
 * nothing.
 */
int csv_write(struct csv_writer *w, const char *const *fields, size_t n, bool inert, char **cause);
/*
 * Of a csv_write cause: the index of the field it names into *IDX and the
 * reason after "field N: "; for a cause that names none (a write error),
 * (size_t)-1 and CAUSE itself.  Callers name the field by its column.
 */
const char *csv_write_cause(const char *cause, size_t *idx);
void csv_writer_free(struct csv_writer *w);

/*
 * Undo the prefix that csv_write(..., inert = true) adds: returns VALUE
 * from its second character when VALUE is a single quote followed by a
 * value csv_write would have prefixed (one that Excel would evaluate, or
 * one starting with a single quote), else VALUE itself (a pointer into
 * VALUE, not a copy: an import undoes it for every cell).  Exact for
 * files csv_write wrote with inert; a file from elsewhere may hold "'=x"
 * meaning exactly that, which this turns into "=x" - an ambiguity inherent
 * to the mitigation, so apply it only to files known to come from an inert
 * export.  NULL gives "".
 */
const char *csv_uninert(const char *value);

#endif
