/*
 * country.h - ISO 3166-1 countries, from Debian's iso-codes package.
 *
 * Codes and English names come from iso-codes' JSON file; Japanese names
 * from its gettext catalogue, read directly (not through gettext), so they
 * work under C.UTF-8 on a machine without a Japanese locale.
 *
 * Names: English is the JSON "common_name" when there is one ("South
 * Korea", "Taiwan", "Vietnam"), else "name": they are what overseas staff
 * say.  Japanese is the catalogue's translation of common_name, else of
 * name (so TW gives 台湾, not 中国領・台湾), else the English name.
 * Overrides set by conf (conf/countries.ini, through country_set_override)
 * win over both: the names the organisation writes differently, and the
 * few the catalogue lacks (CZ, MK, SZ, TR: renamed after it was made).
 *
 * The table is the one piece of process-wide state: loaded once, lazily,
 * by the first call that needs it.  Not thread-safe.
 */
#ifndef LGOTP_COUNTRY_H
#define LGOTP_COUNTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "field.h"

/*
 * Load the table from the standard iso-codes files if not loaded yet.
 * Returns 0, or -1 with a malloc'd *cause naming the file and what is
 * wrong (e.g. the iso-codes package is not installed).  A failure is
 * remembered: later calls fail the same way without reading again.  A
 * missing Japanese catalogue is not an error (names fall back to English;
 * see country_has_japanese).
 */
int country_load(char **cause);
/*
 * Load from the given files instead (MO_PATH may be NULL: no Japanese),
 * replacing any table loaded before; overrides are dropped.  On failure
 * the previous table stays.  For tests and for `lgotp check`.
 */
int country_load_from(const char *json_path, const char *mo_path, char **cause);
/* Free the table (the next use loads it again). */
void country_unload(void);

/* Number of countries (0 when the table cannot be loaded). */
size_t country_count(void);
/* The alpha-2 code of the I-th country in code order, or NULL past the end. */
const char *country_code_at(size_t i);
/* True when ALPHA2 (either case) is a known code. */
bool country_valid(const char *alpha2);
/*
 * The name of ALPHA2 (either case) in LANG, or NULL for an unknown code.
 * The string belongs to the table: valid until the next override of that
 * country, reload or unload.
 */
const char *country_name(const char *alpha2, enum lang lang);
/*
 * The code of the country called NAME (English, Japanese or an override;
 * ASCII case ignored), or NULL.  Lets a CSV cell say "日本" for JP.
 */
const char *country_find_name(const char *name);
/*
 * Set the name the organisation writes for ALPHA2 in LANG (TW → 台湾);
 * NAME NULL or "" removes the override.  The name is copied.  Before the
 * table is loaded the override waits and is applied at the load (0; an
 * unknown code is then dropped).  Otherwise returns 0, or -1 when the code
 * is unknown or the table cannot be loaded.
 */
int country_set_override(const char *alpha2, enum lang lang, const char *name);
/* True when Japanese names came from the catalogue (false: English shown). */
bool country_has_japanese(void);

#endif
