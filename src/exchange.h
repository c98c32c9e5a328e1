/*
 * exchange.h - a screen's records as CSV, out and in.
 *
 * Export writes a header of field ids (or, when asked, the labels in one
 * language) and one row per record in stored form, so an export imports
 * back unchanged.  Import maps the header to fields (by id, or by the
 * screen's labels in Japanese or English, or by an [import.NAME] layout the
 * screen declares), passes every row through the same checks as the form,
 * and reports each rejected row as FILE:LINE: field: why on the error
 * stream and in FILE.rejects.csv beside the input.
 *
 * Import is all or nothing per row: a row's records (one, or several from
 * an unpivot layout) are stored together in one transaction or not at all,
 * and a row that is not stored is always reported.
 */
#ifndef LGOTP_EXCHANGE_H
#define LGOTP_EXCHANGE_H

#include <stdbool.h>
#include <stdio.h>

#include "app.h"
#include "csv.h"

/* What import does with a row whose key is already stored. */
enum import_mode {
	IMPORT_INSERT,      /* reject it (the default) */
	IMPORT_UPDATE,      /* replace it; a row whose key is not stored is rejected */
	IMPORT_UPSERT,      /* replace it, or insert a new record */
};

struct import_stats {
	long rows;          /* data rows read (blank lines are not rows) */
	long stored;        /* records stored (with dry_run: that would be) */
	long rejected;      /* rows rejected */
};

struct import_opts {
	enum csv_encoding encoding;     /* CSV_AUTO: detect */
	enum import_mode mode;
	bool dry_run;       /* check every row, store nothing, write no rejects file */
	bool progress;      /* show progress on ERR (the caller knows it is a terminal) */
};

/*
 * Import PATH ("-": standard input) into SD.  Returns 0 when every row was
 * stored, 1 when some were rejected or a column was not read (each
 * reported on ERR), 2 when the file or its header is unusable or the
 * database failed (reported on ERR; rows of earlier batches may be stored
 * then, each whole, and the message says from which line on nothing was).
 *
 * Rejected rows also go to PATH.rejects.csv (not for standard input, not
 * with dry_run): the input's header plus a `reason` column, each rejected
 * row as it was with its reason, in the input's encoding, so it can be
 * fixed and imported again (import skips a last header column `reason`
 * that no field claims).  The file is replaced each run and removed when
 * a run rejects nothing; its path is said on ERR.
 *
 * A column the file lacks takes the field's default in a new record and
 * the stored value in a replaced one.  A file without a column for a key
 * or required field that has neither default nor derivation is unusable
 * (with IMPORT_UPDATE only key fields count, the rest being kept).
 */
int exchange_import(struct app *app, const struct screen_def *sd, const char *path,
    const struct import_opts *opts, FILE *err, struct import_stats *stats);

/* One `--where FIELD=VALUE`: records whose FIELD holds VALUE (stored form). */
struct export_filter {
	size_t field;
	char *value;        /* owned */
};

/*
 * Parse ARG ("FIELD=VALUE") for SD into *F: VALUE goes through the field's
 * type as a form entry would (so fy=R7 means 2025, a full-width code is
 * folded), and the record must hold exactly that.  0, or -1 with *cause.
 */
int exchange_filter_parse(struct app *app, const struct screen_def *sd, const char *arg,
    struct export_filter *f, char **cause);
/* The same for field FIELD and VALUE. */
int exchange_filter_field(struct app *app, const struct screen_def *sd, size_t field,
    const char *value, struct export_filter *f, char **cause);

struct export_opts {
	enum csv_encoding encoding;
	int header_lang;    /* -1: field ids (what import reads back); else an enum lang */
	const struct export_filter *filters;    /* all must hold */
	size_t nfilters;
	bool progress;      /* show progress on ERR */
	bool verified_only; /* only records verified by double keying (rekey.h) */
};

/*
 * Export SD's records to OUT.  Returns 0, 1 when some records could not be
 * written in the encoding (each reported on ERR with its key and field,
 * the others written), or 2 on a database error.
 */
int exchange_export(struct app *app, const struct screen_def *sd, FILE *out,
    const struct export_opts *opts, FILE *err);

#endif
