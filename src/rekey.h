/*
 * rekey.h - verification by double keying.  On a screen marked
 * `verify = yes`, each record an operator keys in the form is either
 * queued for a second operator, who keys it again without seeing the
 * first values, or left unsampled.  A field the two keyings disagree on is
 * decided by the verifier (the first keyer's value, theirs, or a third),
 * and the error is attributed to whoever keyed the wrong value.
 *
 * Tables:
 *   "rk:SCREEN"   key: record key → a record (record.h) of
 *                   state     keyed | verified | corrected
 *                   sampled   yes | no
 *                   keyer, keyed_at       who keyed it first, when (UTC ISO)
 *                   verifier, verified_at who keyed it again, when
 *                   f.ID, v.ID, c.ID, w.ID  for each field the two disagreed on:
 *                     the first value, the verifier's, the one chosen, and
 *                     who erred (keyer | verifier | both)
 *   "rkq:SCREEN"  key: 16 hex digits of the keying time in ns + record key
 *                 → the keyer: the records waiting, in the order keyed
 *   "rkusr"       key: SCREEN NUL USER → a record of keyed, checked,
 *                 errors: what sampling decides by
 * Records imported from files are not in these tables: they were not
 * keyed from paper here.  Field counts also go to the operator statistics
 * (stats.h), by field.
 */
#ifndef LGOTP_REKEY_H
#define LGOTP_REKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "record.h"
#include "schema.h"
#include "util.h"

/* Results other than 0, -1 and DB_NOTFOUND (1). */
#define REKEY_OWN 4         /* the verifier keyed the record first */
#define REKEY_CHANGED 5     /* the record was changed since the verifier read it */

enum rekey_state { REKEY_NONE, REKEY_KEYED, REKEY_VERIFIED, REKEY_CORRECTED };

/* Which value the verifier chose for a field the keyings disagreed on. */
enum rekey_choice {
	REKEY_FIRST,        /* the first keyer's: the verifier erred */
	REKEY_SECOND,       /* the verifier's: the first keyer erred */
	REKEY_THIRD,        /* neither: both erred */
};

struct rekey_diff {
	const char *field;          /* the field's id */
	const char *first, *second, *chosen;
	enum rekey_choice choice;
};

/*
 * Whether the next record of a keyer who has KEYED records on a screen
 * (CHECKED of their fields compared, ERRORS of them wrong) is verified:
 * all of a new keyer's first NEW_KEYER records, and all while nothing of
 * theirs has been checked or their error rate (percent) is at or above
 * MAX_RATE; else 1 in SAMPLE.
 */
bool rekey_sampled(long new_keyer, long sample, double max_rate, long keyed, long checked,
    long errors);
/* Whether every record of such a keyer is verified now (not 1 in SAMPLE). */
bool rekey_verify_all(long new_keyer, long sample, double max_rate, long keyed, long checked,
    long errors);

/*
 * Inside the write transaction that inserts record KEY of SD: note that
 * KEYER keyed it at NOW_NS (ns since the epoch) and, when the sampling of
 * SETTINGS selects it, queue it for verification.
 */
int rekey_txn_keyed(struct db_txn *txn, const struct settings *settings,
    const struct screen_def *sd, const char *key, const char *keyer, uint64_t now_ns,
    char **cause);

/*
 * Inside the write transaction that changes record OLD_KEY of SD's key to
 * NEW_KEY: its verification state goes with it, and a record waiting for
 * verification keeps its place in the queue under the new key (it would
 * otherwise leave the queue unverified).  Nothing for a record never keyed
 * in the form.
 */
int rekey_txn_moved(struct db_txn *txn, const struct screen_def *sd, const char *old_key,
    const char *new_key, char **cause);

/* The states of N records of SD into STATES[0..N-1], in one read transaction. */
int rekey_states(struct db *db, const struct screen_def *sd, const struct record *const *recs,
    size_t n, enum rekey_state *states, char **cause);
/* The state of record KEY of SD (REKEY_NONE when it was not keyed in the form). */
int rekey_state(struct db *db, const struct screen_def *sd, const char *key,
    enum rekey_state *state, char **cause);
/* The same inside a transaction. */
int rekey_txn_state(struct db_txn *txn, const struct screen_def *sd, const char *key,
    enum rekey_state *state, char **cause);
/* STATE as one ASCII mark, for the margin of a list: keyed (waiting or not
 * sampled) "*", verified "=", corrected "!", none "". */
const char *rekey_state_mark(enum rekey_state state);

/* The keys of SD's records verified or corrected, in key order, into KEYS. */
int rekey_verified_keys(struct db *db, const struct screen_def *sd, struct strlist *keys,
    char **cause);

struct rekey_item {
	char *key;                  /* the record key */
	char *keyer;
};

/* The records of SD waiting for verification, oldest keyed first. */
int rekey_queue(struct db *db, const struct screen_def *sd, struct rekey_item **items,
    size_t *n, char **cause);
void rekey_queue_free(struct rekey_item *items, size_t n);

/*
 * The verification of record KEY of SD read at VERSION, by VERIFIER on
 * DAY, in one write transaction: COMPARED fields (ids) were keyed again,
 * DIFFS of them disagreed.  CORRECTED, when not NULL, is the record to
 * store (validated by the caller; its key unchanged).  Refuses with
 * REKEY_OWN when VERIFIER keyed it, REKEY_CHANGED when the stored version
 * is not VERSION, DB_NOTFOUND when it is no longer waiting or was deleted.
 */
int rekey_finish(struct db *db, const struct screen_def *sd, const char *key, uint32_t version,
    const char *verifier, const char *day, const char *const *compared, size_t ncompared,
    const struct rekey_diff *diffs, size_t ndiffs, struct record *corrected, char **cause);

struct rekey_keyer {
	const char *screen, *user;
	long keyed, checked, errors;
	long waiting, verified, corrected, unsampled;
};

/* Per screen with verify = yes and keyer: what was keyed, checked and found. */
int rekey_each_keyer(struct db *db, const struct schema *schema,
    int (*fn)(void *arg, const struct rekey_keyer *k), void *arg, char **cause);

#endif
