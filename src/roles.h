/*
 * roles.h - who may do what (conf/roles.ini).  The identity is the Unix
 * user the process runs as and the groups it belongs to, never a value
 * typed or passed as an option.
 *
 *   [user.NAME]   roles = ROLE, ...     roles of one user
 *   [group.NAME]  roles = ROLE, ...     roles of every member of a Unix group
 *   [role.NAME]
 *   SCREEN = LEVEL [, export]          none, read, edit or delete (each
 *                                       includes the ones before it)
 *   * = LEVEL [, export]               every screen not named, except the
 *                                       confidential ones ([screen] confidential = yes)
 *   scope.SCREEN = RULE                 only the records for which RULE holds
 *                                       (rule.h), e.g. office = SEL
 *   reports = yes                       may run reports
 * A user's rights are the union of their roles': the highest level, export
 * if any role gives it, and a screen unscoped if any role gives it
 * unscoped (else any of the roles' scopes).
 */
#ifndef LGOTP_ROLES_H
#define LGOTP_ROLES_H

#include <stdbool.h>

#include "record.h"
#include "util.h"

struct schema;
struct screen_def;
struct rule;

enum access_level { ACCESS_NONE, ACCESS_READ, ACCESS_EDIT, ACCESS_DELETE };

struct roles;

/*
 * Load PATH (absent: NULL and no error — no roles file, no restriction).
 * Screens are named by the schema's list of screen files, which need not
 * be read yet: a scope's fields are checked for the screens read now, and
 * for the others by roles_check_screen as the schema reads them.
 */
struct roles *roles_load(const char *path, const struct schema *s, struct strlist *errs);
/* The scopes of screen SD (just read) speak of its fields; messages to ERRS. */
void roles_check_screen(const struct roles *r, const struct schema *s, const struct screen_def *sd,
    struct strlist *errs);
void roles_free(struct roles *r);

/* One user's rights: their roles, resolved once at start. */
struct access;

/*
 * The rights of USER (with GROUPS, NULL-terminated).  NULL ROLES gives
 * full rights.  Returns NULL when USER has no role at all: the caller
 * refuses to go on.
 */
struct access *access_for(const struct roles *roles, const struct schema *s, const char *user,
    const char *const *groups);
/* The rights of the process's own user and the groups it runs with (getgroups). */
struct access *access_for_self(const struct roles *roles, const struct schema *s);
void access_free(struct access *a);

enum access_level access_level(const struct access *a, const struct screen_def *sd);
bool access_export(const struct access *a, const struct screen_def *sd);
bool access_reports(const struct access *a);
/* Whether record R of SD is within the user's scope. */
bool access_in_scope(const struct access *a, const struct screen_def *sd, const struct record *r);

#endif
