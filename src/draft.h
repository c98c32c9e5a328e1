/*
 * draft.h - what an operator is typing, kept in the database so that a
 * dropped SSH link, a closed terminal or kill -9 loses at most the field
 * being typed; and leases, which tell an operator opening a record that
 * someone else is editing it.
 *
 * Table "draft": key = user NUL screen NUL record key ("" for a new record);
 * value = a record of the fields as typed, plus "_field" (the field the
 * cursor was in) and "_version" (editing: the version that was read).
 * Table "lease": key = screen NUL record key; value = a record with
 * "user", "pid", "since" and "seen" (YYYY-MM-DD HH:MM:SS, local).
 * The user is always audit_user(): the Unix user the process runs as.
 */
#ifndef LGOTP_DRAFT_H
#define LGOTP_DRAFT_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "record.h"

int draft_save(struct db *db, const char *screen, const char *key, const struct record *values,
    int field, uint32_t version, char **cause);
/* 0 with *values, *field and *version; DB_NOTFOUND; or -1. */
int draft_load(struct db *db, const char *screen, const char *key, struct record **values,
    int *field, uint32_t *version, char **cause);
int draft_delete(struct db *db, const char *screen, const char *key, char **cause);
/* This operator's first draft: 0 with *screen and *key (malloc'd), or DB_NOTFOUND. */
int draft_find(struct db *db, char **screen, char **key, char **cause);

/*
 * Remove every operator's drafts and every lease.  For a copy of a
 * database that starts a session of its own (practice mode): the copy
 * must not offer the live database's half-typed forms back, nor say that
 * someone is editing a record there.
 */
int draft_forget_all(struct db *db, char **cause);

/* A lease on a record being edited. */
struct lease {
	char *user;
	long pid;
	char *since;
};

/* Seconds without a sign of life after which a lease no longer counts. */
#define LEASE_SILENT_SECONDS (30 * 60)

/*
 * The live lease someone else holds on record KEY of SCREEN: 0 and *out
 * (free with lease_free), or DB_NOTFOUND when there is none or it is dead
 * (its process gone, or silent for LEASE_SILENT_SECONDS) or ours.
 */
int lease_held(struct db *db, const char *screen, const char *key, struct lease *out,
    char **cause);
/* Take (or refresh) the lease for this process. */
int lease_take(struct db *db, const char *screen, const char *key, char **cause);
/* Give it up, if it is ours. */
int lease_release(struct db *db, const char *screen, const char *key, char **cause);
void lease_free(struct lease *l);

#endif
