#include "validate.h"

#include <stdlib.h>
#include <string.h>

#include "derive.h"
#include "store.h"
#include "text.h"
#include "util.h"

char *
validate_lookup(void *arg, const char *screen, const char *key)
{
	struct lookup_env *env = arg;
	const struct screen_def *sd = schema_screen(env->schema, screen);
	if (sd == NULL || env->db == NULL)
		return NULL;
	struct record *r = NULL;
	char *cause = NULL;
	if (store_get(env->db, sd, key, &r, &cause) != 0) {
		free(cause);
		return NULL;
	}
	char *label = xstrdup(record_get(r, sd->fields[sd->label].id));
	record_free(r);
	return label;
}

void
validate_ctx_init(struct ftype_ctx *ctx, struct lookup_env *env, enum lang lang)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->lang = lang;
	ctx->lookup = validate_lookup;
	ctx->lookup_arg = env;
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

int
validate_record(const struct screen_def *sd, const struct ftype_ctx *ctx,
    const struct record *in, struct record **out, int *bad_field, char **cause)
{
	struct record *r = record_new();
	r->version = in->version;
	/* Keep what this screen no longer declares, as the codec promises. */
	for (size_t i = 0; i < in->n; i++)
		if (schema_field_index(sd, in->ids[i]) < 0)
			record_set(r, in->ids[i], in->vals[i]);

	for (size_t i = 0; i < sd->nfields; i++) {
		const struct field_def *f = &sd->fields[i];
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
		if (rc != 0) {
			*bad_field = (int)i;
			record_free(r);
			return -1;
		}
		record_set(r, f->id, v);
		free(v);
	}
	for (size_t i = 0; i < sd->nfields; i++) {
		const struct field_def *f = &sd->fields[i];
		if (f->derive == NULL || *record_get(r, f->id) != '\0')
			continue;
		const char *args[8] = { 0 };
		for (size_t a = 0; a < f->nderive_args && a < 8; a++)
			args[a] = record_get(r, sd->fields[f->derive_args[a]].id);
		char *d = f->derive->fn(args);
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
	*out = r;
	return 0;
}
