#include "roles.h"

#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "i18n.h"
#include "ini.h"
#include "rule.h"
#include "schema.h"

struct grant {
	enum access_level level;
	bool export;
	bool given;                 /* the role names this screen (or, for `*`, it is given) */
	struct rule *scope;         /* NULL: all records */
	int scope_line;             /* of scope.SCREEN in the roles file */
};

/*
 * A role as written: a grant per screen it names (by index in the
 * schema's screens), and `*`.  Whether `*` reaches a screen depends on
 * the screen's `confidential`, known once its file is read, so it is
 * applied when a screen's rights are asked for (role_grant), not here.
 */
struct role {
	char *name;
	struct grant *grants;       /* one per screen of the schema */
	struct grant star;          /* `*`; star.given when written */
	bool reports;
};

struct holder {
	char *name;                 /* user or group */
	bool group;
	int line;
	struct strlist roles;
};

struct roles {
	char *path;
	struct role *roles;
	size_t nroles;
	struct holder *holders;
	size_t nholders;
	size_t nscreens;
};

/* One user's rights: the roles they hold, applied per screen when asked. */
struct access {
	const struct schema *schema;
	const struct role **roles;  /* NULL: no roles file, every right */
	size_t nroles;
	bool reports;
};

static const char *const level_names[] = { "none", "read", "edit", "delete" };

static int
parse_grant(const char *v, struct grant *g)
{
	struct strlist parts = { 0 };
	split_trim(v, ',', &parts);
	int ok = parts.n >= 1;
	g->export = false;
	for (size_t i = 0; ok && i < parts.n; i++) {
		if (i > 0 && strcmp(parts.v[i], "export") == 0) {
			g->export = true;
			continue;
		}
		int found = 0;
		for (int l = 0; i == 0 && l < 4; l++)
			if (strcmp(parts.v[i], level_names[l]) == 0) {
				g->level = (enum access_level)l;
				found = 1;
			}
		ok = found;
	}
	strlist_free(&parts);
	g->given = ok;
	return ok ? 0 : -1;
}

static void
load_role(struct roles *rs, const struct ini *ini, const char *sec, const struct schema *s,
    struct strlist *errs)
{
	struct role *r = &rs->roles[rs->nroles++];
	r->name = xstrdup(sec + 5);
	r->grants = xcalloc(s->nscreens ? s->nscreens : 1, sizeof *r->grants);
	const char *star = ini_get(ini, sec, "*");
	if (star && parse_grant(star, &r->star) != 0)
		strlist_addf(errs, _("%s:%d: *: expected none, read, edit or delete (and ', export')"),
		    ini_path(ini), ini_line(ini, sec, "*"));
	for (size_t k = 0; k < ini_nkeys(ini, sec); k++) {
		const char *key = ini_key(ini, sec, k);
		const char *v = ini_get(ini, sec, key);
		int line = ini_line(ini, sec, key);
		if (strcmp(key, "*") == 0)
			continue;
		if (strcmp(key, "reports") == 0) {
			r->reports = ini_get_bool(ini, sec, key, 0, errs);
			continue;
		}
		bool scope = strncmp(key, "scope.", 6) == 0;
		const char *name = scope ? key + 6 : key;
		/* By name only: the screen's file is read when it is used. */
		int si = schema_screen_index(s, name);
		if (si < 0) {
			strlist_addf(errs, _("%s:%d: no screen '%s'"), ini_path(ini), line, name);
			continue;
		}
		struct grant *g = &r->grants[si];
		if (scope) {
			char *why = NULL;
			if (rule_parse(v, &g->scope, &why) != 0) {
				strlist_addf(errs, "%s:%d: %s: %s", ini_path(ini), line, key, why);
				free(why);
			}
			g->scope_line = line;
		} else if (parse_grant(v, g) != 0) {
			strlist_addf(errs, _("%s:%d: %s: expected none, read, edit or delete (and ', export')"),
			    ini_path(ini), line, key);
		}
	}
}

void
roles_check_screen(const struct roles *rs, const struct schema *s, const struct screen_def *sd,
    struct strlist *errs)
{
	size_t si = (size_t)(sd - s->screens);
	for (size_t r = 0; rs && si < rs->nscreens && r < rs->nroles; r++) {
		const struct grant *g = &rs->roles[r].grants[si];
		const struct rule_ref *refs;
		size_t n = g->scope ? rule_refs(g->scope, &refs) : 0;
		for (size_t i = 0; i < n; i++)
			if (refs[i].kind != RULE_FIELD || schema_field_index(sd, refs[i].a) < 0)
				strlist_addf(errs, _("%s:%d: scope.%s: a scope speaks of the record's own "
				    "fields only"), rs->path, g->scope_line, sd->name);
	}
}

struct roles *
roles_load(const char *path, const struct schema *s, struct strlist *errs)
{
	if (access(path, F_OK) != 0)
		return NULL;
	struct ini *ini = ini_load(path, errs);
	if (ini == NULL)
		return NULL;
	struct roles *rs = xcalloc(1, sizeof *rs);
	rs->path = xstrdup(path);
	rs->nscreens = s->nscreens;
	rs->roles = xcalloc(ini_nsections(ini) + 1, sizeof *rs->roles);
	rs->holders = xcalloc(ini_nsections(ini) + 1, sizeof *rs->holders);
	for (size_t i = 0; i < ini_nsections(ini); i++) {
		const char *sec = ini_section(ini, i);
		if (strncmp(sec, "role.", 5) == 0 && sec[5]) {
			load_role(rs, ini, sec, s, errs);
		} else if ((strncmp(sec, "user.", 5) == 0 && sec[5]) ||
		    (strncmp(sec, "group.", 6) == 0 && sec[6])) {
			struct holder *h = &rs->holders[rs->nholders++];
			h->group = sec[0] == 'g';
			h->line = ini_line(ini, sec, NULL);
			h->name = xstrdup(strchr(sec, '.') + 1);
			const char *v = ini_get(ini, sec, "roles");
			if (v == NULL)
				strlist_addf(errs, _("%s:%d: [%s] needs roles = ROLE, ..."), ini_path(ini),
				    ini_line(ini, sec, NULL), sec);
			else
				split_trim(v, ',', &h->roles);
			for (size_t k = 0; k < ini_nkeys(ini, sec); k++)
				if (strcmp(ini_key(ini, sec, k), "roles") != 0)
					strlist_addf(errs, _("%s:%d: unknown key '%s' in [%s]"), ini_path(ini),
					    ini_line(ini, sec, ini_key(ini, sec, k)), ini_key(ini, sec, k), sec);
		} else {
			strlist_addf(errs, _("%s:%d: unknown section [%s]: expected [user.NAME], "
			    "[group.NAME] or [role.NAME]"), ini_path(ini), ini_line(ini, sec, NULL), sec);
		}
	}
	/* Every role a holder names must exist. */
	for (size_t h = 0; h < rs->nholders; h++)
		for (size_t k = 0; k < rs->holders[h].roles.n; k++) {
			size_t r;
			for (r = 0; r < rs->nroles && strcmp(rs->roles[r].name, rs->holders[h].roles.v[k]); r++)
				;
			if (r == rs->nroles)
				strlist_addf(errs, _("%s:%d: no role '%s'"), ini_path(ini), rs->holders[h].line,
				    rs->holders[h].roles.v[k]);
		}
	ini_free(ini);
	/* Scopes speak of their screen's fields: checked now for the screens
	 * already read, and by the schema for the others as it reads them. */
	for (size_t i = 0; i < s->nscreens; i++)
		if (s->screens[i].state != SCREEN_UNREAD)
			roles_check_screen(rs, s, &s->screens[i], errs);
	return rs;
}

void
roles_free(struct roles *rs)
{
	if (rs == NULL)
		return;
	for (size_t i = 0; i < rs->nroles; i++) {
		for (size_t g = 0; g < rs->nscreens; g++)
			rule_free(rs->roles[i].grants[g].scope);
		free(rs->roles[i].grants);
		free(rs->roles[i].name);
	}
	for (size_t i = 0; i < rs->nholders; i++) {
		free(rs->holders[i].name);
		strlist_free(&rs->holders[i].roles);
	}
	free(rs->roles);
	free(rs->holders);
	free(rs->path);
	free(rs);
}

/*
 * Role R's grant for screen SD: its own line for SD, else `*` unless SD is
 * confidential (with SD's scope either way).  TMP holds a `*` grant.
 */
static const struct grant *
role_grant(const struct role *r, size_t si, const struct screen_def *sd, struct grant *tmp)
{
	const struct grant *g = &r->grants[si];
	if (g->given || !r->star.given || sd->confidential)
		return g;
	*tmp = r->star;
	tmp->scope = g->scope;
	tmp->scope_line = g->scope_line;
	return tmp;
}

struct access *
access_for(const struct roles *rs, const struct schema *s, const char *user,
    const char *const *groups)
{
	struct access *a = xcalloc(1, sizeof *a);
	a->schema = s;
	if (rs == NULL) {
		a->reports = true;
		return a;
	}
	a->roles = xcalloc(rs->nroles + 1, sizeof *a->roles);
	bool any = false;
	for (size_t h = 0; h < rs->nholders; h++) {
		const struct holder *ho = &rs->holders[h];
		bool mine = !ho->group && strcmp(ho->name, user) == 0;
		for (size_t g = 0; ho->group && groups && groups[g] && !mine; g++)
			mine = strcmp(ho->name, groups[g]) == 0;
		if (!mine)
			continue;
		for (size_t k = 0; k < ho->roles.n; k++)
			for (size_t r = 0; r < rs->nroles; r++) {
				if (strcmp(rs->roles[r].name, ho->roles.v[k]) != 0)
					continue;
				any = true;
				size_t j;
				for (j = 0; j < a->nroles && a->roles[j] != &rs->roles[r]; j++)
					;
				if (j == a->nroles) {
					a->roles[a->nroles++] = &rs->roles[r];
					a->reports |= rs->roles[r].reports;
				}
			}
	}
	if (!any) {
		access_free(a);
		return NULL;
	}
	return a;
}

struct access *
access_for_self(const struct roles *rs, const struct schema *s)
{
	const char *user = audit_user();
	struct strlist groups = { 0 };
	/*
	 * The groups this process runs with (its effective group and the
	 * supplementary ones), which are also what the kernel checks on the
	 * database's group-owned files: someone added to a group has its rights
	 * from their next login, as they have its files.  getgrouplist would
	 * instead ask every group database nsswitch.conf names, and Debian's
	 * "files systemd" loads libnss_systemd with libcap and libm into every
	 * start (half a million instructions, a megabyte mapped) for an answer
	 * the process already holds.  getgrgid finds a name in /etc/group
	 * without going further.
	 */
	int n = getgroups(0, NULL);
	gid_t *list = xcalloc((size_t)(n > 0 ? n : 0) + 1, sizeof *list);
	list[0] = getegid();
	n = n > 0 ? getgroups(n, list + 1) : 0;
	for (int i = 0; i <= n; i++) {
		bool seen = false;
		for (int j = 0; j < i && !seen; j++)
			seen = list[j] == list[i];
		struct group *gr = seen ? NULL : getgrgid(list[i]);
		if (gr)
			strlist_add(&groups, xstrdup(gr->gr_name));
	}
	free(list);
	strlist_add(&groups, NULL);
	struct access *a = access_for(rs, s, user, (const char *const *)groups.v);
	groups.n--;
	strlist_free(&groups);
	return a;
}

void
access_free(struct access *a)
{
	if (a == NULL)
		return;
	free(a->roles);
	free(a);
}

static size_t
index_of(const struct access *a, const struct screen_def *sd)
{
	return (size_t)(sd - a->schema->screens);
}

/*
 * The union of the user's roles on SD: the highest level, export if any
 * role gives it, and whether any role gives SD unscoped (*UNSCOPED; else
 * the grants' scopes are ORed, see access_in_scope).  A roles file gives a
 * user a few roles, so this is worked out each time rather than kept.
 */
static enum access_level
union_of(const struct access *a, const struct screen_def *sd, bool *export, bool *unscoped)
{
	*export = true;
	*unscoped = true;
	if (a->roles == NULL)
		return ACCESS_DELETE;
	size_t si = index_of(a, sd);
	enum access_level level = ACCESS_NONE;
	*export = false;
	*unscoped = false;
	for (size_t r = 0; r < a->nroles; r++) {
		struct grant tmp;
		const struct grant *g = role_grant(a->roles[r], si, sd, &tmp);
		if (!g->given || g->level == ACCESS_NONE)
			continue;
		if (g->level > level)
			level = g->level;
		*export |= g->export;
		*unscoped |= g->scope == NULL;
	}
	return level;
}

enum access_level
access_level(const struct access *a, const struct screen_def *sd)
{
	bool export, unscoped;
	return a ? union_of(a, sd, &export, &unscoped) : ACCESS_DELETE;
}

bool
access_export(const struct access *a, const struct screen_def *sd)
{
	bool export = true, unscoped;
	if (a)
		(void)union_of(a, sd, &export, &unscoped);
	return export;
}

bool
access_reports(const struct access *a)
{
	return a ? a->reports : true;
}

static int
scope_resolve(void *arg, const struct rule_ref *ref, char **out, char **cause)
{
	(void)cause;
	*out = xstrdup(record_get(arg, ref->a));
	return 0;
}

bool
access_in_scope(const struct access *a, const struct screen_def *sd, const struct record *r)
{
	if (a == NULL)
		return true;
	bool export, unscoped;
	if (union_of(a, sd, &export, &unscoped) == ACCESS_NONE)
		return false;
	if (unscoped)
		return true;
	/* Every role reaching SD has a scope: R is in when one of them holds. */
	size_t si = index_of(a, sd);
	for (size_t k = 0; k < a->nroles; k++) {
		struct grant tmp;
		const struct grant *g = role_grant(a->roles[k], si, sd, &tmp);
		if (!g->given || g->level == ACCESS_NONE)
			continue;
		bool holds = false;
		char *why = NULL;
		/* A scope is strict: an empty value is outside it, unlike checks. */
		const struct rule_ref *refs;
		size_t n = rule_refs(g->scope, &refs);
		bool empty = false;
		for (size_t j = 0; j < n; j++)
			empty |= *record_get(r, refs[j].a) == '\0';
		if (!empty && rule_eval(g->scope, scope_resolve, (void *)r, "", &holds, &why) == 0 &&
		    holds)
			return true;
		free(why);
	}
	return false;
}
