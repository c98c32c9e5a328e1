/*
 * ui_form.c - the data-entry form: libform fields built from a screen's
 * declaration, with the libformw defects of wide text worked around.
 *
 * Workarounds (each reproduced, see the tests):
 *  - A value is read back from the field's cells on the screen, never with
 *    field_buffer(), which can return stale cells after wide characters
 *    were erased.  mvwin_wchnstr() returns one cell per character (a wide
 *    character's second cell is skipped), so the read walks by widths.
 *  - Before a character is inserted, the columns in use are measured and
 *    a character that would not fit is refused: libformw accepts a wide
 *    character into the last free column and overflows the field.
 *  - Control characters never reach form_driver_w (it stores them as
 *    text); code-like fields fold full-width ASCII as it is typed.
 *  - Fields are static (never dynamic: growable fields corrupt wide text)
 *    and always in insert mode (overwrite over half a wide character stores
 *    something other than what shows).
 *  - libform's own autoskip is off: it would leave a field without the
 *    field's check; the form does it itself after the check passes.
 */
#include "ui.h"

#include <curses.h>
#include <limits.h>
#include <form.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wctype.h>

#include "audit.h"
#include "draft.h"
#include "effects.h"
#include "form_hooks.h"
#include "matching.h"
#include "rekey.h"
#include "roles.h"
#include "stats.h"
#include "store.h"
#include "text.h"
#include "tui.h"
#include "util.h"

/* Where the verifier is with one field of the record being keyed again. */
enum verify_step {
	VSTEP_OPEN,         /* not compared yet */
	VSTEP_REKEY,        /* differed once: the verifier keys it again */
	VSTEP_THIRD,        /* neither value is right: the verifier keys the right one */
	VSTEP_DONE,         /* agreed or decided: accepted[] holds the value */
};

/* Verify mode: the queue of records keyed by others, and the one at hand. */
struct verify {
	struct rekey_item *items;   /* the queue, keyed by others, oldest first */
	size_t nitems, at;
	size_t own;                 /* records waiting that this operator keyed */
	size_t done;                /* records verified in this session */
	enum verify_step *step;     /* per field */
	char **accepted;            /* per field: the value agreed or decided */
	char **second;              /* per field that differed: the verifier's value */
	int *choice;                /* per field: enum rekey_choice, or -1 when they agreed */
};

struct ui_form {
	struct app *app;
	const struct screen_def *sd;
	FORM *form;
	FIELD **fields;             /* nfields + 1, NULL-terminated */
	char **values;              /* what each field holds; the current one re-read from cells */
	char **start;               /* values when the form was last clean, for "unsaved?" */
	struct record *prev;        /* the record saved last: Ctrl-D copies from it */
	struct record *orig;        /* edit mode: the record as read */
	char *orig_key;
	size_t saved;               /* records saved in this entry session */
	int labelw;
	bool leave;
	bool view_only;             /* someone else is editing it: look, do not touch */
	char *draft_key;            /* the key a draft was written under, or NULL */
	char *lease_key;            /* the record this form holds a lease on, or NULL */
	struct stats_counts counts; /* keys since the last save, for the operator statistics */
	bool for_key;               /* opened to edit one record (from a list), not for entry */
	struct verify *vf;          /* verify mode (double keying), or NULL */
	const struct form_hooks *hooks; /* entry forms only: app->form_hooks */
};

static size_t
nfields(const struct ui_form *uf)
{
	return uf->sd->nfields;
}

static int
cur_index(const struct ui_form *uf)
{
	return field_index(current_field(uf->form));
}

static bool
is_key_field(const struct screen_def *sd, size_t i)
{
	for (size_t k = 0; k < sd->nkey; k++)
		if (sd->key[k] == i)
			return true;
	return false;
}

/* In verify mode the key fields name the paper to key from: shown, not keyed. */
static bool
editable(const struct ui_form *uf, size_t i)
{
	if (uf->vf && is_key_field(uf->sd, i))
		return false;
	return !uf->sd->fields[i].readonly;
}

/* The key context: verify mode has no keys that show or copy values. */
static enum key_context
key_context(const struct ui_form *uf)
{
	return uf->vf ? KEYCTX_VERIFY : KEYCTX_FORM;
}

/* The fields a verifier keys again and compares. */
static bool
compared(const struct ui_form *uf, size_t i)
{
	return editable(uf, i) && !uf->sd->fields[i].compute;
}

/* The first editable field at or after I going by STEP (wrapping), or I. */
static size_t
editable_from(const struct ui_form *uf, size_t i, int step)
{
	size_t n = nfields(uf);
	for (size_t k = 0; k < n; k++) {
		size_t j = (i + n + (size_t)((long)step * (long)k)) % n;
		if (editable(uf, j))
			return j;
	}
	return i;
}

/* The text in field I's cells, trailing pad spaces removed. */
static char *
read_cells(const struct ui_form *uf, size_t i)
{
	const struct field_def *f = &uf->sd->fields[i];
	cchar_t cells[TUI_MIN_COLS * 2 + 2];
	int width = f->width;
	if (width > TUI_MIN_COLS * 2)
		width = TUI_MIN_COLS * 2;
	memset(cells, 0, sizeof cells);
	mvwin_wchnstr(stdscr, f->row, f->col, cells, width);
	struct strbuf sb = SB_INIT;
	int used = 0;
	for (int c = 0; c < width && used < width; c++) {
		wchar_t wc[CCHARW_MAX + 1] = { 0 };
		attr_t attrs;
		short pair;
		if (getcchar(&cells[c], wc, &attrs, &pair, NULL) == ERR || wc[0] == 0)
			break;
		int w = wcwidth(wc[0]);
		if (w < 1)
			w = 1;
		if (used + w > width)
			break;
		used += w;
		char mb[MB_LEN_MAX * (CCHARW_MAX + 1)];
		size_t n = wcstombs(mb, wc, sizeof mb);
		if (n != (size_t)-1)
			sb_add(&sb, mb, n);
	}
	while (sb.len > 0 && sb.s[sb.len - 1] == ' ')
		sb.s[--sb.len] = '\0';
	return sb_detach(&sb);
}

/*
 * The cursor after the current field's last character.  Not REQ_END_LINE:
 * with wide characters libform counts columns as characters and stops
 * midway (after 山 of 山田); moving by characters is right, since
 * REQ_NEXT_CHAR steps over a wide character as one.
 */
static void
cursor_to_end(struct ui_form *uf)
{
	int i = cur_index(uf);
	if (i < 0)
		return;
	char *v = read_cells(uf, (size_t)i);
	size_t chars = mbstowcs(NULL, v, 0);
	free(v);
	form_driver(uf->form, REQ_BEG_LINE);
	for (size_t k = 0; chars != (size_t)-1 && k < chars; k++)
		form_driver(uf->form, REQ_NEXT_CHAR);
}

static void
sync_current(struct ui_form *uf)
{
	int i = cur_index(uf);
	if (i < 0)
		return;
	free(uf->values[i]);
	uf->values[i] = read_cells(uf, (size_t)i);
}

/* The field to the right of field I on its row, or -1: fields may share a row. */
static int
next_on_row(const struct ui_form *uf, size_t i)
{
	const struct field_def *f = &uf->sd->fields[i];
	int best = -1;
	for (size_t k = 0; k < nfields(uf); k++) {
		const struct field_def *g = &uf->sd->fields[k];
		if (g->row == f->row && g->col > f->col && (best < 0 || g->col < uf->sd->fields[best].col))
			best = (int)k;
	}
	return best;
}

static int
prev_on_row(const struct ui_form *uf, size_t i)
{
	const struct field_def *f = &uf->sd->fields[i];
	int best = -1;
	for (size_t k = 0; k < nfields(uf); k++) {
		const struct field_def *g = &uf->sd->fields[k];
		if (g->row == f->row && g->col < f->col && (best < 0 || g->col > uf->sd->fields[best].col))
			best = (int)k;
	}
	return best;
}

/*
 * Where field I's label starts: column 1 for the first field of a row;
 * for a field further right, just before its bracket, but not over the
 * field to its left.
 */
static int
label_col(const struct ui_form *uf, size_t i)
{
	const struct field_def *f = &uf->sd->fields[i];
	int p = prev_on_row(uf, i);
	if (p < 0)
		return 1;
	const struct field_def *g = &uf->sd->fields[p];
	int start = f->col - 1 - text_width(f->label[i18n_lang()]) - (f->required ? 1 : 0) - 1;
	int min = g->col + g->width + 2;
	return start < min ? min : start;
}

static int
echo_col(const struct ui_form *uf, size_t i)
{
	const struct field_def *f = &uf->sd->fields[i];
	return f->col + f->width + 2;
}

/* The column after the last one field I's echo may use. */
static int
echo_end(const struct ui_form *uf, size_t i)
{
	int n = next_on_row(uf, i);
	int end = n < 0 ? COLS - 1 : label_col(uf, (size_t)n) - 1;
	return end > COLS - 1 ? COLS - 1 : end;
}

/* Field I's echo: a name, a label, the other calendar; "" when invalid or empty. */
static void
draw_echo(struct ui_form *uf, size_t i)
{
	const struct field_def *f = &uf->sd->fields[i];
	int col = echo_col(uf, i), width = echo_end(uf, i) - col;
	if (width <= 0)
		return;
	char *echo = NULL, *stored = NULL, *why = NULL;
	if (*uf->values[i] && validate_field(f, &uf->app->ctx, uf->values[i], &stored, &why) == 0)
		echo = f->type->echo(f, &uf->app->ctx, stored);
	/* Only rewrite the cells when the echo changed: no bytes otherwise. */
	char *padded = text_pad(echo ? echo : "", width);
	int y, x;
	getyx(stdscr, y, x);
	attrset(tui_attr_dim());
	tui_put(f->row, col, width, padded);
	attrset(A_NORMAL);
	move(y, x);
	free(padded);
	free(echo);
	free(stored);
	free(why);
}

/* The end of S that fits in COLS columns, after a leading "<" when cut:
 * a change log reads best from its latest entries. */
static char *
clip_tail(const char *s, int cols)
{
	if (text_width(s) <= cols)
		return xstrdup(s);
	const char *p = s;
	while (*p && text_width(p) > cols - 1) {
		p++;
		while ((*p & 0xC0) == 0x80)
			p++;
	}
	/* "<", not "…": an ambiguous-width character may take two columns. */
	return xasprintf("<%s", p);
}

/* Put V in field I: the field's buffer, the cache and the echo.  A
 * read-only field keeps V whole in the cache and shows what fits. */
static void
set_value(struct ui_form *uf, size_t i, const char *v)
{
	const struct field_def *f = &uf->sd->fields[i];
	if (strcmp(uf->values[i], v) != 0 || (int)i == cur_index(uf)) {
		char *shown = f->readonly ? clip_tail(v, f->width) : text_clip(v, f->width);
		set_field_buffer(uf->fields[i], 0, shown);
		free(uf->values[i]);
		uf->values[i] = f->readonly ? xstrdup(v) : xstrdup(shown);
		free(shown);
	}
	draw_echo(uf, i);
}

static void
snapshot(struct ui_form *uf)
{
	for (size_t i = 0; i < nfields(uf); i++) {
		free(uf->start[i]);
		uf->start[i] = xstrdup(uf->values[i]);
	}
}

/* Whether anything differs from the last clean state.  No sync here: it is
 * asked after other screens (a look-up list) have drawn over the form, and
 * every key already keeps the values current. */
static bool
dirty(struct ui_form *uf)
{
	for (size_t i = 0; i < nfields(uf); i++)
		if (strcmp(uf->start[i], uf->values[i]) != 0)
			return true;
	return false;
}

/* Keep what is typed in the database, so a dropped link loses at most the
 * field being typed.  Called as fields are left and when the program must stop. */
static void
keep_draft(struct ui_form *uf)
{
	/* Not in verify mode: a verifier's keying is not the record's draft. */
	if (uf->view_only || uf->vf || !dirty(uf))
		return;
	const char *key = uf->orig_key ? uf->orig_key : "";
	struct record *r = record_new();
	for (size_t i = 0; i < nfields(uf); i++)
		record_set(r, uf->sd->fields[i].id, uf->values[i]);
	int cur = uf->form ? cur_index(uf) : 0;
	char *why = NULL;
	if (uf->draft_key && strcmp(uf->draft_key, key) != 0)
		draft_delete(uf->app->db, uf->sd->name, uf->draft_key, NULL);
	if (draft_save(uf->app->db, uf->sd->name, key, r, cur, uf->orig ? uf->orig->version : 0,
	    &why) == 0) {
		free(uf->draft_key);
		uf->draft_key = xstrdup(key);
	} else {
		tui_status(uf->app, true, _("cannot keep a draft: %s"),
		    why);
	}
	free(why);
	record_free(r);
	if (uf->lease_key)
		lease_take(uf->app->db, uf->sd->name, uf->lease_key, NULL);  /* still here */
}

/* The form is clean again (saved, or the input discarded): no draft. */
static void
drop_draft(struct ui_form *uf)
{
	if (uf->draft_key == NULL)
		return;
	draft_delete(uf->app->db, uf->sd->name, uf->draft_key, NULL);
	free(uf->draft_key);
	uf->draft_key = NULL;
}

static void
release_lease(struct ui_form *uf)
{
	if (uf->lease_key == NULL)
		return;
	lease_release(uf->app->db, uf->sd->name, uf->lease_key, NULL);
	free(uf->lease_key);
	uf->lease_key = NULL;
}

/*
 * Before editing record KEY: if someone else is editing it, say who and
 * let the operator look only, take it over, or not open it.  Returns false
 * for "not open".
 */
static bool
claim_record(struct ui_form *uf, const char *key)
{
	struct app *app = uf->app;
	release_lease(uf);
	uf->view_only = false;
	if (access_level(app->access, uf->sd) < ACCESS_EDIT) {
		uf->view_only = true;       /* read right only: nothing to lease */
		return true;
	}
	struct lease l;
	char *why = NULL;
	int held = lease_held(app->db, uf->sd->name, key, &l, &why);
	free(why);
	if (held == 0) {
		char *q = xasprintf(
		    _("%s is editing this (since %s). r=look only, t=take over, q=do not open"),
		    l.user, l.since);
		char c = tui_choose(app, q, "rtq");
		free(q);
		lease_free(&l);
		if (c == 'r') {
			uf->view_only = true;
			return true;
		}
		if (c != 't')
			return false;
	}
	lease_take(app->db, uf->sd->name, key, NULL);
	uf->lease_key = xstrdup(key);
	return true;
}

/* The screen's hint with each {year:SECTION.KEY} taken from the fiscal
 * year the form holds (or the survey year). */
static char *
expand_hint(struct ui_form *uf, const char *hint)
{
	const struct schema *s = uf->app->schema;
	int fy = uf->sd->fy >= 0 ? atoi(uf->values[uf->sd->fy]) : 0;
	if (fy == 0)
		fy = (int)s->settings.survey_year;
	struct strbuf sb = SB_INIT;
	for (const char *p = hint; *p;) {
		const char *open = strstr(p, "{year:");
		const char *close = open ? strchr(open, '}') : NULL;
		if (close == NULL) {
			sb_adds(&sb, p);
			break;
		}
		sb_add(&sb, p, (size_t)(open - p));
		char *ref = xstrndup(open + 6, (size_t)(close - open - 6));
		char *dot = strchr(ref, '.');
		const char *v = NULL;
		if (dot) {
			*dot = '\0';
			v = schema_year_setting(s, fy, ref, dot + 1);
		}
		sb_adds(&sb, v ? v : "?");
		free(ref);
		p = close + 1;
	}
	return sb_detach(&sb);
}

static void
draw_title(struct ui_form *uf)
{
	struct app *app = uf->app;
	char *left, *right;
	if (uf->vf && uf->orig_key) {
		char *shown = store_key_display(uf->orig_key);
		left = xasprintf("%s — %s %zu/%zu %s", uf->sd->title[i18n_lang()], C_("form title", "verify"),
		    uf->vf->at + 1, uf->vf->nitems, shown);
		free(shown);
		right = xasprintf(_("%zu verified"), uf->vf->done);
	} else if (uf->orig_key) {
		char *shown = store_key_display(uf->orig_key);
		left = xasprintf("%s — %s %s", uf->sd->title[i18n_lang()],
		    uf->view_only ? _("view only") : _("edit"), shown);
		free(shown);
		right = xstrdup("");
	} else {
		left = xasprintf("%s — %s", uf->sd->title[i18n_lang()], _("new entry"));
		right = xasprintf(_("%zu saved"), uf->saved);
	}
	tui_title(app, left, right);
	free(left);
	free(right);
	const char *hint = uf->sd->hint[i18n_lang()];
	if (hint) {
		char *text = expand_hint(uf, hint);
		move(1, 0);
		clrtoeol();
		attrset(tui_attr_dim());
		tui_put(1, 1, COLS - 2, text);
		attrset(A_NORMAL);
		free(text);
	}
}

static void
form_teardown(struct ui_form *uf)
{
	if (uf->form) {
		unpost_form(uf->form);
		free_form(uf->form);
		uf->form = NULL;
	}
	for (size_t i = 0; uf->fields && i < nfields(uf); i++)
		free_field(uf->fields[i]);
	free(uf->fields);
	uf->fields = NULL;
}

/* Create and post the form, draw labels, values and echoes.  Cursor on field CUR. */
static void
form_build(struct ui_form *uf, size_t cur)
{
	erase();
	uf->fields = xcalloc(nfields(uf) + 1, sizeof *uf->fields);
	for (size_t i = 0; i < nfields(uf); i++) {
		const struct field_def *f = &uf->sd->fields[i];
		FIELD *fd = new_field(1, f->width, f->row, f->col, 0, 0);
		field_opts_off(fd, O_AUTOSKIP | O_BLANK | O_WRAP);
		field_opts_on(fd, O_STATIC | O_NULLOK | O_PASSOK);
		/* No attribute on fields: ncurses resets attributes after every
		 * update, so an underlined field would cost some 16 bytes per typed
		 * character instead of the character's own.  Brackets mark them. */
		set_field_back(fd, A_NORMAL);
		if (!editable(uf, i))
			field_opts_off(fd, O_ACTIVE | O_EDIT);
		char *shown = f->readonly ? clip_tail(uf->values[i], f->width) : xstrdup(uf->values[i]);
		set_field_buffer(fd, 0, shown);
		free(shown);
		uf->fields[i] = fd;
	}
	uf->form = new_form(uf->fields);
	set_form_win(uf->form, stdscr);
	set_form_sub(uf->form, stdscr);
	/* post_form erases its window: everything else is drawn after it. */
	post_form(uf->form);
	form_driver(uf->form, REQ_INS_MODE);
	tui_forget_lines();
	draw_title(uf);
	for (size_t i = 0; i < nfields(uf); i++) {
		const struct field_def *f = &uf->sd->fields[i];
		const char *label = f->label[i18n_lang()];
		char *shown = f->required ? xasprintf("%s*", label) : xstrdup(label);
		int lc = label_col(uf, i);
		tui_put(f->row, lc, f->col - 1 - lc, shown);
		free(shown);
		mvaddch(f->row, f->col - 1, '[');
		mvaddch(f->row, f->col + f->width, ']');
	}
	set_current_field(uf->form, uf->fields[cur]);
	for (size_t i = 0; i < nfields(uf); i++)
		draw_echo(uf, i);
	tui_keyline(key_context(uf));
	if (uf->hooks && uf->hooks->drawn) {
		int below = 0;          /* the first row under every field, one left blank */
		for (size_t i = 0; i < nfields(uf); i++)
			if (uf->sd->fields[i].row + 2 > below)
				below = uf->sd->fields[i].row + 2;
		uf->hooks->drawn(uf->app->form_hooks_arg, uf->sd, below, LINES - 2);
	}
	cursor_to_end(uf);
	pos_form_cursor(uf->form);
}

static void
go_to(struct ui_form *uf, size_t i)
{
	sync_current(uf);
	set_current_field(uf->form, uf->fields[editable_from(uf, i, 1)]);
	cursor_to_end(uf);
}

/* Check the current field's value as it is left; false (and a message) if wrong. */
static bool
check_current(struct ui_form *uf)
{
	sync_current(uf);
	int i = cur_index(uf);
	const struct field_def *f = &uf->sd->fields[i];
	char *out = NULL, *why = NULL;
	int rc = *uf->values[i] ? validate_field(f, &uf->app->ctx, uf->values[i], &out, &why) : 0;
	if (rc != 0)
		tui_status(uf->app, true, "%s: %s", f->label[i18n_lang()], why);
	else
		tui_status(uf->app, false, "%s", "");
	draw_echo(uf, (size_t)i);
	free(out);
	free(why);
	return rc == 0;
}

/* The first field still to fill: editable and empty; else the first editable. */
static size_t
first_to_fill(const struct ui_form *uf)
{
	for (size_t i = 0; i < nfields(uf); i++)
		if (editable(uf, i) && *uf->values[i] == '\0')
			return i;
	return editable_from(uf, 0, 1);
}

/* The last editable field: Enter there saves. */
static size_t
last_editable(const struct ui_form *uf)
{
	return editable_from(uf, nfields(uf) - 1, -1);
}

/* After a save in entry mode: keep `carry` fields, defaults in the others. */
static void
clear_for_next(struct ui_form *uf)
{
	for (size_t i = 0; i < nfields(uf); i++) {
		const struct field_def *f = &uf->sd->fields[i];
		if (f->carry && *uf->values[i])
			continue;
		char *d = schema_default(uf->app->schema, f, uf->app->today);
		set_value(uf, i, d);
		free(d);
	}
	snapshot(uf);
	go_to(uf, first_to_fill(uf));
}

static void verify_save(struct ui_form *uf);

static struct record *
record_from_form(struct ui_form *uf)
{
	sync_current(uf);
	struct record *r = record_new();
	for (size_t i = 0; i < nfields(uf); i++)
		record_set(r, uf->sd->fields[i].id, uf->values[i]);
	return r;
}

static void
load_record(struct ui_form *uf, struct record *r)
{
	for (size_t i = 0; i < nfields(uf); i++) {
		const struct field_def *f = &uf->sd->fields[i];
		set_value(uf, i, record_get(r, f->id));
	}
	record_free(uf->orig);
	uf->orig = r;
	free(uf->orig_key);
	uf->orig_key = store_key(uf->sd, r);
	if (!uf->view_only && (uf->lease_key == NULL || strcmp(uf->lease_key, uf->orig_key) != 0)) {
		release_lease(uf);
		lease_take(uf->app->db, uf->sd->name, uf->orig_key, NULL);
		uf->lease_key = xstrdup(uf->orig_key);
	}
	snapshot(uf);
	draw_title(uf);
}

static bool merge_conflict(struct ui_form *uf, struct record *mine);

/* What a save does in its own write transaction besides storing the record. */
struct save_hook {
	struct effects_arg ea;
	bool effects;
	bool queue;                 /* a new record of a verify screen: note who keyed it */
	const char *moved_from;     /* a verify screen's record changed: its stored key */
	const struct app *app;
	uint64_t now_ns;
};

static int
save_hook_run(struct db_txn *txn, void *arg, const struct record *saved, char **cause)
{
	struct save_hook *h = arg;
	if (h->effects && effects_apply(txn, &h->ea, saved, cause) != 0)
		return -1;
	if (h->queue || h->moved_from) {
		const struct screen_def *sd = h->ea.sd;
		char *key = store_key(sd, saved);
		int rc = h->queue ? rekey_txn_keyed(txn, &h->app->schema->settings, sd, key,
		    audit_user(), h->now_ns, cause) : rekey_txn_moved(txn, sd, h->moved_from, key, cause);
		free(key);
		return rc;
	}
	return 0;
}

static void
save(struct ui_form *uf)
{
	struct app *app = uf->app;
	if (uf->view_only) {
		tui_status(app, true, "%s", _("opened to look only: cannot save"));
		return;
	}
	if (uf->vf) {
		verify_save(uf);
		return;
	}
	struct record *in = record_from_form(uf), *r = NULL;
	char *why = NULL;
	int bad = -1;
	struct strlist warnings = { 0 };
	if (validate_record(uf->sd, &app->ctx, in, uf->orig, &r, &bad, &why, &warnings) != 0) {
		record_free(in);
		go_to(uf, (size_t)bad);
		tui_status(app, true, "%s", why);
		free(why);
		return;
	}
	record_free(in);
	if (!access_in_scope(app->access, uf->sd, r)) {
		record_free(r);
		strlist_free(&warnings);
		tui_status(app, true, "%s", _("outside what your role may change: not saved"));
		return;
	}
	/* A warning is the operator's to overrule, one question for all of them. */
	if (warnings.n > 0) {
		struct strbuf sb = SB_INIT;
		for (size_t i = 0; i < warnings.n; i++)
			sb_addf(&sb, "%s%s", i ? " / " : "", warnings.v[i]);
		sb_adds(&sb, _(" — save anyway?"));
		bool yes = tui_ask(app, sb.s);
		sb_free(&sb);
		strlist_free(&warnings);
		if (!yes) {
			record_free(r);
			tui_status(app, false, "%s", _("not saved"));
			return;
		}
	}
	r->version = uf->orig ? uf->orig->version : 0;
	struct save_hook hook = { { app->schema, uf->sd, app->today }, uf->sd->neffects > 0,
		uf->sd->verify && uf->orig_key == NULL, uf->sd->verify ? uf->orig_key : NULL, app,
		wall_clock_ns() };
	int rc = store_save_ex(app->db, uf->sd, r, uf->orig_key,
	    hook.effects || hook.queue || hook.moved_from ? save_hook_run : NULL, &hook, &why);
	char *key = store_key(uf->sd, r);
	char *shown = store_key_display(key);
	/* The record's name for the message: its label field, or what that
	 * field names (a survey answer's body code gives the body's name). */
	const struct field_def *lf = &uf->sd->fields[uf->sd->label];
	char *label = NULL;
	if (lf->ref)
		label = validate_lookup(&app->env, lf->ref, record_get(r, lf->id), i18n_lang());
	if (label == NULL)
		label = xstrdup(record_get(r, lf->id));
	if (strstr(shown, label) != NULL)
		label[0] = '\0';
	if (rc == 0) {
		drop_draft(uf);
		uf->counts.records = 1;
		char *swhy = NULL;
		if (stats_add(app->db, app->today, uf->sd->name, &uf->counts, &swhy) != 0)
			free(swhy);         /* statistics are not worth failing a save over */
		memset(&uf->counts, 0, sizeof uf->counts);
	}
	switch (rc) {
	case 0:
		if (uf->orig_key == NULL) {
			uf->saved++;
			record_free(uf->prev);
			uf->prev = r;
			r = NULL;
			struct record *typed = uf->hooks ? record_from_form(uf) : NULL;
			draw_title(uf);
			clear_for_next(uf);
			tui_status(app, false, _("saved: %s %s"), shown, label);
			if (typed && uf->hooks->saved &&
			    uf->hooks->saved(app->form_hooks_arg, uf->sd, typed, uf->prev))
				uf->leave = true;
			record_free(typed);
		} else {
			load_record(uf, r);
			r = NULL;
			tui_status(app, false, _("updated: %s %s"), shown, label);
		}
		break;
	case STORE_EXISTS:
		go_to(uf, uf->sd->key[uf->sd->nkey - 1]);
		tui_status(app, true,
		    _("%s is already there (open it from the list to change it)"), shown);
		break;
	case STORE_CONFLICT:
		if (merge_conflict(uf, r))
			save(uf);
		break;
	case DB_NOTFOUND:
		tui_status(app, true, "%s", _("this record has been deleted meanwhile"));
		break;
	default:
		tui_status(app, true, _("not saved: %s"), why);
		break;
	}
	record_free(r);
	free(key);
	free(shown);
	free(label);
	free(why);
}

/*
 * Show what computed fields will hold, once the record checks out so far;
 * until then they keep what they showed.
 */
static void
preview_computed(struct ui_form *uf)
{
	bool any = false;
	for (size_t i = 0; i < nfields(uf); i++)
		any |= uf->sd->fields[i].compute;
	if (!any)
		return;
	struct record *in = record_from_form(uf), *r = NULL;
	char *why = NULL;
	int bad;
	if (validate_record(uf->sd, &uf->app->ctx, in, uf->orig, &r, &bad, &why, NULL) == 0) {
		for (size_t i = 0; i < nfields(uf); i++)
			if (uf->sd->fields[i].compute)
				set_value(uf, i, record_get(r, uf->sd->fields[i].id));
		record_free(r);
	}
	free(why);
	record_free(in);
}

static bool verify_field(struct ui_form *uf, size_t i);

static void
next_field(struct ui_form *uf, bool save_on_last)
{
	if (!check_current(uf))
		return;
	if (uf->vf && !verify_field(uf, (size_t)cur_index(uf)))
		return;
	preview_computed(uf);
	size_t i = (size_t)cur_index(uf);
	if (i == last_editable(uf)) {
		if (save_on_last) {
			save(uf);
			return;
		}
		go_to(uf, 0);
	} else {
		go_to(uf, editable_from(uf, i + 1, 1));
	}
	keep_draft(uf);
}

static void
prev_field(struct ui_form *uf)
{
	sync_current(uf);
	draw_echo(uf, (size_t)cur_index(uf));
	size_t i = (size_t)cur_index(uf);
	size_t n = nfields(uf);
	set_current_field(uf->form, uf->fields[editable_from(uf, (i + n - 1) % n, -1)]);
	cursor_to_end(uf);
	keep_draft(uf);
}

/* Full-width ASCII typed into a code field becomes ASCII as it is typed. */
static wint_t
fold_code_char(wint_t ch)
{
	if (ch >= 0xFF01 && ch <= 0xFF5E)
		return ch - 0xFEE0;
	if (ch == 0x3000)
		return ' ';
	return ch;
}

static void
type_char(struct ui_form *uf, wint_t ch)
{
	if (uf->view_only) {
		tui_status(uf->app, true, "%s", _("opened to look only"));
		return;
	}
	size_t i = (size_t)cur_index(uf);
	const struct field_def *f = &uf->sd->fields[i];
	if (f->type->code_like)
		ch = fold_code_char(ch);
	if (!iswprint(ch))
		return;
	int w = wcwidth((wchar_t)ch);
	char *now = read_cells(uf, i);
	int used = text_width(now);
	free(now);
	if (w < 1 || used + w > f->width) {
		tui_status(uf->app, true,
		    _("%s: full (%d columns)"), f->label[i18n_lang()], f->width);
		return;
	}
	form_driver_w(uf->form, OK, (wchar_t)ch);
	if (f->autoskip && used + w >= f->width)
		next_field(uf, false);
}

static void
ditto(struct ui_form *uf)
{
	size_t i = (size_t)cur_index(uf);
	if (uf->prev == NULL) {
		tui_status(uf->app, true, "%s", _("no previous record to copy from"));
		return;
	}
	set_value(uf, i, record_get(uf->prev, uf->sd->fields[i].id));
	cursor_to_end(uf);
	next_field(uf, false);
}

static bool
confirm_discard(struct ui_form *uf)
{
	if (!dirty(uf))
		return true;
	if (!tui_ask(uf->app, _("Discard what you typed?")))
		return false;
	drop_draft(uf);
	return true;
}

/*
 * Tear the form down and build it again at the current size.  The values
 * come from the cache, which every key keeps current: after a resize the
 * cells may already be cut to the new width.
 */
static void
redraw(struct ui_form *uf)
{
	size_t cur = uf->form && cur_index(uf) >= 0 ? (size_t)cur_index(uf) : 0;
	form_teardown(uf);
	while (!tui_size_ok()) {
		struct tui_key k;
		if (tui_getkey(&k) != 0) {
			uf->leave = true;
			return;
		}
		if (k.type == KEY_CODE_YES && k.ch == KEY_RESIZE)
			continue;
	}
	form_build(uf, cur);
}

/* Open a record of this screen from a list, after asking about unsaved input. */
static void
open_from_list(struct ui_form *uf)
{
	char *key = ui_list(uf->app, uf->sd, true, "");
	if (key != NULL && confirm_discard(uf) && claim_record(uf, key)) {
		struct record *r = NULL;
		char *why = NULL;
		if (store_get(uf->app->db, uf->sd, key, &r, &why) == 0)
			load_record(uf, r);
		free(why);
	}
	free(key);
	redraw(uf);
}

struct ranking {
	const struct match_def *m;
	struct match_request req;
	struct record **recs;
	int *scores;
	size_t n, cap, scap;
};

static int
rank_one(void *arg, struct record *r)
{
	struct ranking *rk = arg;
	const struct match_def *m = rk->m;
	if (m->cand_status.n > 0) {
		const char *st = record_get(r, m->cand_status_field);
		bool ok = false;
		for (size_t i = 0; i < m->cand_status.n && !ok; i++)
			ok = strcmp(st, m->cand_status.v[i]) == 0;
		if (!ok)
			return 0;
	}
	struct match_candidate c = { record_get(r, m->cand_country), record_get(r, m->cand_field),
		record_get(r, m->cand_ja), record_get(r, m->cand_en) };
	int score = match_score(&rk->req, &c);
	if (score < 0)
		return 0;
	rk->recs = xgrow(rk->recs, &rk->cap, rk->n + 1, sizeof *rk->recs);
	rk->scores = xgrow(rk->scores, &rk->scap, rk->n + 1, sizeof *rk->scores);
	rk->recs[rk->n] = record_dup(r);
	rk->scores[rk->n++] = score;
	return 0;
}

/* The candidates that fit this request, best first (a stable insertion sort:
 * candidates are few, and equal scores keep key order). */
static char *
pick_ranked(struct ui_form *uf, const struct screen_def *ref)
{
	const struct match_def *m = uf->sd->match;
	struct ranking rk = { .m = m };
	char buf[64];
	match_parse_countries(uf->values[m->countries], &rk.req, buf, sizeof buf);
	rk.req.field = uf->values[m->training_field];
	rk.req.language = uf->values[m->language];
	char *why = NULL;
	if (store_each(uf->app->db, ref, rank_one, &rk, &why) != 0) {
		tui_status(uf->app, true, "%s", why);
		free(why);
	}
	for (size_t i = 1; i < rk.n; i++)
		for (size_t j = i; j > 0 && rk.scores[j] > rk.scores[j - 1]; j--) {
			struct record *tr = rk.recs[j];
			int ts = rk.scores[j];
			rk.recs[j] = rk.recs[j - 1];
			rk.scores[j] = rk.scores[j - 1];
			rk.recs[j - 1] = tr;
			rk.scores[j - 1] = ts;
		}
	free(rk.scores);
	char *title = xasprintf("%s — %s", ref->title[i18n_lang()],
	    _("candidates, best fit first"));
	char *picked = ui_pick_from(uf->app, ref, rk.recs, rk.n, title);
	free(title);
	return picked;
}

static void
lookup(struct ui_form *uf)
{
	size_t i = (size_t)cur_index(uf);
	const struct field_def *f = &uf->sd->fields[i];
	sync_current(uf);
	char *picked = NULL;
	if (f->nchoices > 0) {
		picked = ui_pick_choice(uf->app, f, uf->values[i]);
	} else if (f->ref && uf->sd->match && uf->sd->match->field == i) {
		picked = pick_ranked(uf, schema_screen(uf->app->schema, f->ref));
	} else if (f->ref) {
		const struct screen_def *ref = schema_screen(uf->app->schema, f->ref);
		picked = ui_list(uf->app, ref, true, uf->values[i]);
	} else {
		open_from_list(uf);
		return;
	}
	redraw(uf);
	if (picked) {
		set_value(uf, i, picked);
		cursor_to_end(uf);
		next_field(uf, false);
	}
	free(picked);
}

/* Edit mode: the record before or after this one in key order. */
static void
step_record(struct ui_form *uf, bool backward)
{
	if (uf->orig_key == NULL) {
		tui_status(uf->app, true, "%s",
		    _("PgUp/PgDn move between records when editing (open one with Ctrl-F)"));
		return;
	}
	if (!confirm_discard(uf))
		return;
	struct record **recs = NULL;
	size_t n = 0;
	char *why = NULL;
	if (store_list(uf->app->db, uf->sd, uf->orig_key, backward, 2, &recs, &n, &why) != 0) {
		tui_status(uf->app, true, "%s", why);
		free(why);
		return;
	}
	struct record *found = NULL;
	for (size_t k = 0; k < n && found == NULL; k++) {
		char *key = store_key(uf->sd, recs[k]);
		if (strcmp(key, uf->orig_key) != 0) {
			found = recs[k];
			recs[k] = NULL;
		}
		free(key);
	}
	store_free_list(recs, n);
	if (found == NULL) {
		tui_status(uf->app, false, "%s", backward ? _("first record")
		                                           : _("last record"));
		return;
	}
	size_t cur = (size_t)cur_index(uf);
	char *fkey = store_key(uf->sd, found);
	bool open = claim_record(uf, fkey);
	free(fkey);
	if (!open) {
		record_free(found);
		return;
	}
	load_record(uf, found);
	go_to(uf, cur);
	tui_status(uf->app, false, "%s", "");
}

/*
 * Someone saved this record after it was opened.  Fields only one side
 * changed take that side's value; for fields both changed, the operator
 * sees both and chooses (m: keep mine, t: take theirs).  Returns true with
 * the form holding the merged values over their version, ready to save;
 * false when the operator gave up (the form keeps what was typed).
 */
static bool
merge_conflict(struct ui_form *uf, struct record *mine)
{
	struct app *app = uf->app;
	struct record *theirs = NULL;
	char *why = NULL;
	if (store_get(app->db, uf->sd, uf->orig_key, &theirs, &why) != 0) {
		tui_status(app, true, "%s", _("this record has been deleted meanwhile"));
		free(why);
		return false;
	}
	size_t n = nfields(uf);
	int *take = xcalloc(n, sizeof *take);   /* 0 same, 1 mine, 2 theirs */
	size_t *rows = xcalloc(n, sizeof *rows), nrows = 0;
	for (size_t i = 0; i < n; i++) {
		const char *id = uf->sd->fields[i].id;
		const char *m = record_get(mine, id), *t = record_get(theirs, id);
		const char *base = record_get(uf->orig, id);
		if (strcmp(m, t) == 0)
			continue;
		take[i] = strcmp(m, base) == 0 ? 2 : strcmp(t, base) == 0 ? 1 : 1;
		rows[nrows++] = i;
	}
	bool accepted = false, quit = false;
	size_t sel = 0;
	while (!accepted && !quit) {
		erase();
		tui_forget_lines();
		tui_title(app, _("Conflict: someone saved this "
		    "record after you opened it"), "");
		int w = (COLS - 20) / 2;
		attrset(A_BOLD);
		tui_put(2, 1, 17, _("field"));
		tui_put(2, 19, w, _("yours (m)"));
		tui_put(2, 20 + w, w, _("theirs (t)"));
		attrset(A_NORMAL);
		for (size_t r = 0; r < nrows && (int)r + 3 < LINES - 2; r++) {
			const struct field_def *f = &uf->sd->fields[rows[r]];
			if (r == sel)
				attrset(A_BOLD);
			tui_put(3 + (int)r, 0, 1, r == sel ? ">" : " ");
			tui_put(3 + (int)r, 1, 17, f->label[i18n_lang()]);
			attrset(take[rows[r]] == 1 ? tui_attr_select() : (int)A_NORMAL);
			tui_put(3 + (int)r, 19, w, record_get(mine, f->id));
			attrset(take[rows[r]] == 2 ? tui_attr_select() : (int)A_NORMAL);
			tui_put(3 + (int)r, 20 + w, w, record_get(theirs, f->id));
			attrset(A_NORMAL);
		}
		tui_status(app, true, "%s",
		    _("for each field choose m=mine or t=theirs, then Enter to save (Ctrl-Q: give up)"));
		tui_keyline(KEYCTX_LIST);
		refresh();
		struct tui_key k;
		if (tui_getkey(&k) != 0)
			break;
		enum action a = keys_action((int)k.ch, k.type == KEY_CODE_YES, KEYCTX_LIST);
		if (a == ACT_QUIT)
			quit = true;
		else if (a == ACT_ENTER || keys_action((int)k.ch, k.type == KEY_CODE_YES, KEYCTX_FORM) == ACT_SAVE)
			accepted = true;
		else if (a == ACT_NEXT && sel + 1 < nrows)
			sel++;
		else if (a == ACT_PREV && sel > 0)
			sel--;
		else if (nrows && (a == ACT_LEFT || (k.type == OK && (k.ch == 'm' || k.ch == 'M'))))
			take[rows[sel]] = 1;
		else if (nrows && (a == ACT_RIGHT || (k.type == OK && (k.ch == 't' || k.ch == 'T'))))
			take[rows[sel]] = 2;
	}
	if (accepted) {
		/* Their version becomes the one read; the chosen values are typed over it. */
		for (size_t i = 0; i < n; i++) {
			const char *id = uf->sd->fields[i].id;
			set_value(uf, i, take[i] == 1 ? record_get(mine, id) : record_get(theirs, id));
		}
		record_free(uf->orig);
		uf->orig = theirs;
		theirs = NULL;
	}
	free(take);
	free(rows);
	record_free(theirs);
	redraw(uf);
	if (!accepted)
		tui_status(app, true, "%s", _("not saved: what you typed is still here"));
	return accepted;
}

static int
history_row(void *arg, const struct audit_entry *e)
{
	struct table *t = arg;
	const struct record *r = e->rec;
	/* One row per changed field. */
	bool any = false;
	for (size_t i = 0; i < r->n; i++) {
		const char *id = r->ids[i];
		if (strncmp(id, "a.", 2) != 0 && strncmp(id, "b.", 2) != 0)
			continue;
		const char *field = id + 2;
		if (id[0] == 'a') {
			char *bid = xasprintf("b.%s", field);
			const char *before = record_get(r, bid);
			free(bid);
			const char *row[] = { e->time, e->user, e->op, field, before, r->vals[i] };
			table_add(t, row);
			any = true;
		} else {
			char *aid = xasprintf("a.%s", field);
			bool has_after = false;
			for (size_t k = 0; k < r->n; k++)
				has_after |= strcmp(r->ids[k], aid) == 0;
			free(aid);
			if (!has_after) {
				const char *row[] = { e->time, e->user, e->op, field, r->vals[i], "" };
				table_add(t, row);
				any = true;
			}
		}
	}
	if (!any) {
		const char *row[] = { e->time, e->user, e->op, "", "", "" };
		table_add(t, row);
	}
	return 0;
}

/* Who changed this record, when, and what: from the audit trail. */
static void
show_history(struct ui_form *uf)
{
	struct app *app = uf->app;
	if (uf->orig_key == NULL) {
		tui_status(app, true, "%s", _("open a saved record to see its history"));
		return;
	}
	struct table t;
	table_init(&t, 6);
	table_column(&t, 0, "time", _("time (UTC)"));
	table_column(&t, 1, "user", _("user"));
	table_column(&t, 2, "op", _("change"));
	table_column(&t, 3, "field", _("field"));
	table_column(&t, 4, "before", _("before"));
	table_column(&t, 5, "after", _("after"));
	struct audit_filter f = { NULL, NULL, uf->sd->name, uf->orig_key };
	char *why = NULL;
	if (audit_each(app->db, &f, history_row, &t, &why) != 0) {
		tui_status(app, true, "%s", why);
		free(why);
	} else {
		char *shown = store_key_display(uf->orig_key);
		char *title = xasprintf("%s %s — %s", uf->sd->title[i18n_lang()], shown,
		    _("history"));
		ui_table(app, &t, title);
		free(title);
		free(shown);
	}
	table_free(&t);
	redraw(uf);
}

/* Edit mode: delete this record (ui_delete), then leave the form. */
static void
delete_record(struct ui_form *uf)
{
	struct app *app = uf->app;
	if (uf->orig_key == NULL) {
		tui_status(app, true, "%s", _("open a saved record to delete it"));
		return;
	}
	if (uf->view_only) {
		tui_status(app, true, "%s", _("opened to look only"));
		return;
	}
	if (!ui_delete(app, uf->sd, uf->orig_key, uf->orig->version))
		return;
	drop_draft(uf);
	if (uf->for_key) {
		uf->leave = true;       /* back to the list, which says what was deleted */
		return;
	}
	/* An entry form that had opened a record: back to entering new ones. */
	release_lease(uf);
	record_free(uf->orig);
	uf->orig = NULL;
	free(uf->orig_key);
	uf->orig_key = NULL;
	for (size_t i = 0; i < nfields(uf); i++) {
		char *d = schema_default(app->schema, &uf->sd->fields[i], app->today);
		set_value(uf, i, d);
		free(d);
	}
	snapshot(uf);
	draw_title(uf);
	go_to(uf, first_to_fill(uf));
}

/* ------------------------------------------------------------------ */
/* Verify mode: blind double keying (rekey.h)                         */

/* Field I's value as stored: what the type makes of what was typed. */
static char *
canonical(struct ui_form *uf, size_t i)
{
	char *out = NULL, *why = NULL;
	if (*uf->values[i] == '\0' ||
	    validate_field(&uf->sd->fields[i], &uf->app->ctx, uf->values[i], &out, &why) != 0) {
		free(why);
		return xstrdup(uf->values[i]);
	}
	return out;
}

/* A value as the verifier is shown it when choosing: with its echo. */
static char *
value_shown(struct ui_form *uf, size_t i, const char *v)
{
	const struct field_def *f = &uf->sd->fields[i];
	if (*v == '\0')
		return xstrdup(_("(empty)"));
	char *echo = f->type->echo(f, &uf->app->ctx, v);
	char *shown = echo && *echo ? xasprintf("%s %s", v, echo) : xstrdup(v);
	free(echo);
	return shown;
}

static void
verify_forget(struct verify *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v->accepted[i]);
		free(v->second[i]);
		v->accepted[i] = v->second[i] = NULL;
		v->step[i] = VSTEP_OPEN;
		v->choice[i] = -1;
	}
}

static void
verify_accept(struct ui_form *uf, size_t i, const char *value, int choice)
{
	struct verify *v = uf->vf;
	free(v->accepted[i]);
	v->accepted[i] = xstrdup(value);
	v->choice[i] = choice;
	v->step[i] = VSTEP_DONE;
	if (strcmp(uf->values[i], value) != 0) {
		set_value(uf, i, value);
		cursor_to_end(uf);
	}
	draw_echo(uf, i);
}

/* Key the field again: empty it and say why. */
static bool
verify_stop(struct ui_form *uf, size_t i, enum verify_step step, const char *msg)
{
	uf->vf->step[i] = step;
	set_value(uf, i, "");
	cursor_to_end(uf);
	draw_echo(uf, i);
	beep();
	tui_status(uf->app, true, "%s: %s", uf->sd->fields[i].label[i18n_lang()], msg);
	return false;
}

/*
 * Field I is being left in verify mode: compare what the verifier keyed
 * with the first keying.  True to go on; false to stay on the field, which
 * is then empty for keying again.  The first value is never shown before
 * the verifier has keyed the field twice.
 */
static bool
verify_field(struct ui_form *uf, size_t i)
{
	struct verify *v = uf->vf;
	struct app *app = uf->app;
	if (!compared(uf, i))
		return true;
	char *typed = canonical(uf, i);
	const char *first = record_get(uf->orig, uf->sd->fields[i].id);
	bool go_on = true;
	if (v->step[i] == VSTEP_DONE && strcmp(typed, v->accepted[i]) != 0) {
		/* Changed after it was agreed or decided: compared afresh. */
		free(v->second[i]);
		v->second[i] = NULL;
		v->step[i] = VSTEP_OPEN;
		v->choice[i] = -1;
	}
	switch (v->step[i]) {
	case VSTEP_DONE:
		break;
	case VSTEP_OPEN:
		if (strcmp(typed, first) == 0) {
			verify_accept(uf, i, typed, -1);
			break;
		}
		free(v->second[i]);
		v->second[i] = xstrdup(typed);
		go_on = verify_stop(uf, i, VSTEP_REKEY,
		    _("differs from the first keying: key it again"));
		break;
	case VSTEP_REKEY:
		if (strcmp(typed, first) == 0) {
			/* Keyed again as first keyed: the verifier's first try was the slip. */
			verify_accept(uf, i, typed, REKEY_FIRST);
			break;
		}
		free(v->second[i]);
		v->second[i] = xstrdup(typed);
		char *a = value_shown(uf, i, first), *b = value_shown(uf, i, typed);
		char *q = xasprintf(
		    _("%s: which is right? 1 first keying %s / 2 yours %s / 3 another value"),
		    uf->sd->fields[i].label[i18n_lang()], a, b);
		char c = tui_choose(app, q, "123");
		free(a);
		free(b);
		free(q);
		if (c == '1') {
			verify_accept(uf, i, first, REKEY_FIRST);
		} else if (c == '2') {
			verify_accept(uf, i, typed, REKEY_SECOND);
		} else if (c == '3') {
			go_on = verify_stop(uf, i, VSTEP_THIRD, _("key the right value"));
		} else {
			go_on = verify_stop(uf, i, VSTEP_REKEY, _("not decided: key it again"));
		}
		break;
	case VSTEP_THIRD:
		verify_accept(uf, i, typed, REKEY_THIRD);
		break;
	}
	if (go_on)
		tui_status(app, false, "%s", "");
	free(typed);
	return go_on;
}

/* Open the queue's record AT with every compared field empty; false when it cannot be. */
static bool
verify_open(struct ui_form *uf)
{
	struct verify *v = uf->vf;
	const char *key = v->items[v->at].key;
	struct record *r = NULL;
	char *why = NULL;
	if (!claim_record(uf, key))
		return false;
	if (uf->view_only) {
		/* Someone is editing it: verify it later, not by looking. */
		uf->view_only = false;
		return false;
	}
	if (store_get(uf->app->db, uf->sd, key, &r, &why) != 0) {
		tui_status(uf->app, true, _("cannot open: %s"),
		    why ? why : _("deleted"));
		free(why);
		return false;
	}
	verify_forget(v, nfields(uf));
	record_free(uf->orig);
	uf->orig = r;
	free(uf->orig_key);
	uf->orig_key = xstrdup(key);
	for (size_t i = 0; i < nfields(uf); i++)
		set_value(uf, i, is_key_field(uf->sd, i) ? record_get(r, uf->sd->fields[i].id) : "");
	snapshot(uf);
	draw_title(uf);
	go_to(uf, first_to_fill(uf));
	return true;
}

/* Move to the next record of the queue that can be opened (STEP 1) or the
 * one before (-1); false at the end, with the form left as it was. */
static bool
verify_step(struct ui_form *uf, int step)
{
	struct verify *v = uf->vf;
	for (size_t at = v->at; ;) {
		if ((step > 0 && at + 1 >= v->nitems) || (step < 0 && at == 0))
			return false;
		at = step > 0 ? at + 1 : at - 1;
		size_t was = v->at;
		v->at = at;
		if (verify_open(uf))
			return true;
		v->at = was;
	}
}

static void
verify_save(struct ui_form *uf)
{
	struct app *app = uf->app;
	struct verify *v = uf->vf;
	/* Every compared field, in entry order: one not yet compared is compared now. */
	sync_current(uf);
	for (size_t i = 0; i < nfields(uf); i++) {
		if (!compared(uf, i) || (v->step[i] == VSTEP_DONE && strcmp(uf->values[i], v->accepted[i]) == 0))
			continue;
		if ((size_t)cur_index(uf) != i)
			go_to(uf, i);
		if (!check_current(uf) || !verify_field(uf, i))
			return;
	}
	/* The record as decided: the stored one with the values chosen over it. */
	struct strlist ids = { 0 };
	struct rekey_diff *diffs = xcalloc(nfields(uf), sizeof *diffs);
	size_t nd = 0;
	bool changed = false;
	struct record *in = record_dup(uf->orig);
	for (size_t i = 0; i < nfields(uf); i++) {
		if (!compared(uf, i))
			continue;
		const char *id = uf->sd->fields[i].id;
		strlist_add(&ids, xstrdup(id));
		if (v->choice[i] < 0)
			continue;
		diffs[nd++] = (struct rekey_diff){ id, record_get(uf->orig, id), v->second[i],
			v->accepted[i], (enum rekey_choice)v->choice[i] };
		if (strcmp(v->accepted[i], record_get(uf->orig, id)) != 0) {
			record_set(in, id, v->accepted[i]);
			changed = true;
		}
	}
	struct record *corrected = NULL;
	char *why = NULL;
	int bad = -1;
	if (changed && validate_record(uf->sd, &app->ctx, in, uf->orig, &corrected, &bad, &why, NULL) != 0) {
		go_to(uf, (size_t)bad);
		tui_status(app, true, "%s", why);
		free(why);
		goto out;
	}
	if (corrected)
		corrected->version = uf->orig->version;
	int rc = rekey_finish(app->db, uf->sd, uf->orig_key, uf->orig->version, audit_user(), app->today,
	    (const char *const *)ids.v, ids.n, diffs, nd, corrected, &why);
	char *shown = store_key_display(uf->orig_key);
	switch (rc) {
	case 0:
		v->done++;
		uf->counts.records = 0;
		char *swhy = NULL;
		if (stats_add(app->db, app->today, uf->sd->name, &uf->counts, &swhy) != 0)
			free(swhy);
		memset(&uf->counts, 0, sizeof uf->counts);
		if (!verify_step(uf, 1)) {
			uf->leave = true;
			tui_note(_("verification done: %zu records"), v->done);
		} else {
			tui_status(app, false, changed ? _("verified and corrected: %s")
			    : _("verified: %s"), shown);
		}
		break;
	case REKEY_OWN:
		tui_status(app, true, "%s", _("you cannot verify a record you keyed"));
		break;
	case REKEY_CHANGED:
		tui_status(app, true, _("%s was changed meanwhile: verify it again"), shown);
		verify_open(uf);
		break;
	case DB_NOTFOUND:
		tui_status(app, true, _("%s is no longer waiting"), shown);
		if (!verify_step(uf, 1))
			uf->leave = true;
		break;
	default:
		tui_status(app, true, _("verification not saved: %s"), why);
		break;
	}
	free(shown);
	free(why);
out:
	record_free(in);
	record_free(corrected);
	free(diffs);
	strlist_free(&ids);
}

static void
handle_key(struct ui_form *uf, const struct tui_key *k)
{
	if (k->type == KEY_CODE_YES && k->ch == KEY_RESIZE) {
		redraw(uf);
		return;
	}
	enum action a = keys_action((int)k->ch, k->type == KEY_CODE_YES, key_context(uf));
	uf->counts.keystrokes++;
	if (uf->hooks && uf->hooks->key)
		uf->hooks->key(uf->app->form_hooks_arg, uf->sd, a);
	if (a == ACT_BACKSPACE || a == ACT_DELCHAR || a == ACT_CLEAR || a == ACT_PREV)
		uf->counts.corrections++;
	if (uf->vf && a == ACT_LOOKUP && uf->sd->fields[cur_index(uf)].nchoices == 0 &&
	    uf->sd->fields[cur_index(uf)].ref == NULL) {
		/* It would open this screen's list, showing the values keyed first. */
		tui_status(uf->app, true, "%s", _("not while verifying"));
		return;
	}
	if (uf->vf && (a == ACT_PGUP || a == ACT_PGDN)) {
		if (confirm_discard(uf) && !verify_step(uf, a == ACT_PGUP ? -1 : 1))
			tui_status(uf->app, false, "%s", a == ACT_PGUP ? _("first record")
			    : _("last record"));
		return;
	}
	switch (a) {
	case ACT_NEXT:
		next_field(uf, false);
		break;
	case ACT_ENTER:
		next_field(uf, true);
		break;
	case ACT_PREV:
		prev_field(uf);
		break;
	case ACT_SAVE:
		save(uf);
		break;
	case ACT_DITTO:
		ditto(uf);
		break;
	case ACT_LOOKUP:
		lookup(uf);
		break;
	case ACT_QUIT:
		if (confirm_discard(uf))
			uf->leave = true;
		break;
	case ACT_HELP:
		tui_help(uf->app, key_context(uf), uf->sd->title[i18n_lang()]);
		tui_keyline(key_context(uf));
		break;
	case ACT_PGUP:
	case ACT_PGDN:
		step_record(uf, a == ACT_PGUP);
		break;
	case ACT_LEFT:
		form_driver(uf->form, REQ_PREV_CHAR);
		break;
	case ACT_RIGHT:
		form_driver(uf->form, REQ_NEXT_CHAR);
		break;
	case ACT_HOME:
		form_driver(uf->form, REQ_BEG_LINE);
		break;
	case ACT_END:
		cursor_to_end(uf);
		break;
	case ACT_BACKSPACE:
		form_driver(uf->form, REQ_DEL_PREV);
		break;
	case ACT_DELCHAR:
		form_driver(uf->form, REQ_DEL_CHAR);
		break;
	case ACT_CLEAR:
		form_driver(uf->form, REQ_CLR_FIELD);
		break;
	case ACT_REDRAW:
		clearok(stdscr, TRUE);
		redraw(uf);
		break;
	case ACT_LANG:
		app_set_lang(uf->app, i18n_lang() == LANG_JA ? LANG_EN : LANG_JA);
		redraw(uf);
		break;
	case ACT_DELETE:
		delete_record(uf);
		break;
	case ACT_HISTORY:
		show_history(uf);
		break;
	case ACT_NONE:
		if (k->type == OK)
			type_char(uf, k->ch);
		break;
	}
	if (!uf->leave && uf->form)
		sync_current(uf);
}

/*
 * A draft left by this operator for this form (a dropped link, a crash):
 * offered back exactly as it was.  Returns the field to put the cursor in,
 * or -1 when there was none or it was declined (then it is dropped).
 */
static int
restore_draft(struct ui_form *uf)
{
	struct app *app = uf->app;
	const char *key = uf->orig_key ? uf->orig_key : "";
	struct record *d = NULL;
	int field = -1;
	uint32_t version = 0;
	char *why = NULL;
	if (uf->view_only || draft_load(app->db, uf->sd->name, key, &d, &field, &version, &why) != 0) {
		free(why);
		return -1;
	}
	uf->draft_key = xstrdup(key);
	if (!tui_ask(app, _("There is unsaved input left from before. Bring it back?"))) {
		drop_draft(uf);
		record_free(d);
		return -1;
	}
	for (size_t i = 0; i < nfields(uf); i++) {
		free(uf->values[i]);
		uf->values[i] = xstrdup(record_get(d, uf->sd->fields[i].id));
	}
	/* Typed over an older version: saving will show what changed since. */
	if (uf->orig && version && version != uf->orig->version)
		uf->orig->version = version;
	record_free(d);
	return field >= 0 && (size_t)field < nfields(uf) ? field : -1;
}

void
ui_form(struct app *app, const struct screen_def *sd, const char *key)
{
	struct ui_form uf = { .app = app, .sd = sd, .for_key = key != NULL,
		.hooks = key == NULL ? app->form_hooks : NULL };
	if (uf.hooks && uf.hooks->open)
		uf.hooks->open(app->form_hooks_arg, sd);
	uf.values = xcalloc(sd->nfields, sizeof *uf.values);
	uf.start = xcalloc(sd->nfields, sizeof *uf.start);
	for (size_t i = 0; i < sd->nfields; i++) {
		uf.values[i] = key ? xstrdup("") : schema_default(app->schema, &sd->fields[i], app->today);
		uf.start[i] = xstrdup(uf.values[i]);
	}
	if (key && !claim_record(&uf, key))
		goto out;
	if (key) {
		struct record *r = NULL;
		char *why = NULL;
		if (store_get(app->db, sd, key, &r, &why) != 0) {
			tui_status(app, true, _("cannot open: %s"),
			    why ? why : _("not found"));
			free(why);
			goto out;
		}
		for (size_t i = 0; i < sd->nfields; i++) {
			free(uf.values[i]);
			uf.values[i] = xstrdup(record_get(r, sd->fields[i].id));
		}
		uf.orig = r;
		uf.orig_key = xstrdup(key);
		snapshot(&uf);
	}
	tui_status(app, false, "%s", "");
	redraw(&uf);
	int restore_field = uf.leave ? -1 : restore_draft(&uf);
	if (restore_field >= 0)
		redraw(&uf);
	if (!uf.leave && restore_field >= 0)
		go_to(&uf, (size_t)restore_field);
	else if (!uf.leave && !key)
		go_to(&uf, first_to_fill(&uf));
	while (!uf.leave) {
		pos_form_cursor(uf.form);
		refresh();
		struct tui_key k;
		if (tui_getkey(&k) != 0) {
			/* The link dropped or we were told to stop: keep what was typed,
			 * the field being typed included. */
			keep_draft(&uf);
			break;
		}
		handle_key(&uf, &k);
	}
out:
	release_lease(&uf);
	free(uf.draft_key);
	form_teardown(&uf);
	for (size_t i = 0; i < sd->nfields; i++) {
		free(uf.values[i]);
		free(uf.start[i]);
	}
	free(uf.values);
	free(uf.start);
	record_free(uf.prev);
	record_free(uf.orig);
	free(uf.orig_key);
	if (uf.hooks && uf.hooks->closed)
		uf.hooks->closed(app->form_hooks_arg, sd);
}

void
ui_verify(struct app *app, const struct screen_def *sd)
{
	struct rekey_item *all = NULL;
	size_t nall = 0;
	char *why = NULL;
	if (rekey_queue(app->db, sd, &all, &nall, &why) != 0) {
		tui_note(_("cannot read what waits: %s"), why);
		free(why);
		return;
	}
	/* Never one's own records: those wait for someone else. */
	struct verify v = { 0 };
	const char *me = audit_user();
	v.items = xcalloc(nall ? nall : 1, sizeof *v.items);
	for (size_t i = 0; i < nall; i++) {
		if (strcmp(all[i].keyer, me) == 0) {
			v.own++;
			free(all[i].key);
			free(all[i].keyer);
		} else {
			v.items[v.nitems++] = all[i];
		}
	}
	free(all);
	if (v.nitems == 0) {
		if (v.own > 0)
			tui_note(
			    _("the %zu records waiting are yours: someone else verifies them"), v.own);
		else
			tui_note("%s", _("nothing waits for verification"));
		free(v.items);
		return;
	}
	size_t n = sd->nfields;
	v.step = xcalloc(n, sizeof *v.step);
	v.accepted = xcalloc(n, sizeof *v.accepted);
	v.second = xcalloc(n, sizeof *v.second);
	v.choice = xcalloc(n, sizeof *v.choice);
	struct ui_form uf = { .app = app, .sd = sd, .vf = &v };
	uf.values = xcalloc(n, sizeof *uf.values);
	uf.start = xcalloc(n, sizeof *uf.start);
	for (size_t i = 0; i < n; i++) {
		uf.values[i] = xstrdup("");
		uf.start[i] = xstrdup("");
	}
	verify_forget(&v, n);
	tui_status(app, false, "%s", "");
	redraw(&uf);
	v.at = 0;
	bool open = !uf.leave && verify_open(&uf);
	if (!open && !uf.leave)
		open = verify_step(&uf, 1);
	if (!open && !uf.leave)
		tui_note("%s",
		    _("none of the records waiting can be opened now (being edited, or deleted)"));
	if (!open)
		uf.leave = true;
	while (!uf.leave) {
		pos_form_cursor(uf.form);
		refresh();
		struct tui_key k;
		if (tui_getkey(&k) != 0)
			break;
		handle_key(&uf, &k);
	}
	release_lease(&uf);
	form_teardown(&uf);
	verify_forget(&v, n);
	for (size_t i = 0; i < n; i++) {
		free(uf.values[i]);
		free(uf.start[i]);
	}
	free(uf.values);
	free(uf.start);
	record_free(uf.orig);
	free(uf.orig_key);
	rekey_queue_free(v.items, v.nitems);
	free(v.step);
	free(v.accepted);
	free(v.second);
	free(v.choice);
}
