/*
 * fuzz_catalog.c - a gettext catalogue (catalog_open_memory) on any bytes.
 *
 * Promises checked (catalog.h):
 *   - opening reads nothing past SIZE (ASan sees the input in a buffer of
 *     exactly SIZE bytes), and fails only with a cause and no catalogue;
 *   - a catalogue it accepts finds every one of its entries: each original
 *     (with its context split off at \004) looks up to a translation that
 *     is non-empty UTF-8, unless an entry of that original (it may be
 *     given twice) has an empty translation, or it is the header.
 */
#include "fuzz.h"

#include "catalog.h"
#include "text.h"

static uint32_t
fuzz_catalog_word(const uint8_t *p, bool be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
	          : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

int
fuzz_catalog_one(const uint8_t *data, size_t size)
{
	struct catalog *c = (struct catalog *)&size;    /* anything but NULL */
	char *cause = NULL;
	if (catalog_open_memory(data, size, "fuzz.mo", &c, &cause) != 0) {
		FUZZ_CHECK(cause != NULL && strstr(cause, "fuzz.mo") != NULL);
		free(cause);
		return 0;
	}
	FUZZ_CHECK(c != NULL && cause == NULL);
	/* Accepted: the header and tables are sound, so read them as the format says. */
	bool be = fuzz_catalog_word(data, false) != 0x950412deU;
	uint32_t n = fuzz_catalog_word(data + 8, be);
	uint32_t orig = fuzz_catalog_word(data + 12, be), trans = fuzz_catalog_word(data + 16, be);
	FUZZ_CHECK(catalog_count(c) == n);
	for (uint32_t i = 0; i < n && i < 2048; i++) {
		uint32_t olen = fuzz_catalog_word(data + orig + 8 * i, be);
		uint32_t ooff = fuzz_catalog_word(data + orig + 8 * i + 4, be);
		uint32_t toff = fuzz_catalog_word(data + trans + 8 * i + 4, be);
		char *o = xstrndup((const char *)data + ooff, olen);    /* up to a plural's NUL */
		const char *t = (const char *)data + toff;
		char *sep = strchr(o, '\004');
		const char *ctx = NULL, *id = o;
		if (sep != NULL) {
			*sep = '\0';
			ctx = o;
			id = sep + 1;
		}
		const char *got = catalog_get(c, ctx, id);
		if (got != NULL) {
			FUZZ_CHECK(got[0] != '\0' && text_valid_utf8(got, strlen(got)));
		} else if (!(ctx == NULL && id[0] == '\0')) {
			bool empty = t[0] == '\0';
			for (uint32_t j = 0; j < n && j < 2048 && !empty; j++) {
				/* Both strings end with a NUL inside the input: it was accepted. */
				uint32_t joff = fuzz_catalog_word(data + orig + 8 * j + 4, be);
				uint32_t jt = fuzz_catalog_word(data + trans + 8 * j + 4, be);
				empty = strcmp((const char *)data + joff, (const char *)data + ooff) == 0 &&
				    data[jt] == '\0';
			}
			FUZZ_CHECK(empty);
		}
		free(o);
	}
	catalog_free(c);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_catalog_one(data, size);
}
#endif
