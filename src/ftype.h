/*
 * ftype.h - the field types: one table of handlers that turn what an
 * operator types (or a CSV cell holds) into the stored canonical form, and
 * the stored form back into text for the field and for the "echo" shown
 * beside it (a body's name, a choice's label, the other calendar).
 *
 * Stored forms (the contract with the database and CSV):
 *   text     the text itself, trimmed, no control characters, at most
 *            field->width columns
 *   int      decimal digits with optional leading '-'
 *   money    whole yen as decimal digits ("5700000")
 *   date     YYYY-MM-DD (Gregorian)
 *   fy       the Western year the fiscal year starts in ("2025" = 令和7年度)
 *   lgcode   6 ASCII digits with a valid JIS X 0402 check digit
 *   choice   one of the field's choice codes
 *   email    local@domain, ASCII, no spaces
 *   phone    digits, '-', '+', '(', ')' only
 *   country  ISO 3166-1 alpha-2, upper case
 *   ref      a key of the screen named by field->ref
 * The empty string always means "no value"; parse accepts "" (after
 * trimming) and stores "", and whether that is allowed (required) is
 * decided by the caller, not here.
 */
#ifndef LGOTP_FTYPE_H
#define LGOTP_FTYPE_H

#include <stdbool.h>

#include "field.h"

/* What the types need from the rest of the program. */
struct ftype_ctx {
	enum lang lang;             /* language of messages and echoes */
	/*
	 * Returns a malloc'd label in LANG for the record KEY of screen SCREEN
	 * (e.g. the body's name for "011002": 札幌市, Sapporo City), or NULL
	 * when there is no such record.  May be NULL itself: then references
	 * are not checked and not echoed.
	 */
	char *(*lookup)(void *arg, const char *screen, const char *key, enum lang lang);
	void *lookup_arg;
	/* "today" as YYYY-MM-DD for tests; NULL means the real local date. */
	const char *today;
};

struct ftype {
	const char *name;           /* as written in a screen file: "date" */
	/*
	 * Fold full-width ASCII (０１２, ＡＢＣ) to ASCII before parsing, and
	 * tell the form that the field holds codes, not prose.
	 */
	bool code_like;
	/*
	 * Parse INPUT (UTF-8, as typed or read from CSV) into the stored form.
	 * Returns 0 and a malloc'd *out, or -1 and a malloc'd *cause in the
	 * context's language that names what is wrong, never the field itself
	 * (the caller prefixes the field's label).
	 */
	int (*parse)(const struct field_def *f, const struct ftype_ctx *ctx,
	    const char *input, char **out, char **cause);
	/*
	 * The text shown beside the field for a stored value: a name, a label,
	 * the other calendar.  Returns a malloc'd string, "" when there is
	 * nothing to show.  STORED is a valid stored form or "".
	 */
	char *(*echo)(const struct field_def *f, const struct ftype_ctx *ctx,
	    const char *stored);
};

/* The type called NAME, or NULL. */
const struct ftype *ftype_find(const char *name);
/* Every type, for `lgotp check` messages ("known types: ..."). */
const struct ftype *const *ftype_all(void);

/*
 * Parse a value for field F, including "required".  The message in *cause
 * names the field by its label in ctx->lang: "団体コード: 検査数字が違います".
 */
int ftype_parse_field(const struct field_def *f, const struct ftype_ctx *ctx,
    const char *input, char **out, char **cause);

/* Today's date as YYYY-MM-DD (ctx->today when set). Caller frees. */
char *ftype_today(const struct ftype_ctx *ctx);

#endif
