#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "text.h"
#include "util.h"

/* Index keys are clipped so that prefix + value + NUL + record key stays
 * well under LMDB's 511-byte key limit; record keys are short codes. */
#define INDEX_VALUE_MAX 200
#define RECORD_KEY_MAX 300

static char *
table_name(const char *kind, const struct screen_def *sd)
{
	return xasprintf("%s:%s", kind, sd->name);
}

char *
store_key(const struct screen_def *sd, const struct record *r)
{
	struct strbuf sb = SB_INIT;
	for (size_t i = 0; i < sd->nkey; i++) {
		if (i > 0)
			sb_addc(&sb, STORE_KEY_SEP);
		sb_adds(&sb, record_get(r, sd->fields[sd->key[i]].id));
	}
	return sb_detach(&sb);
}

char *
store_key_display(const char *key)
{
	struct strbuf sb = SB_INIT;
	for (const char *p = key; *p; p++) {
		if (*p == STORE_KEY_SEP)
			sb_adds(&sb, " / ");
		else
			sb_addc(&sb, *p);
	}
	return sb_detach(&sb);
}

/* Clip S to at most MAX bytes without cutting a UTF-8 sequence. */
static size_t
clip_utf8(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return n;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

static void
index_key(struct strbuf *sb, size_t field, const char *value, const char *key)
{
	sb_reset(sb);
	sb_addc(sb, (char)(field + 1));
	char *folded = text_search_key(value);
	sb_add(sb, folded, clip_utf8(folded, INDEX_VALUE_MAX));
	free(folded);
	sb_addc(sb, '\0');
	sb_adds(sb, key);
}

static int
index_update(struct db_txn *txn, const struct screen_def *sd, const struct record *r,
    const char *key, int add, char **cause)
{
	char *table = table_name("idx", sd);
	struct strbuf sb = SB_INIT;
	int rc = 0;
	for (size_t i = 0; i < sd->nsearch && rc >= 0; i++) {
		const char *v = record_get(r, sd->fields[sd->search[i]].id);
		if (*v == '\0')
			continue;
		index_key(&sb, sd->search[i], v, key);
		if (add)
			rc = db_put(txn, table, sb.s, sb.len, "", 0, cause);
		else
			rc = db_del(txn, table, sb.s, sb.len, cause);
	}
	sb_free(&sb);
	free(table);
	return rc < 0 ? -1 : 0;
}

static int
get_in(struct db_txn *txn, const char *table, const char *key, struct record **out, char **cause)
{
	const void *v;
	size_t vl;
	int rc = db_get(txn, table, key, strlen(key), &v, &vl, cause);
	if (rc != 0)
		return rc;
	if (record_decode(v, vl, out, cause) != 0) {
		char *why = *cause;
		char *shown = store_key_display(key);
		*cause = xasprintf("%s %s: %s", table, shown, why);
		free(shown);
		free(why);
		return -1;
	}
	return 0;
}

struct get_args {
	const struct screen_def *sd;
	const char *key;
	struct record *out;
};

static int
get_txn(struct db_txn *txn, void *arg, char **cause)
{
	struct get_args *a = arg;
	char *table = table_name("rec", a->sd);
	int rc = get_in(txn, table, a->key, &a->out, cause);
	free(table);
	return rc;
}

int
store_get(struct db *db, const struct screen_def *sd, const char *key, struct record **out,
    char **cause)
{
	struct get_args a = { sd, key, NULL };
	int rc = db_read(db, get_txn, &a, cause);
	if (rc == 0)
		*out = a.out;
	return rc;
}

/* Write R under KEY and its index entries (any previous ones removed by the caller). */
static int
put_record(struct db_txn *txn, const struct screen_def *sd, const char *table, const char *key,
    const struct record *r, char **cause)
{
	if (strlen(key) > RECORD_KEY_MAX)
		return fail(cause, "key too long (%zu bytes, at most %d)", strlen(key), RECORD_KEY_MAX);
	void *buf;
	size_t len;
	record_encode(r, &buf, &len);
	int rc = db_put(txn, table, key, strlen(key), buf, len, cause);
	free(buf);
	if (rc != 0)
		return -1;
	return index_update(txn, sd, r, key, 1, cause);
}

struct save_args {
	const struct screen_def *sd;
	struct record *r;
	const char *old_key;
	uint32_t new_version;
	store_hook_fn hook;
	void *hook_arg;
};

static int
save_txn(struct db_txn *txn, void *arg, char **cause)
{
	struct save_args *a = arg;
	char *table = table_name("rec", a->sd);
	char *key = store_key(a->sd, a->r);
	struct record *cur = NULL, *other = NULL;
	int rc;

	if (a->old_key == NULL) {
		rc = get_in(txn, table, key, &other, cause);
		if (rc == 0) {
			rc = STORE_EXISTS;
			goto out;
		}
		if (rc < 0)
			goto out;
		a->new_version = 1;
	} else {
		rc = get_in(txn, table, a->old_key, &cur, cause);
		if (rc != 0)
			goto out;
		if (cur->version != a->r->version) {
			rc = STORE_CONFLICT;
			goto out;
		}
		if (strcmp(key, a->old_key) != 0) {
			rc = get_in(txn, table, key, &other, cause);
			if (rc == 0) {
				rc = STORE_EXISTS;
				goto out;
			}
			if (rc < 0)
				goto out;
		}
		if ((rc = index_update(txn, a->sd, cur, a->old_key, 0, cause)) != 0)
			goto out;
		if ((rc = db_del(txn, table, a->old_key, strlen(a->old_key), cause)) < 0)
			goto out;
		a->new_version = cur->version + 1;
	}
	struct record stored = *a->r;
	stored.version = a->new_version;
	rc = put_record(txn, a->sd, table, key, &stored, cause);
	if (rc == 0 && cur && strcmp(key, a->old_key) != 0) {
		/* A changed key: the old record goes, the new one comes. */
		rc = audit_write(txn, a->sd->name, a->old_key, cur, NULL, cause);
		if (rc == 0)
			rc = audit_write(txn, a->sd->name, key, NULL, &stored, cause);
	} else if (rc == 0) {
		rc = audit_write(txn, a->sd->name, key, cur, &stored, cause);
	}
	if (rc == 0 && a->hook)
		rc = a->hook(txn, a->hook_arg, &stored, cause);
out:
	record_free(cur);
	record_free(other);
	free(key);
	free(table);
	return rc;
}

int
store_save_ex(struct db *db, const struct screen_def *sd, struct record *r, const char *old_key,
    store_hook_fn hook, void *hook_arg, char **cause)
{
	struct save_args a = { sd, r, old_key, 0, hook, hook_arg };
	int rc = db_write(db, save_txn, &a, cause);
	if (rc == 0)
		r->version = a.new_version;
	return rc;
}

int
store_save(struct db *db, const struct screen_def *sd, struct record *r, const char *old_key,
    char **cause)
{
	return store_save_ex(db, sd, r, old_key, NULL, NULL, cause);
}

int
store_txn_get(struct db_txn *txn, const struct screen_def *sd, const char *key,
    struct record **out, char **cause)
{
	char *table = table_name("rec", sd);
	int rc = get_in(txn, table, key, out, cause);
	free(table);
	return rc;
}

int
store_txn_update(struct db_txn *txn, const struct screen_def *sd, struct record *r, char **cause)
{
	char *table = table_name("rec", sd);
	char *key = store_key(sd, r);
	struct record *cur = NULL;
	int rc = get_in(txn, table, key, &cur, cause);
	if (rc == 0)
		rc = index_update(txn, sd, cur, key, 0, cause);
	if (rc == 0) {
		r->version = cur->version + 1;
		rc = put_record(txn, sd, table, key, r, cause);
	}
	if (rc == 0)
		rc = audit_write(txn, sd->name, key, cur, r, cause);
	record_free(cur);
	free(key);
	free(table);
	return rc;
}

struct referrer_scan {
	const struct screen_def *sd;
	size_t field;
	const char *key;
	char *found;
};

static int
referrer_cb(void *arg, struct record *r)
{
	struct referrer_scan *rs = arg;
	if (strcmp(record_get(r, rs->sd->fields[rs->field].id), rs->key) != 0)
		return 0;
	char *k = store_key(rs->sd, r);
	rs->found = store_key_display(k);
	free(k);
	return 1;
}

int
store_find_referrer(struct db *db, const struct schema *schema, const struct screen_def *sd,
    const char *key, const char **screen, char **referrer, char **cause)
{
	/* A scan, not an index: deleting is rare, and an index of every
	 * reference would cost every save.  Every screen may name SD. */
	if (schema_screens_all(schema, cause) != 0)
		return -1;
	for (size_t i = 0; i < schema->nscreens; i++) {
		const struct screen_def *o = &schema->screens[i];
		for (size_t f = 0; f < o->nfields; f++) {
			if (o->fields[f].ref == NULL || strcmp(o->fields[f].ref, sd->name) != 0)
				continue;
			struct referrer_scan rs = { o, f, key, NULL };
			if (store_each(db, o, referrer_cb, &rs, cause) != 0)
				return -1;
			if (rs.found) {
				*screen = o->name;
				*referrer = rs.found;
				return 0;
			}
		}
	}
	return DB_NOTFOUND;
}

struct delete_args {
	const struct screen_def *sd;
	const char *key;
	uint32_t version;
};

static int
delete_txn(struct db_txn *txn, void *arg, char **cause)
{
	struct delete_args *a = arg;
	char *table = table_name("rec", a->sd);
	struct record *cur = NULL;
	int rc = get_in(txn, table, a->key, &cur, cause);
	if (rc == 0 && a->version != 0 && cur->version != a->version)
		rc = STORE_CONFLICT;
	if (rc == 0)
		rc = index_update(txn, a->sd, cur, a->key, 0, cause);
	if (rc == 0)
		rc = db_del(txn, table, a->key, strlen(a->key), cause);
	if (rc == 0)
		rc = audit_write(txn, a->sd->name, a->key, cur, NULL, cause);
	record_free(cur);
	free(table);
	return rc;
}

int
store_delete(struct db *db, const struct screen_def *sd, const char *key, uint32_t version,
    char **cause)
{
	struct delete_args a = { sd, key, version };
	return db_write(db, delete_txn, &a, cause);
}

struct count_args {
	const struct screen_def *sd;
	size_t n;
};

static int
count_txn(struct db_txn *txn, void *arg, char **cause)
{
	struct count_args *a = arg;
	char *table = table_name("rec", a->sd);
	int rc = db_count(txn, table, &a->n, cause);
	free(table);
	return rc;
}

int
store_count(struct db *db, const struct screen_def *sd, size_t *n, char **cause)
{
	struct count_args a = { sd, 0 };
	int rc = db_read(db, count_txn, &a, cause);
	*n = a.n;
	return rc;
}

/*
 * Decode a record met in a scan of TABLE; on failure the message names the
 * table and the record's key as shown, and *r is NULL.
 */
static char *
decode_scanned(const char *table, const void *key, size_t klen, const void *val, size_t vlen,
    struct record **r)
{
	char *why = NULL;
	if (record_decode(val, vlen, r, &why) == 0)
		return NULL;
	*r = NULL;
	char *k = xstrndup(key, klen);
	char *shown = store_key_display(k);
	char *error = xasprintf("%s %s: %s", table, shown, why);
	free(shown);
	free(k);
	free(why);
	return error;
}

/* A growing array of decoded records. */
struct rec_list {
	struct record **v;
	size_t n, cap, max;
	char *error;
	const char *table;
};

static int
collect_cb(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
	struct rec_list *l = arg;
	struct record *r;
	if ((l->error = decode_scanned(l->table, key, klen, val, vlen, &r)) != NULL)
		return 1;
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
	l->v[l->n++] = r;
	return l->n >= l->max;
}

struct list_args {
	const struct screen_def *sd;
	const char *from;
	bool backward;
	struct rec_list list;
};

static int
list_txn(struct db_txn *txn, void *arg, char **cause)
{
	struct list_args *a = arg;
	char *table = table_name("rec", a->sd);
	a->list.table = table;
	int rc = db_scan(txn, table, a->from, a->from ? strlen(a->from) : 0, a->backward,
	    collect_cb, &a->list, cause);
	if (rc == 0 && a->list.error) {
		*cause = a->list.error;
		a->list.error = NULL;
		rc = -1;
	}
	free(table);
	return rc;
}

void
store_free_list(struct record **recs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		record_free(recs[i]);
	free(recs);
}

int
store_list(struct db *db, const struct screen_def *sd, const char *from, bool backward,
    size_t max, struct record ***out, size_t *n, char **cause)
{
	struct list_args a = { sd, from, backward, { .max = max ? max : 1 } };
	int rc = db_read(db, list_txn, &a, cause);
	if (rc != 0) {
		store_free_list(a.list.v, a.list.n);
		*out = NULL;
		*n = 0;
		return rc;
	}
	*out = a.list.v;
	*n = a.list.n;
	return 0;
}

/* Keys found by a search, kept sorted and unique. */
struct key_set {
	struct strlist keys;
	const char *prefix;
	size_t plen;
	size_t max;
	int by_record_key;
};

static void
key_set_add(struct key_set *ks, const char *k)
{
	if (!strlist_has(&ks->keys, k))
		strlist_add(&ks->keys, xstrdup(k));
}

static int
search_cb(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
	(void)val;
	(void)vlen;
	struct key_set *ks = arg;
	if (klen < ks->plen || memcmp(key, ks->prefix, ks->plen) != 0)
		return 1;
	if (ks->by_record_key) {
		char *k = xstrndup(key, klen);
		key_set_add(ks, k);
		free(k);
	} else {
		const char *nul = memchr(key, '\0', klen);
		if (nul == NULL)
			return 0;
		size_t off = (size_t)(nul + 1 - (const char *)key);
		char *k = xstrndup((const char *)key + off, klen - off);
		key_set_add(ks, k);
		free(k);
	}
	return ks->keys.n >= ks->max;
}

struct search_args {
	const struct screen_def *sd;
	const char *query;
	size_t max;
	struct rec_list list;
};

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
search_txn(struct db_txn *txn, void *arg, char **cause)
{
	struct search_args *a = arg;
	char *rtable = table_name("rec", a->sd), *itable = table_name("idx", a->sd);
	struct key_set ks = { .max = a->max };
	struct strbuf prefix = SB_INIT;
	char *folded = text_search_key(a->query);
	char *ascii = text_fold_ascii(a->query);
	int rc = 0;

	/* The record key itself (codes), then each indexed field. */
	ks.prefix = ascii;
	ks.plen = strlen(ascii);
	ks.by_record_key = 1;
	rc = db_scan(txn, rtable, ascii, ks.plen, false, search_cb, &ks, cause);
	ks.by_record_key = 0;
	for (size_t i = 0; i < a->sd->nsearch && rc == 0 && ks.keys.n < ks.max; i++) {
		sb_reset(&prefix);
		sb_addc(&prefix, (char)(a->sd->search[i] + 1));
		sb_add(&prefix, folded, clip_utf8(folded, INDEX_VALUE_MAX));
		ks.prefix = prefix.s;
		ks.plen = prefix.len;
		rc = db_scan(txn, itable, prefix.s, prefix.len, false, search_cb, &ks, cause);
	}
	if (ks.keys.n > 1)
		qsort(ks.keys.v, ks.keys.n, sizeof *ks.keys.v, cmp_key);
	for (size_t i = 0; i < ks.keys.n && rc == 0; i++) {
		struct record *r;
		int g = get_in(txn, rtable, ks.keys.v[i], &r, cause);
		if (g < 0)
			rc = -1;
		else if (g == 0) {
			a->list.v = xgrow(a->list.v, &a->list.cap, a->list.n + 1, sizeof *a->list.v);
			a->list.v[a->list.n++] = r;
		}
	}
	strlist_free(&ks.keys);
	sb_free(&prefix);
	free(folded);
	free(ascii);
	free(rtable);
	free(itable);
	return rc;
}

int
store_search(struct db *db, const struct screen_def *sd, const char *query, size_t max,
    struct record ***out, size_t *n, char **cause)
{
	if (query == NULL || *query == '\0')
		return store_list(db, sd, NULL, false, max, out, n, cause);
	struct search_args a = { sd, query, max ? max : 1, { 0 } };
	int rc = db_read(db, search_txn, &a, cause);
	if (rc != 0) {
		store_free_list(a.list.v, a.list.n);
		*out = NULL;
		*n = 0;
		return rc;
	}
	*out = a.list.v;
	*n = a.list.n;
	return 0;
}

struct each_args {
	const struct screen_def *sd;
	int (*fn)(void *, struct record *);
	void *arg;
	char *error;
	int stopped;
	const char *table;
};

static int
each_cb(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
	struct each_args *a = arg;
	struct record *r;
	if ((a->error = decode_scanned(a->table, key, klen, val, vlen, &r)) != NULL)
		return 1;
	int stop = a->fn(a->arg, r);
	record_free(r);
	a->stopped = stop;
	return stop;
}

static int
each_txn(struct db_txn *txn, void *arg, char **cause)
{
	struct each_args *a = arg;
	char *table = table_name("rec", a->sd);
	a->table = table;
	int rc = db_scan(txn, table, NULL, 0, false, each_cb, a, cause);
	if (rc == 0 && a->error) {
		*cause = a->error;
		a->error = NULL;
		rc = -1;
	}
	free(table);
	return rc;
}

int
store_each(struct db *db, const struct screen_def *sd, int (*fn)(void *arg, struct record *r),
    void *arg, char **cause)
{
	struct each_args a = { sd, fn, arg, NULL, 0, NULL };
	return db_read(db, each_txn, &a, cause);
}

struct batch_args {
	const struct screen_def *sd;
	struct record **recs;
	size_t n;
	bool upsert;
	int *results;
	store_hook_fn hook;
	void *hook_arg;
};

static int
batch_txn(struct db_txn *txn, void *arg, char **cause)
{
	struct batch_args *a = arg;
	char *table = table_name("rec", a->sd);
	int rc = 0;
	for (size_t i = 0; i < a->n && rc == 0; i++) {
		char *key = store_key(a->sd, a->recs[i]);
		struct record *cur = NULL;
		int g = get_in(txn, table, key, &cur, cause);
		struct record stored = *a->recs[i];
		a->results[i] = 0;
		if (g < 0) {
			rc = -1;
		} else if (g == 0 && !a->upsert) {
			a->results[i] = STORE_EXISTS;
		} else {
			if (g == 0)
				rc = index_update(txn, a->sd, cur, key, 0, cause);
			stored.version = g == 0 ? cur->version + 1 : 1;
			if (rc == 0)
				rc = put_record(txn, a->sd, table, key, &stored, cause);
			if (rc == 0)
				rc = audit_write(txn, a->sd->name, key, g == 0 ? cur : NULL, &stored, cause);
			if (rc == 0 && a->hook)
				rc = a->hook(txn, a->hook_arg, &stored, cause);
			/* Idempotent on a retry: computed from what is stored, not from recs[i]. */
			a->recs[i]->version = stored.version;
		}
		record_free(cur);
		free(key);
	}
	free(table);
	return rc;
}

int
store_save_batch_ex(struct db *db, const struct screen_def *sd, struct record **recs, size_t n,
    bool upsert, int *results, store_hook_fn hook, void *hook_arg, char **cause)
{
	struct batch_args a = { sd, recs, n, upsert, results, hook, hook_arg };
	return db_write(db, batch_txn, &a, cause);
}

int
store_save_batch(struct db *db, const struct screen_def *sd, struct record **recs, size_t n,
    bool upsert, int *results, char **cause)
{
	return store_save_batch_ex(db, sd, recs, n, upsert, results, NULL, NULL, cause);
}
