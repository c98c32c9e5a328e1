/*
 * record.h - one record of a screen: field ids mapped to stored values,
 * plus the version number used for optimistic concurrency.
 *
 * Stored values are UTF-8 strings in the stored forms of ftype.h.  A field
 * absent from a record reads as "" (so records written before a field was
 * added to a screen stay valid).
 *
 * The byte format (record_encode/record_decode), stable and versioned:
 *   byte 0      'R'
 *   byte 1      format version, 1
 *   bytes 2-5   record version, uint32 big-endian (1 for a new record,
 *               incremented by every update)
 *   bytes 6-7   number of fields N, uint16 big-endian
 *   N times:    id length (uint8, 1-255), id bytes,
 *               value length (uint32 big-endian), value bytes (no NUL)
 * Fields with an empty value are not written.  Unknown ids are kept, so a
 * field removed from a screen file is not lost from stored records.
 */
#ifndef LGOTP_RECORD_H
#define LGOTP_RECORD_H

#include <stddef.h>
#include <stdint.h>

struct record {
	uint32_t version;   /* 0 for a record never stored */
	size_t n;
	size_t cap;
	const char **ids;   /* interned: shared by every record, never freed */
	char **vals;        /* owned, never NULL */
};

struct record *record_new(void);
void record_free(struct record *r);
struct record *record_dup(const struct record *r);
/* The value of ID, or "" when absent. Valid until the record changes. */
const char *record_get(const struct record *r, const char *id);
/* Set ID to a copy of VAL (NULL or "" removes the value). */
void record_set(struct record *r, const char *id, const char *val);

/* Encode into a malloc'd buffer. */
void record_encode(const struct record *r, void **buf, size_t *len);
/* Decode; -1 with *cause on any malformation (never reads past LEN). */
int record_decode(const void *buf, size_t len, struct record **out, char **cause);

#endif
