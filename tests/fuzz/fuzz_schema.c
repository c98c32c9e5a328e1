/*
 * fuzz_schema.c - the screen loader (schema_load) on any screen file.
 *
 * The input becomes screens/form.ini beside fixed files: the settings,
 * a menu and a survey board and a list report that name the screen
 * "form", a year file, and a small screen "body" that form's fields and
 * effects can refer to (ref = body).  The fixed files are
 * consistent, so a good form.ini loads without a message.
 *
 * Promises checked (schema.h):
 *   - schema_load gives a schema with no message, or NULL with at least
 *     one, each "FILE:LINE: ..." in UTF-8 naming one of the files;
 *   - in a schema, every index a screen holds (key, list, search, label,
 *     fy, imports, effects, match, derivation arguments, log fields) is a
 *     field of that screen, every field has a type and a width that fits,
 *     and defaults can be computed.
 */
#include "fuzz.h"

#include <ctype.h>

#include "derive.h"
#include "ftype.h"
#include "rule.h"
#include "schema.h"
#include "text.h"

static const char fuzz_schema_conf[] =
	"[database]\ndir = data\n"
	"[survey]\nyear = 2025\n"
	"[display]\nlang = ja\nlean = no\n";

static const char fuzz_schema_menu[] =
	"[menu]\ntitle_ja = メニュー\ntitle_en = Menu\n"
	"[group.a]\ntitle_ja = 様式\ntitle_en = Forms\n"
	"items = form:entry, form:browse, body:entry, body:browse, list:report\n";

static const char fuzz_schema_survey[] =
	"[board]\nbodies = body\nkinds = pref, city\n"
	"[form.form]\nscreen = form\ndue = survey.form_due\nexpected = fy >= 2020 and intent in 1, 2\n";

static const char fuzz_schema_reports[] =
	"[report.list]\ntitle_ja = 一覧\ntitle_en = List\nscreen = form\nfy = fy\n"
	"columns = fy, body_code, amount\ntotals = amount\n";

static const char fuzz_schema_year[] =
	"[survey]\nform_due = 2025-07-31\n"
	"[allocation]\npref_per_body = 5700000\n"
	"[events]\nevent.1 = 2025-04-01 | 開始 | Start\n";

static const char fuzz_schema_body[] =
	"[screen]\ntitle_ja = 団体\ntitle_en = Bodies\nkey = code\nlist = code, name\n"
	"search = code, name\nlabel = name\n"
	"[field.code]\nlabel_ja = 団体コード\nlabel_en = Code\ntype = lgcode\n"
	"[field.name]\nlabel_ja = 名称\nlabel_en = Name\ntype = text\nwidth = 30\n"
	"[field.pref_code]\nlabel_ja = 都道府県\nlabel_en = Prefecture\ntype = choice\n"
	"choice.01 = 北海道 | Hokkaido\nchoice.13 = 東京都 | Tokyo\n"
	"[field.kind]\nlabel_ja = 種別\nlabel_en = Kind\ntype = choice\n"
	"derive = lgcode_kind(code, name)\n"
	"choice.pref = 都道府県 | Prefecture\nchoice.city = 市 | City\n"
	"[field.dept]\nlabel_ja = 担当課\nlabel_en = Department\ntype = text\nwidth = 30\n"
	"[field.contact]\nlabel_ja = 担当者\nlabel_en = Contact\ntype = text\nwidth = 20\n"
	"[field.email]\nlabel_ja = メール\nlabel_en = E-mail\ntype = email\nwidth = 40\n"
	"[field.phone]\nlabel_ja = 電話\nlabel_en = Phone\ntype = phone\nwidth = 20\n"
	"[field.country]\nlabel_ja = 国\nlabel_en = Country\ntype = country\n"
	"[field.status]\nlabel_ja = 状況\nlabel_en = Status\ntype = choice\n"
	"choice.open = 募集中 | Open\nchoice.closed = 終了 | Closed\n"
	"[field.ja]\nlabel_ja = 日本語\nlabel_en = Japanese\ntype = text\nwidth = 20\n"
	"[field.en]\nlabel_ja = 英語\nlabel_en = English\ntype = text\nwidth = 20\n";

/* "FILE:LINE: ..." with FILE under the scratch directory. */
static void
fuzz_schema_message(const char *msg)
{
	const char *dir = fuzz_dir();
	FUZZ_CHECK(strncmp(msg, dir, strlen(dir)) == 0);
	FUZZ_CHECK(text_valid_utf8(msg, strlen(msg)));
	const char *p = strstr(msg, ".ini:");
	if (p == NULL)
		p = strstr(msg, "/screens:");       /* the directory itself */
	FUZZ_CHECK(p != NULL);
	p = strchr(p, ':') + 1;
	FUZZ_CHECK(isdigit((unsigned char)*p));
	while (isdigit((unsigned char)*p))
		p++;
	FUZZ_CHECK(p[0] == ':' && p[1] == ' ');
}

static void
fuzz_schema_indexes(const size_t *v, size_t n, size_t nfields)
{
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(v[i] < nfields);
}

/* What the rest of the program takes for granted about a loaded screen. */
static void
fuzz_schema_screen(const struct schema *s, const struct screen_def *sd)
{
	size_t nf = sd->nfields;
	FUZZ_CHECK(nf > 0 && sd->nkey > 0);
	FUZZ_CHECK(schema_screen(s, sd->name) == sd);
	fuzz_schema_indexes(sd->key, sd->nkey, nf);
	fuzz_schema_indexes(sd->list, sd->nlist, nf);
	fuzz_schema_indexes(sd->search, sd->nsearch, nf);
	FUZZ_CHECK(sd->label < nf);
	FUZZ_CHECK(sd->fy >= -1 && sd->fy < (int)nf);
	for (size_t i = 0; i < sd->nimports; i++) {
		const struct import_layout *im = &sd->imports[i];
		for (size_t c = 0; c < im->ncolumns; c++)
			FUZZ_CHECK(im->columns[c].field < nf);
		for (size_t r = 0; r < im->nrecords; r++)
			for (size_t k = 0; k < im->records[r].nsets; k++)
				FUZZ_CHECK(im->records[r].sets[k].field < nf);
		FUZZ_CHECK(im->total_header == NULL || im->total_field < nf);
	}
	for (size_t i = 0; i < sd->nchecks; i++) {
		FUZZ_CHECK(sd->checks[i].rule != NULL);
		const struct rule_ref *refs;
		size_t nrefs = rule_refs(sd->checks[i].rule, &refs);
		for (size_t k = 0; k < nrefs; k++)
			if (refs[k].kind == RULE_FIELD)
				FUZZ_CHECK(schema_field_index(sd, refs[k].a) >= 0);
	}
	for (size_t i = 0; i < sd->neffects; i++) {
		FUZZ_CHECK(sd->effects[i].target < nf);
		FUZZ_CHECK(sd->fields[sd->effects[i].target].ref != NULL);
		for (size_t k = 0; k < sd->effects[i].nsets; k++)
			FUZZ_CHECK(sd->effects[i].sets[k].source < (int)nf &&
			    (sd->effects[i].sets[k].source >= 0 || sd->effects[i].sets[k].literal != NULL));
	}
	if (sd->match != NULL) {
		const struct match_def *m = sd->match;
		FUZZ_CHECK(m->field < nf && m->countries < nf && m->training_field < nf &&
		    m->language < nf);
	}
	for (size_t i = 0; i < nf; i++) {
		const struct field_def *f = &sd->fields[i];
		FUZZ_CHECK(schema_field_index(sd, f->id) == (int)i);
		FUZZ_CHECK(f->type != NULL);
		FUZZ_CHECK(f->width >= 1 && f->col >= 1 && f->col + f->width + 1 <= 80);
		FUZZ_CHECK(f->row >= 1 && f->row <= 21);
		FUZZ_CHECK(f->label[LANG_JA] != NULL && f->label[LANG_EN] != NULL);
		fuzz_schema_indexes(f->derive_args, f->nderive_args, nf);
		FUZZ_CHECK((f->derive == NULL) == (f->nderive_args == 0));
		FUZZ_CHECK(f->log_field >= -1 && f->log_field < (int)nf && f->log_field != (int)i);
		if (strcmp(f->type->name, "choice") == 0)
			FUZZ_CHECK(f->nchoices > 0);
		char *def = schema_default(s, f, "2025-06-15");
		FUZZ_CHECK(text_valid_utf8(def, strlen(def)));
		free(def);
	}
}

int
fuzz_schema_one(const uint8_t *data, size_t size)
{
	static bool fixed;
	if (!fixed) {
		static const struct {
			const char *rel, *text;
		} files[] = {
			{ "schema/conf/lgotp.ini", fuzz_schema_conf },
			{ "schema/conf/menu.ini", fuzz_schema_menu },
			{ "schema/conf/survey.ini", fuzz_schema_survey },
			{ "schema/conf/reports.ini", fuzz_schema_reports },
			{ "schema/conf/years/2025.ini", fuzz_schema_year },
			{ "schema/screens/body.ini", fuzz_schema_body },
		};
		for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
			free(fuzz_write(files[i].rel, files[i].text, strlen(files[i].text)));
		fixed = true;
	}
	free(fuzz_write("schema/screens/form.ini", data, size));
	char *conf = xasprintf("%s/schema/conf/lgotp.ini", fuzz_dir());
	char *screens = xasprintf("%s/schema/screens", fuzz_dir());

	struct strlist errs = { 0 };
	struct schema *s = schema_load(conf, screens, &errs);
	/* FUZZ_VERBOSE=1: show what the loader said, to see which paths an input takes. */
	if (getenv("FUZZ_VERBOSE") != NULL) {
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "    %s\n", errs.v[i]);
		fprintf(stderr, "    %s\n", s != NULL ? "loaded" : "refused");
	}
	if (s == NULL) {
		FUZZ_CHECK(errs.n > 0);
		for (size_t i = 0; i < errs.n; i++)
			fuzz_schema_message(errs.v[i]);
	} else {
		FUZZ_CHECK(errs.n == 0);
		FUZZ_CHECK(s->nscreens == 2);
		for (size_t i = 0; i < s->nscreens; i++)
			fuzz_schema_screen(s, &s->screens[i]);
		FUZZ_CHECK(schema_year_setting(s, 2025, "survey", "form_due") != NULL);
		FUZZ_CHECK(schema_year_setting_latest(s, 2030, "allocation", "pref_per_body") != NULL);
	}
	schema_free(s);
	strlist_free(&errs);
	free(conf);
	free(screens);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_schema_one(data, size);
}
#endif
