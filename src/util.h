/*
 * util.h - allocation that never returns NULL, a growable string, and the
 * error convention used everywhere below the UI.
 *
 * Error convention (after tmux): a function that can fail for a reason a
 * user can fix returns 0 on success and -1 on failure, and on failure stores
 * a malloc'd, human-readable message in *cause (the caller frees it).  Out of
 * memory is not such a reason: the x*() allocators print and abort, since no
 * caller could do better.
 */
#ifndef LGOTP_UTIL_H
#define LGOTP_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
/* Grow an array of *cap elements of size `size` so it holds at least `need`. */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/* A growable NUL-terminated byte string.  Zero-initialise, or use SB_INIT. */
struct strbuf {
	char *s;     /* NULL until something is added */
	size_t len;  /* bytes, excluding the terminating NUL */
	size_t cap;
};
#define SB_INIT { NULL, 0, 0 }

void sb_add(struct strbuf *sb, const void *p, size_t n);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
void sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the string (never NULL, "" when empty) and resets sb; caller frees. */
char *sb_detach(struct strbuf *sb);
void sb_reset(struct strbuf *sb);
void sb_free(struct strbuf *sb);

/* A list of malloc'd strings, e.g. collected error messages. */
struct strlist {
	char **v;
	size_t n;
	size_t cap;
};
void strlist_add(struct strlist *l, char *s);            /* takes ownership */
void strlist_addf(struct strlist *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strlist_free(struct strlist *l);
/* The wall clock (CLOCK_REALTIME) in ns since the epoch: when something
 * was keyed or verified, for the record. */
uint64_t wall_clock_ns(void);
/*
 * The whole of the file at PATH into a malloc'd *BUF, NUL-terminated (the
 * NUL not counted in *LEN).  0, or -1 with errno set (EIO for a read
 * error) and nothing allocated.  Callers word their own message.
 */
int read_whole_file(const char *path, char **buf, size_t *len);
/* Whether L holds a string equal to S. */
bool strlist_has(const struct strlist *l, const char *s);

/*
 * Sets *cause (when cause is not NULL) and returns -1.  FMT is an English
 * msgid (an xgettext keyword, i18n.h): the message is in the UI language.
 */
int fail(char **cause, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same with FMT as given: for a format already in the language wanted,
 * as L_(lang, ...) gives it to modules that take the language, or one with
 * no words to translate ("%s: %s"). */
int fail_raw(char **cause, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* strcmp that treats NULL as "". */
int streq(const char *a, const char *b);
/* Split s at every `sep`, trimming ASCII spaces around each part; empty parts kept. */
void split_trim(const char *s, char sep, struct strlist *out);
/* A copy of s with leading and trailing ASCII white space removed. */
char *trim_dup(const char *s);

#endif
