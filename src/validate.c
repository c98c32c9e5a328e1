#include "validate.h"

#include <stdlib.h>
#include <string.h>

#include "derive.h"
#include "i18n.h"
#include "ini.h"
#include "rule.h"
#include "store.h"
#include "text.h"
#include "util.h"

static struct lookup_env *
env_of(const struct ftype_ctx *ctx)
{
	return ctx->lookup ? ctx->lookup_arg : NULL;
}

/* An open-addressing table of "screen RS key RS field" → value or none
 * (RS, 0x1E, is in no screen name, field id or record key). */
struct lookup_cache {
	char **keys;
	char **vals;            /* NULL: looked up, not there */
	size_t cap, n;
	size_t misses;          /* look-ups that read the database */
	struct strlist whole;   /* "screen RS field": every record's value is here */
	struct strlist unread;  /* screens too large to read whole */
};

/* After this many look-ups that missed, a screen's field is read whole in
 * one transaction (an import naming thousands of bodies); a file naming a
 * few reads just those. */
#define PREFETCH_AFTER 64
/* A screen with more records than this is never read whole. */
#define PREFETCH_MAX 200000

static size_t
hash_str(const char *s, size_t n)
{
	size_t h = 1469598103934665603u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211u;
	return h;
}

void
validate_cache_start(struct lookup_env *env)
{
	struct lookup_cache *c = xcalloc(1, sizeof *c);
	c->cap = 4096;
	c->keys = xcalloc(c->cap, sizeof *c->keys);
	c->vals = xcalloc(c->cap, sizeof *c->vals);
	env->cache = c;
}

void
validate_cache_end(struct lookup_env *env)
{
	struct lookup_cache *c = env->cache;
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->cap; i++) {
		free(c->keys[i]);
		free(c->vals[i]);
	}
	free(c->keys);
	free(c->vals);
	strlist_free(&c->whole);
	strlist_free(&c->unread);
	free(c);
	env->cache = NULL;
}

/* The slot for KEY: where it is, or the empty one it would take. */
static size_t
cache_slot(const struct lookup_cache *c, const char *key)
{
	size_t i = hash_str(key, strlen(key)) & (c->cap - 1);
	while (c->keys[i] && strcmp(c->keys[i], key) != 0)
		i = (i + 1) & (c->cap - 1);
	return i;
}

static void
cache_put(struct lookup_cache *c, const char *key, const char *val)
{
	if (c->n * 2 >= c->cap) {
		struct lookup_cache big = { xcalloc(c->cap * 2, sizeof *big.keys),
			xcalloc(c->cap * 2, sizeof *big.vals), c->cap * 2, c->n };
		for (size_t i = 0; i < c->cap; i++) {
			if (c->keys[i] == NULL)
				continue;
			size_t j = cache_slot(&big, c->keys[i]);
			big.keys[j] = c->keys[i];
			big.vals[j] = c->vals[i];
		}
		free(c->keys);
		free(c->vals);
		*c = big;
	}
	size_t i = cache_slot(c, key);
	c->keys[i] = xstrdup(key);
	c->vals[i] = val ? xstrdup(val) : NULL;
	c->n++;
}

static char *read_field(struct lookup_env *env, const char *screen, const char *key,
    const char *field);

struct prefetch {
	struct lookup_cache *c;
	const struct screen_def *sd;
	const char *field;
};

static int
prefetch_one(void *arg, struct record *r)
{
	struct prefetch *p = arg;
	char *key = store_key(p->sd, r);
	char *k = xasprintf("%s\x1e%s\x1e%s", p->sd->name, key, p->field);
	if (p->c->keys[cache_slot(p->c, k)] == NULL)
		cache_put(p->c, k, record_get(r, p->field));
	free(k);
	free(key);
	return 0;
}

/* Every record's FIELD of SCREEN into the cache, in one transaction; false
 * when it is not worth it or cannot be done (the caller reads key by key). */
static bool
prefetch(struct lookup_env *env, const char *screen, const char *field, const char *whole)
{
	struct lookup_cache *c = env->cache;
	const struct screen_def *sd = schema_screen(env->schema, screen);
	size_t n = 0;
	char *why = NULL;
	if (sd == NULL || strlist_has(&c->unread, screen) ||
	    store_count(env->db, sd, &n, &why) != 0 || n > PREFETCH_MAX) {
		free(why);
		if (!strlist_has(&c->unread, screen))
			strlist_add(&c->unread, xstrdup(screen));
		return false;
	}
	struct prefetch p = { c, sd, field };
	if (store_each(env->db, sd, prefetch_one, &p, &why) != 0) {
		free(why);
		strlist_add(&c->unread, xstrdup(screen));
		return false;
	}
	strlist_add(&c->whole, xstrdup(whole));
	return true;
}

/* Field FIELD of record KEY of screen SCREEN, or NULL. */
static char *
record_field(void *arg, const char *screen, const char *key, const char *field)
{
	struct lookup_env *env = arg;
	if (env == NULL || env->db == NULL)
		return NULL;
	if (env->cache == NULL)
		return read_field(env, screen, key, field);
	struct lookup_cache *c = env->cache;
	char *k = xasprintf("%s\x1e%s\x1e%s", screen, key, field);
	size_t i = cache_slot(c, k);
	char *v = NULL;
	if (c->keys[i]) {
		v = c->vals[i] ? xstrdup(c->vals[i]) : NULL;
		free(k);
		return v;
	}
	char *whole = xasprintf("%s\x1e%s", screen, field);
	bool have_all = strlist_has(&c->whole, whole);
	if (!have_all && ++c->misses > PREFETCH_AFTER && prefetch(env, screen, field, whole)) {
		have_all = true;
		i = cache_slot(c, k);
		if (c->keys[i])
			v = c->vals[i] ? xstrdup(c->vals[i]) : NULL;
	}
	free(whole);
	/* Read whole: not there is not there. */
	if (!have_all) {
		v = read_field(env, screen, key, field);
		cache_put(c, k, v);
	}
	free(k);
	return v;
}

static char *
read_field(struct lookup_env *env, const char *screen, const char *key, const char *field)
{
	const struct screen_def *sd = schema_screen(env->schema, screen);
	if (sd == NULL)
		return NULL;
	struct record *r = NULL;
	char *cause = NULL;
	if (store_get(env->db, sd, key, &r, &cause) != 0) {
		free(cause);
		return NULL;
	}
	char *v = xstrdup(record_get(r, field));
	record_free(r);
	return v;
}

char *
validate_lookup(void *arg, const char *screen, const char *key, enum lang lang)
{
	struct lookup_env *env = arg;
	const struct screen_def *sd = env ? schema_screen(env->schema, screen) : NULL;
	if (sd == NULL)
		return NULL;
	if (lang == LANG_EN && sd->label_en >= 0) {
		char *en = record_field(env, screen, key, sd->fields[sd->label_en].id);
		if (en == NULL || en[0] != '\0')
			return en;      /* no record, or its English name */
		free(en);
	}
	return record_field(env, screen, key, sd->fields[sd->label].id);
}

void
validate_ctx_init(struct ftype_ctx *ctx, struct lookup_env *env, enum lang lang)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->lang = lang;
	ctx->lookup = validate_lookup;
	ctx->lookup_arg = env;
	ctx->today = env->today;
}

int
validate_field(const struct field_def *f, const struct ftype_ctx *ctx, const char *input,
    char **out, char **cause)
{
	char *folded = f->kana ? text_fold_kana(input) : xstrdup(input);
	int rc = f->type->parse(f, ctx, folded, out, cause);
	free(folded);
	return rc;
}

static const char *
year_setting(void *arg, const char *fy, const char *section, const char *key)
{
	struct lookup_env *env = arg;
	if (env == NULL || fy == NULL || *fy == '\0')
		return NULL;
	return schema_year_setting(env->schema, atoi(fy), section, key);
}

/* For derivations: amounts hold until a later year changes them. */
static const char *
year_amount(void *arg, const char *fy, const char *section, const char *key)
{
	struct lookup_env *env = arg;
	if (env == NULL || fy == NULL || *fy == '\0')
		return NULL;
	return schema_year_setting_latest(env->schema, atoi(fy), section, key);
}

/* Run F's derivation over R's current values. */
static char *
run_derive(const struct screen_def *sd, const struct field_def *f, const struct record *r,
    struct lookup_env *env)
{
	const char *args[16] = { 0 };
	const struct field_def *argf[16] = { 0 };
	size_t n = f->nderive_args < 16 ? f->nderive_args : 16;
	for (size_t a = 0; a < n; a++) {
		argf[a] = &sd->fields[f->derive_args[a]];
		args[a] = record_get(r, argf[a]->id);
	}
	struct derive_ctx dctx = { year_amount, record_field, env };
	return f->derive->fn(&dctx, argf, args, n);
}

static int
choice_index(const struct field_def *f, const char *code)
{
	for (size_t i = 0; i < f->nchoices; i++)
		if (strcmp(f->choices[i].code, code) == 0)
			return (int)i;
	return -1;
}

static bool
in_except(const struct field_def *f, const char *code)
{
	for (size_t i = 0; i < f->norder_except; i++)
		if (strcmp(f->order_except[i], code) == 0)
			return true;
	return false;
}

static const char *
choice_label(const struct field_def *f, const char *code, enum lang lang)
{
	int i = choice_index(f, code);
	return i < 0 ? code : f->choices[i].label[lang];
}

/* order = forward: a later choice, or one of `except`. */
static int
check_order(const struct field_def *f, const struct ftype_ctx *ctx, const char *was,
    const char *now, char **cause)
{
	if (!f->order_forward || *was == '\0' || *now == '\0' || strcmp(was, now) == 0 ||
	    in_except(f, now) || choice_index(f, now) > choice_index(f, was))
		return 0;
	*cause = xasprintf(L_(ctx->lang, "%s: cannot go back from '%s' to '%s'"),
	    f->label[ctx->lang], choice_label(f, was, ctx->lang), choice_label(f, now, ctx->lang));
	return -1;
}

/* Append "CODE DATE" to the log when the value changed. */
static void
log_change(const struct screen_def *sd, const struct field_def *f, const struct record *old,
    struct record *r, const char *today)
{
	if (f->log_field < 0)
		return;
	const char *now = record_get(r, f->id);
	const char *was = old ? record_get(old, f->id) : "";
	const struct field_def *lf = &sd->fields[f->log_field];
	/* The log is the program's: the stored one wins over anything typed. */
	const char *log = old ? record_get(old, lf->id) : record_get(r, lf->id);
	char *kept = xstrdup(log);
	/* The last entry already saying NOW (an import of an exported record)
	 * is not a change. */
	const char *last = strrchr(kept, ';');
	last = last ? last + 1 : kept;
	while (*last == ' ')
		last++;
	size_t nl = strlen(now);
	bool said = *now && strncmp(last, now, nl) == 0 && (last[nl] == ' ' || last[nl] == '\0');
	if (*now && strcmp(now, was) != 0 && !said) {
		char *grown = *kept ? xasprintf("%s; %s %s", kept, now, today) : xasprintf("%s %s", now, today);
		free(kept);
		kept = grown;
	}
	record_set(r, lf->id, kept);
	free(kept);
}

struct rule_env {
	const struct screen_def *sd;
	const struct record *r;
	struct lookup_env *env;
};

static int
resolve(void *arg, const struct rule_ref *ref, char **out, char **cause)
{
	(void)cause;
	struct rule_env *re = arg;
	switch (ref->kind) {
	case RULE_FIELD:
		*out = xstrdup(record_get(re->r, ref->a));
		return 0;
	case RULE_OTHER: {
		const struct screen_def *o = re->env ? schema_screen(re->env->schema, ref->a) : NULL;
		char *v = NULL;
		if (o != NULL) {
			char *key = store_key(o, re->r);
			v = record_field(re->env, ref->a, key, ref->b);
			free(key);
		}
		*out = v ? v : xstrdup("");
		return 0;
	}
	case RULE_YEAR: {
		const char *fy = re->sd->fy >= 0 ? record_get(re->r, re->sd->fields[re->sd->fy].id) : "";
		const char *v = year_setting(re->env, fy, ref->a, ref->b);
		*out = xstrdup(v ? v : "");
		return 0;
	}
	case RULE_CONF: {
		const char *v = re->env && re->env->schema->conf ?
		    ini_get(re->env->schema->conf, ref->a, ref->b) : NULL;
		*out = xstrdup(v ? v : "");
		return 0;
	}
	}
	*out = xstrdup("");
	return 0;
}

/* The field a failed check sends the operator to: the first it names. */
static int
check_field(const struct screen_def *sd, const struct check_def *c)
{
	const struct rule_ref *refs;
	size_t n = rule_refs(c->rule, &refs);
	for (size_t i = 0; i < n; i++)
		if (refs[i].kind == RULE_FIELD && schema_field_index(sd, refs[i].a) >= 0)
			return schema_field_index(sd, refs[i].a);
	return sd->nkey ? (int)sd->key[0] : 0;
}

static int
run_checks(const struct screen_def *sd, const struct ftype_ctx *ctx, const struct record *r,
    int *bad_field, char **cause, struct strlist *warnings)
{
	struct rule_env re = { sd, r, env_of(ctx) };
	const char *today = ctx->today ? ctx->today : (re.env ? re.env->today : NULL);
	char *now = today ? NULL : ftype_today(ctx);
	for (size_t i = 0; i < sd->nchecks; i++) {
		const struct check_def *c = &sd->checks[i];
		bool holds = true;
		char *why = NULL;
		if (rule_eval(c->rule, resolve, &re, today ? today : now, &holds, &why) != 0) {
			*cause = xasprintf("%s: %s", c->name, why);
			free(why);
			*bad_field = check_field(sd, c);
			free(now);
			return -1;
		}
		if (holds)
			continue;
		if (c->level == CHECK_ERROR) {
			*cause = xstrdup(c->message[ctx->lang]);
			*bad_field = check_field(sd, c);
			free(now);
			return -1;
		}
		if (warnings)
			strlist_add(warnings, xstrdup(c->message[ctx->lang]));
	}
	free(now);
	return 0;
}

int
validate_record(const struct screen_def *sd, const struct ftype_ctx *ctx,
    const struct record *in, const struct record *old, struct record **out, int *bad_field,
    char **cause, struct strlist *warnings)
{
	struct lookup_env *env = env_of(ctx);
	struct record *r = record_new();
	r->version = in->version;
	/* Keep what this screen no longer declares, as the codec promises. */
	for (size_t i = 0; i < in->n; i++)
		if (schema_field_index(sd, in->ids[i]) < 0)
			record_set(r, in->ids[i], in->vals[i]);

	for (size_t i = 0; i < sd->nfields; i++) {
		const struct field_def *f = &sd->fields[i];
		if (f->compute)
			continue;           /* computed below from the others */
		if (f->readonly && f->derive == NULL) {
			/* The program's own (a change log): kept whole, wider than it shows. */
			const char *v = record_get(in, f->id);
			if (!text_valid_utf8(v, strlen(v)) || text_has_control(v)) {
				*cause = xasprintf("%s: %s", f->label[ctx->lang],
				    L_(ctx->lang, "holds control characters or invalid UTF-8"));
				*bad_field = (int)i;
				record_free(r);
				return -1;
			}
			record_set(r, f->id, v);
			continue;
		}
		char *folded = f->kana ? text_fold_kana(record_get(in, f->id))
		                       : xstrdup(record_get(in, f->id));
		char *v = NULL;
		int rc = ftype_parse_field(f, ctx, folded, &v, cause);
		free(folded);
		if (rc != 0 && f->derive && *record_get(in, f->id) == '\0') {
			/* Empty but derivable: decided after the others are known. */
			free(*cause);
			*cause = NULL;
			continue;
		}
		if (rc == 0 && old)
			rc = check_order(f, ctx, record_get(old, f->id), v, cause);
		if (rc != 0) {
			free(v);
			*bad_field = (int)i;
			record_free(r);
			return -1;
		}
		record_set(r, f->id, v);
		free(v);
	}
	for (size_t i = 0; i < sd->nfields; i++) {
		const struct field_def *f = &sd->fields[i];
		if (f->derive == NULL || (!f->compute && *record_get(r, f->id) != '\0'))
			continue;
		char *d = run_derive(sd, f, r, env);
		char *v = NULL;
		int rc = ftype_parse_field(f, ctx, d ? d : "", &v, cause);
		free(d);
		if (rc != 0) {
			*bad_field = (int)i;
			record_free(r);
			return -1;
		}
		record_set(r, f->id, v);
		free(v);
	}
	for (size_t i = 0; i < sd->nfields; i++)
		log_change(sd, &sd->fields[i], old, r, ctx->today ? ctx->today :
		    (env && env->today ? env->today : "0000-00-00"));
	if (run_checks(sd, ctx, r, bad_field, cause, warnings) != 0) {
		record_free(r);
		return -1;
	}
	*out = r;
	return 0;
}
