/*
 * catalog.c - GNU .mo catalogues read into memory and looked up by binary
 * search (see catalog.h for the format and what is refused).
 */
#include "catalog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text.h"
#include "util.h"

#define MO_MAGIC 0x950412deU
/* A catalogue larger than this is not one of ours or iso-codes'. */
#define MAX_FILE (16L * 1024 * 1024)
/* The separator gettext puts between a context and its msgid. */
#define CTX_SEP '\004'

struct entry {
	const char *orig;           /* NUL-terminated; "CONTEXT\004MSGID" with a context */
	const char *trans;          /* NUL-terminated (its first form for a plural) */
};

struct catalog {
	char *buf;                  /* the whole file; entries point into it */
	size_t len;
	bool mapped;                /* BUF is the file mapped (munmap), else malloc'd */
	struct entry *v;            /* sorted by orig (strcmp) */
	size_t n;
};

static uint32_t
word(const unsigned char *b, bool big_endian)
{
	if (big_endian)
		return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	return (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

/*
 * The I-th string of the table at TABLE: checked to lie inside the file
 * and to end with the NUL the format promises, and to be UTF-8 up to its
 * length (a plural's forms are each checked).  NULL when any of that fails.
 */
static const char *
string_at(const struct catalog *c, uint32_t table, uint32_t i, bool big_endian)
{
	const unsigned char *b = (const unsigned char *)c->buf;
	uint32_t len = word(b + (size_t)table + (size_t)i * 8, big_endian);
	uint32_t off = word(b + (size_t)table + (size_t)i * 8 + 4, big_endian);
	if ((uint64_t)off + len >= c->len || b[(size_t)off + len] != '\0')
		return NULL;
	const char *s = c->buf + off;
	for (size_t p = 0; p <= len;) {
		size_t part = strnlen(s + p, len - p);
		if (!text_valid_utf8(s + p, part))
			return NULL;
		p += part + 1;
	}
	return s;
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->orig, ((const struct entry *)b)->orig);
}

/* The header's declared charset must be UTF-8 (any case), when it has one. */
static bool
charset_ok(const char *header)
{
	const char *p = strstr(header, "charset=");
	if (p == NULL)
		return true;
	p += strlen("charset=");
	static const char utf8[] = "utf-8";
	for (size_t i = 0; i < sizeof utf8 - 1; i++) {
		char ch = p[i];
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (ch != utf8[i])
			return false;
	}
	char end = p[sizeof utf8 - 1];
	return end == '\0' || end == '\n' || end == ' ' || end == ';' || end == '\r';
}

/* Takes BUF (LEN bytes; mapped, else malloc'd): it is released on failure. */
static int
parse(char *buf, size_t len, bool mapped, const char *name, struct catalog **out, char **cause)
{
	struct catalog *c = xcalloc(1, sizeof *c);
	c->buf = buf;
	c->len = len;
	c->mapped = mapped;
	const unsigned char *b = (const unsigned char *)buf;
	bool big_endian = false;
	if (len < 20) {
		fail(cause, "%s: too short for a gettext catalogue", name);
		goto bad;
	}
	if (word(b, false) != MO_MAGIC) {
		big_endian = true;
		if (word(b, true) != MO_MAGIC) {
			fail(cause, "%s: not a gettext catalogue (bad magic number)", name);
			goto bad;
		}
	}
	/* Major revisions 0 and 1 share the tables read here. */
	if (word(b + 4, big_endian) >> 16 > 1) {
		fail(cause, "%s: unknown catalogue revision", name);
		goto bad;
	}
	uint32_t n = word(b + 8, big_endian);
	uint32_t orig = word(b + 12, big_endian);
	uint32_t trans = word(b + 16, big_endian);
	if ((uint64_t)orig + (uint64_t)n * 8 > len || (uint64_t)trans + (uint64_t)n * 8 > len) {
		fail(cause, "%s: string tables run past the end of the file", name);
		goto bad;
	}
	c->v = xcalloc(n ? n : 1, sizeof *c->v);
	c->n = n;
	bool sorted = true;
	for (uint32_t i = 0; i < n; i++) {
		struct entry *e = &c->v[i];
		e->orig = string_at(c, orig, i, big_endian);
		e->trans = string_at(c, trans, i, big_endian);
		if (e->orig == NULL || e->trans == NULL) {
			fail(cause, "%s: entry %u is damaged (outside the file, unterminated or not UTF-8)",
			    name, i);
			goto bad;
		}
		if (e->orig[0] == '\0' && !charset_ok(e->trans)) {
			fail(cause, "%s: the catalogue is not in UTF-8", name);
			goto bad;
		}
		if (i > 0 && strcmp(c->v[i - 1].orig, e->orig) > 0)
			sorted = false;
	}
	if (!sorted)
		qsort(c->v, c->n, sizeof *c->v, entry_cmp);
	*out = c;
	return 0;
bad:
	catalog_free(c);
	return -1;
}

/*
 * The file is mapped, not read: its pages come from the page cache every
 * process shares, and a start in Japanese neither copies the catalogue nor
 * grows the heap by its size (reading it cost that start as much as its
 * checks).  MAP_PRIVATE: a file rewritten while lgotp runs (make, an
 * install) does not change the strings under it.
 */
int
catalog_open(const char *path, struct catalog **out, char **cause)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail_raw(cause, "%s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return fail_raw(cause, "%s: %s", path, strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return fail(cause, "%s: read error", path);
	}
	if (st.st_size > MAX_FILE) {
		close(fd);
		return fail(cause, "%s: too large for a gettext catalogue", path);
	}
	size_t len = (size_t)st.st_size;
	if (len == 0) {
		close(fd);
		return parse(xmalloc(1), 0, false, path, out, cause);
	}
	void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	int e = errno;
	close(fd);
	if (map == MAP_FAILED)
		return fail_raw(cause, "%s: %s", path, strerror(e));
	return parse(map, len, true, path, out, cause);
}

int
catalog_open_memory(const void *buf, size_t len, const char *name, struct catalog **out,
    char **cause)
{
	if (len > (size_t)MAX_FILE)
		return fail(cause, "%s: too large for a gettext catalogue", name);
	char *copy = xmalloc(len + 1);
	if (len > 0)
		memcpy(copy, buf, len);
	copy[len] = '\0';
	return parse(copy, len, false, name, out, cause);
}

void
catalog_free(struct catalog *c)
{
	if (c == NULL)
		return;
	free(c->v);
	if (c->mapped)
		munmap(c->buf, c->len);
	else
		free(c->buf);
	free(c);
}

/* strcmp of ORIG against CONTEXT "\004" MSGID (or MSGID alone), without building it. */
static int
key_cmp(const char *orig, const char *context, const char *msgid)
{
	const unsigned char *o = (const unsigned char *)orig;
	if (context != NULL) {
		for (const unsigned char *k = (const unsigned char *)context; *k; k++, o++)
			if (*o != *k)
				return *o < *k ? -1 : 1;
		if (*o != CTX_SEP)
			return *o < CTX_SEP ? -1 : 1;
		o++;
	}
	for (const unsigned char *k = (const unsigned char *)msgid; *k; k++, o++)
		if (*o != *k)
			return *o < *k ? -1 : 1;
	return *o == '\0' ? 0 : 1;
}

const char *
catalog_get(const struct catalog *c, const char *context, const char *msgid)
{
	if (c == NULL || msgid == NULL || (msgid[0] == '\0' && context == NULL))
		return NULL;
	size_t lo = 0, hi = c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = key_cmp(c->v[mid].orig, context, msgid);
		if (r == 0)
			return c->v[mid].trans[0] != '\0' ? c->v[mid].trans : NULL;
		if (r > 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

size_t
catalog_count(const struct catalog *c)
{
	return c != NULL ? c->n : 0;
}
