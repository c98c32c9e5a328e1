/*
 * catalog.h - a GNU gettext message catalogue (.mo file), read directly.
 *
 * glibc's gettext() looks translations up through the process locale: it
 * needs the target locale installed and cannot switch language per call.
 * lgotp runs under C.UTF-8 on machines with no Japanese locale and
 * switches language with a key, so it reads catalogues itself: the UI's
 * own (i18n.h) and iso-codes' country names (country.h).
 *
 * The format (GNU gettext manual, "The Format of GNU MO Files"): a header
 * of 32-bit words in the file's byte order (magic 0x950412de, revision,
 * number of strings N, offsets of the original and translation tables),
 * then two tables of N (length, offset) pairs.  Each string is NUL-
 * terminated; a string with a context is "CONTEXT\004MSGID"; a plural
 * original is "SINGULAR\0PLURAL" and its translation holds one form per
 * NUL.  Entries are looked up by binary search over the originals (msgfmt
 * sorts them; a file that is not sorted is sorted on opening).
 *
 * Everything is checked when the file is opened, so a lookup never reads
 * outside it: a catalogue with a table or string past its end, a string
 * without its NUL, text that is not UTF-8, or a charset other than UTF-8
 * declared in its header is refused whole.
 */
#ifndef LGOTP_CATALOG_H
#define LGOTP_CATALOG_H

#include <stddef.h>

struct catalog;

/*
 * Read the catalogue at PATH.  Returns 0 and a catalogue in *out (free it
 * with catalog_free), or -1 and a malloc'd *cause that names PATH and what
 * is wrong (missing, unreadable, too large, or not a valid catalogue).
 */
int catalog_open(const char *path, struct catalog **out, char **cause);
/*
 * The same from LEN bytes at BUF (copied; NAME is used in messages).  For
 * tests and fuzzing.
 */
int catalog_open_memory(const void *buf, size_t len, const char *name, struct catalog **out,
    char **cause);
void catalog_free(struct catalog *c);

/*
 * The translation of MSGID under CONTEXT (NULL: no context), or NULL when
 * the catalogue has none or it is empty.  MSGID "" (the header) has none.
 * For a plural entry, MSGID is its singular and the first form is given.
 * The string belongs to the catalogue: valid until catalog_free.
 */
const char *catalog_get(const struct catalog *c, const char *context, const char *msgid);

/* Number of entries, the header included. */
size_t catalog_count(const struct catalog *c);

#endif
