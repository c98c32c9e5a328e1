/*
 * country.c - ISO 3166-1 countries from iso-codes' JSON file and its
 * Japanese gettext catalogue.
 *
 * Neither file goes through a library: the JSON reader below knows just
 * enough JSON to walk any shape of file and pick the objects that have an
 * "alpha_2", and the catalogue is read by catalog.h, not through gettext():
 * that is what makes Japanese names independent of the locale.
 */
#include "country.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "i18n.h"
#include "util.h"

#ifndef ISO_CODES_JSON
#define ISO_CODES_JSON "/usr/share/iso-codes/json/iso_3166-1.json"
#endif
#ifndef ISO_CODES_MO_JA
#define ISO_CODES_MO_JA "/usr/share/locale/ja/LC_MESSAGES/iso_3166-1.mo"
#endif

/* Files larger than this are not iso-codes files; refuse rather than read. */
#define MAX_FILE (64L * 1024 * 1024)
/* JSON nesting deeper than this is not iso-codes either. */
#define MAX_DEPTH 32

struct country {
	char code[3];
	char *en;                   /* common_name or name */
	char *name;                 /* the JSON "name", for catalogue look-up */
	char *common;               /* the JSON "common_name", or NULL */
	char *ja;                   /* from the catalogue, or NULL */
	char *over[LANG_COUNT];     /* set by conf, or NULL */
};

struct table {
	struct country *v;
	size_t n, cap;
	bool have_ja;
};

/* An override set before the table was loaded: applied when it is. */
struct pending_override {
	char code[3];
	enum lang lang;
	char *name;
};

/* The one process-wide table (see country.h). */
static struct {
	struct table t;
	bool loaded;
	char *error;                /* why the last default load failed */
	struct pending_override *pending;
	size_t npending;
} state;

static void apply_pending(void);

static void
country_free(struct country *c)
{
	free(c->en);
	free(c->name);
	free(c->common);
	free(c->ja);
	for (int l = 0; l < LANG_COUNT; l++)
		free(c->over[l]);
}

static void
table_free(struct table *t)
{
	for (size_t i = 0; i < t->n; i++)
		country_free(&t->v[i]);
	free(t->v);
	memset(t, 0, sizeof *t);
}

static int
read_whole(const char *path, char **buf, size_t *len, char **cause)
{
	if (read_whole_file(path, buf, len) != 0)
		return errno == EIO ? fail(cause, "%s: read error", path) :
		    fail_raw(cause, "%s: %s", path, strerror(errno));
	if (*len > (size_t)MAX_FILE) {
		free(*buf);
		return fail(cause, "%s: too large for an iso-codes file", path);
	}
	return 0;
}

/* --- a tolerant JSON walker ------------------------------------------------ */

struct json {
	const char *base, *p, *end;
	const char *path;
	struct table *t;
};

static int
json_fail(struct json *j, char **cause, const char *what)
{
	return fail(cause, "%s: not a JSON file of iso-codes (%s at byte %ld)",
	    j->path, _(what), (long)(j->p - j->base));
}

static void
json_space(struct json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int
hex4(const char *p, const char *end, unsigned *v)
{
	*v = 0;
	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		unsigned d;
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -1;
		*v = *v * 16 + d;
	}
	return 0;
}

static void
add_utf8(struct strbuf *sb, unsigned cp)
{
	char b[4];
	if (cp < 0x80) {
		sb_addc(sb, (char)cp);
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3F));
		sb_add(sb, b, 2);
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		sb_add(sb, b, 3);
	} else {
		b[0] = (char)(0xF0 | cp >> 18);
		b[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		b[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		sb_add(sb, b, 4);
	}
}

/* A string at j->p (which is at its opening quote); *out is malloc'd. */
static int
json_string(struct json *j, char **out, char **cause)
{
	struct strbuf sb = SB_INIT;
	j->p++;
	while (j->p < j->end && *j->p != '"') {
		if (*j->p != '\\') {
			sb_addc(&sb, *j->p++);
			continue;
		}
		if (++j->p >= j->end)
			break;
		char c = *j->p++;
		unsigned cp, lo;
		switch (c) {
		case 'b': sb_addc(&sb, '\b'); break;
		case 'f': sb_addc(&sb, '\f'); break;
		case 'n': sb_addc(&sb, '\n'); break;
		case 'r': sb_addc(&sb, '\r'); break;
		case 't': sb_addc(&sb, '\t'); break;
		case 'u':
			if (hex4(j->p, j->end, &cp) < 0)
				goto bad;
			j->p += 4;
			if (cp >= 0xD800 && cp <= 0xDBFF && j->end - j->p >= 6 &&
			    j->p[0] == '\\' && j->p[1] == 'u' &&
			    hex4(j->p + 2, j->end, &lo) == 0 && lo >= 0xDC00 && lo <= 0xDFFF) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				j->p += 6;
			}
			if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
				cp = 0xFFFD;
			add_utf8(&sb, cp);
			break;
		default:        /* \" \\ \/ and anything else: the character itself */
			sb_addc(&sb, c);
			break;
		}
	}
	if (j->p >= j->end)
		goto bad;
	j->p++;
	*out = sb_detach(&sb);
	return 0;
bad:
	sb_free(&sb);
	return json_fail(j, cause, N_("unterminated string"));
}

static int json_value(struct json *j, int depth, char **cause);

static bool
is_alpha2(const char *s)
{
	return s != NULL && strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' &&
	    s[1] >= 'A' && s[1] <= 'Z';
}

static void
table_add(struct table *t, const char *code, char *name, char *common)
{
	t->v = xgrow(t->v, &t->cap, t->n + 1, sizeof *t->v);
	struct country *c = &t->v[t->n++];
	memset(c, 0, sizeof *c);
	memcpy(c->code, code, 3);
	c->name = name;
	c->common = common;
	c->en = xstrdup(common != NULL && common[0] != '\0' ? common : name);
}

/*
 * An object: its string members are looked at, anything else walked over.
 * An object with an alpha_2 and a name is a country, at whatever depth.
 */
static int
json_object(struct json *j, int depth, char **cause)
{
	char *alpha2 = NULL, *name = NULL, *common = NULL;
	int rc = -1;
	j->p++;
	json_space(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		return 0;
	}
	for (;;) {
		char *key = NULL, *val = NULL;
		json_space(j);
		if (j->p >= j->end || *j->p != '"') {
			json_fail(j, cause, N_("expected a member name"));
			goto out;
		}
		if (json_string(j, &key, cause) < 0)
			goto out;
		json_space(j);
		if (j->p >= j->end || *j->p != ':') {
			free(key);
			json_fail(j, cause, N_("expected ':'"));
			goto out;
		}
		j->p++;
		json_space(j);
		if (j->p < j->end && *j->p == '"') {
			if (json_string(j, &val, cause) < 0) {
				free(key);
				goto out;
			}
			char **slot = strcmp(key, "alpha_2") == 0 ? &alpha2 :
			    strcmp(key, "name") == 0 ? &name :
			    strcmp(key, "common_name") == 0 ? &common : NULL;
			if (slot != NULL) {
				free(*slot);    /* a repeated key: the last wins */
				*slot = val;
			} else
				free(val);
		} else if (json_value(j, depth + 1, cause) < 0) {
			free(key);
			goto out;
		}
		free(key);
		json_space(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == '}') {
			j->p++;
			break;
		}
		json_fail(j, cause, N_("expected ',' or '}'"));
		goto out;
	}
	if (is_alpha2(alpha2) && name != NULL && name[0] != '\0') {
		table_add(j->t, alpha2, name, common);
		name = common = NULL;
	}
	rc = 0;
out:
	free(alpha2);
	free(name);
	free(common);
	return rc;
}

static int
json_value(struct json *j, int depth, char **cause)
{
	if (depth > MAX_DEPTH)
		return json_fail(j, cause, N_("nested too deeply"));
	json_space(j);
	if (j->p >= j->end)
		return json_fail(j, cause, N_("unexpected end"));
	if (*j->p == '{')
		return json_object(j, depth, cause);
	if (*j->p == '"') {
		char *s;
		if (json_string(j, &s, cause) < 0)
			return -1;
		free(s);
		return 0;
	}
	if (*j->p == '[') {
		j->p++;
		json_space(j);
		if (j->p < j->end && *j->p == ']') {
			j->p++;
			return 0;
		}
		for (;;) {
			if (json_value(j, depth + 1, cause) < 0)
				return -1;
			json_space(j);
			if (j->p < j->end && *j->p == ',') {
				j->p++;
				continue;
			}
			if (j->p < j->end && *j->p == ']') {
				j->p++;
				return 0;
			}
			return json_fail(j, cause, N_("expected ',' or ']'"));
		}
	}
	/* A number, true, false or null: nothing here needs its value. */
	const char *start = j->p;
	while (j->p < j->end && strchr("+-.0123456789eEtrufalsn", *j->p) != NULL)
		j->p++;
	if (j->p == start)
		return json_fail(j, cause, N_("unexpected character"));
	return 0;
}

/* --- loading ----------------------------------------------------------------- */

static int
cmp_code(const void *a, const void *b)
{
	return strcmp(((const struct country *)a)->code, ((const struct country *)b)->code);
}

static int
load_table(const char *json_path, const char *mo_path, struct table *t, char **cause)
{
	char *buf = NULL;
	size_t len = 0;
	memset(t, 0, sizeof *t);

	if (read_whole(json_path, &buf, &len, cause) < 0) {
		char *why = *cause;
		int rc = fail(cause, "%s (the iso-codes package provides it)", why);
		free(why);
		return rc;
	}
	struct json j = { buf, buf, buf + len, json_path, t };
	if (json_value(&j, 0, cause) < 0)
		goto bad;
	if (t->n == 0) {
		fail(cause, "%s: no countries found", json_path);
		goto bad;
	}
	free(buf);
	buf = NULL;

	qsort(t->v, t->n, sizeof *t->v, cmp_code);
	size_t w = 0;
	for (size_t r = 0; r < t->n; r++) {
		if (w > 0 && strcmp(t->v[w - 1].code, t->v[r].code) == 0) {
			country_free(&t->v[r]);         /* a duplicate code: the first wins */
			continue;
		}
		t->v[w++] = t->v[r];
	}
	t->n = w;

	struct catalog *cat = NULL;
	if (mo_path != NULL && catalog_open(mo_path, &cat, NULL) == 0) {
		t->have_ja = true;
		for (size_t i = 0; i < t->n; i++) {
			struct country *c = &t->v[i];
			const char *ja = c->common != NULL ? catalog_get(cat, NULL, c->common) : NULL;
			if (ja == NULL)
				ja = catalog_get(cat, NULL, c->name);
			if (ja != NULL)
				c->ja = xstrdup(ja);
		}
		catalog_free(cat);
	}
	return 0;
bad:
	free(buf);
	table_free(t);
	return -1;
}

int
country_load_from(const char *json_path, const char *mo_path, char **cause)
{
	struct table t;
	if (load_table(json_path, mo_path, &t, cause) < 0)
		return -1;
	table_free(&state.t);
	state.t = t;
	state.loaded = true;
	free(state.error);
	state.error = NULL;
	apply_pending();
	return 0;
}

int
country_load(char **cause)
{
	if (state.loaded)
		return 0;
	if (state.error != NULL)
		return fail_raw(cause, "%s", state.error);
	char *why = NULL;
	if (country_load_from(ISO_CODES_JSON, ISO_CODES_MO_JA, &why) < 0) {
		state.error = why;
		return fail_raw(cause, "%s", why);
	}
	return 0;
}

void
country_unload(void)
{
	for (size_t i = 0; i < state.npending; i++)
		free(state.pending[i].name);
	free(state.pending);
	state.pending = NULL;
	state.npending = 0;
	table_free(&state.t);
	state.loaded = false;
	free(state.error);
	state.error = NULL;
}

static struct country *
find(const char *alpha2)
{
	if (alpha2 == NULL || country_load(NULL) < 0)
		return NULL;
	char key[3];
	for (int i = 0; i < 2; i++) {
		char c = alpha2[i];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c < 'A' || c > 'Z')
			return NULL;
		key[i] = c;
	}
	if (alpha2[2] != '\0')
		return NULL;
	key[2] = '\0';
	size_t lo = 0, hi = state.t.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(key, state.t.v[mid].code);
		if (r == 0)
			return &state.t.v[mid];
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

size_t
country_count(void)
{
	return country_load(NULL) < 0 ? 0 : state.t.n;
}

const char *
country_code_at(size_t i)
{
	if (country_load(NULL) < 0 || i >= state.t.n)
		return NULL;
	return state.t.v[i].code;
}

bool
country_valid(const char *alpha2)
{
	return find(alpha2) != NULL;
}

const char *
country_name(const char *alpha2, enum lang lang)
{
	struct country *c = find(alpha2);
	if (c == NULL)
		return NULL;
	if ((int)lang < 0 || (int)lang >= LANG_COUNT)
		lang = LANG_JA;
	if (c->over[lang] != NULL)
		return c->over[lang];
	if (lang == LANG_JA && c->ja != NULL)
		return c->ja;
	return c->en;
}

static bool
same_name(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return false;
	for (; *a && *b; a++, b++) {
		char x = *a, y = *b;
		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return *a == *b;
}

const char *
country_find_name(const char *name)
{
	if (name == NULL || name[0] == '\0' || country_load(NULL) < 0)
		return NULL;
	for (size_t i = 0; i < state.t.n; i++) {
		struct country *c = &state.t.v[i];
		if (same_name(name, c->over[LANG_JA]) || same_name(name, c->over[LANG_EN]) ||
		    same_name(name, c->ja) || same_name(name, c->en) ||
		    same_name(name, c->name) || same_name(name, c->common))
			return c->code;
	}
	return NULL;
}

/*
 * Overrides come from conf at every start, but the table (iso-codes' JSON
 * and catalogue) is loaded only when a country is first needed: until
 * then they wait here, so a start that shows no country does not pay for
 * loading them.  An unknown code is then dropped (lgotp check reports it).
 */
static void
apply_pending(void)
{
	struct pending_override *p = state.pending;
	size_t n = state.npending;
	state.pending = NULL;
	state.npending = 0;
	for (size_t i = 0; i < n; i++) {
		(void)country_set_override(p[i].code, p[i].lang, p[i].name);
		free(p[i].name);
	}
	free(p);
}

int
country_set_override(const char *alpha2, enum lang lang, const char *name)
{
	if (!state.loaded && state.error == NULL && alpha2 != NULL && strlen(alpha2) == 2 &&
	    (int)lang >= 0 && (int)lang < LANG_COUNT) {
		state.pending = xrealloc(state.pending, (state.npending + 1) * sizeof *state.pending);
		struct pending_override *p = &state.pending[state.npending++];
		memcpy(p->code, alpha2, 3);
		p->lang = lang;
		p->name = name ? xstrdup(name) : NULL;
		return 0;
	}
	struct country *c = find(alpha2);
	if (c == NULL || (int)lang < 0 || (int)lang >= LANG_COUNT)
		return -1;
	free(c->over[lang]);
	c->over[lang] = name != NULL && name[0] != '\0' ? xstrdup(name) : NULL;
	return 0;
}

bool
country_has_japanese(void)
{
	return country_load(NULL) == 0 && state.t.have_ja;
}
