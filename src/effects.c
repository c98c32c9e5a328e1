#include "effects.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "store.h"
#include "util.h"

int
effects_apply(struct db_txn *txn, void *arg, const struct record *saved, char **cause)
{
	struct effects_arg *ea = arg;
	const struct screen_def *sd = ea->sd;
	for (size_t e = 0; e < sd->neffects; e++) {
		const struct effect_def *ef = &sd->effects[e];
		const struct field_def *tf = &sd->fields[ef->target];
		const char *key = record_get(saved, tf->id);
		if (*key == '\0')
			continue;
		const struct screen_def *target = schema_screen(ea->schema, tf->ref);
		struct record *r = NULL;
		int rc = store_txn_get(txn, target, key, &r, cause);
		if (rc == DB_NOTFOUND)
			return fail(cause, "%s: %s not found", tf->label[i18n_lang()], key);
		if (rc != 0)
			return -1;
		for (size_t k = 0; k < ef->nsets; k++) {
			const struct effect_set *st = &ef->sets[k];
			const char *v = st->source >= 0 ? record_get(saved, sd->fields[st->source].id)
			                                : st->literal;
			int fi = schema_field_index(target, st->target_field);
			const struct field_def *f = fi >= 0 ? &target->fields[fi] : NULL;
			/* A change made this way is logged as one typed would be. */
			if (f && f->log_field >= 0 && strcmp(record_get(r, f->id), v) != 0) {
				const char *log = record_get(r, target->fields[f->log_field].id);
				char *grown = *log ? xasprintf("%s; %s %s", log, v, ea->today)
				                   : xasprintf("%s %s", v, ea->today);
				record_set(r, target->fields[f->log_field].id, grown);
				free(grown);
			}
			record_set(r, st->target_field, v);
		}
		rc = store_txn_update(txn, target, r, cause);
		record_free(r);
		if (rc != 0)
			return -1;
	}
	return 0;
}
