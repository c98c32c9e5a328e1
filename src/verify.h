/*
 * verify.h - check a copy of the database (lgotp backup DIR) before it is
 * trusted, and so check the live one too.
 *
 * In one read snapshot: every record of every screen's table decodes and
 * sits under the key its key fields give; every index entry ("idx:SCREEN":
 * field byte + folded value + NUL + record key, store.h) names a search
 * field and points at an existing record whose value it indexes; every
 * record has the index entries its search fields need; every entry of
 * the audit trail, the drafts and the leases decodes.
 */
#ifndef LGOTP_VERIFY_H
#define LGOTP_VERIFY_H

#include <stdio.h>

#include "field.h"
#include "schema.h"

/*
 * Verify the database in DIR against the screens of SCHEMA.  Each problem
 * goes to ERR as "DIR: TABLE KEY: what"; a summary line to OUT.  Returns 0
 * when there is none, 1 when there are problems (or the database cannot be
 * opened or read), 2 when DIR holds no database (data.mdb).  DIR must not
 * be a database this process has open.  Opening it writes its lock file,
 * nothing else.
 */
int verify_database(const struct schema *schema, const char *dir, enum lang lang, FILE *out,
    FILE *err);

#endif
