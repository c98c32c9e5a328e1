/*
 * fuzz_ini.c - the INI loader (ini.h) on any bytes.
 *
 * The input is written to a file, since ini_load reads a path (and hands
 * the same path to iniparser).  Promises checked:
 *   - a refused file says why, every message "PATH:LINE: ...";
 *   - a loaded file added no message, and every section and key it lists
 *     can be read back: a value (never NULL), a line > 0, the typed reads;
 *   - names listed are found again by name, and nothing else is;
 *   - the line scan and iniparser saw the same sections, keys and values.
 */
#include "fuzz.h"

#include <ctype.h>

#include <iniparser/iniparser.h>

#include "ini.h"
#include "text.h"

static int
fuzz_ini_quiet(const char *fmt, ...)
{
	(void)fmt;
	return 0;
}

/*
 * The two passes agree: what the line scan lists is what iniparser read,
 * section for section and key for key, with the values ini_get returns.
 * (Else a value would read as "" or as another line's text, silently.)
 */
static void
fuzz_ini_agrees(const struct ini *ini, const char *path)
{
	iniparser_set_error_callback(fuzz_ini_quiet);
	dictionary *d = iniparser_load(path);
	iniparser_set_error_callback(NULL);
	FUZZ_CHECK(d != NULL);
	FUZZ_CHECK((size_t)iniparser_getnsec(d) == ini_nsections(ini));
	for (size_t s = 0; s < ini_nsections(ini); s++) {
		const char *sec = ini_section(ini, s);
		FUZZ_CHECK((size_t)iniparser_getsecnkeys(d, sec) == ini_nkeys(ini, sec));
		for (size_t k = 0; k < ini_nkeys(ini, sec); k++) {
			char *full = xasprintf("%s:%s", sec, ini_key(ini, sec, k));
			const char *v = iniparser_getstring(d, full, NULL);
			if (v == NULL || strcmp(v, ini_get(ini, sec, ini_key(ini, sec, k))) != 0) {
				fprintf(stderr, "%s: the line scan has it, iniparser %s\n", full,
				    v == NULL ? "does not" : "has another value");
				FUZZ_CHECK(!"the two passes agree");
			}
			free(full);
		}
	}
	iniparser_freedict(d);
}

/* "PATH:LINE: ..." with LINE all digits. */
static void
fuzz_ini_message(const char *path, const char *msg)
{
	size_t n = strlen(path);
	FUZZ_CHECK(strncmp(msg, path, n) == 0 && msg[n] == ':');
	const char *p = msg + n + 1;
	FUZZ_CHECK(isdigit((unsigned char)*p));
	while (isdigit((unsigned char)*p))
		p++;
	FUZZ_CHECK(p[0] == ':' && p[1] == ' ');
	FUZZ_CHECK(text_valid_utf8(msg, strlen(msg)));
}

int
fuzz_ini_one(const uint8_t *data, size_t size)
{
	char *path = fuzz_write("fuzz_ini.ini", data, size);
	struct strlist errs = { 0 };
	struct ini *ini = ini_load(path, &errs);

	if (ini == NULL) {
		FUZZ_CHECK(errs.n > 0);
		for (size_t i = 0; i < errs.n; i++)
			fuzz_ini_message(path, errs.v[i]);
		goto out;
	}
	FUZZ_CHECK(errs.n == 0);
	FUZZ_CHECK(strcmp(ini_path(ini), path) == 0);
	size_t ns = ini_nsections(ini);
	FUZZ_CHECK(ini_section(ini, ns) == NULL);
	for (size_t s = 0; s < ns; s++) {
		const char *sec = ini_section(ini, s);
		FUZZ_CHECK(sec != NULL && sec[0] != '\0');
		FUZZ_CHECK(ini_has_section(ini, sec));
		FUZZ_CHECK(ini_line(ini, sec, NULL) > 0);
		size_t nk = ini_nkeys(ini, sec);
		FUZZ_CHECK(ini_key(ini, sec, nk) == NULL);
		for (size_t k = 0; k < nk; k++) {
			const char *key = ini_key(ini, sec, k);
			FUZZ_CHECK(key != NULL && key[0] != '\0');
			FUZZ_CHECK(ini_get(ini, sec, key) != NULL);
			FUZZ_CHECK(ini_line(ini, sec, key) > ini_line(ini, sec, NULL));
			(void)ini_quoted(ini, sec, key);
			(void)ini_get_bool(ini, sec, key, 0, &errs);
			(void)ini_get_long(ini, sec, key, 0, -1000, 1000, &errs);
		}
		/* A key that cannot be in any file: a name with '=' in it. */
		FUZZ_CHECK(ini_get(ini, sec, "=") == NULL);
		FUZZ_CHECK(ini_line(ini, sec, "=") == 0);
	}
	fuzz_ini_agrees(ini, path);
	FUZZ_CHECK(!ini_has_section(ini, "no:such"));
	FUZZ_CHECK(ini_get(ini, "no:such", "key") == NULL);
	/* The typed reads' messages are "PATH:LINE: ..." too. */
	for (size_t i = 0; i < errs.n; i++)
		fuzz_ini_message(path, errs.v[i]);
out:
	ini_free(ini);
	strlist_free(&errs);
	free(path);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_ini_one(data, size);
}
#endif
