/*
 * record.c - a record's fields in memory and its stored byte format (see
 * record.h for the format).  Records hold a handful to a few dozen fields,
 * so fields are kept in two parallel arrays in insertion order and looked
 * up by a linear search: no hashing, no sorting, order preserved as stored.
 *
 * Field ids are interned: every record shares one copy of each id for the
 * life of the process.  Ids are the screens' field ids and the audit
 * trail's "a."/"b." forms of them, a few hundred (the set is bounded by
 * the ids stored), while an import makes and drops several records a row:
 * a field then costs one allocation, its value, not two.
 */
#include "record.h"

#include "i18n.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RECORD_MAGIC	'R'
#define RECORD_FORMAT	1
#define RECORD_HEADER	8		/* magic, format, version, count */
#define RECORD_MAX_ID	255		/* the id length is one byte */
#define RECORD_MAX_N	65535		/* the field count is two bytes */

/*
 * A broken precondition (an id the format cannot hold) is a bug in the
 * caller, not something a user can fix: say so and stop, like the x*()
 * allocators do, rather than write a record that cannot be read back.
 */
static void
record_bug(const char *what)
{
	fprintf(stderr, "lgotp: bug: %s\n", what);
	abort();
}

/* The interned ids: an open-addressing set, grown at half full. */
static struct {
	char **slot;
	size_t cap, n;
} ids;

static size_t
id_hash(const char *s, size_t len)
{
	size_t h = 2166136261u;         /* FNV-1a */
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static void
ids_grow(void)
{
	size_t cap = ids.cap ? ids.cap * 2 : 256;
	char **slot = xcalloc(cap, sizeof *slot);
	for (size_t i = 0; i < ids.cap; i++) {
		if (ids.slot[i] == NULL)
			continue;
		size_t h = id_hash(ids.slot[i], strlen(ids.slot[i])) & (cap - 1);
		while (slot[h] != NULL)
			h = (h + 1) & (cap - 1);
		slot[h] = ids.slot[i];
	}
	free(ids.slot);
	ids.slot = slot;
	ids.cap = cap;
}

/* The one copy of the LEN bytes at ID (no NUL among them). */
static const char *
intern_id(const char *id, size_t len)
{
	if (2 * (ids.n + 1) > ids.cap)
		ids_grow();
	size_t h = id_hash(id, len) & (ids.cap - 1);
	for (; ids.slot[h] != NULL; h = (h + 1) & (ids.cap - 1))
		if (strncmp(ids.slot[h], id, len) == 0 && ids.slot[h][len] == '\0')
			return ids.slot[h];
	ids.slot[h] = xstrndup(id, len);
	ids.n++;
	return ids.slot[h];
}

/* A new, empty record with version 0 (never stored).  Never NULL. */
struct record *
record_new(void)
{
	return xcalloc(1, sizeof(struct record));
}

/* Free R and everything it owns.  R may be NULL. */
void
record_free(struct record *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->vals[i]);
	free(r->ids);
	free(r->vals);
	free(r);
}

/* A deep copy of R (same version, same fields in the same order). */
struct record *
record_dup(const struct record *r)
{
	struct record *d = record_new();

	d->version = r->version;
	if (r->n > 0) {
		d->ids = xmalloc(r->n * sizeof *d->ids);
		d->vals = xmalloc(r->n * sizeof *d->vals);
		d->cap = r->n;
		for (size_t i = 0; i < r->n; i++) {
			d->ids[i] = r->ids[i];
			d->vals[i] = xstrdup(r->vals[i]);
		}
		d->n = r->n;
	}
	return d;
}

/* Index of ID in R, or r->n when absent. */
static size_t
record_find(const struct record *r, const char *id)
{
	size_t i;

	/* The first bytes first: a screen's ids mostly differ there, and this
	 * runs for every field of every row an import reads. */
	for (i = 0; i < r->n; i++) {
		if (r->ids[i][0] == id[0] && strcmp(r->ids[i], id) == 0)
			break;
	}
	return i;
}

/*
 * The value of ID, or "" when R has no such field.  The pointer belongs to
 * R and is valid until R is changed or freed.
 */
const char *
record_get(const struct record *r, const char *id)
{
	size_t i = record_find(r, id);

	return i < r->n ? r->vals[i] : "";
}

/*
 * Set ID to a copy of VAL.  NULL or "" removes the field (absent and empty
 * are the same thing, and empty values are never stored); a new field goes
 * last, an existing one keeps its place.  ID must be 1-255 bytes.
 */
void
record_set(struct record *r, const char *id, const char *val)
{
	size_t idlen = strlen(id), i;

	if (idlen == 0 || idlen > RECORD_MAX_ID)
		record_bug("record_set: field id must be 1-255 bytes");
	i = record_find(r, id);

	if (val == NULL || *val == '\0') {
		if (i == r->n)
			return;
		free(r->vals[i]);
		/* Keep the order of the others: shift rather than swap. */
		memmove(r->ids + i, r->ids + i + 1, (r->n - i - 1) * sizeof *r->ids);
		memmove(r->vals + i, r->vals + i + 1, (r->n - i - 1) * sizeof *r->vals);
		r->n--;
		return;
	}

	if (i < r->n) {
		char *copy = xstrdup(val);	/* VAL may point into the old value */
		free(r->vals[i]);
		r->vals[i] = copy;
		return;
	}

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->ids = xrealloc(r->ids, r->cap * sizeof *r->ids);
		r->vals = xrealloc(r->vals, r->cap * sizeof *r->vals);
	}
	r->ids[r->n] = intern_id(id, idlen);
	r->vals[r->n] = xstrdup(val);
	r->n++;
}

static unsigned char *
put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
	return p + 4;
}

static uint32_t
get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * Encode R into a malloc'd buffer (*buf, *len; the caller frees *buf) in
 * the format of record.h, fields in R's order, empty values left out.
 */
void
record_encode(const struct record *r, void **buf, size_t *len)
{
	size_t size = RECORD_HEADER, n = 0;

	for (size_t i = 0; i < r->n; i++) {
		size_t vlen = strlen(r->vals[i]);
		if (vlen == 0)
			continue;
		if (vlen > UINT32_MAX)
			record_bug("record_encode: value longer than 4 GiB");
		size += 1 + strlen(r->ids[i]) + 4 + vlen;
		n++;
	}
	if (n > RECORD_MAX_N)
		record_bug("record_encode: more than 65535 fields");

	unsigned char *p = xmalloc(size), *q = p;
	*q++ = RECORD_MAGIC;
	*q++ = RECORD_FORMAT;
	q = put_u32(q, r->version);
	*q++ = (unsigned char)(n >> 8);
	*q++ = (unsigned char)n;
	for (size_t i = 0; i < r->n; i++) {
		size_t idlen = strlen(r->ids[i]), vlen = strlen(r->vals[i]);
		if (vlen == 0)
			continue;
		*q++ = (unsigned char)idlen;
		memcpy(q, r->ids[i], idlen);
		q += idlen;
		q = put_u32(q, (uint32_t)vlen);
		memcpy(q, r->vals[i], vlen);
		q += vlen;
	}
	*buf = p;
	*len = size;
}

/*
 * True when two of the N ids of R are equal.  Up to a few dozen fields a
 * pairwise check is cheapest; a (corrupt or hostile) buffer may claim up
 * to 65535, so above that sort a copy of the pointers instead.
 */
static int
record_cmp_ids(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *
record_duplicate(const struct record *r)
{
	const char *dup = NULL;

	if (r->n <= 32) {
		for (size_t i = 1; i < r->n && dup == NULL; i++) {
			for (size_t j = 0; j < i; j++) {
				if (strcmp(r->ids[i], r->ids[j]) == 0) {
					dup = r->ids[i];
					break;
				}
			}
		}
		return dup;
	}
	const char **sorted = xmalloc(r->n * sizeof *sorted);
	memcpy(sorted, r->ids, r->n * sizeof *sorted);
	qsort(sorted, r->n, sizeof *sorted, record_cmp_ids);
	for (size_t i = 1; i < r->n; i++) {
		if (strcmp(sorted[i - 1], sorted[i]) == 0) {
			dup = sorted[i];
			break;
		}
	}
	free(sorted);
	return dup;
}

/*
 * ID (IDLEN bytes, no NUL) as text for a message, with control bytes
 * replaced by '?' so that a corrupt buffer cannot put escape sequences on
 * the operator's terminal.  Malloc'd.
 */
static char *
record_show_id(const unsigned char *id, size_t idlen)
{
	char *s = xstrndup((const char *)id, idlen);

	for (char *c = s; *c != '\0'; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	}
	return s;
}

/*
 * Decode the LEN bytes at BUF into a new record (*out, the caller frees it
 * with record_free).  Every length is checked against what is left before
 * it is used, so no byte past BUF + LEN is read.  Returns 0, or -1 with a
 * message in *cause for a buffer that encode could not have written.
 */
int
record_decode(const void *buf, size_t len, struct record **out, char **cause)
{
	const unsigned char *p = buf, *end;
	struct record *r = NULL;
	int rc = -1;

	*out = NULL;
	if (len < RECORD_HEADER) {
		fail(cause, "record: %zu bytes, shorter than the %d-byte header", len,
		    RECORD_HEADER);
		goto out;
	}
	if (p[0] != RECORD_MAGIC) {
		fail(cause, "record: bad magic byte 0x%02x (not a record)", p[0]);
		goto out;
	}
	if (p[1] != RECORD_FORMAT) {
		fail(cause, "record: unknown format version %u (this lgotp reads %d)", p[1],
		    RECORD_FORMAT);
		goto out;
	}
	size_t n = (size_t)p[6] << 8 | p[7];
	end = p + len;		/* only now: BUF may be NULL when LEN is 0 */
	p += RECORD_HEADER;
	/* Each field takes at least 1 + 1 + 4 + 1 bytes: reject a count that
	 * cannot fit before allocating for it. */
	if (n > (size_t)(end - p) / 7) {
		fail(cause, "record: %zu fields cannot fit in %zu bytes", n, len);
		goto out;
	}

	r = record_new();
	r->version = get_u32((const unsigned char *)buf + 2);
	if (n > 0) {
		r->ids = xmalloc(n * sizeof *r->ids);
		r->vals = xmalloc(n * sizeof *r->vals);
		r->cap = n;
	}
	for (size_t i = 0; i < n; i++) {
		const char *bad = NULL;	/* what is wrong with the value of field i */
		if (end - p < 1) {
			fail(cause, "record: field %zu: truncated before its id", i + 1);
			goto out;
		}
		size_t idlen = *p++;
		if (idlen == 0) {
			fail(cause, "record: field %zu: empty id", i + 1);
			goto out;
		}
		if ((size_t)(end - p) < idlen) {
			fail(cause, "record: field %zu: id of %zu bytes is truncated", i + 1, idlen);
			goto out;
		}
		if (memchr(p, '\0', idlen) != NULL) {
			fail(cause, "record: field %zu: NUL byte inside the id", i + 1);
			goto out;
		}
		const unsigned char *id = p;
		p += idlen;
		size_t vlen = 0;
		if (end - p < 4)
			bad = N_("value length is truncated");
		else {
			vlen = get_u32(p);
			p += 4;
			if ((size_t)(end - p) < vlen)
				bad = N_("value is truncated");
			else if (vlen == 0)
				bad = N_("empty value (never written)");
			else if (memchr(p, '\0', vlen) != NULL)
				bad = N_("NUL byte inside the value");
		}
		if (bad != NULL) {
			char *shown = record_show_id(id, idlen);
			fail(cause, "record: field %zu (%s): %s", i + 1, shown, _(bad));
			free(shown);
			goto out;
		}
		r->ids[i] = intern_id((const char *)id, idlen);
		r->vals[i] = xstrndup((const char *)p, vlen);
		r->n = i + 1;
		p += vlen;
	}
	if (p != end) {
		fail(cause, "record: %zu bytes left after the last field", (size_t)(end - p));
		goto out;
	}
	const char *dup = record_duplicate(r);
	if (dup != NULL) {
		char *shown = record_show_id((const unsigned char *)dup, strlen(dup));
		fail(cause, "record: field id \"%s\" appears twice", shown);
		free(shown);
		goto out;
	}
	*out = r;
	r = NULL;
	rc = 0;
out:
	record_free(r);
	return rc;
}
