/*
 * Verification by double keying (rekey.h) against a temporary database
 * and the project's own screens: sampling per keyer, the queue in the
 * order keyed, refusal of one's own records and of records changed
 * meanwhile, corrections stored, and errors attributed and counted.
 */
#include "app.h"
#include "rekey.h"
#include "schema.h"
#include "stats.h"
#include "store.h"
#include "util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Sampling: a pure rule, many cases                                  */

static void
test_sampling_rule(void **state)
{
	(void)state;
	static const struct {
		long new_keyer, sample;
		double max_rate;
		long keyed, checked, errors;
		bool all, sampled;
	} cases[] = {
		/* a new keyer: everything */
		{ 20, 5, 1.0, 0, 0, 0, true, true },
		{ 20, 5, 1.0, 19, 500, 0, true, true },
		/* past the first 20 but nothing checked yet: still everything */
		{ 20, 5, 1.0, 20, 0, 0, true, true },
		/* checked and accurate: 1 in 5, counted from the 21st record */
		{ 20, 5, 1.0, 20, 200, 1, false, true },
		{ 20, 5, 1.0, 21, 200, 1, false, false },
		{ 20, 5, 1.0, 24, 200, 1, false, false },
		{ 20, 5, 1.0, 25, 200, 1, false, true },
		/* at the threshold (1 of 100 = 1.0%): everything again */
		{ 20, 5, 1.0, 21, 100, 1, true, true },
		{ 20, 5, 1.0, 21, 100, 2, true, true },
		/* sample = 1: everything */
		{ 0, 1, 1.0, 7, 100, 0, true, true },
		/* no first records at all */
		{ 0, 3, 5.0, 0, 10, 0, false, true },
		{ 0, 3, 5.0, 1, 10, 0, false, false },
		{ 0, 3, 5.0, 3, 10, 0, false, true },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		bool all = rekey_verify_all(cases[i].new_keyer, cases[i].sample, cases[i].max_rate,
		    cases[i].keyed, cases[i].checked, cases[i].errors);
		bool sampled = rekey_sampled(cases[i].new_keyer, cases[i].sample, cases[i].max_rate,
		    cases[i].keyed, cases[i].checked, cases[i].errors);
		if (all != cases[i].all || sampled != cases[i].sampled)
			fail_msg("case %zu: all %d sampled %d, expected %d %d", i, all, sampled,
			    cases[i].all, cases[i].sampled);
	}
}

/* ------------------------------------------------------------------ */
/* The whole cycle on a database                                      */

struct fx {
	struct app_fixture *base;   /* the database, conf and app */
	struct app *app_p;
	const struct screen_def *sd;
	uint64_t clock;             /* keying times: one second apart */
};

static int
setup(void **state)
{
	struct fx *fx = xcalloc(1, sizeof *fx);
	fx->base = app_fixture_open("rekey", "2025-09-02");
	fx->app_p = &fx->base->app;
	/* The first record of a keyer, then 1 in 2 below 10% errors. */
	fx->app_p->schema->settings.verify_new_keyer = 1;
	fx->app_p->schema->settings.verify_sample = 2;
	fx->app_p->schema->settings.verify_max_error_rate = 10.0;
	fx->sd = schema_screen(fx->app_p->schema, "survey1");
	assert_non_null(fx->sd);
	assert_true(fx->sd->verify);
	fx->clock = 1700000000ull * 1000000000ull;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;
	app_fixture_close(fx->base);
	free(fx);
	return 0;
}

struct keyed_hook {
	struct fx *fx;
	const char *keyer;
	uint64_t when;
};

static int
keyed_hook(struct db_txn *txn, void *arg, const struct record *saved, char **cause)
{
	struct keyed_hook *h = arg;
	char *key = store_key(h->fx->sd, saved);
	int rc = rekey_txn_keyed(txn, &h->fx->app_p->schema->settings, h->fx->sd, key, h->keyer, h->when,
	    cause);
	free(key);
	return rc;
}

/* KEYER keys body CODE's 様式1 as the form does; returns the record key. */
static char *
key_in(struct fx *fx, const char *keyer, const char *code, const char *dept)
{
	struct record *r = record_new();
	record_set(r, "fy", "2025");
	record_set(r, "body_code", code);
	record_set(r, "intent", "1");
	record_set(r, "dept", dept);
	record_set(r, "received_on", "2025-09-01");
	struct keyed_hook h = { fx, keyer, fx->clock };
	fx->clock += 1000000000ull;
	char *why = NULL;
	assert_int_equal(store_save_ex(fx->app_p->db, fx->sd, r, NULL, keyed_hook, &h, &why), 0);
	char *key = store_key(fx->sd, r);
	record_free(r);
	return key;
}

static const char *const compared_fields[] = { "intent", "dept", "contact", "email", "phone",
	"received_on", "note" };
#define NCOMPARED (sizeof compared_fields / sizeof compared_fields[0])

static uint32_t
version_of(struct fx *fx, const char *key)
{
	struct record *r = NULL;
	char *why = NULL;
	assert_int_equal(store_get(fx->app_p->db, fx->sd, key, &r, &why), 0);
	uint32_t v = r->version;
	record_free(r);
	return v;
}

static enum rekey_state
state_of(struct fx *fx, const char *key)
{
	enum rekey_state st;
	char *why = NULL;
	assert_int_equal(rekey_state(fx->app_p->db, fx->sd, key, &st, &why), 0);
	return st;
}

/* The queue's keys joined by ",". */
static char *
queue(struct fx *fx)
{
	struct rekey_item *items;
	size_t n;
	char *why = NULL;
	assert_int_equal(rekey_queue(fx->app_p->db, fx->sd, &items, &n, &why), 0);
	struct strbuf sb = SB_INIT;
	for (size_t i = 0; i < n; i++) {
		char *shown = store_key_display(items[i].key);
		sb_addf(&sb, "%s%s", i ? "," : "", shown);
		free(shown);
	}
	rekey_queue_free(items, n);
	return sb.s ? sb_detach(&sb) : xstrdup("");
}

struct sums {
	const char *user, *field;   /* field NULL: the screen's lines */
	struct stats_counts c;
};

static int
sum_line(void *arg, const char *day, const char *user, const char *screen, const char *field,
    const struct stats_counts *c)
{
	struct sums *s = arg;
	assert_string_equal(day, "2025-09-02");
	assert_string_equal(screen, "survey1");
	if (strcmp(user, s->user) != 0 || (s->field == NULL) != (field == NULL) ||
	    (field && strcmp(field, s->field) != 0))
		return 0;
	s->c.verified += c->verified;
	s->c.checked += c->checked;
	s->c.keyed_errors += c->keyed_errors;
	s->c.rekeyed += c->rekeyed;
	s->c.verify_errors += c->verify_errors;
	return 0;
}

static struct stats_counts
sums(struct fx *fx, const char *user, const char *field)
{
	struct sums s = { user, field, { 0 } };
	char *why = NULL;
	assert_int_equal(stats_each(fx->app_p->db, sum_line, &s, &why), 0);
	return s.c;
}

struct keyer_find {
	const char *user;
	struct rekey_keyer k;
	bool found;
};

static int
keyer_find(void *arg, const struct rekey_keyer *k)
{
	struct keyer_find *f = arg;
	if (strcmp(k->user, f->user) == 0) {
		f->k = *k;
		f->found = true;
	}
	return 0;
}

static void
test_cycle(void **state)
{
	struct fx *fx = *state;
	char *why = NULL;
	const char *day = "2025-09-02";

	/* alice's first record: verified (a new keyer). */
	char *a = key_in(fx, "alice", "011002", "国際課");
	char *q = queue(fx);
	assert_string_equal(q, "2025 / 011002");
	free(q);
	assert_int_equal(state_of(fx, a), REKEY_KEYED);

	/* Nobody verifies their own record. */
	assert_int_equal(rekey_finish(fx->app_p->db, fx->sd, a, version_of(fx, a), "alice", day,
	    compared_fields, NCOMPARED, NULL, 0, NULL, &why), REKEY_OWN);

	/* bob finds no difference. */
	assert_int_equal(rekey_finish(fx->app_p->db, fx->sd, a, version_of(fx, a), "bob", day,
	    compared_fields, NCOMPARED, NULL, 0, NULL, &why), 0);
	assert_int_equal(state_of(fx, a), REKEY_VERIFIED);
	q = queue(fx);
	assert_string_equal(q, "");
	free(q);
	/* Not twice. */
	assert_int_equal(rekey_finish(fx->app_p->db, fx->sd, a, version_of(fx, a), "carol", day,
	    compared_fields, NCOMPARED, NULL, 0, NULL, &why), DB_NOTFOUND);

	/* Checked and accurate now: 1 in 2 from her second record on. */
	char *b = key_in(fx, "alice", "012025", "企画課");
	char *c = key_in(fx, "alice", "130001", "総務課");
	char *d = key_in(fx, "alice", "131041", "国際課");
	q = queue(fx);
	assert_string_equal(q, "2025 / 012025,2025 / 131041");
	free(q);
	assert_int_equal(state_of(fx, c), REKEY_KEYED);

	/* Changed since bob read it: refused, still waiting. */
	uint32_t vb = version_of(fx, b);
	assert_int_equal(rekey_finish(fx->app_p->db, fx->sd, b, vb + 1, "bob", day, compared_fields,
	    NCOMPARED, NULL, 0, NULL, &why), REKEY_CHANGED);
	assert_int_equal(state_of(fx, b), REKEY_KEYED);

	/* bob keys dept differently and his value is right: alice's error, stored. */
	struct rekey_diff diff_b = { "dept", "企画課", "企画部", "企画部", REKEY_SECOND };
	struct record *fixed = NULL;
	assert_int_equal(store_get(fx->app_p->db, fx->sd, b, &fixed, &why), 0);
	record_set(fixed, "dept", "企画部");
	assert_int_equal(rekey_finish(fx->app_p->db, fx->sd, b, vb, "bob", day, compared_fields,
	    NCOMPARED, &diff_b, 1, fixed, &why), 0);
	record_free(fixed);
	assert_int_equal(state_of(fx, b), REKEY_CORRECTED);
	struct record *now = NULL;
	assert_int_equal(store_get(fx->app_p->db, fx->sd, b, &now, &why), 0);
	assert_string_equal(record_get(now, "dept"), "企画部");
	assert_int_equal(now->version, vb + 1);
	record_free(now);

	/* bob slips on d's intent; the first keying stands: bob's error. */
	struct rekey_diff diff_d = { "intent", "1", "2", "1", REKEY_FIRST };
	assert_int_equal(rekey_finish(fx->app_p->db, fx->sd, d, version_of(fx, d), "bob", day,
	    compared_fields, NCOMPARED, &diff_d, 1, NULL, &why), 0);
	assert_int_equal(state_of(fx, d), REKEY_VERIFIED);

	/* Counted: per screen and per field, for both. */
	struct stats_counts al = sums(fx, "alice", NULL);
	assert_int_equal(al.checked, 3 * (long)NCOMPARED);
	assert_int_equal(al.keyed_errors, 1);
	assert_int_equal(al.verified, 0);
	struct stats_counts bo = sums(fx, "bob", NULL);
	assert_int_equal(bo.verified, 3);
	assert_int_equal(bo.rekeyed, 3 * (long)NCOMPARED);
	assert_int_equal(bo.verify_errors, 1);
	assert_int_equal(sums(fx, "alice", "dept").keyed_errors, 1);
	assert_int_equal(sums(fx, "alice", "dept").checked, 3);
	assert_int_equal(sums(fx, "alice", "intent").keyed_errors, 0);
	assert_int_equal(sums(fx, "bob", "intent").verify_errors, 1);
	assert_int_equal(sums(fx, "bob", "dept").verify_errors, 0);

	/* Per keyer, and what sampling decides by: 1 error in 21 fields is
	 * 4.8%, under 10%, so alice stays at 1 in 2. */
	struct keyer_find kf = { "alice", { 0 }, false };
	assert_int_equal(rekey_each_keyer(fx->app_p->db, fx->app_p->schema, keyer_find, &kf, &why), 0);
	assert_true(kf.found);
	assert_int_equal(kf.k.keyed, 4);
	assert_int_equal(kf.k.waiting, 0);
	assert_int_equal(kf.k.verified, 2);
	assert_int_equal(kf.k.corrected, 1);
	assert_int_equal(kf.k.unsampled, 1);
	assert_int_equal(kf.k.checked, 3 * (long)NCOMPARED);
	assert_int_equal(kf.k.errors, 1);
	char *e = key_in(fx, "alice", "473812", "観光課");    /* her 5th: (4 - 1) % 2 != 0 */
	assert_string_equal(q = queue(fx), "");
	free(q);

	/* A record deleted while waiting no longer waits. */
	char *f = key_in(fx, "alice", "011002x", "x");
	q = queue(fx);
	assert_string_equal(q, "2025 / 011002x");
	free(q);
	assert_int_equal(store_delete(fx->app_p->db, fx->sd, f, 0, &why), 0);
	q = queue(fx);
	assert_string_equal(q, "");
	free(q);
	free(f);

	/* Export's set: verified and corrected, in key order. */
	struct strlist keys = { 0 };
	assert_int_equal(rekey_verified_keys(fx->app_p->db, fx->sd, &keys, &why), 0);
	assert_int_equal(keys.n, 3);
	assert_string_equal(keys.v[0], a);
	assert_string_equal(keys.v[1], b);
	assert_string_equal(keys.v[2], d);
	strlist_free(&keys);
	free(a);
	free(b);
	free(c);
	free(d);
	free(e);
}

/* A high error rate brings every record back to verification. */
static void
test_error_rate_brings_all_back(void **state)
{
	struct fx *fx = *state;
	char *why = NULL;
	const char *day = "2025-09-02";
	char *a = key_in(fx, "dan", "011002", "国際課");
	struct rekey_diff diffs[] = {
		{ "intent", "1", "3", "3", REKEY_SECOND },
		{ "dept", "国際課", "国際交流課", "国際交流課", REKEY_SECOND },
	};
	struct record *fixed = NULL;
	assert_int_equal(store_get(fx->app_p->db, fx->sd, a, &fixed, &why), 0);
	record_set(fixed, "intent", "3");
	record_set(fixed, "dept", "国際交流課");
	assert_int_equal(rekey_finish(fx->app_p->db, fx->sd, a, fixed->version, "erin", day,
	    compared_fields, NCOMPARED, diffs, 2, fixed, &why), 0);
	record_free(fixed);
	/* 2 of 7 fields wrong (28.6%): each of dan's next records is verified. */
	char *k[3];
	k[0] = key_in(fx, "dan", "012025", "a");
	k[1] = key_in(fx, "dan", "130001", "b");
	k[2] = key_in(fx, "dan", "131041", "c");
	char *q = queue(fx);
	assert_string_equal(q, "2025 / 012025,2025 / 130001,2025 / 131041");
	free(q);
	for (int i = 0; i < 3; i++)
		free(k[i]);
	free(a);
}

struct moved_hook {
	struct fx *fx;
	const char *old_key;
};

static int
moved_hook(struct db_txn *txn, void *arg, const struct record *saved, char **cause)
{
	struct moved_hook *h = arg;
	char *key = store_key(h->fx->sd, saved);
	int rc = rekey_txn_moved(txn, h->fx->sd, h->old_key, key, cause);
	free(key);
	return rc;
}

/* KEY's body code changed to CODE, as the form saves a changed key. */
static char *
move_to(struct fx *fx, const char *key, const char *code)
{
	struct record *r = NULL;
	char *why = NULL;
	assert_int_equal(store_get(fx->app_p->db, fx->sd, key, &r, &why), 0);
	record_set(r, "body_code", code);
	struct moved_hook h = { fx, key };
	assert_int_equal(store_save_ex(fx->app_p->db, fx->sd, r, key, moved_hook, &h, &why), 0);
	char *to = store_key(fx->sd, r);
	record_free(r);
	return to;
}

/* A record whose key is corrected before it is verified keeps its place in
 * the queue under the new key; a verified one keeps its mark. */
static void
test_key_change_keeps_verification(void **state)
{
	struct fx *fx = *state;
	char *why = NULL;
	char *a = key_in(fx, "fay", "011002", "国際課");       /* queued: a new keyer */
	char *b = key_in(fx, "gus", "012025", "交流課");       /* queued: a new keyer */
	char *q = queue(fx);
	assert_string_equal(q, "2025 / 011002,2025 / 012025");
	free(q);

	char *a2 = move_to(fx, a, "130001");
	q = queue(fx);
	assert_string_equal(q, "2025 / 130001,2025 / 012025");     /* the same place */
	free(q);
	assert_int_equal(state_of(fx, a2), REKEY_KEYED);
	assert_int_equal(state_of(fx, a), REKEY_NONE);
	struct rekey_item *items;
	size_t n;
	assert_int_equal(rekey_queue(fx->app_p->db, fx->sd, &items, &n, &why), 0);
	assert_int_equal(n, 2);
	assert_string_equal(items[0].keyer, "fay");
	rekey_queue_free(items, n);
	/* Verified under its new key, by someone else than its keyer. */
	assert_int_equal(rekey_finish(fx->app_p->db, fx->sd, a2, version_of(fx, a2), "fay",
	    "2025-09-02", compared_fields, NCOMPARED, NULL, 0, NULL, &why), REKEY_OWN);
	assert_int_equal(rekey_finish(fx->app_p->db, fx->sd, a2, version_of(fx, a2), "hal",
	    "2025-09-02", compared_fields, NCOMPARED, NULL, 0, NULL, &why), 0);

	/* A verified record moved keeps its state. */
	char *a3 = move_to(fx, a2, "131041");
	assert_int_equal(state_of(fx, a3), REKEY_VERIFIED);
	assert_int_equal(state_of(fx, a2), REKEY_NONE);
	q = queue(fx);
	assert_string_equal(q, "2025 / 012025");
	free(q);
	free(a);
	free(a2);
	free(a3);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sampling_rule),
		cmocka_unit_test_setup_teardown(test_cycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_rate_brings_all_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_change_keeps_verification, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
