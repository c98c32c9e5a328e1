/*
 * practice.h - the score of practice mode: what a trainee keyed, compared
 * field by field with the sample documents (samples.h) they keyed from.
 *
 * No terminal, no database and no clock here: the caller says when keys
 * arrived and records were saved (seconds on any monotonic clock), so the
 * arithmetic is tested with given times.
 *
 * What is counted:
 *   records      records saved while a sample was shown, each compared
 *                with that sample
 *   fields       the fields those samples list (the fields compared)
 *   wrong        fields whose value differs from the sample's
 *   keystrokes   keys that reached the form (practice_key)
 *   chars        characters of the values typed into the compared fields
 *                of the saved records (a kanji is one)
 *   seconds      from the first key to the last saved record; 0 until
 *                a record is saved
 * Values are compared after their field's type has read them, as a save
 * does (validate_field: the type's parse, readings folded), so "０１２０２５"
 * and "012025", "R6.10.1" and "2024-10-01" are the same; a value the type
 * refuses is compared as written, trimmed.
 */
#ifndef LGOTP_PRACTICE_H
#define LGOTP_PRACTICE_H

#include <stdbool.h>
#include <stddef.h>

#include "ftype.h"
#include "record.h"
#include "samples.h"
#include "schema.h"

/* A field keyed otherwise than its sample says. */
struct practice_miss {
	char *sample;               /* the sample's name */
	size_t field;               /* index into the screen's fields */
	char *expected;             /* as the sample writes it */
	char *typed;                /* as it was typed */
};

struct practice_score {
	long records, fields, wrong, keystrokes, chars;
	double first_key;           /* when the first key came; < 0: none yet */
	double last_save;           /* when the last record was saved; < 0: none yet */
	struct practice_miss *misses;   /* every wrong field, in the order keyed */
	size_t nmisses, cap;
};

void practice_score_init(struct practice_score *ps);
void practice_score_free(struct practice_score *ps);

/* A key reached the form at time NOW. */
void practice_key(struct practice_score *ps, double now);

/*
 * Whether TYPED is what EXPECTED says for field F once the type has read
 * both.  CTX as the form's (its lookups may be NULL).
 */
bool practice_same(const struct field_def *f, const struct ftype_ctx *ctx, const char *expected,
    const char *typed);

/*
 * Record TYPED (values as typed, by field id) of screen SD was saved at
 * time NOW while sample SMP was shown: count it and compare each field
 * SMP lists.  Returns the number of fields found wrong.
 */
long practice_record(struct practice_score *ps, const struct screen_def *sd,
    const struct sample *smp, const struct record *typed, const struct ftype_ctx *ctx,
    double now);

/* Seconds from the first key to the last saved record (0 before that). */
double practice_seconds(const struct practice_score *ps);
/* Fields right per hundred compared, or -1 when nothing was compared. */
double practice_accuracy(const struct practice_score *ps);
/* Characters typed per minute of practice_seconds(), or -1 when no time has passed. */
double practice_cpm(const struct practice_score *ps);

#endif
