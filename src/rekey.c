#include "rekey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stats.h"
#include "store.h"
#include "util.h"

#define KEYERS_TABLE "rkusr"
#define QUEUE_STAMP 16      /* hex digits of the keying time that start a queue key */

static char *
state_table(const struct screen_def *sd)
{
	return xasprintf("rk:%s", sd->name);
}

static char *
queue_table(const struct screen_def *sd)
{
	return xasprintf("rkq:%s", sd->name);
}

/* As stored in the "state" field. */
static const char *const state_ids[] = {
	[REKEY_NONE] = "", [REKEY_KEYED] = "keyed", [REKEY_VERIFIED] = "verified",
	[REKEY_CORRECTED] = "corrected",
};

const char *
rekey_state_mark(enum rekey_state state)
{
	static const char *const marks[] = { [REKEY_NONE] = "", [REKEY_KEYED] = "*",
		[REKEY_VERIFIED] = "=", [REKEY_CORRECTED] = "!" };
	return marks[state];
}

static enum rekey_state
state_of(const struct record *r)
{
	const char *s = record_get(r, "state");
	for (int i = REKEY_KEYED; i <= REKEY_CORRECTED; i++)
		if (strcmp(s, state_ids[i]) == 0)
			return (enum rekey_state)i;
	return REKEY_NONE;
}

bool
rekey_verify_all(long new_keyer, long sample, double max_rate, long keyed, long checked,
    long errors)
{
	return keyed < new_keyer || checked <= 0 || sample <= 1 ||
	    100.0 * (double)errors / (double)checked >= max_rate;
}

bool
rekey_sampled(long new_keyer, long sample, double max_rate, long keyed, long checked, long errors)
{
	if (rekey_verify_all(new_keyer, sample, max_rate, keyed, checked, errors))
		return true;
	return (keyed - new_keyer) % sample == 0;
}

/* Get and decode KEY of TABLE: 0 and *out, DB_NOTFOUND, or -1. */
static int
get_record(struct db_txn *txn, const char *table, const void *key, size_t klen,
    struct record **out, char **cause)
{
	const void *v;
	size_t vl;
	*out = NULL;
	int rc = db_get(txn, table, key, klen, &v, &vl, cause);
	if (rc != 0)
		return rc;
	return record_decode(v, vl, out, cause) == 0 ? 0 : -1;
}

static int
put_record(struct db_txn *txn, const char *table, const void *key, size_t klen,
    const struct record *r, char **cause)
{
	void *buf;
	size_t len;
	record_encode(r, &buf, &len);
	int rc = db_put(txn, table, key, klen, buf, len, cause);
	free(buf);
	return rc;
}

static void
set_long(struct record *r, const char *id, long v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%ld", v);
	record_set(r, id, buf);
}

static void
add_long(struct record *r, const char *id, long v)
{
	set_long(r, id, atol(record_get(r, id)) + v);
}

/* SCREEN NUL USER, the key of a keyer's counts. */
static void
keyer_key(struct strbuf *sb, const struct screen_def *sd, const char *user)
{
	sb_adds(sb, sd->name);
	sb_addc(sb, '\0');
	sb_adds(sb, user);
}

static char *
iso_time(uint64_t ns)
{
	time_t t = (time_t)(ns / 1000000000u);
	struct tm tm;
	gmtime_r(&t, &tm);
	char buf[32];
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

int
rekey_txn_keyed(struct db_txn *txn, const struct settings *settings,
    const struct screen_def *sd, const char *key, const char *keyer, uint64_t when,
    char **cause)
{
	struct strbuf kk = SB_INIT;
	keyer_key(&kk, sd, keyer);
	struct record *counts = NULL, *st = NULL;
	char *table = state_table(sd), *queue = queue_table(sd), *at = iso_time(when);
	char *qkey = xasprintf("%016llx%s", (unsigned long long)when, key);
	int rc = get_record(txn, KEYERS_TABLE, kk.s, kk.len, &counts, cause);
	if (rc == DB_NOTFOUND) {
		counts = record_new();
		rc = 0;
	}
	if (rc == 0) {
		bool sampled = rekey_sampled(settings->verify_new_keyer, settings->verify_sample,
		    settings->verify_max_error_rate, atol(record_get(counts, "keyed")),
		    atol(record_get(counts, "checked")), atol(record_get(counts, "errors")));
		add_long(counts, "keyed", 1);
		rc = put_record(txn, KEYERS_TABLE, kk.s, kk.len, counts, cause);
		st = record_new();
		record_set(st, "state", state_ids[REKEY_KEYED]);
		record_set(st, "sampled", sampled ? "yes" : "no");
		record_set(st, "keyer", keyer);
		record_set(st, "keyed_at", at);
		if (sampled)
			record_set(st, "queue", qkey);
		if (rc == 0)
			rc = put_record(txn, table, key, strlen(key), st, cause);
		if (rc == 0 && sampled)
			rc = db_put(txn, queue, qkey, strlen(qkey), keyer, strlen(keyer), cause);
	}
	record_free(counts);
	record_free(st);
	sb_free(&kk);
	free(table);
	free(queue);
	free(at);
	free(qkey);
	return rc == 0 ? 0 : -1;
}

int
rekey_txn_moved(struct db_txn *txn, const struct screen_def *sd, const char *old_key,
    const char *new_key, char **cause)
{
	if (strcmp(old_key, new_key) == 0)
		return 0;
	char *table = state_table(sd), *queue = queue_table(sd), *qkey = NULL;
	struct record *st = NULL;
	int rc = get_record(txn, table, old_key, strlen(old_key), &st, cause);
	if (rc == DB_NOTFOUND) {
		rc = 0;                 /* imported, or keyed before verification began */
		goto out;
	}
	if (rc != 0)
		goto out;
	/* Still waiting: the same place in the queue, under the new key. */
	const char *q = record_get(st, "queue");
	if (*q != '\0') {
		char *keyer = xstrdup(record_get(st, "keyer"));
		if (strlen(q) > QUEUE_STAMP)
			qkey = xasprintf("%.*s%s", QUEUE_STAMP, q, new_key);
		rc = db_del(txn, queue, q, strlen(q), cause);
		if (rc == DB_NOTFOUND)
			rc = 0;
		if (rc == 0 && qkey != NULL)
			rc = db_put(txn, queue, qkey, strlen(qkey), keyer, strlen(keyer), cause);
		free(keyer);
		if (rc == 0)
			record_set(st, "queue", qkey);
	}
	if (rc == 0)
		rc = db_del(txn, table, old_key, strlen(old_key), cause);
	if (rc == 0)
		rc = put_record(txn, table, new_key, strlen(new_key), st, cause);
out:
	record_free(st);
	free(table);
	free(queue);
	free(qkey);
	return rc == 0 ? 0 : -1;
}

int
rekey_txn_state(struct db_txn *txn, const struct screen_def *sd, const char *key,
    enum rekey_state *state, char **cause)
{
	char *table = state_table(sd);
	struct record *r = NULL;
	int rc = get_record(txn, table, key, strlen(key), &r, cause);
	free(table);
	*state = rc == 0 ? state_of(r) : REKEY_NONE;
	record_free(r);
	return rc < 0 ? -1 : 0;
}

struct states_args {
	const struct screen_def *sd;
	const struct record *const *recs;
	size_t n;
	enum rekey_state *states;
};

static int
states_txn(struct db_txn *txn, void *arg, char **cause)
{
	struct states_args *a = arg;
	int rc = 0;
	for (size_t i = 0; i < a->n && rc == 0; i++) {
		char *key = store_key(a->sd, a->recs[i]);
		rc = rekey_txn_state(txn, a->sd, key, &a->states[i], cause);
		free(key);
	}
	return rc;
}

int
rekey_states(struct db *db, const struct screen_def *sd, const struct record *const *recs,
    size_t n, enum rekey_state *states, char **cause)
{
	for (size_t i = 0; i < n; i++)
		states[i] = REKEY_NONE;
	if (n == 0)
		return 0;
	struct states_args a = { sd, recs, n, states };
	return db_read(db, states_txn, &a, cause);
}

struct state_args {
	const struct screen_def *sd;
	const char *key;
	enum rekey_state *state;
};

static int
state_txn(struct db_txn *txn, void *arg, char **cause)
{
	struct state_args *a = arg;
	return rekey_txn_state(txn, a->sd, a->key, a->state, cause);
}

int
rekey_state(struct db *db, const struct screen_def *sd, const char *key,
    enum rekey_state *state, char **cause)
{
	struct state_args a = { sd, key, state };
	*state = REKEY_NONE;
	return db_read(db, state_txn, &a, cause);
}

struct verified_args {
	const struct screen_def *sd;
	struct strlist *keys;
};

static int
verified_cb(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
	struct verified_args *a = arg;
	struct record *r = NULL;
	if (record_decode(val, vlen, &r, NULL) != 0)
		return 0;
	enum rekey_state st = state_of(r);
	if (st == REKEY_VERIFIED || st == REKEY_CORRECTED)
		strlist_add(a->keys, xstrndup(key, klen));
	record_free(r);
	return 0;
}

static int
verified_txn(struct db_txn *txn, void *arg, char **cause)
{
	struct verified_args *a = arg;
	char *table = state_table(a->sd);
	int rc = db_scan(txn, table, NULL, 0, false, verified_cb, a, cause);
	free(table);
	return rc;
}

int
rekey_verified_keys(struct db *db, const struct screen_def *sd, struct strlist *keys,
    char **cause)
{
	struct verified_args a = { sd, keys };
	return db_read(db, verified_txn, &a, cause);
}

struct queue_args {
	const struct screen_def *sd;
	struct db_txn *txn;
	struct rekey_item *items;
	size_t n, cap;
	char *error;
};

static int
queue_cb(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
	struct queue_args *a = arg;
	if (klen <= QUEUE_STAMP)
		return 0;
	/* A record deleted (or moved to another key) since it was keyed no
	 * longer waits; its entry stays, harmless, until then. */
	char *rkey = xstrndup((const char *)key + QUEUE_STAMP, klen - QUEUE_STAMP);
	struct record *r = NULL;
	int rc = store_txn_get(a->txn, a->sd, rkey, &r, &a->error);
	record_free(r);
	free(rkey);
	if (rc < 0)
		return 1;
	if (rc != 0)
		return 0;
	a->items = xgrow(a->items, &a->cap, a->n + 1, sizeof *a->items);
	a->items[a->n].key = xstrndup((const char *)key + QUEUE_STAMP, klen - QUEUE_STAMP);
	a->items[a->n].keyer = xstrndup(val, vlen);
	a->n++;
	return 0;
}

static int
queue_txn(struct db_txn *txn, void *arg, char **cause)
{
	struct queue_args *a = arg;
	char *queue = queue_table(a->sd);
	a->txn = txn;
	int rc = db_scan(txn, queue, NULL, 0, false, queue_cb, a, cause);
	free(queue);
	if (rc == 0 && a->error != NULL) {
		*cause = a->error;
		a->error = NULL;
		rc = -1;
	}
	return rc;
}

int
rekey_queue(struct db *db, const struct screen_def *sd, struct rekey_item **items, size_t *n,
    char **cause)
{
	struct queue_args a = { sd, NULL, NULL, 0, 0, NULL };
	int rc = db_read(db, queue_txn, &a, cause);
	if (rc != 0) {
		rekey_queue_free(a.items, a.n);
		a.items = NULL;
		a.n = 0;
	}
	*items = a.items;
	*n = a.n;
	return rc;
}

void
rekey_queue_free(struct rekey_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(items[i].key);
		free(items[i].keyer);
	}
	free(items);
}

struct finish_args {
	const struct screen_def *sd;
	const char *key;
	uint32_t version;
	const char *verifier, *day;
	const char *const *compared;
	size_t ncompared;
	const struct rekey_diff *diffs;
	size_t ndiffs;
	struct record *corrected;
};

/* The diff for FIELD, or NULL when the keyings agreed on it. */
static const struct rekey_diff *
diff_of(const struct finish_args *a, const char *field)
{
	for (size_t i = 0; i < a->ndiffs; i++)
		if (strcmp(a->diffs[i].field, field) == 0)
			return &a->diffs[i];
	return NULL;
}

/* The statistics of one verification, by field and for the screen, for both operators. */
static int
count_finish(struct db_txn *txn, const struct finish_args *a, const char *keyer, char **cause)
{
	struct stats_counts k_total = { 0 }, v_total = { 0 };
	v_total.verified = 1;
	for (size_t i = 0; i < a->ncompared; i++) {
		const struct rekey_diff *d = diff_of(a, a->compared[i]);
		struct stats_counts k = { 0 }, v = { 0 };
		k.checked = v.rekeyed = 1;
		k.keyed_errors = d != NULL && d->choice != REKEY_FIRST;
		v.verify_errors = d != NULL && d->choice != REKEY_SECOND;
		k_total.checked += k.checked;
		k_total.keyed_errors += k.keyed_errors;
		v_total.rekeyed += v.rekeyed;
		v_total.verify_errors += v.verify_errors;
		if (stats_txn_add(txn, a->day, keyer, a->sd->name, a->compared[i], &k, cause) != 0 ||
		    stats_txn_add(txn, a->day, a->verifier, a->sd->name, a->compared[i], &v, cause) != 0)
			return -1;
	}
	if (stats_txn_add(txn, a->day, keyer, a->sd->name, NULL, &k_total, cause) != 0 ||
	    stats_txn_add(txn, a->day, a->verifier, a->sd->name, NULL, &v_total, cause) != 0)
		return -1;
	/* What sampling decides the keyer's next records by. */
	struct strbuf kk = SB_INIT;
	keyer_key(&kk, a->sd, keyer);
	struct record *counts = NULL;
	int rc = get_record(txn, KEYERS_TABLE, kk.s, kk.len, &counts, cause);
	if (rc == DB_NOTFOUND) {
		counts = record_new();
		rc = 0;
	}
	if (rc == 0) {
		add_long(counts, "checked", k_total.checked);
		add_long(counts, "errors", k_total.keyed_errors);
		rc = put_record(txn, KEYERS_TABLE, kk.s, kk.len, counts, cause);
	}
	record_free(counts);
	sb_free(&kk);
	return rc == 0 ? 0 : -1;
}

static int
finish_txn(struct db_txn *txn, void *arg, char **cause)
{
	struct finish_args *a = arg;
	char *table = state_table(a->sd), *queue = queue_table(a->sd);
	struct record *st = NULL, *cur = NULL;
	int rc = get_record(txn, table, a->key, strlen(a->key), &st, cause);
	if (rc == 0 && (state_of(st) != REKEY_KEYED || *record_get(st, "queue") == '\0'))
		rc = DB_NOTFOUND;
	if (rc == 0 && strcmp(record_get(st, "keyer"), a->verifier) == 0)
		rc = REKEY_OWN;
	if (rc == 0)
		rc = store_txn_get(txn, a->sd, a->key, &cur, cause);
	if (rc == 0 && cur->version != a->version)
		rc = REKEY_CHANGED;
	if (rc == 0 && a->corrected != NULL) {
		char *k = store_key(a->sd, a->corrected);
		bool same = strcmp(k, a->key) == 0;
		free(k);
		rc = same ? store_txn_update(txn, a->sd, a->corrected, cause)
		    : (fail(cause, "a key field cannot change in verification"), -1);
	}
	if (rc == 0) {
		const char *q = record_get(st, "queue");
		rc = db_del(txn, queue, q, strlen(q), cause);
		if (rc == DB_NOTFOUND)
			rc = 0;
	}
	if (rc == 0) {
		bool changed = false;
		for (size_t i = 0; i < a->ndiffs; i++) {
			const struct rekey_diff *d = &a->diffs[i];
			static const char *const who[] = { "verifier", "keyer", "both" };
			char *id;
			changed |= d->choice != REKEY_FIRST;
			record_set(st, id = xasprintf("f.%s", d->field), d->first);
			free(id);
			record_set(st, id = xasprintf("v.%s", d->field), d->second);
			free(id);
			record_set(st, id = xasprintf("c.%s", d->field), d->chosen);
			free(id);
			record_set(st, id = xasprintf("w.%s", d->field), who[d->choice]);
			free(id);
		}
		char *at = iso_time(wall_clock_ns());
		record_set(st, "state", state_ids[changed ? REKEY_CORRECTED : REKEY_VERIFIED]);
		record_set(st, "verifier", a->verifier);
		record_set(st, "verified_at", at);
		record_set(st, "queue", "");
		free(at);
		rc = put_record(txn, table, a->key, strlen(a->key), st, cause);
	}
	if (rc == 0)
		rc = count_finish(txn, a, record_get(st, "keyer"), cause);
	record_free(st);
	record_free(cur);
	free(table);
	free(queue);
	return rc;
}

int
rekey_finish(struct db *db, const struct screen_def *sd, const char *key, uint32_t version,
    const char *verifier, const char *day, const char *const *compared, size_t ncompared,
    const struct rekey_diff *diffs, size_t ndiffs, struct record *corrected, char **cause)
{
	struct finish_args a = { sd, key, version, verifier, day, compared, ncompared, diffs, ndiffs,
		corrected };
	return db_write(db, finish_txn, &a, cause);
}

/* ------------------------------------------------------------------ */
/* Per keyer                                                          */

struct keyer_entry {
	struct rekey_keyer k;
	char *user;                 /* k.user, owned */
};

struct keyers_args {
	const struct screen_def *sd;
	struct keyer_entry *e;
	size_t n, cap;
};

static struct rekey_keyer *
keyer_line(struct keyers_args *a, const char *user)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->e[i].user, user) == 0)
			return &a->e[i].k;
	a->e = xgrow(a->e, &a->cap, a->n + 1, sizeof *a->e);
	struct keyer_entry *e = &a->e[a->n++];
	memset(e, 0, sizeof *e);
	e->user = xstrdup(user);
	e->k.screen = a->sd->name;
	e->k.user = e->user;
	return &e->k;
}

static int
keyers_cb(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
	struct keyers_args *a = arg;
	size_t sl = strlen(a->sd->name);
	if (klen <= sl || memcmp(key, a->sd->name, sl) != 0 || ((const char *)key)[sl] != '\0')
		return 1;       /* past this screen's keyers */
	char *user = xstrndup((const char *)key + sl + 1, klen - sl - 1);
	struct record *r = NULL;
	if (record_decode(val, vlen, &r, NULL) == 0) {
		struct rekey_keyer *k = keyer_line(a, user);
		k->keyed = atol(record_get(r, "keyed"));
		k->checked = atol(record_get(r, "checked"));
		k->errors = atol(record_get(r, "errors"));
		record_free(r);
	}
	free(user);
	return 0;
}

static int
states_cb(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
	(void)key;
	(void)klen;
	struct keyers_args *a = arg;
	struct record *r = NULL;
	if (record_decode(val, vlen, &r, NULL) != 0)
		return 0;
	struct rekey_keyer *k = keyer_line(a, record_get(r, "keyer"));
	switch (state_of(r)) {
	case REKEY_KEYED:
		if (strcmp(record_get(r, "sampled"), "yes") == 0)
			k->waiting++;
		else
			k->unsampled++;
		break;
	case REKEY_VERIFIED:
		k->verified++;
		break;
	case REKEY_CORRECTED:
		k->corrected++;
		break;
	case REKEY_NONE:
		break;
	}
	record_free(r);
	return 0;
}

static int
keyers_txn(struct db_txn *txn, void *arg, char **cause)
{
	struct keyers_args *a = arg;
	struct strbuf from = SB_INIT;
	sb_adds(&from, a->sd->name);
	sb_addc(&from, '\0');
	int rc = db_scan(txn, KEYERS_TABLE, from.s, from.len, false, keyers_cb, a, cause);
	sb_free(&from);
	char *table = state_table(a->sd);
	if (rc == 0)
		rc = db_scan(txn, table, NULL, 0, false, states_cb, a, cause);
	free(table);
	return rc;
}

int
rekey_each_keyer(struct db *db, const struct schema *schema,
    int (*fn)(void *arg, const struct rekey_keyer *k), void *arg, char **cause)
{
	int rc = 0;
	for (size_t s = 0; s < schema->nscreens && rc == 0; s++) {
		const struct screen_def *sd = &schema->screens[s];
		if (!sd->verify)
			continue;
		struct keyers_args a = { sd, NULL, 0, 0 };
		rc = db_read(db, keyers_txn, &a, cause);
		for (size_t i = 0; i < a.n && rc == 0; i++)
			if (fn(arg, &a.e[i].k) != 0)
				break;
		for (size_t i = 0; i < a.n; i++)
			free(a.e[i].user);
		free(a.e);
	}
	return rc;
}
