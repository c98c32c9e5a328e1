#include "schema.h"

#include <dirent.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "country.h"
#include "derive.h"
#include "ftype.h"
#include "i18n.h"
#include "ini.h"
#include "roles.h"
#include "rule.h"
#include "text.h"

/* The screen is laid out for this size at least (SPEC: fully usable at 80x24). */
#define SCREEN_COLS 80
#define SCREEN_ROWS 24
/* Rows the form cannot use: title, status line, key line, a blank. */
#define RESERVED_ROWS 4

static const char *const screen_keys[] = {
	"title_ja", "title_en", "key", "list", "search", "label", "label_en", "fy", "confidential",
	"hint_ja", "hint_en", "verify", NULL
};
static const char *const field_keys[] = {
	"label_ja", "label_en", "type", "width", "required", "carry", "autoskip", "default",
	"ref", "min", "max", "row", "col", "derive", "kana", "compute", "readonly", "order",
	"except", "log", NULL
};
static const char *const settings_sections[] = { "database", "survey", "display", "paths",
	"verify", NULL };
static const char *const settings_keys[] = {
	"database:dir", "survey:year", "display:lang", "display:lean", "paths:screens",
	"paths:years", "verify:new_keyer", "verify:sample", "verify:max_error_rate", NULL
};

static int
in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

static int
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* FMT: an English msgid (ERR and err_at are xgettext keywords, i18n.h), said in the
 * UI language after "FILE:LINE: ". */
#define ERR(ini, line, ...) err_at(errs, ini_path(ini), line, __VA_ARGS__)

static void __attribute__((format(printf, 4, 5)))
err_at(struct strlist *errs, const char *path, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(_(fmt), ap);
	va_end(ap);
	strlist_addf(errs, "%s:%d: %s", path, line, msg);
	free(msg);
}

int
schema_field_index(const struct screen_def *sd, const char *id)
{
	for (size_t i = 0; i < sd->nfields; i++)
		if (strcmp(sd->fields[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* A comma-separated list of field ids into indexes; each unknown one is an error. */
static size_t *
field_list(const struct ini *ini, const char *sec, const char *key, const struct screen_def *sd,
    size_t *n, struct strlist *errs)
{
	*n = 0;
	const char *v = ini_get(ini, sec, key);
	if (v == NULL || *v == '\0')
		return NULL;
	struct strlist parts = { 0 };
	split_trim(v, ',', &parts);
	size_t *idx = xcalloc(parts.n, sizeof *idx);
	for (size_t i = 0; i < parts.n; i++) {
		int fi = schema_field_index(sd, parts.v[i]);
		if (fi < 0)
			ERR(ini, ini_line(ini, sec, key), "%s: no field '%s' on this screen", key,
			    parts.v[i]);
		else
			idx[(*n)++] = (size_t)fi;
	}
	strlist_free(&parts);
	return idx;
}

static char *
dup_or_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

static void
load_choices(const struct ini *ini, const char *sec, struct field_def *f, struct strlist *errs)
{
	size_t nk = ini_nkeys(ini, sec);
	for (size_t k = 0; k < nk; k++) {
		const char *key = ini_key(ini, sec, k);
		if (!starts_with(key, "choice."))
			continue;
		const char *code = key + strlen("choice.");
		const char *v = ini_get(ini, sec, key);
		int line = ini_line(ini, sec, key);
		if (*code == '\0') {
			ERR(ini, line, "choice without a code: write choice.CODE = 日本語 | English");
			continue;
		}
		struct strlist parts = { 0 };
		split_trim(v, '|', &parts);
		if (parts.n != 2 || !*parts.v[0] || !*parts.v[1]) {
			ERR(ini, line, "%s: expected '日本語 | English'", key);
			strlist_free(&parts);
			continue;
		}
		f->choices = xrealloc(f->choices, (f->nchoices + 1) * sizeof *f->choices);
		struct choice *c = &f->choices[f->nchoices++];
		c->code = xstrdup(code);
		c->label[LANG_JA] = parts.v[0];
		c->label[LANG_EN] = parts.v[1];
		free(parts.v);
	}
}

static void
load_derive(const struct ini *ini, const char *sec, struct screen_def *sd, struct field_def *f,
    struct strlist *errs)
{
	const char *v = ini_get(ini, sec, "derive");
	const char *key = "derive";
	if (ini_get(ini, sec, "compute")) {
		if (v != NULL)
			ERR(ini, ini_line(ini, sec, "compute"), "give derive or compute, not both");
		v = ini_get(ini, sec, "compute");
		key = "compute";
		f->compute = f->readonly = true;
	}
	if (v == NULL)
		return;
	int line = ini_line(ini, sec, key);
	const char *open = strchr(v, '('), *close = strrchr(v, ')');
	if (open == NULL || close == NULL || close < open || close[1] != '\0') {
		ERR(ini, line, "%s: expected NAME(FIELD, ...), one of %s", key, derive_names());
		return;
	}
	char *raw = xstrndup(v, (size_t)(open - v));
	char *name = trim_dup(raw);
	free(raw);
	const struct derivation *d = derive_find(name);
	if (d == NULL) {
		ERR(ini, line, "%s: unknown '%s'; known: %s", key, name, derive_names());
		free(name);
		return;
	}
	free(name);
	char *inner = xstrndup(open + 1, (size_t)(close - open - 1));
	struct strlist args = { 0 };
	split_trim(inner, ',', &args);
	free(inner);
	if (d->nargs >= 0 ? args.n != (size_t)d->nargs : args.n == 0) {
		ERR(ini, line, "%s: %s takes %d field(s), not %zu", key, d->name, d->nargs, args.n);
		strlist_free(&args);
		return;
	}
	f->derive_args = xcalloc(args.n, sizeof *f->derive_args);
	for (size_t i = 0; i < args.n; i++) {
		int fi = schema_field_index(sd, args.v[i]);
		if (fi < 0) {
			ERR(ini, line, "%s: no field '%s' on this screen", key, args.v[i]);
			strlist_free(&args);
			return;
		}
		f->derive_args[i] = (size_t)fi;
	}
	f->nderive_args = args.n;
	f->derive = d;
	strlist_free(&args);
}

/* The field sections, first pass: ids, so lists and derivations can name them. */
static void
load_field(const struct ini *ini, const char *sec, struct field_def *f, struct strlist *errs)
{
	int line = ini_line(ini, sec, NULL);
	f->line = line;
	f->row = f->col = -1;
	f->min = 1;
	f->max = 0;
	size_t nk = ini_nkeys(ini, sec);
	for (size_t k = 0; k < nk; k++) {
		const char *key = ini_key(ini, sec, k);
		if (!in_list(field_keys, key) && !starts_with(key, "choice."))
			ERR(ini, ini_line(ini, sec, key), "unknown key '%s' in [%s]", key, sec);
	}
	for (int l = 0; l < LANG_COUNT; l++) {
		const char *key = l == LANG_JA ? "label_ja" : "label_en";
		const char *v = ini_get(ini, sec, key);
		if (v == NULL || *v == '\0') {
			ERR(ini, line, "[%s] needs %s", sec, key);
			v = f->id;
		} else if (text_has_control(v)) {
			ERR(ini, ini_line(ini, sec, key), "%s: control character", key);
		}
		f->label[l] = xstrdup(v);
	}
	const char *type = ini_get(ini, sec, "type");
	if (type == NULL) {
		ERR(ini, line, "[%s] needs a type", sec);
	} else if ((f->type = ftype_find(type)) == NULL) {
		struct strbuf known = SB_INIT;
		for (const struct ftype *const *t = ftype_all(); *t; t++)
			sb_addf(&known, "%s%s", known.len ? ", " : "", (*t)->name);
		ERR(ini, ini_line(ini, sec, "type"), "unknown type '%s'; known: %s", type,
		    known.s ? known.s : "");
		sb_free(&known);
	}
	f->width = (int)ini_get_long(ini, sec, "width", 0, 1, SCREEN_COLS, errs);
	f->required = ini_get_bool(ini, sec, "required", 0, errs);
	f->carry = ini_get_bool(ini, sec, "carry", 0, errs);
	f->autoskip = ini_get_bool(ini, sec, "autoskip", 0, errs);
	f->kana = ini_get_bool(ini, sec, "kana", 0, errs);
	f->readonly = ini_get_bool(ini, sec, "readonly", 0, errs);
	f->log_field = -1;
	const char *order = ini_get(ini, sec, "order");
	if (order && strcmp(order, "forward") == 0)
		f->order_forward = true;
	else if (order)
		ERR(ini, ini_line(ini, sec, "order"), "order: only 'forward' is known, not '%s'", order);
	f->default_value = dup_or_null(ini_get(ini, sec, "default"));
	f->ref = dup_or_null(ini_get(ini, sec, "ref"));
	if (ini_get(ini, sec, "min") || ini_get(ini, sec, "max")) {
		f->min = ini_get_long(ini, sec, "min", 0, -999999999999L, 999999999999L, errs);
		f->max = ini_get_long(ini, sec, "max", 999999999999L, -999999999999L, 999999999999L,
		    errs);
		if (f->min > f->max)
			ERR(ini, ini_line(ini, sec, "min"), "min is greater than max");
	}
	f->row = (int)ini_get_long(ini, sec, "row", -1, 1, SCREEN_ROWS - RESERVED_ROWS, errs);
	f->col = (int)ini_get_long(ini, sec, "col", -1, 0, SCREEN_COLS - 1, errs);
	load_choices(ini, sec, f, errs);
	const char *except = ini_get(ini, sec, "except");
	if (except) {
		struct strlist codes = { 0 };
		split_trim(except, ',', &codes);
		for (size_t i = 0; i < codes.n; i++) {
			size_t c;
			for (c = 0; c < f->nchoices && strcmp(f->choices[c].code, codes.v[i]) != 0; c++)
				;
			if (c == f->nchoices)
				ERR(ini, ini_line(ini, sec, "except"), "except: '%s' is not one of the choices",
				    codes.v[i]);
		}
		f->order_except = codes.v;
		f->norder_except = codes.n;
	}

	if (f->type == NULL)
		return;
	int is_choice = strcmp(f->type->name, "choice") == 0;
	if (is_choice && f->nchoices == 0)
		ERR(ini, line, "[%s] is a choice with no choice.CODE lines", sec);
	if (!is_choice && f->nchoices > 0)
		ERR(ini, line, "[%s] has choices but is of type %s", sec, f->type->name);
	if (strcmp(f->type->name, "ref") == 0 && f->ref == NULL)
		ERR(ini, line, "[%s] is a ref and needs ref = SCREEN", sec);
	/* Widths the type fixes are the type's to say; the rest must be given. */
	if (f->width == 0) {
		int w = 0;
		if (is_choice)
			for (size_t i = 0; i < f->nchoices; i++)
				if (text_width(f->choices[i].code) > w)
					w = text_width(f->choices[i].code);
		static const struct { const char *type; int width; } fixed[] = {
			{ "date", 10 }, { "fy", 4 }, { "lgcode", 6 }, { "country", 2 },
		};
		for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
			if (strcmp(f->type->name, fixed[i].type) == 0)
				w = fixed[i].width;
		if (w == 0)
			ERR(ini, line, "[%s] needs a width (columns)", sec);
		f->width = w ? w : 1;
	}
}

/* The field named ID on SD, or -1 after an error at LINE. */
static int
import_field(const struct ini *ini, int line, const struct screen_def *sd, const char *id,
    struct strlist *errs)
{
	int fi = schema_field_index(sd, id);
	if (fi < 0)
		ERR(ini, line, "no field '%s' on this screen", id);
	return fi;
}

/* `record.N = HEADER: FIELD=VALUE, ...` into RC; 0, or -1 after errors. */
static int
load_import_record(const struct ini *ini, int line, const struct screen_def *sd, const char *v,
    struct import_record *rc, struct strlist *errs)
{
	const char *colon = strchr(v, ':');
	if (colon == NULL || colon == v) {
		ERR(ini, line, "record: HEADER: FIELD=VALUE, ... (VALUE $ is the cell under HEADER)");
		return -1;
	}
	char *header = xstrndup(v, (size_t)(colon - v));
	rc->header = trim_dup(header);
	free(header);
	struct strlist parts = { 0 };
	split_trim(colon + 1, ',', &parts);
	int bad = 0;
	for (size_t p = 0; p < parts.n; p++) {
		char *eq = strchr(parts.v[p], '=');
		if (eq == NULL) {
			ERR(ini, line, "record: '%s' is not FIELD=VALUE", parts.v[p]);
			bad = 1;
			continue;
		}
		*eq = '\0';
		char *id = trim_dup(parts.v[p]), *val = trim_dup(eq + 1);
		int fi = import_field(ini, line, sd, id, errs);
		for (size_t s = 0; fi >= 0 && s < rc->nsets; s++)
			if (rc->sets[s].field == (size_t)fi) {
				ERR(ini, line, "record: field '%s' set twice", id);
				fi = -1;
			}
		if (fi < 0) {
			bad = 1;
		} else {
			rc->sets = xrealloc(rc->sets, (rc->nsets + 1) * sizeof *rc->sets);
			rc->sets[rc->nsets].field = (size_t)fi;
			rc->sets[rc->nsets++].value = strcmp(val, "$") == 0 ? NULL : xstrdup(val);
		}
		free(id);
		free(val);
	}
	strlist_free(&parts);
	if (rc->nsets == 0 && !bad) {
		ERR(ini, line, "record: sets no field (HEADER: FIELD=$, ...)");
		bad = 1;
	}
	return bad ? -1 : 0;
}

/* [import.NAME] sections: header layouts of sheets designed elsewhere
 * (struct import_layout says what each key means). */
static void
load_imports(const struct ini *ini, struct screen_def *sd, struct strlist *errs)
{
	for (size_t s = 0; s < ini_nsections(ini); s++) {
		const char *sec = ini_section(ini, s);
		if (!starts_with(sec, "import."))
			continue;
		sd->imports = xrealloc(sd->imports, (sd->nimports + 1) * sizeof *sd->imports);
		struct import_layout *im = &sd->imports[sd->nimports++];
		memset(im, 0, sizeof *im);
		im->name = xstrdup(sec + strlen("import."));
		const char *total = NULL;
		int total_line = 0;
		for (size_t k = 0; k < ini_nkeys(ini, sec); k++) {
			const char *key = ini_key(ini, sec, k);
			const char *v = ini_get(ini, sec, key);
			int line = ini_line(ini, sec, key);
			if (strcmp(key, "detect") == 0) {
				im->detect = xstrdup(v);
			} else if (strcmp(key, "ignore") == 0) {
				split_trim(v, '|', &im->ignore);
			} else if (strcmp(key, "total") == 0) {
				total = v;
				total_line = line;
			} else if (starts_with(key, "record.")) {
				struct import_record rc = { 0 };
				rc.line = line;
				if (load_import_record(ini, line, sd, v, &rc, errs) != 0) {
					free(rc.header);
					for (size_t i = 0; i < rc.nsets; i++)
						free(rc.sets[i].value);
					free(rc.sets);
					continue;
				}
				im->records = xrealloc(im->records, (im->nrecords + 1) * sizeof *im->records);
				im->records[im->nrecords++] = rc;
			} else {
				int fi = import_field(ini, line, sd, key, errs);
				if (fi < 0)
					continue;
				im->columns = xrealloc(im->columns, (im->ncolumns + 1) * sizeof *im->columns);
				struct import_column *c = &im->columns[im->ncolumns++];
				memset(c, 0, sizeof *c);
				c->field = (size_t)fi;
				/* Quoted: the value itself (iniparser has dropped the quotes). */
				if (ini_quoted(ini, sec, key))
					c->constant = xstrdup(v);
				else
					split_trim(v, '|', &c->headers);
			}
		}
		if (im->detect == NULL)
			ERR(ini, ini_line(ini, sec, NULL), "[%s] needs detect = HEADER", sec);
		if (total && im->nrecords == 0)
			ERR(ini, total_line, "total: only with record.N lines");
		else if (total) {
			const char *colon = strchr(total, ':');
			char *id = colon ? trim_dup(colon + 1) : NULL;
			int fi = id ? import_field(ini, total_line, sd, id, errs) : -1;
			if (colon == NULL)
				ERR(ini, total_line, "total: HEADER: FIELD");
			else if (fi >= 0) {
				char *h = xstrndup(total, (size_t)(colon - total));
				im->total_header = trim_dup(h);
				im->total_field = (size_t)fi;
				free(h);
			}
			free(id);
		}
	}
}

static void
import_layout_free(struct import_layout *im)
{
	for (size_t c = 0; c < im->ncolumns; c++) {
		strlist_free(&im->columns[c].headers);
		free(im->columns[c].constant);
	}
	free(im->columns);
	for (size_t r = 0; r < im->nrecords; r++) {
		free(im->records[r].header);
		for (size_t i = 0; i < im->records[r].nsets; i++)
			free(im->records[r].sets[i].value);
		free(im->records[r].sets);
	}
	free(im->records);
	free(im->total_header);
	strlist_free(&im->ignore);
	free(im->name);
	free(im->detect);
}

static char *
dup_lang(const struct ini *ini, const char *sec, const char *key, struct strlist *errs)
{
	const char *v = ini_get(ini, sec, key);
	if (v == NULL || *v == '\0') {
		ERR(ini, ini_line(ini, sec, NULL), "[%s] needs %s", sec, key);
		return xstrdup(sec);
	}
	return xstrdup(v);
}

static void
load_checks(const struct ini *ini, struct screen_def *sd, struct strlist *errs)
{
	static const char *const keys[] = { "rule", "level", "message_ja", "message_en", NULL };
	for (size_t i = 0; i < ini_nsections(ini); i++) {
		const char *sec = ini_section(ini, i);
		if (!starts_with(sec, "check.") || sec[6] == '\0')
			continue;
		for (size_t k = 0; k < ini_nkeys(ini, sec); k++)
			if (!in_list(keys, ini_key(ini, sec, k)))
				ERR(ini, ini_line(ini, sec, ini_key(ini, sec, k)), "unknown key '%s' in [%s]",
				    ini_key(ini, sec, k), sec);
		sd->checks = xrealloc(sd->checks, (sd->nchecks + 1) * sizeof *sd->checks);
		struct check_def *c = &sd->checks[sd->nchecks++];
		memset(c, 0, sizeof *c);
		c->name = xstrdup(sec + 6);
		c->line = ini_line(ini, sec, NULL);
		c->message[LANG_JA] = dup_lang(ini, sec, "message_ja", errs);
		c->message[LANG_EN] = dup_lang(ini, sec, "message_en", errs);
		const char *level = ini_get(ini, sec, "level");
		if (level == NULL || strcmp(level, "error") == 0)
			c->level = CHECK_ERROR;
		else if (strcmp(level, "warn") == 0)
			c->level = CHECK_WARN;
		else
			ERR(ini, ini_line(ini, sec, "level"), "level: warn or error, not '%s'", level);
		const char *text = ini_get(ini, sec, "rule");
		char *why = NULL;
		if (text == NULL)
			ERR(ini, c->line, "[%s] needs rule = ...", sec);
		else if (rule_parse(text, &c->rule, &why) != 0) {
			ERR(ini, ini_line(ini, sec, "rule"), "rule: %s", why);
			free(why);
		}
	}
}

static void
load_effects(const struct ini *ini, struct screen_def *sd, struct strlist *errs)
{
	for (size_t i = 0; i < ini_nsections(ini); i++) {
		const char *sec = ini_section(ini, i);
		if (!starts_with(sec, "effect.") || sec[7] == '\0')
			continue;
		sd->effects = xrealloc(sd->effects, (sd->neffects + 1) * sizeof *sd->effects);
		struct effect_def *e = &sd->effects[sd->neffects++];
		memset(e, 0, sizeof *e);
		e->name = xstrdup(sec + 7);
		const char *target = ini_get(ini, sec, "target");
		int ti = target ? schema_field_index(sd, target) : -1;
		if (ti < 0 || sd->fields[ti].ref == NULL)
			ERR(ini, ini_line(ini, sec, target ? "target" : NULL),
			    "[%s] needs target = a field of this screen that names another screen's record", sec);
		e->target = ti < 0 ? 0 : (size_t)ti;
		for (size_t k = 0; k < ini_nkeys(ini, sec); k++) {
			const char *key = ini_key(ini, sec, k);
			const char *v = ini_get(ini, sec, key);
			if (strcmp(key, "target") == 0)
				continue;
			if (!starts_with(key, "set.") || key[4] == '\0') {
				ERR(ini, ini_line(ini, sec, key), "unknown key '%s' in [%s]", key, sec);
				continue;
			}
			e->sets = xrealloc(e->sets, (e->nsets + 1) * sizeof *e->sets);
			struct effect_set *st = &e->sets[e->nsets++];
			st->target_field = xstrdup(key + 4);
			size_t n = strlen(v);
			if (ini_quoted(ini, sec, key)) {
				/* iniparser took the quotes off: 'matched' arrives as matched. */
				st->source = -1;
				st->literal = xstrdup(v);
				if (n >= 2 && v[0] == '\'' && v[n - 1] == '\'') {
					free(st->literal);
					st->literal = xstrndup(v + 1, n - 2);
				}
			} else if ((st->source = schema_field_index(sd, v)) < 0) {
				st->literal = NULL;
				ERR(ini, ini_line(ini, sec, key), "%s: no field '%s' on this screen "
				    "(quote a literal: 'matched')", key, v);
			} else {
				st->literal = NULL;
			}
		}
	}
}

static int
field_or_err(const struct ini *ini, const struct screen_def *sd, const char *key, struct strlist *errs)
{
	const char *v = ini_get(ini, "match", key);
	int fi = v ? schema_field_index(sd, v) : -1;
	if (fi < 0)
		ERR(ini, ini_line(ini, "match", v ? key : NULL), "[match] needs %s = a field of this screen", key);
	return fi < 0 ? 0 : fi;
}

static char *
other_field(const struct ini *ini, const char *key, struct strlist *errs)
{
	const char *v = ini_get(ini, "match", key);
	if (v == NULL || *v == '\0') {
		ERR(ini, ini_line(ini, "match", NULL), "[match] needs %s = a field of the candidates' screen", key);
		return xstrdup("");
	}
	return xstrdup(v);
}

static void
load_match(const struct ini *ini, struct screen_def *sd, struct strlist *errs)
{
	if (!ini_has_section(ini, "match"))
		return;
	static const char *const keys[] = { "field", "countries", "training_field", "language",
		"candidate_country", "candidate_field", "candidate_ja", "candidate_en",
		"candidate_status", NULL };
	for (size_t k = 0; k < ini_nkeys(ini, "match"); k++)
		if (!in_list(keys, ini_key(ini, "match", k)))
			ERR(ini, ini_line(ini, "match", ini_key(ini, "match", k)), "unknown key '%s' in [match]",
			    ini_key(ini, "match", k));
	struct match_def *m = sd->match = xcalloc(1, sizeof *m);
	m->field = (size_t)field_or_err(ini, sd, "field", errs);
	if (sd->fields[m->field].ref == NULL)
		ERR(ini, ini_line(ini, "match", "field"), "[match] field must name another screen (ref)");
	m->countries = (size_t)field_or_err(ini, sd, "countries", errs);
	m->training_field = (size_t)field_or_err(ini, sd, "training_field", errs);
	m->language = (size_t)field_or_err(ini, sd, "language", errs);
	m->cand_country = other_field(ini, "candidate_country", errs);
	m->cand_field = other_field(ini, "candidate_field", errs);
	m->cand_ja = other_field(ini, "candidate_ja", errs);
	m->cand_en = other_field(ini, "candidate_en", errs);
	const char *st = ini_get(ini, "match", "candidate_status");
	m->cand_status_field = xstrdup("status");
	if (st)
		split_trim(st, ',', &m->cand_status);
}

static void
load_log_fields(const struct ini *ini, struct screen_def *sd, struct strlist *errs)
{
	for (size_t i = 0; i < sd->nfields; i++) {
		char *sec = xasprintf("field.%s", sd->fields[i].id);
		const char *v = ini_get(ini, sec, "log");
		if (v) {
			int li = schema_field_index(sd, v);
			if (li < 0 || (size_t)li == i)
				ERR(ini, ini_line(ini, sec, "log"), "log: no other field '%s' on this screen", v);
			else
				sd->fields[i].log_field = li;
		}
		free(sec);
	}
}

/* Automatic layout: one field a row, labels in a column as wide as the widest. */
static void
check_layout(const struct ini *ini, struct screen_def *sd, struct strlist *errs)
{
	int labelw = 0;
	for (size_t i = 0; i < sd->nfields; i++)
		for (int l = 0; l < LANG_COUNT; l++) {
			/* A required field's label carries a '*'. */
			int w = text_width(sd->fields[i].label[l]) + (sd->fields[i].required ? 1 : 0);
			if (w > labelw)
				labelw = w;
		}
	int row = 2;
	for (size_t i = 0; i < sd->nfields; i++) {
		struct field_def *f = &sd->fields[i];
		if (f->row < 0)
			f->row = row;
		if (f->col < 0)
			f->col = labelw + 3;
		row = f->row + 1;
		/* The field's closing bracket takes one more column. */
		if (f->col < 1 || f->col + f->width + 1 > SCREEN_COLS)
			ERR(ini, f->line, "[field.%s] does not fit in %d columns: starts at column %d, "
			    "%d wide, with its brackets", f->id, SCREEN_COLS, f->col, f->width);
		if (f->row > SCREEN_ROWS - RESERVED_ROWS + 1)
			ERR(ini, f->line, "[field.%s] does not fit in %d rows (row %d)", f->id,
			    SCREEN_ROWS, f->row);
	}
}

static char *
base_name(const char *file)
{
	const char *b = strrchr(file, '/');
	b = b ? b + 1 : file;
	const char *dot = strrchr(b, '.');
	return xstrndup(b, dot ? (size_t)(dot - b) : strlen(b));
}

/* SD's file into SD, which holds its name and file only (SCREEN_UNREAD). */
static void
load_screen(struct screen_def *sd, struct strlist *errs)
{
	struct ini *ini = ini_load(sd->file, errs);
	if (ini == NULL)
		return;
	if (!ini_has_section(ini, "screen"))
		ERR(ini, 1, "no [screen] section");
	for (size_t s = 0; s < ini_nsections(ini); s++) {
		const char *sec = ini_section(ini, s);
		if (strcmp(sec, "screen") != 0 && !starts_with(sec, "field.") &&
		    !starts_with(sec, "import.") && !starts_with(sec, "check.") &&
		    !starts_with(sec, "effect.") && strcmp(sec, "match") != 0)
			ERR(ini, ini_line(ini, sec, NULL), "unknown section [%s]: expected [screen], "
			    "[field.ID], [import.NAME], [check.NAME], [effect.NAME] or [match]", sec);
		else if (starts_with(sec, "field.") && sec[6] != '\0')
			sd->nfields++;
	}
	for (size_t k = 0; k < ini_nkeys(ini, "screen"); k++) {
		const char *key = ini_key(ini, "screen", k);
		if (!in_list(screen_keys, key))
			ERR(ini, ini_line(ini, "screen", key), "unknown key '%s' in [screen]", key);
	}
	for (int l = 0; l < LANG_COUNT; l++) {
		const char *key = l == LANG_JA ? "title_ja" : "title_en";
		const char *v = ini_get(ini, "screen", key);
		if (v == NULL || *v == '\0')
			ERR(ini, ini_line(ini, "screen", NULL), "[screen] needs %s", key);
		sd->title[l] = xstrdup(v ? v : sd->name);
	}
	if (sd->nfields == 0)
		ERR(ini, 1, "no [field.ID] sections");
	sd->fields = xcalloc(sd->nfields, sizeof *sd->fields);
	size_t fi = 0;
	for (size_t s = 0; s < ini_nsections(ini); s++) {
		const char *sec = ini_section(ini, s);
		if (starts_with(sec, "field.") && sec[6] != '\0')
			sd->fields[fi++].id = xstrdup(sec + 6);
	}
	fi = 0;
	for (size_t s = 0; s < ini_nsections(ini); s++) {
		const char *sec = ini_section(ini, s);
		if (starts_with(sec, "field.") && sec[6] != '\0')
			load_field(ini, sec, &sd->fields[fi++], errs);
	}
	fi = 0;
	for (size_t s = 0; s < ini_nsections(ini); s++) {
		const char *sec = ini_section(ini, s);
		if (starts_with(sec, "field.") && sec[6] != '\0')
			load_derive(ini, sec, sd, &sd->fields[fi++], errs);
	}
	sd->key = field_list(ini, "screen", "key", sd, &sd->nkey, errs);
	if (sd->nkey == 0 && ini_has_section(ini, "screen"))
		ERR(ini, ini_line(ini, "screen", NULL), "[screen] needs key = FIELD[, FIELD...]");
	for (size_t i = 0; i < sd->nkey; i++)
		sd->fields[sd->key[i]].required = true;
	sd->list = field_list(ini, "screen", "list", sd, &sd->nlist, errs);
	if (sd->nlist == 0) {
		/* field_list allocates even when it finds none of the names
		 * (list = nosuch): free that rather than leak it.  No key
		 * leaves sd->key NULL, and memcpy from NULL is undefined even
		 * for 0 bytes (both found by tests/fuzz/fuzz_schema.c). */
		free(sd->list);
		sd->list = xcalloc(sd->nkey ? sd->nkey : 1, sizeof *sd->list);
		if (sd->nkey > 0)
			memcpy(sd->list, sd->key, sd->nkey * sizeof *sd->key);
		sd->nlist = sd->nkey;
	}
	sd->search = field_list(ini, "screen", "search", sd, &sd->nsearch, errs);
	size_t nlabel;
	size_t *label = field_list(ini, "screen", "label", sd, &nlabel, errs);
	sd->label = nlabel ? label[0] : (sd->nkey ? sd->key[0] : 0);
	free(label);
	size_t nlabel_en;
	size_t *label_en = field_list(ini, "screen", "label_en", sd, &nlabel_en, errs);
	sd->label_en = nlabel_en ? (int)label_en[0] : -1;
	if (nlabel_en > 1)
		ERR(ini, ini_line(ini, "screen", "label_en"), "label_en: one field, not %zu", nlabel_en);
	free(label_en);
	sd->confidential = ini_get_bool(ini, "screen", "confidential", 0, errs);
	sd->verify = ini_get_bool(ini, "screen", "verify", 0, errs);
	sd->hint[LANG_JA] = dup_or_null(ini_get(ini, "screen", "hint_ja"));
	sd->hint[LANG_EN] = dup_or_null(ini_get(ini, "screen", "hint_en"));
	size_t nfy;
	size_t *fy = field_list(ini, "screen", "fy", sd, &nfy, errs);
	sd->fy = nfy ? (int)fy[0] : -1;
	free(fy);
	load_imports(ini, sd, errs);
	load_checks(ini, sd, errs);
	load_effects(ini, sd, errs);
	load_match(ini, sd, errs);
	load_log_fields(ini, sd, errs);
	check_layout(ini, sd, errs);
	ini_free(ini);
}

static void
free_screen(struct screen_def *sd)
{
	for (size_t i = 0; i < sd->nfields; i++) {
		struct field_def *f = &sd->fields[i];
		free(f->id);
		for (int l = 0; l < LANG_COUNT; l++)
			free(f->label[l]);
		free(f->default_value);
		free(f->ref);
		free(f->derive_args);
		for (size_t c = 0; c < f->norder_except; c++)
			free(f->order_except[c]);
		free(f->order_except);
		for (size_t c = 0; c < f->nchoices; c++) {
			free(f->choices[c].code);
			for (int l = 0; l < LANG_COUNT; l++)
				free(f->choices[c].label[l]);
		}
		free(f->choices);
	}
	for (size_t i = 0; i < sd->nimports; i++)
		import_layout_free(&sd->imports[i]);
	free(sd->imports);
	for (size_t i = 0; i < sd->nchecks; i++) {
		free(sd->checks[i].name);
		rule_free(sd->checks[i].rule);
		for (int l = 0; l < LANG_COUNT; l++)
			free(sd->checks[i].message[l]);
	}
	free(sd->checks);
	for (size_t i = 0; i < sd->neffects; i++) {
		for (size_t k = 0; k < sd->effects[i].nsets; k++) {
			free(sd->effects[i].sets[k].target_field);
			free(sd->effects[i].sets[k].literal);
		}
		free(sd->effects[i].sets);
		free(sd->effects[i].name);
	}
	free(sd->effects);
	if (sd->match) {
		free(sd->match->cand_country);
		free(sd->match->cand_field);
		free(sd->match->cand_ja);
		free(sd->match->cand_en);
		free(sd->match->cand_status_field);
		strlist_free(&sd->match->cand_status);
		free(sd->match);
	}
	free(sd->fields);
	free(sd->key);
	free(sd->list);
	free(sd->search);
	for (int l = 0; l < LANG_COUNT; l++) {
		free(sd->title[l]);
		free(sd->hint[l]);
	}
	free(sd->name);
	free(sd->file);
}

/* A default must name a setting that exists, or be a value of the field's type. */
static void
check_default(const struct schema *s, const struct screen_def *sd, const struct field_def *f,
    struct strlist *errs)
{
	const char *v = f->default_value;
	if (v == NULL || f->type == NULL || strcmp(v, "today") == 0)
		return;
	if (starts_with(v, "conf:")) {
		const char *dot = strchr(v + 5, '.');
		char *sec = dot ? xstrndup(v + 5, (size_t)(dot - (v + 5))) : NULL;
		if (sec == NULL || s->conf == NULL || ini_get(s->conf, sec, dot + 1) == NULL)
			strlist_addf(errs, _("%s:%d: [field.%s] default = %s: no such setting in %s"), sd->file,
			    f->line, f->id, v, s->settings.conf_path);
		free(sec);
		return;
	}
	/* Ctrl-T switches the language of a form open with its defaults in it,
	 * so a default must be a value in both.  The UI's own language is asked
	 * for only to word a refusal (i18n_lang may read the settings). */
	enum lang fails_in = LANG_COUNT;
	for (int l = 0; l < LANG_COUNT && fails_in == LANG_COUNT; l++) {
		struct ftype_ctx ctx = { .lang = (enum lang)l };
		char *out = NULL, *why = NULL;
		if (f->type->parse(f, &ctx, v, &out, &why) != 0)
			fails_in = (enum lang)l;
		free(out);
		free(why);
	}
	if (fails_in == LANG_COUNT)
		return;
	struct ftype_ctx ctx = { .lang = i18n_lang() };
	char *out = NULL, *why = NULL;
	if (f->type->parse(f, &ctx, v, &out, &why) == 0) {
		free(out);
		out = NULL;
		ctx.lang = fails_in;
		(void)f->type->parse(f, &ctx, v, &out, &why);
	}
	strlist_addf(errs, "%s:%d: [field.%s] default = %s: %s", sd->file, f->line, f->id, v, why);
	free(out);
	free(why);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.ini of DIR as a screen not read yet, in name order. */
static void
list_screens(struct schema *s, const char *dir, struct strlist *errs)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		strlist_addf(errs, _("%s:0: cannot read the screens directory: %s"), dir, strerror(errno));
		return;
	}
	struct strlist files = { 0 };
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		if (n > 4 && strcmp(de->d_name + n - 4, ".ini") == 0 && de->d_name[0] != '.')
			strlist_addf(&files, "%s/%s", dir, de->d_name);
	}
	closedir(d);
	qsort(files.v, files.n, sizeof *files.v, cmp_str);
	if (files.n == 0)
		strlist_addf(errs, _("%s:0: no screen files (*.ini)"), dir);
	s->screens = xcalloc(files.n ? files.n : 1, sizeof *s->screens);
	for (size_t i = 0; i < files.n; i++) {
		struct screen_def *sd = &s->screens[s->nscreens++];
		sd->name = base_name(files.v[i]);
		sd->file = files.v[i];
		sd->state = SCREEN_UNREAD;
	}
	free(files.v);
}

/* SD's refs name screens that exist, and its defaults are values. */
static void
check_refs_and_defaults(const struct schema *s, const struct screen_def *sd, struct strlist *errs)
{
	for (size_t f = 0; f < sd->nfields; f++) {
		const struct field_def *fd = &sd->fields[f];
		if (fd->ref && schema_screen(s, fd->ref) == NULL)
			strlist_addf(errs, _("%s:%d: [field.%s] ref = %s: no such screen"), sd->file,
			    fd->line, fd->id, fd->ref);
		check_default(s, sd, fd, errs);
	}
}

static void
load_settings(struct schema *s, const char *conf_path, struct strlist *errs)
{
	struct settings *st = &s->settings;
	st->conf_path = xstrdup(conf_path);
	st->lang = LANG_JA;
	st->lang_from_locale = true;
	st->survey_year = 0;
	struct ini *ini = s->conf = ini_load(conf_path, errs);
	if (ini == NULL)
		return;
	for (size_t i = 0; i < ini_nsections(ini); i++) {
		const char *sec = ini_section(ini, i);
		if (!in_list(settings_sections, sec)) {
			ERR(ini, ini_line(ini, sec, NULL), "unknown section [%s]", sec);
			continue;
		}
		for (size_t k = 0; k < ini_nkeys(ini, sec); k++) {
			char *full = xasprintf("%s:%s", sec, ini_key(ini, sec, k));
			if (!in_list(settings_keys, full))
				ERR(ini, ini_line(ini, sec, ini_key(ini, sec, k)), "unknown key '%s' in [%s]",
				    ini_key(ini, sec, k), sec);
			free(full);
		}
	}
	st->db_dir = dup_or_null(ini_get(ini, "database", "dir"));
	st->survey_year = ini_get_long(ini, "survey", "year", 0, 1989, 2200, errs);
	const char *lang = ini_get(ini, "display", "lang");
	if (lang && (strcmp(lang, "ja") == 0 || strcmp(lang, "en") == 0)) {
		st->lang = strcmp(lang, "en") == 0 ? LANG_EN : LANG_JA;
		st->lang_from_locale = false;
	} else if (lang && strcmp(lang, "auto") != 0)
		ERR(ini, ini_line(ini, "display", "lang"), "lang: expected ja, en or auto, not '%s'", lang);
	st->lean = ini_get_bool(ini, "display", "lean", 0, errs);
	st->verify_new_keyer = ini_get_long(ini, "verify", "new_keyer", 20, 0, 1000000, errs);
	st->verify_sample = ini_get_long(ini, "verify", "sample", 5, 1, 1000000, errs);
	st->verify_max_error_rate = 1.0;
	const char *rate = ini_get(ini, "verify", "max_error_rate");
	if (rate != NULL) {
		char *end;
		double d = strtod(rate, &end);
		if (end == rate || *end != '\0' || !(d >= 0.0 && d <= 100.0))
			ERR(ini, ini_line(ini, "verify", "max_error_rate"),
			    "max_error_rate: a percentage from 0 to 100, not '%s'", rate);
		else
			st->verify_max_error_rate = d;
	}
	st->screens_dir = dup_or_null(ini_get(ini, "paths", "screens"));
	st->years_dir = dup_or_null(ini_get(ini, "paths", "years"));
}

static void
load_menu(struct schema *s, const char *path, struct strlist *errs)
{
	struct ini *ini = ini_load(path, errs);
	if (ini == NULL)
		return;
	for (int l = 0; l < LANG_COUNT; l++) {
		const char *v = ini_get(ini, "menu", l == LANG_JA ? "title_ja" : "title_en");
		s->menu_title[l] = xstrdup(v && *v ? v : "lgotp");
	}
	for (size_t i = 0; i < ini_nsections(ini); i++) {
		const char *sec = ini_section(ini, i);
		static const char *const menu_keys[] = { "title_ja", "title_en", NULL };
		static const char *const group_keys[] = { "title_ja", "title_en", "items", NULL };
		int is_group = starts_with(sec, "group.");
		if (!is_group && strcmp(sec, "menu") != 0) {
			ERR(ini, ini_line(ini, sec, NULL), "unknown section [%s]: expected [menu] or "
			    "[group.NAME]", sec);
			continue;
		}
		for (size_t k = 0; k < ini_nkeys(ini, sec); k++)
			if (!in_list(is_group ? group_keys : menu_keys, ini_key(ini, sec, k)))
				ERR(ini, ini_line(ini, sec, ini_key(ini, sec, k)), "unknown key '%s' in [%s]",
				    ini_key(ini, sec, k), sec);
		if (!is_group)
			continue;
		s->groups = xrealloc(s->groups, (s->ngroups + 1) * sizeof *s->groups);
		struct menu_group *g = &s->groups[s->ngroups++];
		memset(g, 0, sizeof *g);
		for (int l = 0; l < LANG_COUNT; l++) {
			const char *v = ini_get(ini, sec, l == LANG_JA ? "title_ja" : "title_en");
			if (v == NULL || *v == '\0')
				ERR(ini, ini_line(ini, sec, NULL), "[%s] needs %s", sec,
				    l == LANG_JA ? "title_ja" : "title_en");
			g->title[l] = xstrdup(v ? v : sec);
		}
		const char *items = ini_get(ini, sec, "items");
		int line = ini_line(ini, sec, "items");
		if (items == NULL) {
			ERR(ini, ini_line(ini, sec, NULL), "[%s] needs items = SCREEN:MODE, ...", sec);
			continue;
		}
		struct strlist parts = { 0 };
		split_trim(items, ',', &parts);
		g->items = xcalloc(parts.n, sizeof *g->items);
		for (size_t p = 0; p < parts.n; p++) {
			char *colon = strchr(parts.v[p], ':');
			const char *mode = colon ? colon + 1 : "entry";
			if (colon)
				*colon = '\0';
			struct menu_item *it = &g->items[g->nitems];
			it->file = xstrdup(ini_path(ini));
			it->line = line;
			if (strcmp(mode, "report") == 0) {
				/* Report names are checked against the reports by the caller. */
				it->mode = MENU_REPORT;
				it->report = xstrdup(parts.v[p]);
				g->nitems++;
				continue;
			}
			const struct screen_def *sd = schema_screen(s, parts.v[p]);
			if (sd == NULL) {
				ERR(ini, line, "items: no screen '%s'", parts.v[p]);
				free(it->file);
				continue;
			}
			it->screen = sd;
			if (strcmp(mode, "entry") == 0)
				it->mode = MENU_ENTRY;
			else if (strcmp(mode, "browse") == 0)
				it->mode = MENU_BROWSE;
			else if (strcmp(mode, "verify") == 0 && sd->verify)
				it->mode = MENU_VERIFY;
			else if (strcmp(mode, "verify") == 0) {
				ERR(ini, line, "items: %s:verify: the screen is not marked verify = yes",
				    parts.v[p]);
				free(it->file);
				continue;
			} else {
				ERR(ini, line, "items: %s: mode must be entry, browse, verify or report, not '%s'",
				    parts.v[p], mode);
				free(it->file);
				continue;
			}
			g->nitems++;
		}
		strlist_free(&parts);
	}
	if (s->ngroups == 0)
		ERR(ini, 1, "no [group.NAME] sections: the menu would be empty");
	ini_free(ini);
}

/*
 * A rule's names must exist: fields of this screen; SCREEN.FIELD where
 * SCREEN's key fields are all fields of this screen (that is how its record
 * is found); conf: settings.  year: settings are not checked (a year file
 * may add them later).
 */
static void
bind_rule(const struct schema *s, const struct screen_def *sd, const struct rule *r,
    const char *file, int line, struct strlist *errs)
{
	const struct rule_ref *refs;
	size_t n = rule_refs(r, &refs);
	for (size_t i = 0; i < n; i++) {
		const struct rule_ref *ref = &refs[i];
		if (ref->kind == RULE_FIELD && sd && schema_field_index(sd, ref->a) < 0)
			strlist_addf(errs, _("%s:%d: rule: no field '%s' on this screen"), file, line, ref->a);
		else if (ref->kind == RULE_OTHER) {
			const struct screen_def *o = schema_screen(s, ref->a);
			if (o == NULL) {
				strlist_addf(errs, _("%s:%d: rule: no screen '%s'"), file, line, ref->a);
				continue;
			}
			if (schema_field_index(o, ref->b) < 0)
				strlist_addf(errs, _("%s:%d: rule: screen %s has no field '%s'"), file, line,
				    ref->a, ref->b);
			for (size_t k = 0; sd && k < o->nkey; k++)
				if (schema_field_index(sd, o->fields[o->key[k]].id) < 0)
					strlist_addf(errs, _("%s:%d: rule: %s.%s: this screen has no field '%s' to "
					    "find the %s record by"), file, line, ref->a, ref->b,
					    o->fields[o->key[k]].id, ref->a);
		} else if (ref->kind == RULE_CONF && (s->conf == NULL || ini_get(s->conf, ref->a, ref->b) == NULL))
			strlist_addf(errs, _("%s:%d: rule: no setting conf:%s.%s"), file, line, ref->a, ref->b);
	}
}

/* SD's rules, effects and match against the screens they name. */
static void
bind_screen(const struct schema *s, const struct screen_def *sd, struct strlist *errs)
{
	for (size_t c = 0; c < sd->nchecks; c++)
		if (sd->checks[c].rule)
			bind_rule(s, sd, sd->checks[c].rule, sd->file, sd->checks[c].line, errs);
	for (size_t e = 0; e < sd->neffects; e++) {
		const struct effect_def *ef = &sd->effects[e];
		const struct screen_def *t = sd->fields[ef->target].ref ?
		    schema_screen(s, sd->fields[ef->target].ref) : NULL;
		for (size_t k = 0; t && k < ef->nsets; k++)
			if (schema_field_index(t, ef->sets[k].target_field) < 0)
				strlist_addf(errs, _("%s:0: [effect.%s] set.%s: screen %s has no such field"),
				    sd->file, ef->name, ef->sets[k].target_field, t->name);
	}
	if (sd->match) {
		const struct screen_def *t = schema_screen(s, sd->fields[sd->match->field].ref ?
		    sd->fields[sd->match->field].ref : "");
		const char *names[] = { sd->match->cand_country, sd->match->cand_field,
			sd->match->cand_ja, sd->match->cand_en, sd->match->cand_status_field };
		for (size_t k = 0; t && k < 5; k++)
			if (schema_field_index(t, names[k]) < 0)
				strlist_addf(errs, _("%s:0: [match]: screen %s has no field '%s'"), sd->file,
				    t->name, names[k]);
	}
}

/*
 * Read SD's file and check it against the screens it names, reading those
 * too (a screen being read is handed out as it is: its fields are known,
 * which is all another screen's checks look at, so cycles end).  SD is
 * SCREEN_BROKEN when this added any message to s->errs: its own, or those
 * of a screen it needs.
 */
static void
read_screen(struct schema *s, struct screen_def *sd)
{
	size_t nerr0 = s->errs->n;
	sd->state = SCREEN_LOADING;
	s->building++;
	load_screen(sd, s->errs);
	check_refs_and_defaults(s, sd, s->errs);
	bind_screen(s, sd, s->errs);
	if (s->roles)
		roles_check_screen(s->roles, s, sd, s->errs);
	s->building--;
	sd->state = s->errs->n > nerr0 ? SCREEN_BROKEN : SCREEN_READY;
}

static int
cmp_year(const void *a, const void *b)
{
	const struct year_def *x = a, *y = b;
	return (x->fy > y->fy) - (x->fy < y->fy);
}

/* conf/years/FY.ini, one file per fiscal year. */
static void
load_years(struct schema *s, const char *dir, struct strlist *errs)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return;             /* no year files: no year settings */
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		char *end;
		long fy = strtol(de->d_name, &end, 10);
		if (end == de->d_name || strcmp(end, ".ini") != 0)
			continue;
		char *path = xasprintf("%s/%s", dir, de->d_name);
		if (fy < 1989 || fy > 2200) {
			strlist_addf(errs, _("%s:0: a year file is named after its fiscal year, e.g. 2025.ini"),
			    path);
			free(path);
			continue;
		}
		struct ini *ini = ini_load(path, errs);
		free(path);
		if (ini == NULL)
			continue;
		for (size_t i = 0; i < ini_nsections(ini); i++) {
			const char *sec = ini_section(ini, i);
			if (strcmp(sec, "events") != 0)
				continue;
			for (size_t k = 0; k < ini_nkeys(ini, sec); k++) {
				struct strlist parts = { 0 };
				split_trim(ini_get(ini, sec, ini_key(ini, sec, k)), '|', &parts);
				if (parts.n != 3 || strlen(parts.v[0]) != 10)
					ERR(ini, ini_line(ini, sec, ini_key(ini, sec, k)),
					    "%s: expected YYYY-MM-DD | 日本語 | English", ini_key(ini, sec, k));
				strlist_free(&parts);
			}
		}
		s->years = xrealloc(s->years, (s->nyears + 1) * sizeof *s->years);
		s->years[s->nyears].fy = (int)fy;
		s->years[s->nyears++].ini = ini;
	}
	closedir(d);
	if (s->nyears > 1)
		qsort(s->years, s->nyears, sizeof *s->years, cmp_year);
}

const char *
schema_year_setting(const struct schema *s, int fy, const char *section, const char *key)
{
	for (size_t i = 0; i < s->nyears; i++)
		if (s->years[i].fy == fy)
			return ini_get(s->years[i].ini, section, key);
	return NULL;
}

const char *
schema_year_setting_latest(const struct schema *s, int fy, const char *section, const char *key)
{
	for (size_t i = s->nyears; i-- > 0;) {
		if (s->years[i].fy > fy)
			continue;
		const char *v = ini_get(s->years[i].ini, section, key);
		if (v != NULL)
			return v;
	}
	return NULL;
}

/* conf/survey.ini: which bodies are surveyed and when each form is due. */
static void
load_board(struct schema *s, const char *path, struct strlist *errs)
{
	if (access(path, F_OK) != 0)
		return;
	struct ini *ini = ini_load(path, errs);
	if (ini == NULL)
		return;
	struct board_def *b = s->board = xcalloc(1, sizeof *b);
	const char *bodies = ini_get(ini, "board", "bodies");
	if (bodies == NULL || (b->bodies = schema_screen(s, bodies)) == NULL)
		ERR(ini, ini_line(ini, "board", bodies ? "bodies" : NULL),
		    "[board] needs bodies = the screen of the bodies surveyed");
	const char *kinds = ini_get(ini, "board", "kinds");
	if (kinds)
		split_trim(kinds, ',', &b->kinds);
	const char *kf = ini_get(ini, "board", "kind_field");
	b->kind_field = xstrdup(kf ? kf : "kind");
	split_trim(ini_get(ini, "board", "columns") ? ini_get(ini, "board", "columns")
	    : "code, name, pref_code, kind", ',', &b->columns);
	split_trim(ini_get(ini, "board", "contacts") ? ini_get(ini, "board", "contacts")
	    : "dept, contact, email, phone", ',', &b->contacts);
	for (int list = 0; list < 3 && b->bodies; list++) {
		struct strlist *l = list == 0 ? &b->columns : &b->contacts;
		if (list == 2) {
			if (schema_field_index(b->bodies, b->kind_field) < 0)
				ERR(ini, ini_line(ini, "board", NULL), "kind_field: screen %s has no field '%s'",
				    b->bodies->name, b->kind_field);
			break;
		}
		for (size_t i = 0; i < l->n; i++)
			if (schema_field_index(b->bodies, l->v[i]) < 0)
				ERR(ini, ini_line(ini, "board", list == 0 ? "columns" : "contacts"),
				    "screen %s has no field '%s'", b->bodies->name, l->v[i]);
	}
	static const char *const board_keys[] = { "bodies", "kinds", "kind_field", "columns",
		"contacts", NULL };
	for (size_t k = 0; k < ini_nkeys(ini, "board"); k++)
		if (!in_list(board_keys, ini_key(ini, "board", k)))
			ERR(ini, ini_line(ini, "board", ini_key(ini, "board", k)), "unknown key '%s' in [board]",
			    ini_key(ini, "board", k));
	for (size_t i = 0; i < ini_nsections(ini); i++) {
		const char *sec = ini_section(ini, i);
		if (strcmp(sec, "board") == 0)
			continue;
		if (!starts_with(sec, "form.") || sec[5] == '\0') {
			ERR(ini, ini_line(ini, sec, NULL), "unknown section [%s]: expected [board] or [form.NAME]", sec);
			continue;
		}
		b->forms = xrealloc(b->forms, (b->nforms + 1) * sizeof *b->forms);
		struct board_form *f = &b->forms[b->nforms++];
		memset(f, 0, sizeof *f);
		f->name = xstrdup(sec + 5);
		const char *screen = ini_get(ini, sec, "screen");
		if (screen == NULL || (f->screen = schema_screen(s, screen)) == NULL)
			ERR(ini, ini_line(ini, sec, screen ? "screen" : NULL), "[%s] needs screen = a screen", sec);
		else if (f->screen->nkey != 2)
			ERR(ini, ini_line(ini, sec, "screen"), "screen %s: a survey form's key is "
			    "(fiscal year, body code)", screen);
		const char *due = ini_get(ini, sec, "due");
		const char *dot = due ? strchr(due, '.') : NULL;
		if (dot == NULL)
			ERR(ini, ini_line(ini, sec, due ? "due" : NULL), "[%s] needs due = SECTION.KEY of the "
			    "year files", sec);
		else {
			f->due_section = xstrndup(due, (size_t)(dot - due));
			f->due_key = xstrdup(dot + 1);
		}
		static const char *const form_keys[] = { "screen", "due", "expected", "received", NULL };
		for (size_t k = 0; k < ini_nkeys(ini, sec); k++)
			if (!in_list(form_keys, ini_key(ini, sec, k)))
				ERR(ini, ini_line(ini, sec, ini_key(ini, sec, k)), "unknown key '%s' in [%s]",
				    ini_key(ini, sec, k), sec);
		const char *received = ini_get(ini, sec, "received");
		f->received = xstrdup(received ? received : "received_on");
		if (f->screen && schema_field_index(f->screen, f->received) < 0)
			ERR(ini, ini_line(ini, sec, received ? "received" : NULL), "screen %s has no field '%s' "
			    "(the date received: received = FIELD)", f->screen->name, f->received);
		const char *expected = ini_get(ini, sec, "expected");
		char *why = NULL;
		if (expected && rule_parse(expected, &f->expected, &why) != 0) {
			ERR(ini, ini_line(ini, sec, "expected"), "expected: %s", why);
			free(why);
		} else if (expected) {
			bind_rule(s, f->screen, f->expected, path, ini_line(ini, sec, "expected"), errs);
		}
	}
	ini_free(ini);
}

/*
 * conf/countries.ini: [ja] and [en], CODE = the name the organisation
 * writes for that ISO 3166-1 code.  Checked against iso-codes' list, so
 * the list must load; applied by schema_load once everything is clean.
 */
static void
load_countries(struct schema *s, const char *path, bool check_codes, struct strlist *errs)
{
	if (access(path, F_OK) != 0)
		return;
	struct ini *ini = ini_load(path, errs);
	if (ini == NULL)
		return;
	char *why = NULL;
	if (check_codes && country_load(&why) != 0) {
		ERR(ini, 0, "cannot check the country codes: %s", why);
		free(why);
		ini_free(ini);
		return;
	}
	for (size_t i = 0; i < ini_nsections(ini); i++) {
		const char *sec = ini_section(ini, i);
		enum lang l = strcmp(sec, "en") == 0 ? LANG_EN : LANG_JA;
		if (strcmp(sec, "ja") != 0 && strcmp(sec, "en") != 0) {
			ERR(ini, ini_line(ini, sec, NULL), "unknown section [%s]: expected [ja] or [en]", sec);
			continue;
		}
		for (size_t k = 0; k < ini_nkeys(ini, sec); k++) {
			const char *code = ini_key(ini, sec, k), *name = ini_get(ini, sec, code);
			int line = ini_line(ini, sec, code);
			bool alpha2 = strlen(code) == 2 && isalpha((unsigned char)code[0]) &&
			    isalpha((unsigned char)code[1]);
			if (!alpha2 || (check_codes && !country_valid(code))) {
				ERR(ini, line, "%s: not an ISO 3166-1 alpha-2 code iso-codes knows", code);
				continue;
			}
			if (name == NULL || name[0] == '\0' || text_has_control(name)) {
				ERR(ini, line, "%s: the name is empty or holds control characters", code);
				continue;
			}
			if (check_codes)
				continue;       /* checking only: the start read them already */
			s->countries = xrealloc(s->countries, (s->ncountries + 1) * sizeof *s->countries);
			struct country_name *c = &s->countries[s->ncountries++];
			c->code[0] = (char)(code[0] & ~0x20);
			c->code[1] = (char)(code[1] & ~0x20);
			c->code[2] = '\0';
			c->lang = l;
			c->name = xstrdup(name);
		}
	}
	ini_free(ini);
}

/* conf/reports.ini: list reports over one screen. */
static void
load_reports(struct schema *s, const char *path, struct strlist *errs)
{
	if (access(path, F_OK) != 0)
		return;
	struct ini *ini = ini_load(path, errs);
	if (ini == NULL)
		return;
	static const char *const keys[] = { "title_ja", "title_en", "screen", "fy", "columns",
		"totals", NULL };
	for (size_t i = 0; i < ini_nsections(ini); i++) {
		const char *sec = ini_section(ini, i);
		if (starts_with(sec, "crosstab."))
			continue;           /* read and checked by report_crosstab.c */
		if (!starts_with(sec, "report.") || sec[7] == '\0') {
			ERR(ini, ini_line(ini, sec, NULL), "unknown section [%s]: expected [report.NAME] "
			    "or [crosstab.NAME]", sec);
			continue;
		}
		for (size_t k = 0; k < ini_nkeys(ini, sec); k++)
			if (!in_list(keys, ini_key(ini, sec, k)))
				ERR(ini, ini_line(ini, sec, ini_key(ini, sec, k)), "unknown key '%s' in [%s]",
				    ini_key(ini, sec, k), sec);
		s->reports = xrealloc(s->reports, (s->nreports + 1) * sizeof *s->reports);
		struct list_report_def *r = &s->reports[s->nreports++];
		memset(r, 0, sizeof *r);
		r->name = xstrdup(sec + 7);
		r->fy = -1;
		for (int l = 0; l < LANG_COUNT; l++)
			r->title[l] = dup_lang(ini, sec, l == LANG_JA ? "title_ja" : "title_en", errs);
		const char *screen = ini_get(ini, sec, "screen");
		if (screen == NULL || (r->screen = schema_screen(s, screen)) == NULL) {
			ERR(ini, ini_line(ini, sec, screen ? "screen" : NULL), "[%s] needs screen = a screen", sec);
			continue;
		}
		const char *fy = ini_get(ini, sec, "fy");
		if (fy && (r->fy = schema_field_index(r->screen, fy)) < 0)
			ERR(ini, ini_line(ini, sec, "fy"), "fy: screen %s has no field '%s'", screen, fy);
		r->columns = field_list(ini, sec, "columns", r->screen, &r->ncolumns, errs);
		if (r->ncolumns == 0)
			ERR(ini, ini_line(ini, sec, NULL), "[%s] needs columns = FIELD, ...", sec);
		r->total = xcalloc(r->ncolumns ? r->ncolumns : 1, sizeof *r->total);
		size_t nt;
		size_t *totals = field_list(ini, sec, "totals", r->screen, &nt, errs);
		for (size_t t = 0; t < nt; t++) {
			size_t c;
			for (c = 0; c < r->ncolumns && r->columns[c] != totals[t]; c++)
				;
			if (c == r->ncolumns)
				ERR(ini, ini_line(ini, sec, "totals"), "totals: '%s' is not one of the columns",
				    r->screen->fields[totals[t]].id);
			else
				r->total[c] = true;
		}
		free(totals);
	}
	ini_free(ini);
}

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/*
 * The settings, the list of screen files, the year files and the roles:
 * what every use of the schema needs before any screen.  Messages go to
 * ERRS, which screens read later in the same load also use.
 */
static struct schema *
schema_open(const char *conf_path, const char *screens_dir, struct strlist *errs)
{
	struct schema *s = xcalloc(1, sizeof *s);
	s->errs = errs;
	s->building = 1;
	load_settings(s, conf_path, errs);

	char *confdir = dir_of(conf_path);
	char *sdir;
	if (screens_dir)
		sdir = xstrdup(screens_dir);
	else if (s->settings.screens_dir && s->settings.screens_dir[0] == '/')
		sdir = xstrdup(s->settings.screens_dir);
	else if (s->settings.screens_dir)
		sdir = xasprintf("%s/%s", confdir, s->settings.screens_dir);
	else
		sdir = xasprintf("%s/../screens", confdir);
	list_screens(s, sdir, errs);
	free(sdir);

	char *ydir;
	if (s->settings.years_dir && s->settings.years_dir[0] == '/')
		ydir = xstrdup(s->settings.years_dir);
	else
		ydir = xasprintf("%s/%s", confdir, s->settings.years_dir ? s->settings.years_dir : "years");
	load_years(s, ydir, errs);
	free(ydir);
	char *roles = xasprintf("%s/roles.ini", confdir);
	s->roles = roles_load(roles, s, errs);
	free(roles);
	char *countries = xasprintf("%s/countries.ini", confdir);
	/* The codes are checked against iso-codes by lgotp check only: loading
	 * iso-codes at every start would cost more than the rest of it. */
	load_countries(s, countries, false, errs);
	free(countries);
	free(confdir);
	return s;
}

/* The end of a load: NULL (and S freed) when it added messages to ERRS;
 * screens read from now on keep theirs in s->late. */
static struct schema *
schema_opened(struct schema *s, size_t nerr0, struct strlist *errs)
{
	if (errs->n > nerr0) {
		schema_free(s);
		return NULL;
	}
	for (size_t i = 0; i < s->ncountries; i++)
		(void)country_set_override(s->countries[i].code, s->countries[i].lang,
		    s->countries[i].name);      /* checked when loaded: the code is known */
	s->building = 0;
	s->errs = &s->late;
	return s;
}

struct schema *
schema_load(const char *conf_path, const char *screens_dir, struct strlist *errs)
{
	size_t nerr0 = errs->n;
	struct schema *s = schema_open(conf_path, screens_dir, errs);
	for (size_t i = 0; i < s->nscreens; i++)
		if (s->screens[i].state == SCREEN_UNREAD)
			read_screen(s, &s->screens[i]);

	char *confdir = dir_of(conf_path);
	char *menu = xasprintf("%s/menu.ini", confdir);
	load_menu(s, menu, errs);
	free(menu);
	char *board = xasprintf("%s/survey.ini", confdir);
	load_board(s, board, errs);
	free(board);
	char *reports = xasprintf("%s/reports.ini", confdir);
	load_reports(s, reports, errs);
	free(reports);
	free(confdir);
	return schema_opened(s, nerr0, errs);
}

struct schema *
schema_load_for(const char *conf_path, const char *screens_dir, const char *screen,
    struct strlist *errs)
{
	size_t nerr0 = errs->n;
	struct schema *s = schema_open(conf_path, screens_dir, errs);
	(void)schema_screen(s, screen);
	return schema_opened(s, nerr0, errs);
}

int
schema_screens_all(const struct schema *s, char **cause)
{
	const struct screen_def *broken = NULL;
	for (size_t i = 0; i < s->nscreens; i++)
		if (schema_screen(s, s->screens[i].name) == NULL && broken == NULL)
			broken = &s->screens[i];
	if (broken == NULL)
		return 0;
	return fail(cause, "%s (lgotp check lists every problem)", s->late.n ? s->late.v[0] :
	    broken->file);
}

void
schema_free(struct schema *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->nscreens; i++)
		free_screen(&s->screens[i]);
	free(s->screens);
	for (size_t i = 0; i < s->ngroups; i++) {
		for (int l = 0; l < LANG_COUNT; l++)
			free(s->groups[i].title[l]);
		for (size_t k = 0; k < s->groups[i].nitems; k++) {
			free(s->groups[i].items[k].report);
			free(s->groups[i].items[k].file);
		}
		free(s->groups[i].items);
	}
	free(s->groups);
	for (int l = 0; l < LANG_COUNT; l++)
		free(s->menu_title[l]);
	ini_free(s->conf);
	for (size_t i = 0; i < s->nyears; i++)
		ini_free(s->years[i].ini);
	free(s->years);
	if (s->board) {
		for (size_t i = 0; i < s->board->nforms; i++) {
			struct board_form *f = &s->board->forms[i];
			free(f->name);
			free(f->due_section);
			free(f->due_key);
			free(f->received);
			rule_free(f->expected);
		}
		free(s->board->forms);
		strlist_free(&s->board->kinds);
		strlist_free(&s->board->columns);
		strlist_free(&s->board->contacts);
		free(s->board->kind_field);
		free(s->board);
	}
	roles_free(s->roles);
	for (size_t i = 0; i < s->ncountries; i++)
		free(s->countries[i].name);
	free(s->countries);
	for (size_t i = 0; i < s->nreports; i++) {
		free(s->reports[i].name);
		for (int l = 0; l < LANG_COUNT; l++)
			free(s->reports[i].title[l]);
		free(s->reports[i].columns);
		free(s->reports[i].total);
	}
	free(s->reports);
	free(s->settings.years_dir);
	free(s->settings.conf_path);
	free(s->settings.db_dir);
	free(s->settings.screens_dir);
	strlist_free(&s->late);
	free(s);
}

int
schema_screen_index(const struct schema *s, const char *name)
{
	for (size_t i = 0; i < s->nscreens; i++)
		if (strcmp(s->screens[i].name, name) == 0)
			return (int)i;
	return -1;
}

const struct screen_def *
schema_screen(const struct schema *cs, const char *name)
{
	int i = schema_screen_index(cs, name);
	if (i < 0)
		return NULL;
	/* Every schema is made by schema_open, never const: reading a file on
	 * demand fills in memory what the schema already says. */
	struct schema *s = (struct schema *)cs;
	struct screen_def *sd = &s->screens[i];
	if (sd->state == SCREEN_UNREAD)
		read_screen(s, sd);
	return sd->state != SCREEN_BROKEN || s->building ? sd : NULL;
}

char *
schema_default(const struct schema *s, const struct field_def *f, const char *today)
{
	const char *v = f->default_value;
	if (v == NULL)
		return xstrdup("");
	if (strcmp(v, "today") == 0)
		return xstrdup(today);
	if (starts_with(v, "conf:")) {
		const char *dot = strchr(v + 5, '.');
		if (dot == NULL || s->conf == NULL)
			return xstrdup("");
		char *sec = xstrndup(v + 5, (size_t)(dot - (v + 5)));
		const char *cv = ini_get(s->conf, sec, dot + 1);
		free(sec);
		return xstrdup(cv ? cv : "");
	}
	return xstrdup(v);
}

void
schema_check_countries(const struct schema *s, struct strlist *errs)
{
	char *confdir = dir_of(s->settings.conf_path);
	char *countries = xasprintf("%s/countries.ini", confdir);
	load_countries((struct schema *)s, countries, true, errs);
	free(countries);
	free(confdir);
}
