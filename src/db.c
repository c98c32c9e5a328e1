/*
 * db.c - tables of byte keys and values on LMDB.  The only file that
 * includes <lmdb.h>.
 *
 * What several operator processes sharing one environment need (see the
 * project's technical notes), and where it is done here:
 * - one mdb_env_open per process: db_open refuses a second open of the same
 *   directory in one process (LMDB's POSIX locks would be lost on close);
 * - group sharing: umask(007) while creating, directory 02770, files 0660;
 * - stale reader slots of killed processes: mdb_reader_check at open, and
 *   again when the reader table is full;
 * - no transaction outlives db_read/db_write;
 * - MDB_MAP_FULL (from a write or the commit): abort, grow, run again;
 *   MDB_MAP_RESIZED (another process grew the map): adopt its size, retry.
 *
 * Table handles (DBIs) are cached by name.  LMDB closes a handle opened in
 * a transaction that is aborted, and a read-only transaction keeps its new
 * handles only when it ends by commit; so handles opened in a transaction
 * are marked pending and dropped from the cache if it does not commit, and
 * read transactions always end with mdb_txn_commit.
 */
#include "db.h"

#include "i18n.h"
#include "util.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <lmdb.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define DB_MAXDBS	256	/* tables per database */
#define DB_GROW_TRIES	20	/* doublings of the map for one write */
#define DB_BEGIN_TRIES	3	/* MDB_MAP_RESIZED/READERS_FULL retries */
#define DB_MIN_MAP	((size_t)64 << 20)	/* smallest fallback map */
#define DB_DIR_MODE	02770	/* group rwx, setgid: files keep the group */
#define DB_FILE_MODE	0660

struct db_table {
	char *name;
	MDB_dbi dbi;
	bool pending;		/* opened in the running transaction */
};

struct db {
	MDB_env *env;
	char *dir;
	size_t maxkey;
	struct db_table *tables;
	size_t ntables;
	size_t tcap;
	bool in_txn;		/* a db_read/db_write is running */
	bool broken;		/* the map could not be re-made: reopen */
	unsigned envflags;	/* mdb_env_open's */
	dev_t dev;		/* identity of DIR, to refuse a second open */
	ino_t ino;
	pid_t pid;		/* the process that opened it */
	struct db *next;	/* every open db of this process */
};

struct db_txn {
	struct db *db;
	MDB_txn *txn;
	bool write;
	bool map_full;		/* some write hit MDB_MAP_FULL: grow, redo */
};

/* Every db open in this process (and, after fork, in the parent). */
static struct db *db_all;

/* "PATH" without its last component, for messages.  Malloc'd. */
static char *
db_parent(const char *path)
{
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	while (n > 0 && path[n - 1] != '/')
		n--;
	if (n == 0)
		return xstrdup(".");
	while (n > 1 && path[n - 1] == '/')
		n--;
	return xstrndup(path, n);
}

/* The name of DIR's group (or its number), for messages.  Malloc'd. */
static char *
db_group_of(const char *dir)
{
	struct stat st;
	struct group *gr;

	if (stat(dir, &st) != 0)
		return xstrdup(_("the operators' group"));
	gr = getgrgid(st.st_gid);
	if (gr != NULL)
		return xstrdup(gr->gr_name);
	return xasprintf("%lu", (unsigned long)st.st_gid);
}

/* The name of this process's user (or its number), for messages.  Malloc'd. */
static char *
db_user(void)
{
	struct passwd *pw = getpwuid(geteuid());

	if (pw != NULL)
		return xstrdup(pw->pw_name);
	return xasprintf("%lu", (unsigned long)geteuid());
}

/*
 * A message for an error RC (errno or LMDB code) of opening DIR, saying
 * what the operator has to fix.  Returns -1.
 */
static int
db_open_error(const char *dir, int rc, char **cause)
{
	char *group, *user;

	switch (rc) {
	case EACCES:
	case EPERM:
		group = db_group_of(dir);
		user = db_user();
		fail(cause, "%s: permission denied: lgotp needs read and write access to "
		    "%s/data.mdb and %s/lock.mdb (same group, mode 0660) and to the directory "
		    "(mode 2770).  Their owner can fix it with: chgrp -R GROUP %s && "
		    "chmod 2770 %s && chmod 0660 %s/*.mdb  (GROUP: the operators' group; "
		    "the directory's group is now %s), and add user %s to GROUP",
		    dir, dir, dir, dir, dir, dir, group, user);
		free(group);
		free(user);
		return -1;
	case EROFS:
		return fail(cause, "%s: read-only file system: the database needs a writable "
		    "directory (even readers write to lock.mdb)", dir);
	case ENOSPC:
		return fail(cause, "%s: no space left on the device: free some space", dir);
	case ENOENT:
		return fail(cause, "%s: no such directory", dir);
	case ENOTDIR:
		return fail(cause, "%s: not a directory: give the directory that holds "
		    "data.mdb and lock.mdb", dir);
	case ENOMEM:
		return fail(cause, "%s: not enough memory or address space to map the database",
		    dir);
	case MDB_INVALID:
	case MDB_VERSION_MISMATCH:
	case MDB_CORRUPTED:
	case MDB_PANIC:
		return fail(cause, "%s: not an lgotp database or damaged (%s): check the "
		    "directory, or restore data.mdb from a backup", dir, mdb_strerror(rc));
	case MDB_READERS_FULL:
		return fail(cause, "%s: too many processes have the database open (all reader "
		    "slots of lock.mdb are taken)", dir);
	default:
		return fail(cause, "%s: cannot open the database: %s", dir, mdb_strerror(rc));
	}
}

/*
 * Make sure DIR exists as a directory, creating it (mode 02770; the caller
 * has set the umask) when absent.  Fills *st.  Returns 0 or -1.
 */
static int
db_make_dir(const char *dir, struct stat *st, char **cause)
{
	char *parent;
	int rc = 0;

	if (mkdir(dir, DB_DIR_MODE) == 0) {
		/* mkdir ignores the setgid bit on Linux: set it explicitly, so
		 * that files made by every operator keep the directory's group. */
		(void)chmod(dir, DB_DIR_MODE);
	} else if (errno != EEXIST) {
		int e = errno;
		parent = db_parent(dir);
		switch (e) {
		case ENOENT:
			rc = fail(cause, "%s: cannot create the database directory: %s does "
			    "not exist (create it first)", dir, parent);
			break;
		case EACCES:
		case EPERM:
			rc = fail(cause, "%s: cannot create the database directory: permission "
			    "denied in %s (ask for write access there, or for the directory "
			    "to be made with mode 2770 for the operators' group)", dir, parent);
			break;
		default:
			rc = db_open_error(dir, e, cause);
			break;
		}
		free(parent);
		if (rc != 0)
			return rc;
	}
	if (stat(dir, st) != 0)
		return db_open_error(dir, errno, cause);
	if (!S_ISDIR(st->st_mode))
		return fail(cause, "%s: a file, not a directory: give the directory that holds "
		    "data.mdb and lock.mdb", dir);
	return 0;
}

/*
 * The map size to open with: LGOTP_DB_MAPSIZE when set (a number of bytes
 * with an optional K, M or G; for tests of map growth), else 64 GiB on
 * 64-bit systems (address space, not disk: the file grows as it fills).
 * *fixed tells whether it came from the environment.
 */
static int
db_initial_map(size_t *size, bool *fixed, char **cause)
{
	const char *s = getenv("LGOTP_DB_MAPSIZE");
	unsigned long long v;
	char *end;

	*fixed = false;
	*size = (size_t)1 << (sizeof(size_t) >= 8 ? 36 : 30);
	if (s == NULL || *s == '\0')
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	int shift = *end == 'G' || *end == 'g' ? 30 : *end == 'M' || *end == 'm' ? 20 :
	    *end == 'K' || *end == 'k' ? 10 : 0;
	if (shift != 0) {
		v = v > (ULLONG_MAX >> shift) ? 0 : v << shift;	/* 0: refused below */
		end++;
	}
	if (errno != 0 || end == s || *end != '\0' || v == 0 || v > SIZE_MAX)
		return fail(cause, "LGOTP_DB_MAPSIZE: \"%s\" is not a size (bytes, or a "
		    "number with K, M or G)", s);
	*size = (size_t)v;
	*fixed = true;
	return 0;
}

/*
 * Open DIR's environment into *db.  The caller has set the umask.  A map
 * too large for the address space (32-bit, ulimit -v) is retried smaller.
 */
static int
db_open_env(struct db *db, char **cause)
{
	size_t mapsize;
	bool fixed;
	int rc, dead;

	if (db_initial_map(&mapsize, &fixed, cause) != 0)
		return -1;
	for (;;) {
		rc = mdb_env_create(&db->env);
		if (rc != 0)
			return db_open_error(db->dir, rc, cause);
		if ((rc = mdb_env_set_maxdbs(db->env, DB_MAXDBS)) == 0 &&
		    (rc = mdb_env_set_mapsize(db->env, mapsize)) == 0)
			rc = mdb_env_open(db->env, db->dir, db->envflags, DB_FILE_MODE);
		if (rc == 0)
			break;
		/* A failed mdb_env_open leaves a handle that must be closed. */
		mdb_env_close(db->env);
		db->env = NULL;
		if (rc == ENOMEM && !fixed && mapsize / 4 >= DB_MIN_MAP) {
			mapsize /= 4;
			continue;
		}
		return db_open_error(db->dir, rc, cause);
	}
	/* Free the reader slots of processes killed while reading. */
	(void)mdb_reader_check(db->env, &dead);
	db->maxkey = (size_t)mdb_env_get_maxkeysize(db->env);
	return 0;
}

int
db_open(const char *dir, struct db **out, char **cause)
{
	return db_open_flags(dir, 0, out, cause);
}

/*
 * Open (creating when absent) the database in DIR; see db.h.  Fails when
 * this process already has DIR open: LMDB's locks allow one environment
 * per process and file.
 */
int
db_open_flags(const char *dir, int flags, struct db **out, char **cause)
{
	struct db *db;
	struct stat st;
	mode_t mask;
	int rc = -1;

	*out = NULL;
	if (dir == NULL || *dir == '\0')
		return fail(cause, "no database directory given");

	db = xcalloc(1, sizeof *db);
	db->dir = xstrdup(dir);
	db->pid = getpid();
	/* LMDB reads through its map, so read-ahead is the kernel's page-fault
	 * read-ahead: each fault on a page not in memory reads some 128 KiB
	 * around it, and maps what it read.  A session reading a record here
	 * and there wants the page only (the benchmark's browse-and-search
	 * session on 1M records, page cache cold: 98 pages of data.mdb
	 * mapped instead of 1,153).  A walk over a whole table keeps it. */
	if (flags & DB_OPEN_RANDOM)
		db->envflags |= MDB_NORDAHEAD;

	/* Group-writable files for every operator of the group; the umask
	 * is process-wide, so it is put back before returning. */
	mask = umask(007);
	if (db_make_dir(dir, &st, cause) != 0)
		goto out;
	db->dev = st.st_dev;
	db->ino = st.st_ino;
	for (struct db *o = db_all; o != NULL; o = o->next) {
		if (o->pid == db->pid && o->dev == db->dev && o->ino == db->ino) {
			fail(cause, "%s: the database is already open in this process", dir);
			goto out;
		}
	}
	if (db_open_env(db, cause) != 0)
		goto out;
	db->next = db_all;
	db_all = db;
	*out = db;
	db = NULL;
	rc = 0;
out:
	umask(mask);
	if (db != NULL) {
		free(db->dir);
		free(db);
	}
	return rc;
}

/* Close DB (NULL is allowed).  No transaction may be running. */
void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	for (struct db **p = &db_all; *p != NULL; p = &(*p)->next) {
		if (*p == db) {
			*p = db->next;
			break;
		}
	}
	/* LMDB >= 0.9.23 leaves the parent's reader slots alone when a forked
	 * child closes an inherited environment. */
	mdb_env_close(db->env);
	for (size_t i = 0; i < db->ntables; i++)
		free(db->tables[i].name);
	free(db->tables);
	free(db->dir);
	free(db);
}

/* The longest key db_put accepts (511 bytes with LMDB's default build). */
size_t
db_max_key(struct db *db)
{
	return db->maxkey;
}

/*
 * End of a transaction for the handle cache: on commit the handles opened
 * in it become permanent; otherwise LMDB has closed them, so forget them.
 */
static void
db_tables_end(struct db *db, bool committed)
{
	size_t j = 0;

	for (size_t i = 0; i < db->ntables; i++) {
		struct db_table *t = &db->tables[i];
		if (t->pending && !committed) {
			free(t->name);
			continue;
		}
		t->pending = false;
		db->tables[j++] = *t;
	}
	db->ntables = j;
}

/*
 * Begin a transaction into *t.  Handles the two conditions a begin may
 * meet through no fault of ours: another process grew the map beyond ours
 * (adopt its size) and a reader table full of dead processes (clear it).
 */
static int
db_begin(struct db *db, bool write, struct db_txn *t, char **cause)
{
	int rc, dead;

	if (db->broken)
		return fail(cause, "%s: the database map could not be re-made after growing: "
		    "restart lgotp", db->dir);
	if (db->in_txn)
		return fail(cause, "%s: a transaction is already running (db_read and db_write "
		    "do not nest)", db->dir);
	for (int tries = 0;; tries++) {
		rc = mdb_txn_begin(db->env, NULL, write ? 0 : MDB_RDONLY, &t->txn);
		if (rc == 0 || tries >= DB_BEGIN_TRIES)
			break;
		if (rc == MDB_MAP_RESIZED) {
			/* No transaction is active, as mdb_env_set_mapsize needs. */
			rc = mdb_env_set_mapsize(db->env, 0);
			if (rc != 0) {
				db->broken = true;
				return fail(cause, "%s: cannot map the database at the size another "
				    "process gave it (%s): restart lgotp", db->dir, mdb_strerror(rc));
			}
		} else if (rc == MDB_READERS_FULL) {
			if (mdb_reader_check(db->env, &dead) != 0 || dead == 0)
				break;
		} else
			break;
	}
	if (rc == MDB_READERS_FULL || rc == MDB_PANIC)
		return db_open_error(db->dir, rc, cause);
	if (rc != 0)
		return fail(cause, "%s: cannot start a transaction: %s", db->dir, mdb_strerror(rc));
	t->db = db;
	t->write = write;
	t->map_full = false;
	db->in_txn = true;
	return 0;
}

/* Abort T. */
static void
db_abort(struct db_txn *t)
{
	mdb_txn_abort(t->txn);
	t->txn = NULL;
	db_tables_end(t->db, false);
	t->db->in_txn = false;
}

/* Commit T (which ends it whatever the result); returns LMDB's code. */
static int
db_commit(struct db_txn *t)
{
	int rc = mdb_txn_commit(t->txn);

	t->txn = NULL;
	db_tables_end(t->db, rc == 0);
	t->db->in_txn = false;
	return rc;
}

/*
 * Hand the message FN left in FCAUSE to the caller when FN returned -1
 * (with a fallback when it left none); otherwise drop it.
 */
static void
db_pass_cause(int rc, char *fcause, char **cause)
{
	if (rc == -1 && cause != NULL) {
		*cause = fcause != NULL ? fcause : xstrdup(_("database operation failed"));
		return;
	}
	free(fcause);
}

/*
 * Run FN in a read-only transaction.  Returns what FN returned (its
 * message passed on when it returned -1), or -1 when no transaction could
 * be started.
 */
int
db_read(struct db *db, db_txn_fn fn, void *arg, char **cause)
{
	struct db_txn t;
	char *fcause = NULL;
	int rc, mrc;

	if (db_begin(db, false, &t, cause) != 0)
		return -1;
	rc = fn(&t, arg, &fcause);
	/* Commit even after a failure: for a read-only transaction that only
	 * ends it, and it keeps the table handles it opened. */
	mrc = db_commit(&t);
	if (mrc != 0 && rc == 0) {
		free(fcause);
		return fail(cause, "%s: ending a read transaction: %s", db->dir, mdb_strerror(mrc));
	}
	db_pass_cause(rc, fcause, cause);
	return rc;
}

/*
 * Make the map of DB twice as large.  mdb_env_set_mapsize unmaps first
 * and, if the new map fails, leaves the environment without any; so ask
 * the kernel for the address space first, and declare DB broken if the
 * map fails anyway.
 */
static int
db_grow(struct db *db, char **cause)
{
	MDB_envinfo info;
	size_t size, want;
	void *probe;
	int rc;

	mdb_env_info(db->env, &info);
	size = info.me_mapsize;
	if (size > SIZE_MAX / 2)
		goto full;
	want = size * 2;
	probe = mmap(NULL, want, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (probe == MAP_FAILED)
		goto full;
	munmap(probe, want);
	rc = mdb_env_set_mapsize(db->env, want);
	if (rc != 0) {
		db->broken = true;
		return fail(cause, "%s: the database map could not grow to %zu MiB (%s): nothing "
		    "was stored; restart lgotp", db->dir, want >> 20, mdb_strerror(rc));
	}
	return 0;
full:
	return fail(cause, "%s: the database is full and cannot grow beyond %zu MiB: the disk "
	    "or address space is full; nothing was stored", db->dir, size >> 20);
}

/* A message for a failed commit (code RC).  Returns -1. */
static int
db_commit_error(struct db *db, int rc, char **cause)
{
	switch (rc) {
	case ENOSPC:
	case EDQUOT:
		return fail(cause, "%s: the disk is full (or the quota reached): nothing was "
		    "stored; free some space and try again", db->dir);
	case EIO:
		return fail(cause, "%s: input/output error writing the database: nothing was "
		    "stored; check the disk", db->dir);
	case MDB_BAD_TXN:
		return fail(cause, "%s: a write of this transaction failed, so nothing of it "
		    "was stored", db->dir);
	default:
		return fail(cause, "%s: storing failed (%s): nothing was stored", db->dir,
		    mdb_strerror(rc));
	}
}

/*
 * Run FN in a write transaction: committed when FN returns 0, aborted
 * otherwise (FN's value returned, its message passed on for -1).  When a
 * write in FN or the commit finds the map full, the transaction is aborted,
 * the map doubled and FN run again, up to DB_GROW_TRIES times.
 */
/*
 * The commit of a lazy write skips the disk syncs: the pages are in the
 * kernel's cache, so the write survives the process (kill -9, a dropped
 * link) but not a power cut.  MDB_NOSYNC is an environment flag, set only
 * around this commit; LMDB documents it as changeable at run time.
 */
static int
db_commit_lazy(struct db_txn *t)
{
	mdb_env_set_flags(t->db->env, MDB_NOSYNC, 1);
	int rc = db_commit(t);
	mdb_env_set_flags(t->db->env, MDB_NOSYNC, 0);
	return rc;
}

static int db_write_how(struct db *db, db_txn_fn fn, void *arg, bool lazy, char **cause);

int
db_write(struct db *db, db_txn_fn fn, void *arg, char **cause)
{
	return db_write_how(db, fn, arg, false, cause);
}

int
db_write_lazy(struct db *db, db_txn_fn fn, void *arg, char **cause)
{
	return db_write_how(db, fn, arg, true, cause);
}

static int
db_write_how(struct db *db, db_txn_fn fn, void *arg, bool lazy, char **cause)
{
	struct db_txn t;
	char *fcause;
	int rc, mrc;

	for (int attempt = 0;; attempt++) {
		if (db_begin(db, true, &t, cause) != 0)
			return -1;
		fcause = NULL;
		rc = fn(&t, arg, &fcause);
		if (t.map_full) {
			/* Whatever FN made of the failed put: the whole is redone. */
			db_abort(&t);
			mrc = MDB_MAP_FULL;
		} else if (rc != 0) {
			db_abort(&t);
			db_pass_cause(rc, fcause, cause);
			return rc;
		} else if ((mrc = lazy ? db_commit_lazy(&t) : db_commit(&t)) == 0)
			return 0;
		free(fcause);
		if (mrc != MDB_MAP_FULL)
			return db_commit_error(db, mrc, cause);
		if (attempt >= DB_GROW_TRIES)
			return fail(cause, "%s: the transaction does not fit even after growing the "
			    "map %d times: nothing was stored", db->dir, DB_GROW_TRIES);
		if (db_grow(db, cause) != 0)
			return -1;
	}
}

/*
 * Note the LMDB error RC of a write in T (a full map makes db_write grow
 * and redo) and make the message; WHAT (N_()) is what was being done.
 * Returns -1.
 */
static int
db_write_error(struct db_txn *t, const char *what, const char *table, int rc, char **cause)
{
	if (rc == MDB_MAP_FULL) {
		t->map_full = true;
		return fail(cause, "%s: the database map is full (the write is redone with a "
		    "larger map)", t->db->dir);
	}
	if (rc == MDB_TXN_FULL)
		return fail(cause, "%s: %s in table %s: the transaction is too large: split it",
		    t->db->dir, _(what), table);
	return fail(cause, "%s: %s in table %s: %s", t->db->dir, _(what), table, mdb_strerror(rc));
}

/*
 * The handle of TABLE for T into *dbi.  Returns 0; DB_NOTFOUND when the
 * table does not exist and CREATE is false (or T is read-only); -1.
 * Tables are created only by writes, so a read never makes an empty one.
 */
static int
db_table(struct db_txn *t, const char *table, bool create, MDB_dbi *dbi, char **cause)
{
	struct db *db = t->db;
	int rc;

	for (size_t i = 0; i < db->ntables; i++) {
		if (strcmp(db->tables[i].name, table) == 0) {
			*dbi = db->tables[i].dbi;
			return 0;
		}
	}
	if (*table == '\0')
		return fail(cause, "%s: empty table name", db->dir);
	rc = mdb_dbi_open(t->txn, table, create && t->write ? MDB_CREATE : 0, dbi);
	if (rc == MDB_NOTFOUND)
		return DB_NOTFOUND;
	if (rc == MDB_DBS_FULL)
		return fail(cause, "%s: table %s: too many tables (at most %d)", db->dir, table,
		    DB_MAXDBS);
	if (rc != 0)
		return db_write_error(t, N_("opening"), table, rc, cause);
	db->tables = xgrow(db->tables, &db->tcap, db->ntables + 1, sizeof *db->tables);
	db->tables[db->ntables].name = xstrdup(table);
	db->tables[db->ntables].dbi = *dbi;
	db->tables[db->ntables].pending = true;
	db->ntables++;
	return 0;
}

/*
 * Look KEY up in TABLE: 0 with the value in *val and *vlen (LMDB's memory,
 * valid until the transaction ends), DB_NOTFOUND, or -1.
 */
int
db_get(struct db_txn *txn, const char *table, const void *key, size_t klen,
    const void **val, size_t *vlen, char **cause)
{
	MDB_dbi dbi;
	MDB_val k, v;
	int rc;

	*val = NULL;
	*vlen = 0;
	rc = db_table(txn, table, false, &dbi, cause);
	if (rc != 0)
		return rc;
	/* No such key can have been stored (and LMDB rejects the length). */
	if (klen == 0 || klen > txn->db->maxkey)
		return DB_NOTFOUND;
	k.mv_size = klen;
	k.mv_data = (void *)key;
	rc = mdb_get(txn->txn, dbi, &k, &v);
	if (rc == MDB_NOTFOUND)
		return DB_NOTFOUND;
	if (rc != 0)
		return fail(cause, "%s: reading table %s: %s", txn->db->dir, table, mdb_strerror(rc));
	*val = v.mv_data;
	*vlen = v.mv_size;
	return 0;
}

/*
 * Store VAL under KEY in TABLE (created when absent), replacing any value.
 * Write transactions only.  Keys are 1 to db_max_key() bytes.
 */
int
db_put(struct db_txn *txn, const char *table, const void *key, size_t klen,
    const void *val, size_t vlen, char **cause)
{
	MDB_dbi dbi;
	MDB_val k, v;
	int rc;

	if (!txn->write)
		return fail(cause, "%s: table %s: storing in a read-only transaction",
		    txn->db->dir, table);
	if (klen == 0)
		return fail(cause, "%s: table %s: empty key", txn->db->dir, table);
	if (klen > txn->db->maxkey)
		return fail(cause, "%s: table %s: key of %zu bytes is longer than the %zu bytes "
		    "the database allows", txn->db->dir, table, klen, txn->db->maxkey);
	if (db_table(txn, table, true, &dbi, cause) != 0)
		return -1;	/* never DB_NOTFOUND: a write creates the table */
	k.mv_size = klen;
	k.mv_data = (void *)key;
	v.mv_size = vlen;
	v.mv_data = val != NULL ? (void *)val : (void *)"";
	rc = mdb_put(txn->txn, dbi, &k, &v, 0);
	if (rc != 0)
		return db_write_error(txn, N_("storing"), table, rc, cause);
	return 0;
}

/* Remove KEY from TABLE: 0, DB_NOTFOUND when absent, or -1. */
int
db_del(struct db_txn *txn, const char *table, const void *key, size_t klen, char **cause)
{
	MDB_dbi dbi;
	MDB_val k;
	int rc;

	if (!txn->write)
		return fail(cause, "%s: table %s: deleting in a read-only transaction",
		    txn->db->dir, table);
	rc = db_table(txn, table, false, &dbi, cause);
	if (rc != 0)
		return rc;
	if (klen == 0 || klen > txn->db->maxkey)
		return DB_NOTFOUND;
	k.mv_size = klen;
	k.mv_data = (void *)key;
	rc = mdb_del(txn->txn, dbi, &k, NULL);
	if (rc == MDB_NOTFOUND)
		return DB_NOTFOUND;
	if (rc != 0)
		return db_write_error(txn, N_("deleting"), table, rc, cause);
	return 0;
}

/* Remove every entry of TABLE, keeping the table: 0 (also when it does not
 * exist) or -1.  Write transactions only. */
int
db_clear(struct db_txn *txn, const char *table, char **cause)
{
	MDB_dbi dbi;
	int rc;

	if (!txn->write)
		return fail(cause, "%s: table %s: clearing in a read-only transaction",
		    txn->db->dir, table);
	rc = db_table(txn, table, false, &dbi, cause);
	if (rc == DB_NOTFOUND)
		return 0;
	if (rc != 0)
		return -1;
	rc = mdb_drop(txn->txn, dbi, 0);
	if (rc != 0)
		return db_write_error(txn, N_("clearing"), table, rc, cause);
	return 0;
}

/*
 * Visit TABLE's entries in order; see db.h.  FROM may be longer than any
 * key can be: it is then clipped to db_max_key() bytes, P.  No key equals
 * FROM, keys >= FROM are exactly the keys > P and keys <= FROM the keys
 * <= P, which is what the two directions below use.  FN may write to the
 * transaction (LMDB keeps the cursor valid), but which entries a scan
 * visits after FN changed its table is unspecified.
 */
int
db_scan(struct db_txn *txn, const char *table, const void *from, size_t fromlen,
    bool backward, db_scan_fn fn, void *arg, char **cause)
{
	MDB_cursor *c;
	MDB_dbi dbi;
	MDB_val k, v;
	size_t plen;
	bool clipped;
	int rc;

	rc = db_table(txn, table, false, &dbi, cause);
	if (rc == DB_NOTFOUND)
		return 0;
	if (rc != 0)
		return -1;
	rc = mdb_cursor_open(txn->txn, dbi, &c);
	if (rc != 0)
		return fail(cause, "%s: reading table %s: %s", txn->db->dir, table, mdb_strerror(rc));

	clipped = fromlen > txn->db->maxkey;
	plen = clipped ? txn->db->maxkey : fromlen;
	if (from == NULL)
		rc = mdb_cursor_get(c, &k, &v, backward ? MDB_LAST : MDB_FIRST);
	else if (plen == 0)
		/* Every key is >= "" and none is <= "" (keys are never empty). */
		rc = backward ? MDB_NOTFOUND : mdb_cursor_get(c, &k, &v, MDB_FIRST);
	else {
		k.mv_size = plen;
		k.mv_data = (void *)from;
		/* The first key >= P (K now points at it). */
		rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
		bool equal = rc == 0 && k.mv_size == plen && memcmp(k.mv_data, from, plen) == 0;
		if (!backward) {
			if (equal && clipped)
				rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
		} else if (rc == MDB_NOTFOUND)
			/* Every key is < P: start at the last. */
			rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
		else if (rc == 0 && !equal)
			/* Landed past P: the one before is the last <= P. */
			rc = mdb_cursor_get(c, &k, &v, MDB_PREV);
	}
	while (rc == 0) {
		if (fn(arg, k.mv_data, k.mv_size, v.mv_data, v.mv_size) != 0)
			break;
		rc = mdb_cursor_get(c, &k, &v, backward ? MDB_PREV : MDB_NEXT);
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return fail(cause, "%s: reading table %s: %s", txn->db->dir, table, mdb_strerror(rc));
	return 0;
}

/* The number of entries of TABLE into *n (0 when it does not exist). */
int
db_count(struct db_txn *txn, const char *table, size_t *n, char **cause)
{
	MDB_dbi dbi;
	MDB_stat st;
	int rc;

	*n = 0;
	rc = db_table(txn, table, false, &dbi, cause);
	if (rc == DB_NOTFOUND)
		return 0;
	if (rc != 0)
		return -1;
	rc = mdb_stat(txn->txn, dbi, &st);
	if (rc != 0)
		return fail(cause, "%s: counting table %s: %s", txn->db->dir, table, mdb_strerror(rc));
	*n = st.ms_entries;
	return 0;
}

/*
 * Write a compacted copy of DB into DIR; see db.h.  The copy is one read
 * transaction of LMDB's (writers go on meanwhile).  DIR is made with the
 * database directory's mode and group; the copied data.mdb, which LMDB
 * creates 0666 less the umask, gets the original's mode and group.  On
 * failure no partial data.mdb is left behind (nor DIR, if made here).
 */
int
db_backup(struct db *db, const char *dir, char **cause)
{
	struct stat sdir, sdata, st;
	char *src = NULL, *dst = NULL, *parent;
	bool created = false;
	mode_t mask;
	int rc = -1, mrc;

	if (db->broken || db->in_txn)
		return fail(cause, "%s: cannot back up now (%s)", db->dir,
		    db->broken ? _("restart lgotp") : _("inside a transaction"));
	if (dir == NULL || *dir == '\0')
		return fail(cause, "no backup directory given");
	src = xasprintf("%s/data.mdb", db->dir);
	dst = xasprintf("%s/data.mdb", dir);
	if (stat(db->dir, &sdir) != 0 || stat(src, &sdata) != 0) {
		fail_raw(cause, "%s: %s", db->dir, strerror(errno));
		goto out;
	}

	if (mkdir(dir, sdir.st_mode & 0777) == 0) {
		created = true;
		/* The group of the database when the user belongs to it. */
		if (chown(dir, (uid_t)-1, sdir.st_gid) != 0) {
			/* Not a member: the copy keeps the user's group. */
		}
		/* After chown, which may clear it; mkdir ignores setgid. */
		(void)chmod(dir, sdir.st_mode & 07777);
	} else if (errno != EEXIST) {
		int e = errno;
		parent = db_parent(dir);
		if (e == ENOENT)
			fail(cause, "%s: cannot create the backup directory: %s does not exist",
			    dir, parent);
		else if (e == EACCES || e == EPERM)
			fail(cause, "%s: cannot create the backup directory: permission denied "
			    "in %s", dir, parent);
		else
			fail(cause, "%s: cannot create the backup directory: %s", dir, strerror(e));
		free(parent);
		goto out;
	} else if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fail(cause, "%s: not a directory", dir);
		goto out;
	}
	if (lstat(dst, &st) == 0) {
		fail(cause, "%s: already holds a database (data.mdb): give a new or empty "
		    "directory", dir);
		goto out;
	}
	if (errno != ENOENT) {
		fail_raw(cause, "%s: %s", dst, strerror(errno));
		goto out;
	}

	/* Private until its mode is set below. */
	mask = umask(077);
	mrc = mdb_env_copy2(db->env, dir, MDB_CP_COMPACT);
	umask(mask);
	if (mrc != 0) {
		/* EEXIST: another process made it meanwhile; not ours to remove. */
		if (mrc != EEXIST)
			(void)unlink(dst);
		if (created)
			(void)rmdir(dir);
		if (mrc == ENOSPC || mrc == EDQUOT)
			fail(cause, "%s: the disk is full: the backup is incomplete and was removed",
			    dir);
		else
			fail(cause, "%s: backup failed: %s", dir, mdb_strerror(mrc));
		goto out;
	}
	if (chown(dst, (uid_t)-1, sdata.st_gid) != 0) {
		/* As above: kept only when the user is in the group. */
	}
	if (chmod(dst, sdata.st_mode & 0777) != 0) {
		fail(cause, "%s: the backup is complete but its mode could not be set to %04o: %s",
		    dst, (unsigned)(sdata.st_mode & 0777), strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(src);
	free(dst);
	return rc;
}

/*
 * Copy the database in DIR into the directory TO; see db.h.  DIR's
 * environment is opened MDB_RDONLY, so LMDB opens its data.mdb read-only
 * and takes only a reader slot in lock.mdb, as every reader does; it is
 * closed again before returning.  Refused while this process has DIR open
 * with db_open: closing a second environment on the same lock file would
 * drop the first one's POSIX locks.
 */
int
db_copy(const char *dir, const char *to, char **cause)
{
	struct stat sdir, sdata;
	MDB_env *env = NULL;
	char *data;
	size_t mapsize;
	bool fixed;
	mode_t mask;
	int rc;

	if (dir == NULL || *dir == '\0' || to == NULL || *to == '\0')
		return fail(cause, "no database directory given");
	data = xasprintf("%s/data.mdb", dir);
	rc = stat(data, &sdata);
	free(data);
	if (rc != 0 && errno == ENOENT)
		return DB_NOTFOUND;
	if (rc != 0 || stat(dir, &sdir) != 0)
		return db_open_error(dir, errno, cause);
	for (struct db *o = db_all; o != NULL; o = o->next)
		if (o->pid == getpid() && o->dev == sdir.st_dev && o->ino == sdir.st_ino)
			return fail(cause, "%s: the database is open in this process: copy it with "
			    "db_backup", dir);
	/* The map as large as db_open's: a map sized to the file as it is now
	 * would make the copy's read transaction fail (MDB_MAP_RESIZED) once
	 * an operator's write grows the file meanwhile.  Address space, not
	 * memory; smaller where there is not that much of it. */
	if (db_initial_map(&mapsize, &fixed, cause) != 0)
		return -1;
	for (;;) {
		/* A lock file made here (a database restored without one) is the
		 * operators' group's, as db_open would make it. */
		mask = umask(007);
		rc = mdb_env_create(&env);
		if (rc == 0 && (rc = mdb_env_set_mapsize(env, mapsize)) == 0)
			rc = mdb_env_open(env, dir, MDB_RDONLY, DB_FILE_MODE);
		umask(mask);
		if (rc == 0)
			break;
		if (env != NULL)
			mdb_env_close(env);
		env = NULL;
		if (rc == ENOMEM && !fixed && mapsize / 4 >= DB_MIN_MAP) {
			mapsize /= 4;
			continue;
		}
		return db_open_error(dir, rc, cause);
	}
	/* The copy is private until its owner says otherwise. */
	mask = umask(077);
	rc = mdb_env_copy2(env, to, MDB_CP_COMPACT);
	umask(mask);
	mdb_env_close(env);
	if (rc != 0) {
		data = xasprintf("%s/data.mdb", to);
		if (rc != EEXIST)
			(void)unlink(data);
		free(data);
		if (rc == ENOSPC || rc == EDQUOT)
			return fail(cause, "%s: the disk is full: no copy of %s could be made", to, dir);
		return fail(cause, "%s: copying %s failed: %s", to, dir, mdb_strerror(rc));
	}
	return 0;
}
