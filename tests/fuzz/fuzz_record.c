/*
 * fuzz_record.c - the stored record format (record_decode) on any bytes.
 *
 * Promises checked (record.h):
 *   - record_decode reads nothing past LEN (ASan sees the input in a buffer
 *     of exactly SIZE bytes), fails only with a cause and no record;
 *   - what it accepts is what record_encode writes: encoding the decoded
 *     record gives back the very bytes, and a copy (record_dup) too;
 *   - every field of a decoded record reads back by its id, with a
 *     non-empty value; record_set then changes exactly that field.
 */
#include "fuzz.h"

#include "record.h"

static void
fuzz_record_same_bytes(const struct record *r, const uint8_t *data, size_t size)
{
	void *buf = NULL;
	size_t len = 0;
	record_encode(r, &buf, &len);
	FUZZ_CHECK(len == size && memcmp(buf, data, size) == 0);
	free(buf);
}

int
fuzz_record_one(const uint8_t *data, size_t size)
{
	struct record *r = (struct record *)&size;      /* anything but NULL */
	char *cause = NULL;

	if (record_decode(data, size, &r, &cause) != 0) {
		FUZZ_CHECK(r == NULL && cause != NULL);
		free(cause);
		return 0;
	}
	FUZZ_CHECK(r != NULL && cause == NULL);
	fuzz_record_same_bytes(r, data, size);

	struct record *d = record_dup(r);
	fuzz_record_same_bytes(d, data, size);
	for (size_t i = 0; i < r->n; i++) {
		FUZZ_CHECK(r->ids[i][0] != '\0' && strlen(r->ids[i]) <= 255);
		FUZZ_CHECK(r->vals[i][0] != '\0');
		FUZZ_CHECK(strcmp(record_get(r, r->ids[i]), r->vals[i]) == 0);
	}
	/* Change each field of the copy in turn, then remove it (quadratic:
	 * only for the few dozen fields real records have). */
	for (size_t i = 0; i < r->n && r->n <= 256; i++) {
		size_t n = d->n;
		record_set(d, r->ids[i], "x");
		FUZZ_CHECK(d->n == n && strcmp(record_get(d, r->ids[i]), "x") == 0);
		record_set(d, r->ids[i], NULL);
		FUZZ_CHECK(d->n == n - 1 && record_get(d, r->ids[i])[0] == '\0');
	}
	FUZZ_CHECK(d->n == 0 || r->n > 256);
	record_free(d);
	record_free(r);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_record_one(data, size);
}
#endif
