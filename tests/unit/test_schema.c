/*
 * The screen and conf loader: every broken declaration is reported as
 * file:line: message, and good files load with what they declare.
 */
/* Project headers first: cmocka defines a fail() macro that util.h's fail() would meet. */
#include "country.h"
#include "i18n.h"
#include "schema.h"
#include "util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[64];

static void
write_file(const char *rel, const char *text)
{
	char *path = xasprintf("%s/%s", tmpdir, rel);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(path);
}

static const char good_conf[] =
	"[database]\ndir = data\n[survey]\nyear = 2025\n[display]\nlang = ja\n";
static const char good_menu[] =
	"[menu]\ntitle_ja = メニュー\ntitle_en = Menu\n"
	"[group.a]\ntitle_ja = 調査\ntitle_en = Survey\nitems = s:entry, s:browse\n";
static const char good_screen[] =
	"[screen]\n"                                   /* 1 */
	"title_ja = 様式\n"                             /* 2 */
	"title_en = Form\n"                            /* 3 */
	"key = code\n"                                 /* 4 */
	"list = code, name\n"                          /* 5 */
	"search = name\n"                              /* 6 */
	"\n"                                           /* 7 */
	"[field.code]\n"                               /* 8 */
	"label_ja = コード\n"                           /* 9 */
	"label_en = Code\n"                            /* 10 */
	"type = lgcode\n"                              /* 11 */
	"autoskip = yes\n"                             /* 12 */
	"\n"                                           /* 13 */
	"[field.name]\n"                               /* 14 */
	"label_ja = 名前\n"                             /* 15 */
	"label_en = Name\n"                            /* 16 */
	"type = text\n"                                /* 17 */
	"width = 30\n"                                 /* 18 */
	"[field.kind]\n"                               /* 19 */
	"label_ja = 種別\n"                             /* 20 */
	"label_en = Kind\n"                            /* 21 */
	"type = choice\n"                              /* 22 */
	"choice.a = あ | A\n"                           /* 23 */
	"choice.b = い | B\n";                          /* 24 */

static int
setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/lgotp-schema-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	char *d = xasprintf("%s/conf", tmpdir);
	mkdir(d, 0700);
	free(d);
	d = xasprintf("%s/screens", tmpdir);
	mkdir(d, 0700);
	free(d);
	write_file("conf/lgotp.ini", good_conf);
	write_file("conf/menu.ini", good_menu);
	write_file("screens/s.ini", good_screen);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return 0;
}

static struct schema *
load(struct strlist *errs)
{
	char *conf = xasprintf("%s/conf/lgotp.ini", tmpdir);
	struct schema *s = schema_load(conf, NULL, errs);
	free(conf);
	return s;
}

static void
test_good_files_load(void **state)
{
	(void)state;
	struct strlist errs = { 0 };
	struct schema *s = load(&errs);
	for (size_t i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.v[i]);
	assert_non_null(s);
	assert_int_equal(s->nscreens, 1);
	const struct screen_def *sd = schema_screen(s, "s");
	assert_non_null(sd);
	assert_int_equal(sd->nfields, 3);
	assert_string_equal(sd->fields[0].id, "code");
	assert_int_equal(sd->fields[0].width, 6);            /* lgcode's own width */
	assert_true(sd->fields[0].required);                 /* key fields are required */
	assert_true(sd->fields[0].autoskip);
	assert_int_equal(sd->fields[2].nchoices, 2);
	assert_string_equal(sd->fields[2].choices[1].label[LANG_EN], "B");
	assert_int_equal(sd->fields[2].width, 1);            /* widest code */
	assert_int_equal(sd->nlist, 2);
	assert_int_equal(s->settings.survey_year, 2025);
	assert_int_equal(s->ngroups, 1);
	assert_int_equal(s->groups[0].nitems, 2);
	assert_int_equal(s->groups[0].items[1].mode, MENU_BROWSE);
	/* Automatic layout: labels in one column, fields after the widest. */
	assert_int_equal(sd->fields[0].row, 2);
	assert_int_equal(sd->fields[2].row, 4);
	assert_int_equal(sd->fields[0].col, sd->fields[1].col);
	schema_free(s);
	strlist_free(&errs);
}

/* One broken variation of a file, and the message it must give. */
struct bad_case {
	const char *name;
	const char *file;       /* relative to the temp dir */
	const char *text;
	const char *expect;     /* substring of one error, after "path" */
};

static const struct bad_case bad_cases[] = {
	{ "unknown key", "screens/s.ini", "[screen]\ntitle_ja = a\ntitle_en = b\nkey = x\ncolour = red\n"
	  "[field.x]\nlabel_ja = x\nlabel_en = x\ntype = text\nwidth = 3\n",
	  "s.ini:5: unknown key 'colour' in [screen]" },
	{ "unknown type", "screens/s.ini", "[screen]\ntitle_ja = a\ntitle_en = b\nkey = x\n"
	  "[field.x]\nlabel_ja = x\nlabel_en = x\ntype = txet\nwidth = 3\n",
	  "s.ini:8: unknown type 'txet'" },
	{ "duplicate field id", "screens/s.ini", "[screen]\ntitle_ja = a\ntitle_en = b\nkey = x\n"
	  "[field.x]\nlabel_ja = x\nlabel_en = x\ntype = text\nwidth = 3\n"
	  "[field.x]\nlabel_ja = y\n",
	  "s.ini:10: section [field.x] already given at line 5" },
	{ "duplicate key", "screens/s.ini", "[screen]\ntitle_ja = a\ntitle_en = b\nkey = x\n"
	  "[field.x]\nlabel_ja = x\nlabel_en = x\ntype = text\nwidth = 3\nwidth = 4\n",
	  "s.ini:10: 'width' already set at line 9" },
	{ "too wide", "screens/s.ini", "[screen]\ntitle_ja = a\ntitle_en = b\nkey = x\n"
	  "[field.x]\nlabel_ja = ながいながいラベルです\nlabel_en = x\ntype = text\nwidth = 70\n",
	  "s.ini:5: [field.x] does not fit in 80 columns" },
	{ "lookup to a missing screen", "screens/s.ini", "[screen]\ntitle_ja = a\ntitle_en = b\nkey = x\n"
	  "[field.x]\nlabel_ja = x\nlabel_en = x\ntype = ref\nref = nowhere\nwidth = 6\n",
	  "s.ini:5: [field.x] ref = nowhere: no such screen" },
	{ "key names no field", "screens/s.ini", "[screen]\ntitle_ja = a\ntitle_en = b\nkey = y\n"
	  "[field.x]\nlabel_ja = x\nlabel_en = x\ntype = text\nwidth = 3\n",
	  "s.ini:4: key: no field 'y' on this screen" },
	{ "bad width", "screens/s.ini", "[screen]\ntitle_ja = a\ntitle_en = b\nkey = x\n"
	  "[field.x]\nlabel_ja = x\nlabel_en = x\ntype = text\nwidth = 12abc\n",
	  "s.ini:9: width: expected a whole number from 1 to 80, not '12abc'" },
	{ "bad boolean", "screens/s.ini", "[screen]\ntitle_ja = a\ntitle_en = b\nkey = x\n"
	  "[field.x]\nlabel_ja = x\nlabel_en = x\ntype = text\nwidth = 3\ncarry = maybe\n",
	  "s.ini:10: carry: expected yes or no, not 'maybe'" },
	{ "choice without choices", "screens/s.ini", "[screen]\ntitle_ja = a\ntitle_en = b\nkey = x\n"
	  "[field.x]\nlabel_ja = x\nlabel_en = x\ntype = choice\n",
	  "s.ini:5: [field.x] is a choice with no choice.CODE lines" },
	{ "choice without English", "screens/s.ini", "[screen]\ntitle_ja = a\ntitle_en = b\nkey = x\n"
	  "[field.x]\nlabel_ja = x\nlabel_en = x\ntype = choice\nchoice.1 = はい\n",
	  "s.ini:9: choice.1: expected '日本語 | English'" },
	{ "missing label", "screens/s.ini", "[screen]\ntitle_ja = a\ntitle_en = b\nkey = x\n"
	  "[field.x]\nlabel_ja = x\ntype = text\nwidth = 3\n",
	  "s.ini:5: [field.x] needs label_en" },
	{ "not key = value", "screens/s.ini", "[screen]\ntitle_ja = a\njust words\n",
	  "s.ini:3: expected 'key = value' or '[section]'" },
	{ "key before any section", "screens/s.ini", "title_ja = a\n[screen]\n",
	  "s.ini:1: key outside any [section]" },
	{ "line too long", "screens/s.ini", NULL, "s.ini:2: line too long" },
	{ "invalid UTF-8", "screens/s.ini", "[screen]\ntitle_ja = \xff\xfe\n", "s.ini:2: not valid UTF-8" },
	{ "unknown derive", "screens/s.ini", "[screen]\ntitle_ja = a\ntitle_en = b\nkey = x\n"
	  "[field.x]\nlabel_ja = x\nlabel_en = x\ntype = text\nwidth = 3\nderive = magic(x)\n",
	  "s.ini:10: derive: unknown 'magic'" },
	{ "default names a missing setting", "screens/s.ini", "[screen]\ntitle_ja = a\ntitle_en = b\nkey = x\n"
	  "[field.x]\nlabel_ja = x\nlabel_en = x\ntype = fy\ndefault = conf:survey.yaer\n",
	  "s.ini:5: [field.x] default = conf:survey.yaer: no such setting" },
	{ "default of the wrong type", "screens/s.ini", "[screen]\ntitle_ja = a\ntitle_en = b\nkey = x\n"
	  "[field.x]\nlabel_ja = x\nlabel_en = x\ntype = date\ndefault = 2023-02-29\n",
	  "s.ini:5: [field.x] default = 2023-02-29:" },
	{ "menu names a missing screen", "conf/menu.ini", "[menu]\ntitle_ja = a\ntitle_en = b\n"
	  "[group.a]\ntitle_ja = a\ntitle_en = b\nitems = s:entry, nothere:browse\n",
	  "menu.ini:7: items: no screen 'nothere'" },
	{ "menu with a bad mode", "conf/menu.ini", "[menu]\ntitle_ja = a\ntitle_en = b\n"
	  "[group.a]\ntitle_ja = a\ntitle_en = b\nitems = s:edit\n",
	  "menu.ini:7: items: s: mode must be entry, browse, verify or report, not 'edit'" },
	{ "menu: verify on a screen not verified", "conf/menu.ini", "[menu]\ntitle_ja = a\ntitle_en = b\n"
	  "[group.a]\ntitle_ja = a\ntitle_en = b\nitems = s:verify\n",
	  "menu.ini:7: items: s:verify: the screen is not marked verify = yes" },
	{ "settings: verify sample of 0", "conf/lgotp.ini", "[verify]\nsample = 0\n",
	  "lgotp.ini:2: sample: expected a whole number from 1 to 1000000, not '0'" },
	{ "settings: verify rate not a percentage", "conf/lgotp.ini", "[verify]\nmax_error_rate = 150\n",
	  "lgotp.ini:2: max_error_rate: a percentage from 0 to 100, not '150'" },
	{ "settings: verify rate not a number", "conf/lgotp.ini", "[verify]\nmax_error_rate = 1%\n",
	  "lgotp.ini:2: max_error_rate: a percentage from 0 to 100, not '1%'" },
	{ "settings: unknown verify key", "conf/lgotp.ini", "[verify]\nsamples = 3\n",
	  "lgotp.ini:2: unknown key 'samples' in [verify]" },
	{ "settings: bad language", "conf/lgotp.ini", "[display]\nlang = fr\n",
	  "lgotp.ini:2: lang: expected ja, en or auto, not 'fr'" },
	{ "label_en names no field", "screens/s.ini", "[screen]\ntitle_ja = a\ntitle_en = b\nkey = x\n"
	  "label_en = y\n[field.x]\nlabel_ja = x\nlabel_en = x\ntype = text\nwidth = 3\n",
	  "s.ini:5: label_en: no field 'y' on this screen" },
	{ "countries: not a two-letter code", "conf/countries.ini", "[ja]\nJPN = 日本国\n",
	  "countries.ini:2: jpn: not an ISO 3166-1 alpha-2 code iso-codes knows" },
	{ "countries: unknown section", "conf/countries.ini", "[fr]\nJP = Japon\n",
	  "countries.ini:1: unknown section [fr]: expected [ja] or [en]" },
	{ "countries: empty name", "conf/countries.ini", "[en]\nKR =\n",
	  "countries.ini:2: kr: the name is empty" },
	{ "settings: unknown section", "conf/lgotp.ini", "[colours]\nfg = red\n",
	  "lgotp.ini:1: unknown section [colours]" },
	{ "settings: survey year out of range", "conf/lgotp.ini", "[survey]\nyear = 25\n",
	  "lgotp.ini:2: year: expected a whole number from 1989 to 2200, not '25'" },
};

/* C's file makes the load fail with C's message among the errors. */
static void
check_bad_case(const struct bad_case *c)
{
	setup(NULL);
	if (c->text)
		write_file(c->file, c->text);
	else {
		/* iniparser fails the whole load on a line over 1,022 bytes. */
		struct strbuf sb = SB_INIT;
		sb_adds(&sb, "[screen]\ntitle_ja = ");
		for (int k = 0; k < 400; k++)
			sb_adds(&sb, "漢");
		sb_adds(&sb, "\n");
		write_file(c->file, sb.s);
		sb_free(&sb);
	}
	struct strlist errs = { 0 };
	struct schema *s = load(&errs);
	int found = 0;
	for (size_t e = 0; e < errs.n; e++)
		if (strstr(errs.v[e], c->expect) != NULL && strncmp(errs.v[e], tmpdir, strlen(tmpdir)) == 0)
			found = 1;
	if (!found || s != NULL) {
		fprintf(stderr, "case '%s': expected '%s', got:\n", c->name, c->expect);
		for (size_t e = 0; e < errs.n; e++)
			fprintf(stderr, "  %s\n", errs.v[e]);
	}
	assert_null(s);
	assert_true(found);
	strlist_free(&errs);
	teardown(NULL);
}

static void
test_bad_files(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++)
		check_bad_case(&bad_cases[i]);
}

/* The same messages in Japanese, "FILE:LINE: " kept, the words reordered
 * where Japanese wants it; a field type's reason in Japanese too. */
static const struct bad_case bad_cases_ja[] = {
	{ "settings: bad language", "conf/lgotp.ini", "[display]\nlang = fr\n",
	  "lgotp.ini:2: lang: ja, en, auto のいずれかを指定してください ('fr' は使えません)" },
	{ "settings: unknown verify key", "conf/lgotp.ini", "[verify]\nsamples = 3\n",
	  "lgotp.ini:2: [verify] に不明なキー 'samples'" },
	{ "not key = value", "screens/s.ini", "[screen]\ntitle_ja = a\njust words\n",
	  "s.ini:3: 'key = value' か '[section]' の形で書いてください" },
	{ "default of the wrong type", "screens/s.ini", "[screen]\ntitle_ja = a\ntitle_en = b\nkey = x\n"
	  "[field.x]\nlabel_ja = x\nlabel_en = x\ntype = date\ndefault = 2023-02-29\n",
	  "s.ini:5: [field.x] default = 2023-02-29: 2023年2月29日はありません" },
};

static void
test_bad_files_japanese(void **state)
{
	(void)state;
	i18n_set_lang(LANG_JA);
	for (size_t i = 0; i < sizeof bad_cases_ja / sizeof bad_cases_ja[0]; i++)
		check_bad_case(&bad_cases_ja[i]);
	i18n_set_lang(LANG_EN);
}

/* A code iso-codes does not know: lgotp check says so; a start, which
 * does not load iso-codes, takes it and drops it when countries load. */
static void
test_unknown_country_code_checked(void **state)
{
	(void)state;
	write_file("conf/countries.ini", "[ja]\nXX = どこか\n");
	struct strlist errs = { 0 };
	struct schema *s = load(&errs);
	assert_non_null(s);
	assert_int_equal(errs.n, 0);
	schema_check_countries(s, &errs);
	assert_int_equal(errs.n, 1);
	assert_non_null(strstr(errs.v[0], "countries.ini:2: xx: not an ISO 3166-1 alpha-2 code"));
	assert_null(country_find_name("どこか"));
	strlist_free(&errs);
	schema_free(s);
}

static void
test_defaults(void **state)
{
	(void)state;
	write_file("screens/s.ini",
	    "[screen]\ntitle_ja = a\ntitle_en = b\nkey = fy\n"
	    "[field.fy]\nlabel_ja = 年度\nlabel_en = FY\ntype = fy\ndefault = conf:survey.year\n"
	    "[field.d]\nlabel_ja = 日\nlabel_en = D\ntype = date\ndefault = today\n"
	    "[field.t]\nlabel_ja = t\nlabel_en = t\ntype = text\nwidth = 4\ndefault = abc\n");
	struct strlist errs = { 0 };
	struct schema *s = load(&errs);
	assert_non_null(s);
	const struct screen_def *sd = schema_screen(s, "s");
	char *v = schema_default(s, &sd->fields[0], "2026-11-26");
	assert_string_equal(v, "2025");
	free(v);
	v = schema_default(s, &sd->fields[1], "2026-11-26");
	assert_string_equal(v, "2026-11-26");
	free(v);
	v = schema_default(s, &sd->fields[2], "2026-11-26");
	assert_string_equal(v, "abc");
	free(v);
	schema_free(s);
	strlist_free(&errs);
}

/*
 * schema_load_for reads what one screen needs: its file and the files of
 * the screens it names, checked as schema_load checks them.  Another
 * screen's file is read when asked for, its messages kept in s->late.
 */
static const char ref_screen[] =
	"[screen]\ntitle_ja = 参照\ntitle_en = Refs\nkey = code\n"
	"[field.code]\nlabel_ja = コード\nlabel_en = Code\ntype = ref\nref = s\nwidth = 6\n";
static const char broken_screen[] =
	"[screen]\ntitle_ja = 壊\ntitle_en = Broken\nkey = x\ncolour = red\n"
	"[field.x]\nlabel_ja = x\nlabel_en = x\ntype = text\nwidth = 3\n";

static struct schema *
load_for(const char *screen, struct strlist *errs)
{
	char *conf = xasprintf("%s/conf/lgotp.ini", tmpdir);
	struct schema *s = schema_load_for(conf, NULL, screen, errs);
	free(conf);
	return s;
}

static bool
has_error(const struct strlist *errs, const char *text)
{
	for (size_t i = 0; i < errs->n; i++)
		if (strstr(errs->v[i], text) != NULL)
			return true;
	return false;
}

static void
test_load_for_one_screen(void **state)
{
	(void)state;
	write_file("screens/t.ini", ref_screen);
	write_file("screens/u.ini", broken_screen);
	struct strlist errs = { 0 };

	/* t and the screen it refers to; u, broken, is not read. */
	struct schema *s = load_for("t", &errs);
	assert_int_equal(errs.n, 0);
	assert_non_null(s);
	assert_int_equal(s->nscreens, 3);
	assert_int_equal(s->screens[0].state, SCREEN_READY);      /* s */
	assert_int_equal(s->screens[1].state, SCREEN_READY);      /* t */
	assert_int_equal(s->screens[2].state, SCREEN_UNREAD);     /* u */
	assert_int_equal(schema_screen_index(s, "u"), 2);
	assert_int_equal(s->screens[2].state, SCREEN_UNREAD);
	/* Asked for, u is read: no screen, and why. */
	assert_null(schema_screen(s, "u"));
	assert_int_equal(s->screens[2].state, SCREEN_BROKEN);
	assert_true(has_error(&s->late, "u.ini:5: unknown key 'colour' in [screen]"));
	char *why = NULL;
	assert_int_equal(schema_screens_all(s, &why), -1);
	assert_non_null(strstr(why, "u.ini:5: unknown key 'colour'"));
	free(why);
	schema_free(s);

	/* The screen itself broken: refused with its message, as schema_load. */
	s = load_for("u", &errs);
	assert_null(s);
	assert_true(has_error(&errs, "u.ini:5: unknown key 'colour' in [screen]"));
	strlist_free(&errs);
	assert_null(load(&errs));
	assert_true(has_error(&errs, "u.ini:5: unknown key 'colour' in [screen]"));
	strlist_free(&errs);

	/* A screen t needs broken: t is refused too. */
	write_file("screens/u.ini", good_screen);
	write_file("screens/s.ini", broken_screen);
	assert_null(load_for("t", &errs));
	assert_true(has_error(&errs, "s.ini:5: unknown key 'colour' in [screen]"));
	strlist_free(&errs);

	/* Every screen read: nothing left for later. */
	write_file("screens/s.ini", good_screen);
	s = load_for("t", &errs);
	assert_non_null(s);
	assert_int_equal(schema_screens_all(s, &why), 0);
	for (size_t i = 0; i < s->nscreens; i++)
		assert_int_equal(s->screens[i].state, SCREEN_READY);
	assert_int_equal(s->late.n, 0);
	schema_free(s);
}

/* A scope speaks of its screen's fields: checked when that screen is read. */
static void
test_load_for_scopes(void **state)
{
	(void)state;
	write_file("screens/t.ini", ref_screen);
	write_file("conf/roles.ini", "[user.x]\nroles = r\n[role.r]\n* = read\n"
	    "scope.t = nosuch = 1\n");
	struct strlist errs = { 0 };
	struct schema *s = load_for("s", &errs);
	assert_int_equal(errs.n, 0);
	assert_non_null(s);
	assert_null(schema_screen(s, "t"));
	assert_true(has_error(&s->late, "roles.ini:5: scope.t: a scope speaks of the record's own "
	    "fields only"));
	schema_free(s);
	assert_null(load_for("t", &errs));
	assert_true(has_error(&errs, "roles.ini:5: scope.t: a scope speaks"));
	strlist_free(&errs);
	assert_null(load(&errs));
	assert_true(has_error(&errs, "roles.ini:5: scope.t: a scope speaks"));
	strlist_free(&errs);
}

/* The project's own screens and conf must pass the same checks. */
static void
test_project_files_load(void **state)
{
	(void)state;
	struct strlist errs = { 0 };
	struct schema *s = schema_load("conf/lgotp.ini", NULL, &errs);
	for (size_t i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.v[i]);
	assert_non_null(s);
	const struct screen_def *body = schema_screen(s, "body");
	assert_non_null(body);
	assert_non_null(schema_screen(s, "survey1"));
	/* A body is named in English by its English name. */
	assert_true(body->label_en >= 0);
	assert_string_equal(body->fields[body->label_en].id, "name_en");
	/* conf/countries.ini's names are in force: the four iso-codes' catalogue
	 * lacks, found by name too; the others are iso-codes' own. */
	static const char *const named[][3] = {
		{ "CZ", "チェコ", "Czechia" }, { "MK", "北マケドニア", "North Macedonia" },
		{ "SZ", "エスワティニ", "Eswatini" }, { "TR", "トルコ", "Türkiye" },
		{ "JP", "日本", "Japan" },
	};
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
		assert_string_equal(country_name(named[i][0], LANG_JA), named[i][1]);
		assert_string_equal(country_name(named[i][0], LANG_EN), named[i][2]);
		assert_string_equal(country_find_name(named[i][1]), named[i][0]);
	}
	schema_free(s);
	strlist_free(&errs);
}

int
main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	/* The messages checked are the English ones (i18n's default is Japanese). */
	i18n_set_lang(LANG_EN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_files_load, setup, teardown),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_bad_files_japanese),
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_country_code_checked, setup, teardown),
		cmocka_unit_test(test_project_files_load),
		cmocka_unit_test_setup_teardown(test_load_for_one_screen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_for_scopes, setup, teardown),
	};
	return cmocka_run_group_tests_name("schema", tests, NULL, NULL);
}
