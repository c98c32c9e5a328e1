/*
 * practice_copy.c - practice mode's throw-away database (see practice_copy.h).
 */
#include "practice_copy.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "draft.h"
#include "i18n.h"
#include "record.h"
#include "store.h"
#include "validate.h"

int
practice_copy_make(const char *db_dir, struct practice_copy *pc, char **cause)
{
	pc->dir = NULL;
	pc->empty = false;
	const char *tmp = getenv("TMPDIR");
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	char *dir = xasprintf("%s/lgotp-practice-XXXXXX", tmp);
	if (mkdtemp(dir) == NULL) {
		int e = errno;
		fail(cause, "%s: cannot make a directory for the practice copy: %s", tmp, strerror(e));
		free(dir);
		return -1;
	}
	pc->dir = dir;
	int rc = db_copy(db_dir, dir, cause);
	if (rc == DB_NOTFOUND) {
		pc->empty = true;
		return 0;
	}
	if (rc != 0) {
		practice_copy_remove(pc);
		return -1;
	}
	return 0;
}

void
practice_copy_remove(struct practice_copy *pc)
{
	if (pc->dir == NULL)
		return;
	/* Only what LMDB made in a directory made for us: no recursion. */
	DIR *d = opendir(pc->dir);
	if (d != NULL) {
		struct dirent *de;
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			char *path = xasprintf("%s/%s", pc->dir, de->d_name);
			(void)unlink(path);
			free(path);
		}
		closedir(d);
	}
	if (rmdir(pc->dir) != 0 && errno != ENOENT)
		fprintf(stderr, _("lgotp: %s: the practice copy could not be removed: %s\n"), pc->dir,
		    strerror(errno));
	free(pc->dir);
	pc->dir = NULL;
}

/* The record a save of sample SMP would start from: defaults, then what
 * the sample lists. */
static struct record *
sample_input(struct app *app, const struct screen_def *sd, const struct sample *smp)
{
	struct record *in = record_new();
	for (size_t i = 0; i < sd->nfields; i++) {
		const char *v = sample_value(smp, i);
		char *d = v ? xstrdup(v) : schema_default(app->schema, &sd->fields[i], app->today);
		record_set(in, sd->fields[i].id, d);
		free(d);
	}
	return in;
}

/* The key sample SMP would be stored under, or NULL when its key fields do
 * not read (it then cannot be saved either, which the check below says). */
static char *
sample_key(struct app *app, const struct screen_def *sd, const struct sample *smp)
{
	/* The key is the key fields' stored forms; references need not exist
	 * for that, and may be exactly what the removal below is about. */
	struct ftype_ctx plain = app->ctx;
	plain.lookup = NULL;
	struct record *in = sample_input(app, sd, smp), *key = record_new();
	bool ok = true;
	for (size_t k = 0; k < sd->nkey && ok; k++) {
		const struct field_def *f = &sd->fields[sd->key[k]];
		char *out = NULL, *why = NULL;
		ok = validate_field(f, &plain, record_get(in, f->id), &out, &why) == 0;
		if (ok)
			record_set(key, f->id, out);
		free(out);
		free(why);
	}
	char *k = ok ? store_key(sd, key) : NULL;
	record_free(key);
	record_free(in);
	return k;
}

int
practice_copy_prepare(struct app *app, struct samples *ss, char **cause)
{
	if (draft_forget_all(app->db, cause) != 0)
		return -1;
	/* First every removal, then every check: a sample of one screen may
	 * name a record another screen's sample re-keys. */
	for (size_t s = 0; s < ss->n; s++) {
		const struct sample_set *set = &ss->sets[s];
		for (size_t i = 0; i < set->n; i++) {
			char *key = sample_key(app, set->sd, &set->samples[i]);
			if (key == NULL)
				continue;
			struct record *old = NULL;
			char *why = NULL;
			int rc = store_get(app->db, set->sd, key, &old, &why);
			if (rc == 0)
				rc = store_delete(app->db, set->sd, key, 0, &why);
			record_free(old);
			free(key);
			if (rc < 0) {
				*cause = why;
				return -1;
			}
			free(why);
		}
	}
	for (size_t s = 0; s < ss->n; s++) {
		struct sample_set *set = &ss->sets[s];
		for (size_t i = 0; i < set->n; i++) {
			struct sample *smp = &set->samples[i];
			struct record *in = sample_input(app, set->sd, smp), *out = NULL;
			char *why = NULL;
			int bad = -1;
			free(smp->unusable);
			smp->unusable = NULL;
			if (validate_record(set->sd, &app->ctx, in, NULL, &out, &bad, &why, NULL) != 0)
				smp->unusable = why ? why : xstrdup("?");
			else
				free(why);
			record_free(out);
			record_free(in);
		}
	}
	return 0;
}
