/*
 * ini.h - an INI file as the screen and conf loaders see it: iniparser
 * for the values, plus a second pass over the text that knows each
 * section's and key's line, so every message can be `file:line: message`.
 *
 * Section and key names are lower-cased (iniparser's rule).  Values are
 * iniparser's: quotes kept out, an unquoted value ends at ';' or '#'.
 * The loader refuses, with file:line, what iniparser would accept silently,
 * read differently, or crash on: a line over 1,022 bytes, a key outside any
 * section, a duplicate key or section, invalid UTF-8, a line that is
 * neither, a line ending in '\' (iniparser joins it to the next), text
 * after a section header's ']'.
 */
#ifndef LGOTP_INI_H
#define LGOTP_INI_H

#include <stddef.h>

#include "util.h"

struct ini;

/*
 * Load PATH.  On any error, appends "PATH:LINE: message" lines to ERRS and
 * returns NULL.
 */
struct ini *ini_load(const char *path, struct strlist *errs);
void ini_free(struct ini *ini);

const char *ini_path(const struct ini *ini);
size_t ini_nsections(const struct ini *ini);
/* The Nth section's name, in file order. */
const char *ini_section(const struct ini *ini, size_t n);
/* Whether SECTION exists. */
int ini_has_section(const struct ini *ini, const char *section);
/* Number of keys of SECTION and the Nth key's name (without "section:"), in file order. */
size_t ini_nkeys(const struct ini *ini, const char *section);
const char *ini_key(const struct ini *ini, const char *section, size_t n);
/* The value of SECTION's KEY, or NULL when absent. */
const char *ini_get(const struct ini *ini, const char *section, const char *key);
/* Whether SECTION's KEY was written in quotes ('x' or "x"): iniparser
 * removes them, and a quoted value can mean "this literal text". */
int ini_quoted(const struct ini *ini, const char *section, const char *key);
/* The line of SECTION's KEY (KEY NULL: of the [SECTION] line); 0 when absent. */
int ini_line(const struct ini *ini, const char *section, const char *key);

/*
 * Typed reads that append "PATH:LINE: message" to ERRS on a bad value and
 * then return the default.  A value absent returns the default silently.
 */
int ini_get_bool(const struct ini *ini, const char *section, const char *key, int def,
    struct strlist *errs);
long ini_get_long(const struct ini *ini, const char *section, const char *key, long def,
    long min, long max, struct strlist *errs);

#endif
