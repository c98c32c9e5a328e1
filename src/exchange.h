/*
 * exchange.h - a screen's records as CSV, out and in.
 *
 * Export writes a header of field ids and one row per record in stored
 * form, so an export imports back unchanged.  Import maps the header to
 * fields (by id, or by the screen's labels in Japanese or English, or by an
 * [import.NAME] layout the screen declares), passes every row through the
 * same checks as the form, and reports each rejected row as
 * FILE:LINE: field: why on the error stream.
 */
#ifndef LGOTP_EXCHANGE_H
#define LGOTP_EXCHANGE_H

#include <stdbool.h>
#include <stdio.h>

#include "app.h"
#include "csv.h"

struct import_stats {
	long rows;          /* data rows read */
	long stored;
	long rejected;
};

struct import_opts {
	enum csv_encoding encoding;
	bool upsert;        /* replace records whose key exists, instead of rejecting them */
};

/*
 * Import PATH into SD.  Returns 0 when every row was stored, 1 when some
 * were rejected (each reported on ERR), 2 when the file or its header is
 * unusable (reported on ERR, nothing stored).
 */
int exchange_import(struct app *app, const struct screen_def *sd, const char *path,
    const struct import_opts *opts, FILE *err, struct import_stats *stats);

/*
 * Export SD's records to OUT.  Returns 0, 1 when some records could not be
 * written in the encoding (each reported on ERR, the others written), or 2
 * on a database error.
 */
int exchange_export(struct app *app, const struct screen_def *sd, FILE *out,
    enum csv_encoding enc, FILE *err);

#endif
