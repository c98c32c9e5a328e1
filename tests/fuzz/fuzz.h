/*
 * fuzz.h - what the fuzz targets share.
 *
 * Each tests/fuzz/fuzz_NAME.c defines fuzz_NAME_one(), the body of one
 * libFuzzer target: it takes any bytes, and must neither crash, leak nor
 * hang on them; it also checks what its parser promises (a decoded record
 * encodes back to the same bytes, a stored form parses to itself, ...) and
 * aborts through FUZZ_CHECK when a promise is broken, so that libFuzzer
 * keeps the input.  Each returns 0 (libFuzzer's convention).
 *
 * Unless FUZZ_NO_MAIN is defined, each file also defines
 * LLVMFuzzerTestOneInput (built by `make fuzz` with clang).  The regression
 * test tests/unit/test_fuzz_regress.c defines FUZZ_NO_MAIN and includes
 * every fuzz_*.c into one program, so the same bodies replay the kept
 * inputs (tests/fuzz/regress/NAME/) with the ordinary compiler in
 * `make test`.  Hence: helpers here are static inline, helpers in a
 * fuzz_*.c carry the target's name, and everything compiles warning-free
 * under the project's -Wall -Wextra -Werror -Wshadow.
 */
#ifndef LGOTP_FUZZ_H
#define LGOTP_FUZZ_H

#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700       /* nftw, mkdtemp; the Makefile passes it too */
#endif

#include <ftw.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

int fuzz_ini_one(const uint8_t *data, size_t size);
int fuzz_schema_one(const uint8_t *data, size_t size);
int fuzz_csv_one(const uint8_t *data, size_t size);
int fuzz_record_one(const uint8_t *data, size_t size);
int fuzz_ftype_one(const uint8_t *data, size_t size);
int fuzz_rule_one(const uint8_t *data, size_t size);
int fuzz_catalog_one(const uint8_t *data, size_t size);

/*
 * A broken promise: say which, then abort, which libFuzzer reports as a
 * crash (keeping the input) and which fails the regression test.
 */
#define FUZZ_CHECK(cond) \
	((cond) ? (void)0 : fuzz_broken(__FILE__, __LINE__, #cond))

static inline void
fuzz_broken(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: fuzz check failed: %s\n", file, line, what);
	abort();
}

/* DATA as a C string: a malloc'd copy, ending at its first NUL if any. */
static inline char *
fuzz_cstring(const uint8_t *data, size_t size)
{
	const void *nul = memchr(data, '\0', size);
	return xstrndup((const char *)data, nul ? (size_t)((const uint8_t *)nul - data) : size);
}

static char fuzz_dir_path[4096];

static inline int
fuzz_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static inline void
fuzz_rm_dir(void)
{
	if (fuzz_dir_path[0] != '\0')
		nftw(fuzz_dir_path, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * The process's scratch directory ($TMPDIR or /tmp, lgotp-fuzz-XXXXXX),
 * made on first use and removed at exit.  The parsers that read files
 * (ini_load, schema_load) get their input written here.
 */
static inline const char *
fuzz_dir(void)
{
	if (fuzz_dir_path[0] == '\0') {
		const char *base = getenv("TMPDIR");
		snprintf(fuzz_dir_path, sizeof fuzz_dir_path, "%s/lgotp-fuzz-XXXXXX",
		    base != NULL && base[0] != '\0' ? base : "/tmp");
		if (mkdtemp(fuzz_dir_path) == NULL) {
			perror(fuzz_dir_path);
			abort();
		}
		atexit(fuzz_rm_dir);
	}
	return fuzz_dir_path;
}

/*
 * Write SIZE bytes at DATA to REL (a relative path) under fuzz_dir(),
 * making REL's directories.  Returns the full path, malloc'd.
 */
static inline char *
fuzz_write(const char *rel, const void *data, size_t size)
{
	char *path = xasprintf("%s/%s", fuzz_dir(), rel);
	for (char *slash = path + strlen(fuzz_dir()) + 1; (slash = strchr(slash, '/')) != NULL;
	    slash++) {
		*slash = '\0';
		mkdir(path, 0700);      /* EEXIST after the first time: fine */
		*slash = '/';
	}
	FILE *f = fopen(path, "wb");
	if (f == NULL || (size > 0 && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
		perror(path);
		abort();
	}
	return path;
}

#endif
