/*
 * The key table: the contract keys of SPEC §4, a non-F-key for every
 * action, and help and key lines drawn from the same table.
 */
#include "keys.h"
#include "text.h"
#include "util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curses.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#define CTRL(c) ((c) & 0x1f)

static const struct {
	int key;
	bool code;
	enum key_context ctx;
	enum action action;
} contract[] = {
	{ '\t', false, KEYCTX_FORM, ACT_NEXT },
	{ '\r', false, KEYCTX_FORM, ACT_ENTER },
	{ KEY_DOWN, true, KEYCTX_FORM, ACT_NEXT },
	{ KEY_BTAB, true, KEYCTX_FORM, ACT_PREV },
	{ KEY_UP, true, KEYCTX_FORM, ACT_PREV },
	{ CTRL('s'), false, KEYCTX_FORM, ACT_SAVE },
	{ KEY_F(2), true, KEYCTX_FORM, ACT_SAVE },
	{ CTRL('d'), false, KEYCTX_FORM, ACT_DITTO },
	{ CTRL('f'), false, KEYCTX_FORM, ACT_LOOKUP },
	{ KEY_F(3), true, KEYCTX_FORM, ACT_LOOKUP },
	{ CTRL('q'), false, KEYCTX_FORM, ACT_QUIT },
	{ KEY_F(10), true, KEYCTX_FORM, ACT_QUIT },
	{ KEY_F(1), true, KEYCTX_FORM, ACT_HELP },
	{ CTRL('k'), false, KEYCTX_FORM, ACT_HELP },
	{ KEY_PPAGE, true, KEYCTX_FORM, ACT_PGUP },
	{ KEY_NPAGE, true, KEYCTX_LIST, ACT_PGDN },
	{ CTRL('q'), false, KEYCTX_MENU, ACT_QUIT },
	{ CTRL('q'), false, KEYCTX_LIST, ACT_QUIT },
	{ '\r', false, KEYCTX_LIST, ACT_ENTER },
	/* Printable keys are data, never commands. */
	{ 'a', false, KEYCTX_FORM, ACT_NONE },
	{ '1', false, KEYCTX_MENU, ACT_NONE },
	/* A bare Esc does nothing: it must never be the only way. */
	{ 27, false, KEYCTX_FORM, ACT_NONE },
	{ 27, false, KEYCTX_LIST, ACT_NONE },
};

static void
test_contract_keys(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof contract / sizeof contract[0]; i++) {
		enum action a = keys_action(contract[i].key, contract[i].code, contract[i].ctx);
		if (a != contract[i].action)
			fprintf(stderr, "case %zu: key %d gives %d, not %d\n", i, contract[i].key, a,
			    contract[i].action);
		assert_int_equal(a, contract[i].action);
	}
}

/* Every action in the help has a key that is not an F-key. */
static void
test_help_lists_ctrl_keys(void **state)
{
	(void)state;
	static const enum key_context ctxs[] = { KEYCTX_FORM, KEYCTX_LIST, KEYCTX_MENU };
	for (size_t c = 0; c < 3; c++)
		for (int lang = 0; lang < LANG_COUNT; lang++) {
			char *lines[64];
			int n = keys_help(ctxs[c], (enum lang)lang, lines, 64);
			assert_true(n > 3);
			for (int i = 0; i < n; i++) {
				/* The names column: at least one name not starting with F<digit>. */
				bool plain = false;
				struct strlist names = { 0 };
				char *col = xstrndup(lines[i], 28);
				split_trim(col, ',', &names);
				for (size_t k = 0; k < names.n; k++)
					if (names.v[k][0] && !(names.v[k][0] == 'F' && names.v[k][1] >= '0' &&
					    names.v[k][1] <= '9'))
						plain = true;
				if (!plain)
					fprintf(stderr, "only F-keys: %s\n", lines[i]);
				assert_true(plain);
				strlist_free(&names);
				free(col);
				free(lines[i]);
			}
		}
}

static void
test_key_line_fits(void **state)
{
	(void)state;
	for (int lang = 0; lang < LANG_COUNT; lang++) {
		char *line = keys_line(KEYCTX_FORM, (enum lang)lang, 79);
		assert_non_null(strstr(line, "^S"));
		assert_non_null(strstr(line, "^Q"));
		assert_true(text_width(line) <= 79);
		free(line);
		line = keys_line(KEYCTX_FORM, (enum lang)lang, 20);
		assert_true(text_width(line) <= 20);
		free(line);
	}
}

int
main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contract_keys),
		cmocka_unit_test(test_help_lists_ctrl_keys),
		cmocka_unit_test(test_key_line_fits),
	};
	return cmocka_run_group_tests_name("keys", tests, NULL, NULL);
}
