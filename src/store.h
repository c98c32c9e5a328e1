/*
 * store.h - the records of each screen in the database, with the indexes
 * that incremental search and look-ups use.
 *
 * Layout in the database (db.h tables):
 *   "rec:SCREEN"   key: the record key (below) → record_encode bytes
 *   "idx:SCREEN"   key: field number (1 byte) + text_search_key(value),
 *                  clipped, + NUL + record key → empty
 * The record key is the values of the screen's key fields joined by
 * 0x1F (unit separator), so records sort by their key fields in order.
 *
 * Saving checks versions inside the write transaction (optimistic
 * concurrency): an insert fails when the key exists, an update when the
 * stored version is not the one the caller read.
 */
#ifndef LGOTP_STORE_H
#define LGOTP_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"
#include "record.h"
#include "schema.h"

#define STORE_KEY_SEP '\x1f'

/* Results other than 0 and -1 (db.h's DB_NOTFOUND is 1). */
#define STORE_EXISTS 2      /* insert: a record with that key is there */
#define STORE_CONFLICT 3    /* update: someone saved the record since it was read */

/*
 * Work done inside a save's write transaction after the record is written
 * (effects on other records).  Returns 0, or non-zero to abort the whole
 * save with that result.  May run more than once (db_write retries).
 */
typedef int (*store_hook_fn)(struct db_txn *txn, void *arg, const struct record *saved,
    char **cause);

/* The record key of R on screen SD (malloc'd). */
char *store_key(const struct screen_def *sd, const struct record *r);
/* The key shown to a person: key fields joined by " / " (malloc'd). */
char *store_key_display(const char *key);

/* The record KEY of SD: 0 and *out, DB_NOTFOUND, or -1 with *cause. */
int store_get(struct db *db, const struct screen_def *sd, const char *key, struct record **out,
    char **cause);

/*
 * Save R.  OLD_KEY NULL: insert (STORE_EXISTS when the key is taken).
 * Otherwise an update of the record read under OLD_KEY with version
 * R->version (STORE_CONFLICT when the stored version differs, DB_NOTFOUND
 * when it was deleted); a changed key moves the record (STORE_EXISTS when
 * the new key is taken).  On success R->version is the stored version.
 */
int store_save(struct db *db, const struct screen_def *sd, struct record *r, const char *old_key,
    char **cause);

/* store_save with a hook run in the same transaction (HOOK may be NULL). */
int store_save_ex(struct db *db, const struct screen_def *sd, struct record *r,
    const char *old_key, store_hook_fn hook, void *hook_arg, char **cause);

/* Inside a transaction: the record KEY of SD (0, DB_NOTFOUND or -1). */
int store_txn_get(struct db_txn *txn, const struct screen_def *sd, const char *key,
    struct record **out, char **cause);
/* Inside a write transaction: replace the stored record of R's key with R
 * (whose key must not have changed), moving its version on. */
int store_txn_update(struct db_txn *txn, const struct screen_def *sd, struct record *r,
    char **cause);

/*
 * A record of another screen that names record KEY of SD through a
 * `ref = SD` field: 0 with *screen (static, the referring screen's name)
 * and *referrer (malloc'd, its key as shown) when there is one,
 * DB_NOTFOUND when none, -1 on error.
 */
int store_find_referrer(struct db *db, const struct schema *schema, const struct screen_def *sd,
    const char *key, const char **screen, char **referrer, char **cause);

/* Delete KEY if its version is VERSION (0: any). */
int store_delete(struct db *db, const struct screen_def *sd, const char *key, uint32_t version,
    char **cause);

/* Number of records of SD. */
int store_count(struct db *db, const struct screen_def *sd, size_t *n, char **cause);

/*
 * Up to MAX records in key order starting at FROM (NULL: the first, or with
 * BACKWARD the last).  *out is an array of records (free each and the array).
 */
int store_list(struct db *db, const struct screen_def *sd, const char *from, bool backward,
    size_t max, struct record ***out, size_t *n, char **cause);

/*
 * Records whose search fields start with QUERY (folded with
 * text_search_key), or whose key starts with QUERY; at most MAX, each
 * once, in key order.  An empty query lists from the first record.
 */
int store_search(struct db *db, const struct screen_def *sd, const char *query, size_t max,
    struct record ***out, size_t *n, char **cause);

/* Visit every record of SD in key order; FN returns non-zero to stop. */
int store_each(struct db *db, const struct screen_def *sd,
    int (*fn)(void *arg, struct record *r), void *arg, char **cause);

/*
 * Save many records in one transaction (import).  RECS[i] is inserted, or
 * with UPSERT replaces a record of the same key.  RESULTS[i] gets 0 or
 * STORE_EXISTS for each; a record that fails is skipped, the others saved.
 */
int store_save_batch(struct db *db, const struct screen_def *sd, struct record **recs, size_t n,
    bool upsert, int *results, char **cause);
/* The same, running HOOK (effects) for each record saved, in the same transaction. */
int store_save_batch_ex(struct db *db, const struct screen_def *sd, struct record **recs,
    size_t n, bool upsert, int *results, store_hook_fn hook, void *hook_arg, char **cause);

/* Free an array from store_list/store_search. */
void store_free_list(struct record **recs, size_t n);

#endif
