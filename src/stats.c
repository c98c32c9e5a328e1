#include "stats.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "record.h"
#include "util.h"

#define STATS_TABLE "stats"

/* The counters by the names they are stored under, in struct order. */
static const struct {
	const char *name;
	size_t offset;
} counters[] = {
	{ "records", offsetof(struct stats_counts, records) },
	{ "keystrokes", offsetof(struct stats_counts, keystrokes) },
	{ "corrections", offsetof(struct stats_counts, corrections) },
	{ "verified", offsetof(struct stats_counts, verified) },
	{ "checked", offsetof(struct stats_counts, checked) },
	{ "keyed_errors", offsetof(struct stats_counts, keyed_errors) },
	{ "rekeyed", offsetof(struct stats_counts, rekeyed) },
	{ "verify_errors", offsetof(struct stats_counts, verify_errors) },
};
#define NCOUNTERS (sizeof counters / sizeof counters[0])

static long *
counter(struct stats_counts *c, size_t i)
{
	return (long *)(void *)((char *)c + counters[i].offset);
}

static void
counts_from(const struct record *r, struct stats_counts *c)
{
	memset(c, 0, sizeof *c);
	for (size_t i = 0; i < NCOUNTERS; i++)
		*counter(c, i) = atol(record_get(r, counters[i].name));
}

int
stats_txn_add(struct db_txn *txn, const char *day, const char *user, const char *screen,
    const char *field, const struct stats_counts *c, char **cause)
{
	struct strbuf key = SB_INIT;
	sb_adds(&key, day);
	sb_addc(&key, '\0');
	sb_adds(&key, user);
	sb_addc(&key, '\0');
	sb_adds(&key, screen);
	if (field != NULL) {
		sb_addc(&key, '\0');
		sb_adds(&key, field);
	}
	const void *v;
	size_t vl;
	struct record *r = NULL;
	int rc = db_get(txn, STATS_TABLE, key.s, key.len, &v, &vl, cause);
	if (rc >= 0 && rc == 0 && record_decode(v, vl, &r, cause) != 0)
		rc = -1;
	if (rc >= 0) {
		if (r == NULL)
			r = record_new();
		struct stats_counts sum;
		counts_from(r, &sum);
		for (size_t i = 0; i < NCOUNTERS; i++) {
			*counter(&sum, i) += *counter((struct stats_counts *)c, i);
			char buf[32];
			snprintf(buf, sizeof buf, "%ld", *counter(&sum, i));
			record_set(r, counters[i].name, buf);
		}
		void *buf;
		size_t len;
		record_encode(r, &buf, &len);
		rc = db_put(txn, STATS_TABLE, key.s, key.len, buf, len, cause);
		free(buf);
	}
	record_free(r);
	sb_free(&key);
	return rc < 0 ? -1 : 0;
}

struct add_args {
	const char *day, *screen;
	const struct stats_counts *c;
};

static int
add_txn(struct db_txn *txn, void *arg, char **cause)
{
	struct add_args *a = arg;
	return stats_txn_add(txn, a->day, audit_user(), a->screen, NULL, a->c, cause);
}

int
stats_add(struct db *db, const char *day, const char *screen, const struct stats_counts *c,
    char **cause)
{
	struct add_args a = { day, screen, c };
	/* Counted after every save: not worth a disk sync of its own. */
	return db_write_lazy(db, add_txn, &a, cause);
}

struct each_args {
	int (*fn)(void *, const char *, const char *, const char *, const char *,
	    const struct stats_counts *);
	void *arg;
	char *error;
};

static int
each_cb(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
	struct each_args *a = arg;
	/* day NUL user NUL screen [NUL field]: split into up to four copies */
	char *part[4] = { NULL, NULL, NULL, NULL };
	const char *p = key, *end = (const char *)key + klen;
	size_t n = 0;
	while (n < 4) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		part[n++] = xstrndup(p, (size_t)((nul ? nul : end) - p));
		if (nul == NULL)
			break;
		p = nul + 1;
	}
	int stop = 0;
	if (n >= 3) {
		struct record *r = NULL;
		char *why = NULL;
		if (record_decode(val, vlen, &r, &why) != 0) {
			a->error = why;
			stop = 1;
		} else {
			struct stats_counts c;
			counts_from(r, &c);
			stop = a->fn(a->arg, part[0], part[1], part[2], part[3], &c);
			record_free(r);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(part[i]);
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
    const char *screen, const char *field, const struct stats_counts *c), void *arg,
    char **cause)
{
	struct each_args a = { fn, arg, NULL };
	return db_read(db, each_txn, &a, cause);
}
