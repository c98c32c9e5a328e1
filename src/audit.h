/*
 * audit.h - the audit trail: every insert, update and delete, from the
 * TUI, an import or an effect, written in the same write transaction as
 * the change itself, so a change is never stored without its entry nor
 * an entry without its change.  Entries are only ever added: nothing in
 * the program edits or removes them.
 *
 * Table "audit": key = time in nanoseconds (8 bytes, big-endian) + pid (4)
 * + a per-process counter (4), so entries sort by time; value = a record
 * (record.h) with fields
 *   t  the time, UTC, YYYY-MM-DDTHH:MM:SS.mmmZ     u  the Unix user
 *   s  the screen      k  the record key           o  insert | update | delete
 *   b.ID / a.ID        a field's value before / after (update: changed fields only)
 */
#ifndef LGOTP_AUDIT_H
#define LGOTP_AUDIT_H

#include "db.h"
#include "record.h"

/* The Unix user the process runs as (never a value typed or passed as an
 * option); looked up once.  Static storage. */
const char *audit_user(void);

/* Append an entry for a change of record KEY of SCREEN; BEFORE is NULL for
 * an insert, AFTER for a delete. */
int audit_write(struct db_txn *txn, const char *screen, const char *key,
    const struct record *before, const struct record *after, char **cause);

struct audit_entry {
	const char *time, *user, *screen, *key, *op;
	const struct record *rec;   /* the whole entry: b.ID / a.ID fields */
};

struct audit_filter {
	const char *user;           /* NULL: anyone */
	const char *since;          /* YYYY-MM-DD (UTC day) or NULL */
	const char *screen;         /* NULL: every screen */
	const char *key;            /* NULL: every record */
};

/* Visit matching entries oldest first; FN returns non-zero to stop. */
int audit_each(struct db *db, const struct audit_filter *f,
    int (*fn)(void *arg, const struct audit_entry *e), void *arg, char **cause);

#endif
