#include "stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "record.h"
#include "util.h"

#define STATS_TABLE "stats"

static const char *const names[] = { "records", "keystrokes", "corrections" };

static long *
counter(struct stats_counts *c, int i)
{
	return i == 0 ? &c->records : i == 1 ? &c->keystrokes : &c->corrections;
}

struct add_args {
	struct strbuf key;
	const struct stats_counts *c;
};

static int
add_txn(struct db_txn *txn, void *arg, char **cause)
{
	struct add_args *a = arg;
	const void *v;
	size_t vl;
	struct record *r = NULL;
	int rc = db_get(txn, STATS_TABLE, a->key.s, a->key.len, &v, &vl, cause);
	if (rc < 0)
		return -1;
	if (rc == 0 && record_decode(v, vl, &r, cause) != 0)
		return -1;
	if (r == NULL)
		r = record_new();
	struct stats_counts sum = *a->c;
	for (int i = 0; i < 3; i++) {
		*counter(&sum, i) += atol(record_get(r, names[i]));
		char buf[32];
		snprintf(buf, sizeof buf, "%ld", *counter(&sum, i));
		record_set(r, names[i], buf);
	}
	void *buf;
	size_t len;
	record_encode(r, &buf, &len);
	record_free(r);
	rc = db_put(txn, STATS_TABLE, a->key.s, a->key.len, buf, len, cause);
	free(buf);
	return rc;
}

int
stats_add(struct db *db, const char *day, const char *screen, const struct stats_counts *c,
    char **cause)
{
	struct add_args a = { SB_INIT, c };
	sb_adds(&a.key, day);
	sb_addc(&a.key, '\0');
	sb_adds(&a.key, audit_user());
	sb_addc(&a.key, '\0');
	sb_adds(&a.key, screen);
	/* Counted after every save: not worth a disk sync of its own. */
	int rc = db_write_lazy(db, add_txn, &a, cause);
	sb_free(&a.key);
	return rc;
}

struct each_args {
	int (*fn)(void *, const char *, const char *, const char *, const struct stats_counts *);
	void *arg;
	char *error;
};

static int
each_cb(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
	struct each_args *a = arg;
	/* day NUL user NUL screen */
	const char *day = key;
	const char *user = memchr(key, '\0', klen);
	const char *screen = user ? memchr(user + 1, '\0', klen - (size_t)(user + 1 - day)) : NULL;
	if (screen == NULL)
		return 0;
	user++;
	screen++;
	char *d = xstrndup(day, strlen(day)), *u = xstrdup(user);
	char *s = xstrndup(screen, klen - (size_t)(screen - day));
	struct record *r = NULL;
	char *why = NULL;
	int stop = 0;
	if (record_decode(val, vlen, &r, &why) != 0) {
		a->error = why;
		stop = 1;
	} else {
		struct stats_counts c = { atol(record_get(r, names[0])), atol(record_get(r, names[1])),
			atol(record_get(r, names[2])) };
		stop = a->fn(a->arg, d, u, s, &c);
		record_free(r);
	}
	free(d);
	free(u);
	free(s);
	return stop;
}

static int
each_txn(struct db_txn *txn, void *arg, char **cause)
{
	struct each_args *a = arg;
	int rc = db_scan(txn, STATS_TABLE, NULL, 0, false, each_cb, a, cause);
	if (rc == 0 && a->error) {
		*cause = a->error;
		a->error = NULL;
		rc = -1;
	}
	return rc;
}

int
stats_each(struct db *db, int (*fn)(void *arg, const char *day, const char *user,
    const char *screen, const struct stats_counts *c), void *arg, char **cause)
{
	struct each_args a = { fn, arg, NULL };
	return db_read(db, each_txn, &a, cause);
}
