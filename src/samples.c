/*
 * samples.c - practice mode's sample documents: CONFDIR/practice/SCREEN.ini,
 * read and checked (see samples.h for the format and the checks).
 */
#include "samples.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ftype.h"
#include "i18n.h"
#include "ini.h"
#include "record.h"
#include "store.h"
#include "validate.h"

#define SAMPLE_PREFIX "sample."

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char *
samples_dir(const struct schema *s)
{
	const char *conf = s->settings.conf_path;
	const char *slash = conf ? strrchr(conf, '/') : NULL;
	if (slash == NULL)
		return xstrdup("practice");
	if (slash == conf)
		return xstrdup("/practice");
	return xasprintf("%.*s/practice", (int)(slash - conf), conf);
}

static void
free_sample(struct sample *smp)
{
	for (size_t i = 0; i < smp->nvalues; i++)
		free(smp->values[i].value);
	free(smp->values);
	free(smp->name);
	free(smp->unusable);
}

static void
free_set(struct sample_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		free_sample(&set->samples[i]);
	free(set->samples);
	free(set->file);
}

/*
 * One [sample.NAME] section of INI into *SMP, its problems appended to
 * ERRS.  CTX checks values by type without looking references up.
 */
static void
load_sample(const struct ini *ini, const char *sec, const struct screen_def *sd,
    const struct ftype_ctx *ctx, struct sample *smp, struct strlist *errs)
{
	const char *path = ini_path(ini);
	memset(smp, 0, sizeof *smp);
	smp->name = xstrdup(sec + strlen(SAMPLE_PREFIX));
	smp->line = ini_line(ini, sec, NULL);
	size_t nkeys = ini_nkeys(ini, sec);
	if (*smp->name == '\0')
		strlist_addf(errs, L_(ctx->lang, "%s:%d: [%s]: a sample needs a name, e.g. [sample.1]"),
		    path, smp->line, sec);
	if (nkeys == 0)
		strlist_addf(errs, L_(ctx->lang, "%s:%d: [%s] lists no fields"), path, smp->line, sec);
	smp->values = xcalloc(nkeys ? nkeys : 1, sizeof *smp->values);
	for (size_t k = 0; k < nkeys; k++) {
		const char *id = ini_key(ini, sec, k);
		const char *value = ini_get(ini, sec, id);
		int line = ini_line(ini, sec, id);
		int fi = schema_field_index(sd, id);
		if (fi < 0) {
			strlist_addf(errs, L_(ctx->lang, "%s:%d: [%s] %s: screen %s has no such field"), path,
			    line, sec, id, sd->name);
			continue;
		}
		const struct field_def *f = &sd->fields[fi];
		if (f->readonly || f->compute) {
			strlist_addf(errs, f->compute ?
			    L_(ctx->lang, "%s:%d: [%s] %s: the field is computed, never typed") :
			    L_(ctx->lang, "%s:%d: [%s] %s: the field is readonly, never typed"), path, line, sec,
			    id);
			continue;
		}
		char *out = NULL, *why = NULL;
		if (validate_field(f, ctx, value ? value : "", &out, &why) != 0)
			strlist_addf(errs, "%s:%d: [%s] %s = %s: %s", path, line, sec, id,
			    value ? value : "", why);
		free(out);
		free(why);
		struct sample_value *sv = &smp->values[smp->nvalues++];
		sv->field = (size_t)fi;
		sv->value = xstrdup(value ? value : "");
		sv->line = line;
	}
	/* A sample that could never be saved teaches nothing. */
	for (size_t i = 0; i < sd->nfields; i++) {
		const struct field_def *f = &sd->fields[i];
		if (!f->required || f->default_value || f->derive || f->readonly || f->compute)
			continue;
		const char *v = sample_value(smp, i);
		char *t = v ? trim_dup(v) : NULL;
		if (t == NULL || *t == '\0')
			strlist_addf(errs, L_(ctx->lang, "%s:%d: [%s]: %s is required on screen %s: give it a value"),
			    path, smp->line, sec, f->id, sd->name);
		free(t);
	}
}

/*
 * The record key sample SMP would be saved under (its key fields as their
 * types read them, a default where it lists none), or NULL when a key
 * field does not read (already reported).  Caller frees.
 */
static char *
sample_key(const struct schema *s, const struct screen_def *sd, const struct sample *smp,
    const struct ftype_ctx *ctx)
{
	struct record *r = record_new();
	bool ok = true;
	for (size_t k = 0; k < sd->nkey && ok; k++) {
		const struct field_def *f = &sd->fields[sd->key[k]];
		const char *v = sample_value(smp, sd->key[k]);
		char *today = ftype_today(ctx);
		char *d = v ? xstrdup(v) : schema_default(s, f, today);
		char *out = NULL, *why = NULL;
		if (validate_field(f, ctx, d, &out, &why) == 0)
			record_set(r, f->id, out);
		else
			ok = false;
		free(out);
		free(why);
		free(d);
		free(today);
	}
	char *key = ok ? store_key(sd, r) : NULL;
	record_free(r);
	return key;
}

/* Two samples of one screen with one key: the second could never be saved. */
static void
check_keys(const struct schema *s, const struct sample_set *set, const struct ftype_ctx *ctx,
    struct strlist *errs)
{
	char **keys = xcalloc(set->n ? set->n : 1, sizeof *keys);
	for (size_t i = 0; i < set->n; i++) {
		keys[i] = sample_key(s, set->sd, &set->samples[i], ctx);
		for (size_t j = 0; keys[i] && j < i; j++) {
			if (keys[j] == NULL || strcmp(keys[i], keys[j]) != 0)
				continue;
			char *shown = store_key_display(keys[i]);
			strlist_addf(errs, L_(ctx->lang, "%s:%d: [sample.%s]: the same record (%s) as "
			    "[sample.%s]: the second could not be saved"), set->file, set->samples[i].line,
			    set->samples[i].name, shown, set->samples[j].name);
			free(shown);
			break;
		}
	}
	for (size_t i = 0; i < set->n; i++)
		free(keys[i]);
	free(keys);
}

/* The file PATH for screen SD into *SET (left zeroed when it cannot be
 * read at all); its problems appended to ERRS. */
static void
load_file(const struct schema *s, const char *path, const struct screen_def *sd, const struct ftype_ctx *ctx,
    struct sample_set *set, struct strlist *errs)
{
	struct ini *ini = ini_load(path, errs);
	if (ini == NULL)
		return;
	memset(set, 0, sizeof *set);
	set->sd = sd;
	set->file = xstrdup(path);
	size_t nsec = ini_nsections(ini);
	set->samples = xcalloc(nsec ? nsec : 1, sizeof *set->samples);
	for (size_t i = 0; i < nsec; i++) {
		const char *sec = ini_section(ini, i);
		if (strncmp(sec, SAMPLE_PREFIX, strlen(SAMPLE_PREFIX)) != 0) {
			strlist_addf(errs, L_(ctx->lang, "%s:%d: unknown section [%s]: expected "
			    "[sample.NAME]"), path, ini_line(ini, sec, NULL), sec);
			continue;
		}
		load_sample(ini, sec, sd, ctx, &set->samples[set->n++], errs);
	}
	if (set->n == 0)
		strlist_addf(errs, L_(ctx->lang, "%s:1: no samples: add a [sample.NAME] section per "
		    "paper form"), path);
	check_keys(s, set, ctx, errs);
	ini_free(ini);
}

struct samples *
samples_load(const struct schema *s, const char *dir, enum lang lang, struct strlist *errs)
{
	struct samples *ss = xcalloc(1, sizeof *ss);
	DIR *d = opendir(dir);
	if (d == NULL) {
		if (errno == ENOENT)
			return ss;          /* no samples declared */
		strlist_addf(errs, L_(lang, "%s:0: cannot read the directory: %s"), dir, strerror(errno));
		free(ss);
		return NULL;
	}
	struct strlist files = { 0 };
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		if (n > 4 && de->d_name[0] != '.' && strcmp(de->d_name + n - 4, ".ini") == 0)
			strlist_add(&files, xstrdup(de->d_name));
	}
	closedir(d);
	if (files.n > 1)
		qsort(files.v, files.n, sizeof *files.v, cmp_str);
	/* Types only: a reference is checked against the database practice
	 * mode copies, which `lgotp check` does not open. */
	struct ftype_ctx ctx = { .lang = lang };
	size_t nerr0 = errs->n;
	ss->sets = xcalloc(files.n ? files.n : 1, sizeof *ss->sets);
	for (size_t i = 0; i < files.n; i++) {
		char *path = xasprintf("%s/%s", dir, files.v[i]);
		char *screen = xstrndup(files.v[i], strlen(files.v[i]) - 4);
		const struct screen_def *sd = schema_screen(s, screen);
		if (sd == NULL)
			strlist_addf(errs, L_(lang, "%s:1: no screen '%s' (a practice file is named after the "
			    "screen its samples are keyed into)"), path, screen);
		else {
			load_file(s, path, sd, &ctx, &ss->sets[ss->n], errs);
			if (ss->sets[ss->n].file)
				ss->n++;        /* kept even when bad, to be freed below */
		}
		free(screen);
		free(path);
	}
	strlist_free(&files);
	if (errs->n > nerr0) {
		samples_free(ss);
		return NULL;
	}
	return ss;
}

void
samples_free(struct samples *ss)
{
	if (ss == NULL)
		return;
	for (size_t i = 0; i < ss->n; i++)
		free_set(&ss->sets[i]);
	free(ss->sets);
	free(ss);
}

const struct sample_set *
samples_for(const struct samples *ss, const struct screen_def *sd)
{
	for (size_t i = 0; ss && i < ss->n; i++)
		if (ss->sets[i].sd == sd)
			return &ss->sets[i];
	return NULL;
}

const char *
sample_value(const struct sample *smp, size_t field)
{
	for (size_t i = 0; i < smp->nvalues; i++)
		if (smp->values[i].field == field)
			return smp->values[i].value;
	return NULL;
}
