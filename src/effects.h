/*
 * effects.h - a screen's [effect.NAME] declarations carried out: saving a
 * record also updates the record one of its ref fields names (assigning a
 * candidate to a request sets the trainee's host and status), in the same
 * write transaction, so either both change or neither.
 */
#ifndef LGOTP_EFFECTS_H
#define LGOTP_EFFECTS_H

#include "db.h"
#include "record.h"
#include "schema.h"

struct effects_arg {
	const struct schema *schema;
	const struct screen_def *sd;
	const char *today;          /* for the target's change logs */
};

/*
 * A store_hook_fn: apply SD's effects for the record just SAVED.  A target
 * field left empty does nothing; a target record that does not exist fails
 * the save with a message naming it.
 */
int effects_apply(struct db_txn *txn, void *arg, const struct record *saved, char **cause);

#endif
