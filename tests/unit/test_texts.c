/*
 * Every UI text in both languages.
 *
 * The catalogue: xgettext extracts the English of src/ with the keywords
 * of src/i18n.h, and each msgid must have its Japanese in src/po/ja.po
 * (msgcmp), with no fuzzy or obsolete entry and none the source no longer
 * uses (msgmerge would make it obsolete), and msgfmt --check must accept
 * the file.  The source: no bilingual T()/L() call may be left, and no
 * string literal holding Japanese outside a catalogue keyword, except in
 * the data listed in `allowed` below with the reason.
 *
 * Needs the gettext tools (Debian package gettext, which make's install
 * step installs).  Runs from the repository root, as every test does.
 */
#include "text.h"
#include "util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PO "src/po/ja.po"
/* The keywords of src/i18n.h, as xgettext takes them: the macros, and the
 * functions that translate their format themselves (fail() of util.h, the
 * configuration loaders' ERR() and err_at() in schema.c, xt_err() in
 * report_crosstab.c). */
#define KEYWORDS "-k_ -kC_:1c,2 -kL_:2 -kLC_:2c,3 -kN_ -kNC_:1c,2 -kfail:2 -kERR:3 -kerr_at:4 " \
	"-kxt_err:4"

/*
 * Japanese that is data, not a message: the same in either language.
 * A NULL literal allows the whole file.
 */
static const struct {
	const char *file, *literal, *reason;
} allowed[] = {
	{ "src/era.c", NULL, "the Japanese calendar: era names and the characters of dates "
	  "as read and written (年, 月, 日, 元, 曜日, weekdays); Western dates are its English" },
	{ "src/lgcode.c", NULL, "the endings of bodies' names (市, 区, 町, 村) a body's kind is "
	  "derived from" },
	{ "src/ftype.c", "兆", "a unit of yen as typed (570万)" },
	{ "src/ftype.c", "億", "a unit of yen as typed" },
	{ "src/ftype.c", "万", "a unit of yen as typed" },
	{ "src/ftype.c", "千", "a unit of yen as typed" },
	{ "src/ftype.c", "百", "a unit of yen as typed" },
	{ "src/ftype.c", "十", "a unit of yen as typed" },
	{ "src/ftype.c", "￥", "the full-width yen sign, as typed" },
	{ "src/ftype.c", "円", "the yen suffix, as typed" },
	{ "src/ftype.c", "%d年%d月%d日(%s)", "a date before 明治 in the Japanese calendar's "
	  "format (the era's own is era.c's)" },
	{ "src/schema.c", "choice without a code: write choice.CODE = 日本語 | English",
	  "the screen files' syntax, written as it is in them" },
	{ "src/schema.c", "%s: expected '日本語 | English'", "the screen files' syntax" },
	{ "src/schema.c", "%s: expected YYYY-MM-DD | 日本語 | English", "the year files' syntax" },
};

static bool
is_allowed(const char *file, const char *literal)
{
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		if (strcmp(allowed[i].file, file) == 0 &&
		    (allowed[i].literal == NULL || strcmp(allowed[i].literal, literal) == 0))
			return true;
	return false;
}

/* Hiragana, katakana, CJK ideographs, full-width forms, CJK punctuation. */
static bool
has_japanese(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	for (; *p; p++) {
		if (p[0] == 0xE3 && p[1] >= 0x80 && p[1] <= 0x83)
			return true;            /* U+3000-30FF */
		if (p[0] >= 0xE4 && p[0] <= 0xE9)
			return true;            /* U+4000-9FFF */
		if (p[0] == 0xE3 && p[1] >= 0x90)
			return true;            /* U+3400-3FFF */
		if (p[0] == 0xEF && (p[1] == 0xBC || p[1] == 0xBD || p[1] == 0xBE || p[1] == 0xBF))
			return true;            /* U+FF00-FFEF */
	}
	return false;
}

static char *
slurp(const char *path)
{
	char *s;
	size_t len;
	return read_whole_file(path, &s, &len) == 0 ? s : NULL;
}

/* Runs CMD with sh; its output (stdout and stderr) in *out.  The exit status. */
static int
run(const char *cmd, char **out)
{
	char *full = xasprintf("(%s) 2>&1", cmd);
	FILE *p = popen(full, "r");
	free(full);
	assert_non_null(p);
	struct strbuf sb = SB_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, p)) > 0)
		sb_add(&sb, buf, n);
	int st = pclose(p);
	*out = sb_detach(&sb);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static char tmp[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof tmp, "/tmp/lgotp-texts-XXXXXX");
	if (mkdtemp(tmp) == NULL)
		return -1;
	char *out = NULL;
	int rc = run("command -v xgettext && command -v msgcmp && command -v msgmerge && "
	    "command -v msgfmt", &out);
	if (rc != 0)
		fprintf(stderr, "the gettext tools are missing (Debian package gettext; make test "
		    "installs it)\n");
	free(out);
	return rc == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	char *cmd = xasprintf("rm -rf '%s'", tmp);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

/* The template of src/ as xgettext extracts it; fails on any warning. */
static char *
extract(void)
{
	char *pot = xasprintf("%s/lgotp.pot", tmp), *out = NULL;
	char *cmd = xasprintf("xgettext --from-code=UTF-8 --language=C " KEYWORDS
	    " --add-comments=TRANSLATORS: -o '%s' src/*.c src/*.h", pot);
	int rc = run(cmd, &out);
	if (rc != 0 || strstr(out, "warning") != NULL) {
		fprintf(stderr, "%s\n%s", cmd, out);
		fail();
	}
	free(cmd);
	free(out);
	return pot;
}

static void
test_every_text_translated(void **state)
{
	(void)state;
	char *pot = extract(), *out = NULL;
	/* msgcmp: each msgid of the source needs a translation that is neither
	 * empty nor fuzzy (-N: no near matches counted). */
	char *cmd = xasprintf("msgcmp -N " PO " '%s'", pot);
	if (run(cmd, &out) != 0) {
		fprintf(stderr, "texts without Japanese in " PO ":\n%s", out);
		fail();
	}
	free(cmd);
	free(out);
	free(pot);
}

static void
test_no_stale_entries(void **state)
{
	(void)state;
	char *po = slurp(PO);
	assert_non_null(po);
	/* Fuzzy or obsolete entries: a translation not checked against its text. */
	struct strlist lines = { 0 };
	split_trim(po, '\n', &lines);
	for (size_t i = 0; i < lines.n; i++) {
		const char *l = lines.v[i];
		if (strncmp(l, "#~", 2) == 0 || (strncmp(l, "#,", 2) == 0 && strstr(l, "fuzzy"))) {
			fprintf(stderr, PO ":%zu: a fuzzy or obsolete entry: %s\n", i + 1, l);
			fail();
		}
	}
	strlist_free(&lines);
	free(po);
	/* Entries the source no longer has: msgmerge makes them obsolete. */
	char *pot = extract(), *out = NULL;
	char *merged = xasprintf("%s/merged.po", tmp);
	char *cmd = xasprintf("msgmerge -q -N --no-wrap -o '%s' " PO " '%s'", merged, pot);
	assert_int_equal(run(cmd, &out), 0);
	free(out);
	char *m = slurp(merged);
	assert_non_null(m);
	if (strstr(m, "\n#~ msgid") != NULL) {
		fprintf(stderr, PO " has entries no text of src/ uses:\n%s\n", strstr(m, "\n#~ msgid"));
		fail();
	}
	free(m);
	free(cmd);
	free(merged);
	free(pot);
}

static void
test_msgfmt_check(void **state)
{
	(void)state;
	char *out = NULL;
	if (run("msgfmt --check --check-accelerators -o /dev/null " PO, &out) != 0 ||
	    strstr(out, "warning") != NULL) {
		fprintf(stderr, "%s", out);
		fail();
	}
	free(out);
}

/* --- the source ------------------------------------------------------------ */

/* A catalogue keyword of i18n.h ends just before position I of S (an identifier). */
static bool
keyword_before(const char *s, size_t i)
{
	static const char *const kw[] = { "_", "C_", "L_", "LC_", "N_", "NC_" };
	size_t end = i;
	while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\n'))
		end--;
	size_t start = end;
	while (start > 0 && (s[start - 1] == '_' || (s[start - 1] >= 'A' && s[start - 1] <= 'Z') ||
	    (s[start - 1] >= 'a' && s[start - 1] <= 'z') || (s[start - 1] >= '0' && s[start - 1] <= '9')))
		start--;
	for (size_t k = 0; k < sizeof kw / sizeof kw[0]; k++)
		if (end - start == strlen(kw[k]) && strncmp(s + start, kw[k], end - start) == 0)
			return true;
	return false;
}

static int
line_of(const char *s, size_t i)
{
	int n = 1;
	for (size_t k = 0; k < i; k++)
		n += s[k] == '\n';
	return n;
}

/*
 * Problems of one source file, appended to PROBLEMS: T(/TC(/L(/LC( calls
 * or their definitions, and Japanese literals outside a keyword's call
 * that `allowed` does not list.  A small lexer: comments, strings and
 * characters are told apart; parentheses are tracked to know whether a
 * literal is inside a keyword's call.
 */
static void
scan(const char *path, struct strlist *problems)
{
	char *s = slurp(path);
	assert_non_null(s);
	size_t n = strlen(s);
	/* For each open parenthesis: whether it is a keyword's call. */
	bool stack[256];
	int depth = 0, in_keyword = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '/' && s[i + 1] == '/') {
			while (i < n && s[i] != '\n')
				i++;
		} else if (c == '/' && s[i + 1] == '*') {
			char *e = strstr(s + i + 2, "*/");
			i = e ? (size_t)(e - s) + 1 : n;
		} else if (c == '\'') {
			for (i++; i < n && s[i] != '\''; i++)
				if (s[i] == '\\')
					i++;
		} else if (c == '"') {
			size_t start = i + 1;
			for (i++; i < n && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			char *lit = xstrndup(s + start, i - start);
			if (has_japanese(lit) && in_keyword == 0 && !is_allowed(path, lit))
				strlist_addf(problems, "%s:%d: Japanese outside the catalogue: \"%s\"", path,
				    line_of(s, start), lit);
			free(lit);
		} else if (c == '(') {
			bool kw = keyword_before(s, i);
			if (depth < 256)
				stack[depth] = kw;
			depth++;
			in_keyword += kw;
		} else if (c == ')' && depth > 0) {
			depth--;
			if (depth < 256)
				in_keyword -= stack[depth];
		} else if ((c == 'T' || c == 'L') && (i == 0 || !(s[i - 1] == '_' || s[i - 1] == '.' ||
		    s[i - 1] == '>' || (s[i - 1] >= 'A' && s[i - 1] <= 'Z') ||
		    (s[i - 1] >= 'a' && s[i - 1] <= 'z') || (s[i - 1] >= '0' && s[i - 1] <= '9')))) {
			size_t k = i + 1 + (s[i + 1] == 'C');
			while (s[k] == ' ' || s[k] == '\t')
				k++;
			if (s[k] == '(')
				strlist_addf(problems, "%s:%d: a bilingual %.*s( call or definition is left: "
				    "move its texts to the catalogue", path, line_of(s, i),
				    (int)(1 + (s[i + 1] == 'C')), s + i);
		}
	}
	free(s);
}

static void
test_no_inline_japanese(void **state)
{
	(void)state;
	DIR *d = opendir("src");
	assert_non_null(d);
	struct strlist files = { 0 }, problems = { 0 };
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len > 2 && e->d_name[len - 2] == '.' && (e->d_name[len - 1] == 'c' ||
		    e->d_name[len - 1] == 'h'))
			strlist_add(&files, xasprintf("src/%s", e->d_name));
	}
	closedir(d);
	assert_true(files.n > 30);
	for (size_t i = 0; i < files.n; i++)
		scan(files.v[i], &problems);
	for (size_t i = 0; i < problems.n; i++)
		fprintf(stderr, "%s\n", problems.v[i]);
	assert_int_equal(problems.n, 0);
	strlist_free(&files);
	strlist_free(&problems);
}

/* The scanner itself: what it must find, and what it must let pass. */
static void
test_scanner(void **state)
{
	(void)state;
	static const struct {
		const char *code;
		size_t problems;
	} cases[] = {
		{ "x = T(app, \"保存\", \"save\");", 2 },           /* the call, and its Japanese */
		{ "x = TC(app, \"c\", \"計\", \"Total\");", 2 },
		{ "x = L (lang, \"保存\", \"save\");", 2 },
		{ "#define T(app, ja, en) ((app)->lang ? en : ja)", 1 },
		{ "fail(cause, \"%s: 見つかりません\", key);", 1 },
		{ "x = ja ? \"はい\" : \"yes\";", 1 },
		{ "x = _(\"save\");", 0 },
		{ "x = L_(lang, \"日本語 / English\");", 0 },       /* inside a keyword: a msgid */
		{ "x = N_(\"next\"); y = f(\"次\");", 1 },
		{ "/* T(app, \"保存\", \"save\") */ x = 1;", 0 },   /* comments are not code */
		{ "// \"保存\"\nx = 1;", 0 },
		{ "x = \"T(app, \\\"a\\\")\";", 0 },                 /* nor strings */
		{ "x = ST(1); y = s.T(2); z = p->L(3);", 0 },      /* other names */
		{ "x = f(_(\"a\"), \"保存\");", 1 },               /* the keyword's call ended */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *path = xasprintf("%s/case.c", tmp);
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fputs(cases[i].code, f);
		fclose(f);
		struct strlist problems = { 0 };
		scan(path, &problems);
		if (problems.n != cases[i].problems) {
			print_error("case %zu (%s): %zu problems, want %zu\n", i, cases[i].code,
			    problems.n, cases[i].problems);
			for (size_t k = 0; k < problems.n; k++)
				print_error("  %s\n", problems.v[k]);
			fail();
		}
		strlist_free(&problems);
		unlink(path);
		free(path);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scanner),
		cmocka_unit_test(test_every_text_translated),
		cmocka_unit_test(test_no_stale_entries),
		cmocka_unit_test(test_msgfmt_check),
		cmocka_unit_test(test_no_inline_japanese),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
