/*
 * validate.h - a whole record checked against its screen: every field
 * through its type (ftype.h), readings folded, derived and computed
 * fields filled, status order and its log kept, and the screen's
 * [check.*] rules evaluated.  The form and import both save only what
 * this returns, so a record is stored the same way whichever way it came in.
 */
#ifndef LGOTP_VALIDATE_H
#define LGOTP_VALIDATE_H

#include "db.h"
#include "ftype.h"
#include "record.h"
#include "schema.h"

/* What look-ups between screens need: the database, the screens, today. */
struct lookup_cache;

struct lookup_env {
	struct db *db;              /* NULL: nothing is looked up */
	const struct schema *schema;
	const char *today;          /* YYYY-MM-DD */
	struct lookup_cache *cache; /* NULL: every look-up reads the database */
};

/*
 * Remember look-ups (a body's name for its code) for the rest of a batch
 * such as an import, where the same few thousand records are named again
 * and again; the TUI does not cache, since others change records meanwhile.
 * Once a few dozen look-ups of a screen's field have missed, the field is
 * read for the whole screen in one transaction (up to 200,000 records);
 * either way the database is taken as it was: a record stored meanwhile
 * may not be seen until validate_cache_end.
 */
void validate_cache_start(struct lookup_env *env);
void validate_cache_end(struct lookup_env *env);

/* Fill CTX so that references are looked up in ENV (which must outlive CTX). */
void validate_ctx_init(struct ftype_ctx *ctx, struct lookup_env *env, enum lang lang);

/*
 * The label of record KEY of screen SCREEN in LANG, or NULL when there is
 * no such record: its `label` field, or in English its `label_en` field
 * when the screen declares one and the record fills it.  Matches
 * ftype_ctx.lookup.
 */
char *validate_lookup(void *env, const char *screen, const char *key, enum lang lang);

/*
 * Parse one field's input as the form does on leaving it: the type's
 * parse with the reading fold, "required" not applied.  0 and *out, or -1
 * and *cause (without the field's label).
 */
int validate_field(const struct field_def *f, const struct ftype_ctx *ctx, const char *input,
    char **out, char **cause);

/*
 * Check IN (values as typed or as in a CSV cell) for screen SD; OLD is the
 * stored record IN replaces, or NULL for a new one.  Returns 0 and a new
 * record *out in stored form, or -1 with *bad_field (index of the field to
 * correct) and *cause ("LABEL: why", in ctx->lang).  Checks of level warn
 * that do not hold are appended to WARNINGS (when not NULL) and do not
 * make it fail.
 */
int validate_record(const struct screen_def *sd, const struct ftype_ctx *ctx,
    const struct record *in, const struct record *old, struct record **out, int *bad_field,
    char **cause, struct strlist *warnings);

#endif
