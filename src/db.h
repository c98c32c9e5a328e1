/*
 * db.h - the database: one LMDB environment in a directory, holding named
 * tables of byte keys and byte values.  This is the only module that
 * includes <lmdb.h>; everything above it speaks of tables and keys.
 *
 * Transactions are run through db_read/db_write with a callback, so that no
 * transaction can outlive the call (none is ever held while waiting for a
 * key) and so that a write that finds the map full can be retried whole:
 * db_write aborts, grows the map and calls the callback again.  A callback
 * must therefore do nothing outside the transaction that it cannot redo.
 *
 * Return values: 0 done; DB_NOTFOUND (1) where "not found" is a result
 * (db_get, db_del); -1 an error with a malloc'd message in *cause.
 */
#ifndef LGOTP_DB_H
#define LGOTP_DB_H

#include <stdbool.h>
#include <stddef.h>

#define DB_NOTFOUND 1

struct db;
struct db_txn;

/*
 * Open (creating when absent) the database in directory DIR.  The
 * directory and files are made group-writable (umask 007 while creating)
 * so operators of one Unix group share it; stale reader slots of killed
 * processes are cleared.  Errors say what to fix (e.g. "DIR: permission
 * denied: ask for write access to DIR and DIR/lock.mdb").
 *
 * A process opens a given directory once (a second db_open of it fails
 * until db_close).  A child made by fork must not use its parent's db: it
 * opens its own.
 *
 * The map (address space reserved for the file) starts at 64 GiB on 64-bit
 * systems and grows when full.  For tests, the environment variable
 * LGOTP_DB_MAPSIZE (bytes, or a number with K, M or G) sets the initial map
 * size, e.g. a tiny one to exercise growth.
 */
int db_open(const char *dir, struct db **out, char **cause);

/* For a process that reads a few records at a time, here and there (the
 * TUI): no read-ahead around the pages it reads (LMDB's MDB_NORDAHEAD).
 * Commands that walk whole tables (export, verify, reports) are better
 * off with it. */
#define DB_OPEN_RANDOM 1
/* db_open with FLAGS (DB_OPEN_*). */
int db_open_flags(const char *dir, int flags, struct db **out, char **cause);
void db_close(struct db *db);

/*
 * The longest key the database accepts (511 bytes with LMDB's default
 * build).  Keys are 1 to db_max_key() bytes; db_put refuses others, so
 * callers clip index keys to this length.
 */
size_t db_max_key(struct db *db);

typedef int (*db_txn_fn)(struct db_txn *txn, void *arg, char **cause);

/*
 * Run FN in a read-only transaction.  Returns what FN returned, or -1.
 * When the result is -1, *cause holds FN's message (or one of db's);
 * a message FN left with any other result is freed.  The same holds for
 * db_write.  Transactions do not nest: FN must not call db_read/db_write.
 */
int db_read(struct db *db, db_txn_fn fn, void *arg, char **cause);
/*
 * Run FN in a write transaction, committed when FN returns 0 and aborted
 * otherwise (its return value is passed on).  On a full map the
 * transaction is aborted, the map enlarged and FN run again.
 */
int db_write(struct db *db, db_txn_fn fn, void *arg, char **cause);

/*
 * db_write without waiting for the disk: what it stores survives the
 * process being killed or its terminal dropping, not a power cut.  For
 * what is worth keeping but not worth a sync on every key (drafts).
 */
int db_write_lazy(struct db *db, db_txn_fn fn, void *arg, char **cause);

/* Look KEY up in TABLE.  *val stays valid until the transaction ends. */
int db_get(struct db_txn *txn, const char *table, const void *key, size_t klen,
    const void **val, size_t *vlen, char **cause);
/*
 * Store VAL under KEY (write transactions only), replacing any value.
 * TABLE is created when absent.  A key of 0 or more than db_max_key()
 * bytes is refused (-1).
 */
int db_put(struct db_txn *txn, const char *table, const void *key, size_t klen,
    const void *val, size_t vlen, char **cause);
/* Remove KEY; DB_NOTFOUND when it was not there. */
int db_del(struct db_txn *txn, const char *table, const void *key, size_t klen, char **cause);

/*
 * Called for each entry of a scan; returns 0 to go on, anything else to
 * stop (db_scan then returns 0).  Key and value are valid only during the call.
 */
typedef int (*db_scan_fn)(void *arg, const void *key, size_t klen, const void *val, size_t vlen);

/*
 * Visit TABLE's entries in key order (memcmp), starting at the first key
 * >= FROM (or the first key when FROM is NULL) going forward, or, with
 * backward, at the last key <= FROM (or the last key) going backward.
 * A table that does not exist yet is empty.
 */
int db_scan(struct db_txn *txn, const char *table, const void *from, size_t fromlen,
    bool backward, db_scan_fn fn, void *arg, char **cause);
/* Number of entries in TABLE (0 when it does not exist). */
int db_count(struct db_txn *txn, const char *table, size_t *n, char **cause);

/* Remove every entry of TABLE (write transactions only); 0 also when it does not exist. */
int db_clear(struct db_txn *txn, const char *table, char **cause);

/*
 * Write a consistent, compacted copy of the database into DIR (created if
 * absent, must hold no database) while others go on writing; the copy gets
 * the original's file mode.
 */
int db_backup(struct db *db, const char *dir, char **cause);

/*
 * The same copy of the database in directory DIR, made without opening it
 * for writing (no db_open of DIR; LMDB opens its data.mdb read-only), into
 * the existing directory TO, which must hold no database.  The copy is
 * created private (mode 0600).  Returns 0; DB_NOTFOUND when DIR holds no
 * database (no DIR/data.mdb); -1 with *cause.
 */
int db_copy(const char *dir, const char *to, char **cause);

#endif
