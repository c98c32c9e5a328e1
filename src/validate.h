/*
 * validate.h - a whole record checked against its screen: every field
 * through its type (ftype.h), readings folded, empty derived fields
 * filled.  The form and import both save only what this returns, so a
 * record is stored the same way whichever way it came in.
 */
#ifndef LGOTP_VALIDATE_H
#define LGOTP_VALIDATE_H

#include "db.h"
#include "ftype.h"
#include "record.h"
#include "schema.h"

/* What look-ups between screens need: the database and the screens. */
struct lookup_env {
	struct db *db;
	const struct schema *schema;
};

/* Fill CTX so that references are looked up in ENV (which must outlive CTX). */
void validate_ctx_init(struct ftype_ctx *ctx, struct lookup_env *env, enum lang lang);

/*
 * The label of record KEY of screen SCREEN (its `label` field), or NULL
 * when there is no such record.  Matches ftype_ctx.lookup.
 */
char *validate_lookup(void *env, const char *screen, const char *key);

/*
 * Parse one field's input as the form does on leaving it: the type's
 * parse with the reading fold, "required" not applied.  0 and *out, or -1
 * and *cause (without the field's label).
 */
int validate_field(const struct field_def *f, const struct ftype_ctx *ctx, const char *input,
    char **out, char **cause);

/*
 * Check IN (values as typed or as in a CSV cell) for screen SD.  Returns 0
 * and a new record *out in stored form, or -1 with *bad_field (index of
 * the first field in error) and *cause ("LABEL: why", in ctx->lang).
 */
int validate_record(const struct screen_def *sd, const struct ftype_ctx *ctx,
    const struct record *in, struct record **out, int *bad_field, char **cause);

#endif
