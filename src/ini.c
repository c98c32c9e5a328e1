#include "ini.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <iniparser/iniparser.h>

#include "i18n.h"
#include "text.h"

/* iniparser reads lines into a 1,024-byte buffer, newline included. */
#define INI_MAX_LINE 1022

struct ini_key {
	char *name;
	unsigned hash;          /* of name, to skip most string compares */
	int line;
	int quoted;
	const char *value;      /* iniparser's, owned by the dictionary; NULL: it has none */
};

struct ini_section {
	char *name;
	unsigned hash;
	int line;
	struct ini_key *keys;
	size_t nkeys, cap;
};

struct ini {
	char *path;
	dictionary *dict;
	struct ini_section *sections;
	size_t nsections, cap;
};

static char *
lower_dup(const char *s, size_t n)
{
	char *p = xstrndup(s, n);
	for (char *q = p; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	return p;
}

/* FNV-1a of the first N bytes of S (N (size_t)-1: up to its NUL). */
static unsigned
name_hash(const char *s, size_t n)
{
	unsigned h = 2166136261u;
	for (size_t i = 0; i < n && s[i]; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static struct ini_section *
find_section_n(const struct ini *ini, const char *name, size_t n)
{
	unsigned h = name_hash(name, n);
	for (size_t i = 0; i < ini->nsections; i++)
		if (ini->sections[i].hash == h && strncmp(ini->sections[i].name, name, n) == 0 &&
		    ini->sections[i].name[n] == '\0')
			return &ini->sections[i];
	return NULL;
}

static struct ini_section *
find_section(const struct ini *ini, const char *name)
{
	return find_section_n(ini, name, strlen(name));
}

static struct ini_key *
find_key(const struct ini_section *s, const char *name)
{
	unsigned h = name_hash(name, (size_t)-1);
	for (size_t i = 0; i < s->nkeys; i++)
		if (s->keys[i].hash == h && strcmp(s->keys[i].name, name) == 0)
			return &s->keys[i];
	return NULL;
}

static void
trim_span(const char **s, size_t *n)
{
	while (*n > 0 && isspace((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/*
 * The second pass: record every section and key with its line, and find
 * what iniparser would accept silently (duplicates) or fail on without a
 * usable message.  Returns the number of errors appended.
 */
static int
scan_lines(struct ini *ini, const char *text, size_t len, struct strlist *errs)
{
	int nerr = 0, lineno = 0;
	struct ini_section *cur = NULL;
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
		const char *line = p;
		p = eol ? eol + 1 : end;
		lineno++;

		if (n > INI_MAX_LINE) {
			strlist_addf(errs, _("%s:%d: line too long (%zu bytes, at most %d)"),
			    ini->path, lineno, n, INI_MAX_LINE);
			nerr++;
			continue;
		}
		if (!text_valid_utf8(line, n)) {
			strlist_addf(errs, _("%s:%d: not valid UTF-8"), ini->path, lineno);
			nerr++;
			continue;
		}
		trim_span(&line, &n);
		/* iniparser joins the next line to a line that ends in '\\',
		 * comments included, where this scan sees two: a key of the
		 * next line would be listed here yet missing there, and read
		 * back as "" (found by tests/fuzz/fuzz_ini.c). */
		if (n > 0 && line[n - 1] == '\\') {
			strlist_addf(errs, _("%s:%d: a line cannot end in '\\' (it would go on "
			    "to the next line)"), ini->path, lineno);
			nerr++;
			continue;
		}
		if (n == 0 || line[0] == ';' || line[0] == '#')
			continue;
		if (line[0] == '[') {
			const char *close = memchr(line, ']', n);
			if (close == NULL) {
				strlist_addf(errs, _("%s:%d: section header without ']'"), ini->path, lineno);
				nerr++;
				cur = NULL;
				continue;
			}
			/* iniparser takes a line for a section only when it ends
			 * in ']': "[b]x = 1" is a key "[b]x" there, a section
			 * here (found by tests/fuzz/fuzz_ini.c). */
			if (line[n - 1] != ']') {
				strlist_addf(errs, _("%s:%d: text after ']' of a section header"),
				    ini->path, lineno);
				nerr++;
				cur = NULL;
				continue;
			}
			const char *name = line + 1;
			size_t nn = (size_t)(close - name);
			trim_span(&name, &nn);
			char *lname = lower_dup(name, nn);
			if (nn == 0 || strchr(lname, ':') != NULL) {
				strlist_addf(errs, _("%s:%d: bad section name '%s'"), ini->path, lineno, lname);
				nerr++;
				free(lname);
				cur = NULL;
				continue;
			}
			if ((cur = find_section(ini, lname)) != NULL) {
				strlist_addf(errs, _("%s:%d: section [%s] already given at line %d"),
				    ini->path, lineno, lname, cur->line);
				nerr++;
				free(lname);
				continue;
			}
			ini->sections = xgrow(ini->sections, &ini->cap, ini->nsections + 1,
			    sizeof *ini->sections);
			cur = &ini->sections[ini->nsections++];
			memset(cur, 0, sizeof *cur);
			cur->name = lname;
			cur->hash = name_hash(lname, (size_t)-1);
			cur->line = lineno;
			continue;
		}
		const char *eq = memchr(line, '=', n);
		if (eq == NULL) {
			strlist_addf(errs, _("%s:%d: expected 'key = value' or '[section]'"), ini->path, lineno);
			nerr++;
			continue;
		}
		const char *key = line;
		size_t kn = (size_t)(eq - line);
		trim_span(&key, &kn);
		if (kn == 0) {
			strlist_addf(errs, _("%s:%d: empty key name"), ini->path, lineno);
			nerr++;
			continue;
		}
		if (cur == NULL) {
			strlist_addf(errs, _("%s:%d: key outside any [section]"), ini->path, lineno);
			nerr++;
			continue;
		}
		char *lkey = lower_dup(key, kn);
		const struct ini_key *prev = find_key(cur, lkey);
		if (prev != NULL) {
			strlist_addf(errs, _("%s:%d: '%s' already set at line %d"), ini->path, lineno,
			    lkey, prev->line);
			nerr++;
			free(lkey);
			continue;
		}
		cur->keys = xgrow(cur->keys, &cur->cap, cur->nkeys + 1, sizeof *cur->keys);
		cur->keys[cur->nkeys].name = lkey;
		cur->keys[cur->nkeys].hash = name_hash(lkey, (size_t)-1);
		cur->keys[cur->nkeys].value = NULL;
		cur->keys[cur->nkeys].line = lineno;
		const char *val = eq + 1;
		size_t vn = n - (size_t)(val - line);
		trim_span(&val, &vn);
		cur->keys[cur->nkeys].quoted = vn >= 2 && (val[0] == '\'' || val[0] == '"') &&
		    val[vn - 1] == val[0];
		cur->nkeys++;
	}
	return nerr;
}

/* iniparser reports through a global callback; its messages are not needed
 * since the line scan already reported the same faults with better words. */
static int
quiet_errback(const char *fmt, ...)
{
	(void)fmt;
	return 0;
}

static int
read_file(const char *path, char **text, size_t *len, struct strlist *errs)
{
	if (read_whole_file(path, text, len) != 0) {
		if (errno == EIO)
			strlist_addf(errs, _("%s:0: read error"), path);
		else
			strlist_addf(errs, _("%s:0: cannot read: %s"), path, strerror(errno));
		return -1;
	}
	if (memchr(*text, '\0', *len) != NULL) {
		strlist_addf(errs, _("%s:0: holds a NUL byte: not a text file"), path);
		free(*text);
		return -1;
	}
	return 0;
}

/*
 * Point each key of the line scan at iniparser's value, once: a load
 * reads some thousand values, and iniparser_getstring per read (a
 * "section:key" string built, lower-cased, hashed, and every entry of the
 * dictionary compared) cost more than parsing the files.  The values stay
 * iniparser's: this walks its dictionary (the public struct of
 * <iniparser/dictionary.h>, as iniparser's own getsecname does), whose
 * keys are "section" and "section:key", lower-cased.  A key iniparser
 * does not have keeps NULL, read as "" (the scan refuses the lines the two
 * read differently, so that is not expected).
 */
static void
attach_values(struct ini *ini)
{
	const dictionary *d = ini->dict;
	struct ini_section *sec = NULL;
	size_t next = 0;        /* the key expected next in SEC: both go in file order */
	for (ssize_t i = 0; i < d->size; i++) {
		const char *k = d->key[i];
		if (k == NULL)
			continue;
		const char *colon = strchr(k, ':');
		if (colon == NULL)
			continue;       /* a section's own entry */
		size_t sn = (size_t)(colon - k);
		if (sec == NULL || strncmp(sec->name, k, sn) != 0 || sec->name[sn] != '\0') {
			sec = find_section_n(ini, k, sn);
			next = 0;
			if (sec == NULL)
				continue;
		}
		struct ini_key *key = next < sec->nkeys && strcmp(sec->keys[next].name, colon + 1) == 0 ?
		    &sec->keys[next] : find_key(sec, colon + 1);
		if (key == NULL)
			continue;
		key->value = d->val[i];
		next = (size_t)(key - sec->keys) + 1;
	}
}

struct ini *
ini_load(const char *path, struct strlist *errs)
{
	char *text;
	size_t len;
	if (read_file(path, &text, &len, errs) != 0)
		return NULL;

	struct ini *ini = xcalloc(1, sizeof *ini);
	ini->path = xstrdup(path);
	int nerr = scan_lines(ini, text, len, errs);
	free(text);
	if (nerr > 0) {
		ini_free(ini);
		return NULL;
	}
	iniparser_set_error_callback(quiet_errback);
	ini->dict = iniparser_load(path);
	iniparser_set_error_callback(NULL);
	if (ini->dict == NULL) {
		strlist_addf(errs, _("%s:0: cannot be parsed"), path);
		ini_free(ini);
		return NULL;
	}
	attach_values(ini);
	return ini;
}

void
ini_free(struct ini *ini)
{
	if (ini == NULL)
		return;
	for (size_t i = 0; i < ini->nsections; i++) {
		for (size_t k = 0; k < ini->sections[i].nkeys; k++)
			free(ini->sections[i].keys[k].name);
		free(ini->sections[i].keys);
		free(ini->sections[i].name);
	}
	free(ini->sections);
	if (ini->dict)
		iniparser_freedict(ini->dict);
	free(ini->path);
	free(ini);
}

const char *
ini_path(const struct ini *ini)
{
	return ini->path;
}

size_t
ini_nsections(const struct ini *ini)
{
	return ini->nsections;
}

const char *
ini_section(const struct ini *ini, size_t n)
{
	return n < ini->nsections ? ini->sections[n].name : NULL;
}

int
ini_has_section(const struct ini *ini, const char *section)
{
	return find_section(ini, section) != NULL;
}

size_t
ini_nkeys(const struct ini *ini, const char *section)
{
	const struct ini_section *s = find_section(ini, section);
	return s ? s->nkeys : 0;
}

const char *
ini_key(const struct ini *ini, const char *section, size_t n)
{
	const struct ini_section *s = find_section(ini, section);
	return s && n < s->nkeys ? s->keys[n].name : NULL;
}

const char *
ini_get(const struct ini *ini, const char *section, const char *key)
{
	const struct ini_section *s = find_section(ini, section);
	const struct ini_key *k = s ? find_key(s, key) : NULL;
	if (k == NULL)
		return NULL;
	/* iniparser's own value (attach_values); its typed getters are never
	 * used: Debian's iniparser 4.1 crashes in them on a section name. */
	return k->value ? k->value : "";
}

int
ini_quoted(const struct ini *ini, const char *section, const char *key)
{
	const struct ini_section *s = find_section(ini, section);
	const struct ini_key *k = s ? find_key(s, key) : NULL;
	return k ? k->quoted : 0;
}

int
ini_line(const struct ini *ini, const char *section, const char *key)
{
	const struct ini_section *s = find_section(ini, section);
	if (s == NULL)
		return 0;
	if (key == NULL)
		return s->line;
	const struct ini_key *k = find_key(s, key);
	return k ? k->line : 0;
}

int
ini_get_bool(const struct ini *ini, const char *section, const char *key, int def,
    struct strlist *errs)
{
	const char *v = ini_get(ini, section, key);
	if (v == NULL)
		return def;
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	}
	strlist_addf(errs, _("%s:%d: %s: expected yes or no, not '%s'"), ini->path,
	    ini_line(ini, section, key), key, v);
	return def;
}

long
ini_get_long(const struct ini *ini, const char *section, const char *key, long def,
    long min, long max, struct strlist *errs)
{
	const char *v = ini_get(ini, section, key);
	if (v == NULL)
		return def;
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < min || n > max) {
		strlist_addf(errs, _("%s:%d: %s: expected a whole number from %ld to %ld, not '%s'"),
		    ini->path, ini_line(ini, section, key), key, min, max, v);
		return def;
	}
	return n;
}
