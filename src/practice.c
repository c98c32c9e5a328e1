/*
 * practice.c - the score of practice mode (see practice.h).
 */
#include "practice.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"
#include "validate.h"

void
practice_score_init(struct practice_score *ps)
{
	memset(ps, 0, sizeof *ps);
	ps->first_key = -1;
	ps->last_save = -1;
}

void
practice_score_free(struct practice_score *ps)
{
	for (size_t i = 0; i < ps->nmisses; i++) {
		free(ps->misses[i].sample);
		free(ps->misses[i].expected);
		free(ps->misses[i].typed);
	}
	free(ps->misses);
	practice_score_init(ps);
}

void
practice_key(struct practice_score *ps, double now)
{
	if (ps->first_key < 0)
		ps->first_key = now;
	ps->keystrokes++;
}

/* S as field F's type reads it, or S trimmed when the type refuses it. */
static char *
normalised(const struct field_def *f, const struct ftype_ctx *ctx, const char *s)
{
	char *out = NULL, *why = NULL;
	if (validate_field(f, ctx, s, &out, &why) == 0)
		return out;
	free(why);
	return text_trim(s);
}

bool
practice_same(const struct field_def *f, const struct ftype_ctx *ctx, const char *expected,
    const char *typed)
{
	char *e = normalised(f, ctx, expected), *t = normalised(f, ctx, typed);
	bool same = strcmp(e, t) == 0;
	free(e);
	free(t);
	return same;
}

/* Characters (not bytes, not columns) of UTF-8 S. */
static long
chars_of(const char *s)
{
	long n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

long
practice_record(struct practice_score *ps, const struct screen_def *sd,
    const struct sample *smp, const struct record *typed, const struct ftype_ctx *ctx,
    double now)
{
	long wrong = 0;
	ps->records++;
	for (size_t i = 0; i < smp->nvalues; i++) {
		const struct sample_value *sv = &smp->values[i];
		const struct field_def *f = &sd->fields[sv->field];
		const char *t = record_get(typed, f->id);
		ps->fields++;
		ps->chars += chars_of(t);
		if (practice_same(f, ctx, sv->value, t))
			continue;
		wrong++;
		ps->misses = xgrow(ps->misses, &ps->cap, ps->nmisses + 1, sizeof *ps->misses);
		ps->misses[ps->nmisses++] = (struct practice_miss){ xstrdup(smp->name), sv->field,
			xstrdup(sv->value), xstrdup(t) };
	}
	ps->wrong += wrong;
	ps->last_save = now;
	return wrong;
}

double
practice_seconds(const struct practice_score *ps)
{
	if (ps->first_key < 0 || ps->last_save < ps->first_key)
		return 0;
	return ps->last_save - ps->first_key;
}

double
practice_accuracy(const struct practice_score *ps)
{
	if (ps->fields == 0)
		return -1;
	return 100.0 * (double)(ps->fields - ps->wrong) / (double)ps->fields;
}

double
practice_cpm(const struct practice_score *ps)
{
	double s = practice_seconds(ps);
	if (s <= 0)
		return -1;
	return (double)ps->chars * 60.0 / s;
}
