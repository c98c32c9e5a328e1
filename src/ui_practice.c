/*
 * ui_practice.c - practice mode in the terminal (see ui_practice.h): the
 * entry-form hooks (form_hooks.h) that show the sample panel and score
 * what is saved, the score screen, and the report for stdout.
 *
 * Bytes on the wire: the panel is drawn when the form is drawn whole and
 * after each save (a new sample), never on a key; ncurses then sends only
 * the cells that changed.
 */
#include "ui_practice.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "form_hooks.h"
#include "practice.h"
#include "text.h"
#include "tui.h"
#include "util.h"
#include "validate.h"

/* One entry form of a screen with samples: its own score. */
struct round {
	const struct sample_set *set;
	struct practice_score score;
};

struct ui_practice {
	struct app *app;
	const struct samples *ss;
	size_t *next;               /* per set of ss: the next sample to show */
	struct round *rounds;
	size_t nrounds, cap;
	int cur;                    /* the open form's round, or -1 */
	const struct sample_set *open_set;  /* the open form's samples, or NULL */
	int top, bottom;            /* the panel's rows, as the form last said */
	bool announce;              /* say which samples were left out, once per form */
	bool *opened;               /* per set of ss: its form was opened in this run */
};

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t
set_index(const struct ui_practice *up, const struct sample_set *set)
{
	return (size_t)(set - up->ss->sets);
}

/* Move SET's next sample past those this database cannot take. */
static void
skip_unusable(struct ui_practice *up, const struct sample_set *set)
{
	size_t si = set_index(up, set);
	while (up->next[si] < set->n && set->samples[up->next[si]].unusable)
		up->next[si]++;
}

/* The sample the open form shows, or NULL. */
static const struct sample *
shown(const struct ui_practice *up)
{
	if (up->cur < 0)
		return NULL;
	const struct sample_set *set = up->rounds[up->cur].set;
	size_t i = up->next[set_index(up, set)];
	return i < set->n ? &set->samples[i] : NULL;
}

/* Samples of SET that can be keyed: all of them in *usable, those before
 * index UPTO in the return value. */
static size_t
count_usable(const struct sample_set *set, size_t upto, size_t *usable)
{
	size_t before = 0;
	*usable = 0;
	for (size_t i = 0; i < set->n; i++) {
		if (set->samples[i].unusable)
			continue;
		(*usable)++;
		if (i < upto)
			before++;
	}
	return before;
}

/* "見本 2: REASON" for left-out sample SMP (malloc'd). */
static char *
left_out(const struct sample *smp)
{
	return xasprintf(_("sample %s: %s"), smp->name, smp->unusable);
}

/* The panel's first line: which sample, or why there is none. */
static char *
panel_head(struct ui_practice *up)
{
	const struct sample_set *set = up->open_set;
	size_t usable;
	size_t pos = count_usable(set, up->next[set_index(up, set)], &usable);
	char *head;
	if (shown(up))
		head = xasprintf(
		    _("Sample %zu of %zu: key this form as it is written"), pos + 1, usable);
	else if (usable > 0)
		head = xasprintf(_("All %zu samples of this screen have been keyed"), usable);
	else
		head = xstrdup(_("No sample of this screen can be keyed on this database:"));
	if (usable == set->n || usable == 0)
		return head;
	char *more = xasprintf(_("%s (%zu left out)"), head,
	    set->n - usable);
	free(head);
	return more;
}

/*
 * The sample as a paper form: its fields' labels and values, in the rows
 * the form left free, in as many columns as it takes.  Clears those rows
 * first, so a new sample leaves nothing of the last.
 */
static void
draw_panel(struct ui_practice *up)
{
	struct app *app = up->app;
	if (up->open_set == NULL || up->top >= up->bottom)
		return;
	int y, x;
	getyx(stdscr, y, x);
	for (int r = up->top; r < up->bottom; r++) {
		move(r, 0);
		clrtoeol();
	}
	char *head = panel_head(up);
	attrset(A_BOLD);
	tui_put(up->top, 1, COLS - 2, head);
	attrset(A_NORMAL);
	free(head);
	const struct sample *smp = shown(up);
	int rows = up->bottom - up->top - 1;
	if (smp == NULL) {
		/* Nothing to key: the room says why samples were left out. */
		const struct sample_set *set = up->open_set;
		int row = up->top + 1;
		for (size_t i = 0; i < set->n && row < up->bottom; i++) {
			if (set->samples[i].unusable == NULL)
				continue;
			char *line = left_out(&set->samples[i]);
			tui_put(row++, 3, COLS - 4, line);
			free(line);
		}
	} else if (rows > 0 && smp->nvalues > 0) {
		const struct screen_def *sd = up->open_set->sd;
		int ncols = (int)((smp->nvalues + (size_t)rows - 1) / (size_t)rows);
		int colw = (COLS - 2) / ncols;
		int labelw = 0;
		for (size_t k = 0; k < smp->nvalues; k++) {
			int w = text_width(sd->fields[smp->values[k].field].label[i18n_lang()]);
			if (w > labelw)
				labelw = w;
		}
		if (labelw > colw / 2)
			labelw = colw / 2;
		for (size_t k = 0; k < smp->nvalues; k++) {
			const struct sample_value *sv = &smp->values[k];
			const struct field_def *f = &sd->fields[sv->field];
			int row = up->top + 1 + (int)(k % (size_t)rows);
			int col = 1 + (int)(k / (size_t)rows) * colw;
			attrset(tui_attr_dim());
			tui_put(row, col + 2, labelw, f->label[i18n_lang()]);
			attrset(A_NORMAL);
			int vcol = col + 2 + labelw + 2, vw = col + colw - vcol - 1;
			tui_put(row, vcol, vw, sv->value);
			/* As the paper prints it: a choice's code with its words, a
			 * code with what it names (a body's name). */
			char *stored = NULL, *why = NULL;
			if ((f->nchoices > 0 || f->ref) &&
			    validate_field(f, &app->ctx, sv->value, &stored, &why) == 0 && *stored) {
				char *echo = f->type->echo(f, &app->ctx, stored);
				int used = text_width(sv->value) + 1;
				attrset(tui_attr_dim());
				tui_put(row, vcol + used, vw - used, echo);
				attrset(A_NORMAL);
				free(echo);
			}
			free(stored);
			free(why);
		}
	}
	move(y, x);
}

static void
hook_open(void *arg, const struct screen_def *sd)
{
	struct ui_practice *up = arg;
	up->cur = -1;
	up->top = up->bottom = 0;
	up->open_set = samples_for(up->ss, sd);
	if (up->open_set == NULL)
		return;
	up->opened[set_index(up, up->open_set)] = true;
	up->announce = true;
	skip_unusable(up, up->open_set);
	if (up->next[set_index(up, up->open_set)] >= up->open_set->n)
		return;
	up->rounds = xgrow(up->rounds, &up->cap, up->nrounds + 1, sizeof *up->rounds);
	struct round *r = &up->rounds[up->nrounds];
	r->set = up->open_set;
	practice_score_init(&r->score);
	up->cur = (int)up->nrounds++;
}

static void
hook_drawn(void *arg, const struct screen_def *sd, int top, int bottom)
{
	struct ui_practice *up = arg;
	(void)sd;
	up->top = top;
	up->bottom = bottom;
	draw_panel(up);
	/* While samples are shown, the first left out says why on the status
	 * line, once: the panel's rows are the sample's. */
	if (up->announce && shown(up)) {
		up->announce = false;
		const struct sample_set *set = up->open_set;
		for (size_t i = 0; i < set->n; i++)
			if (set->samples[i].unusable) {
				char *line = left_out(&set->samples[i]);
				tui_status(up->app, true, _("samples left out: %s"), line);
				free(line);
				break;
			}
	}
}

static void
hook_key(void *arg, const struct screen_def *sd, enum action a)
{
	struct ui_practice *up = arg;
	(void)sd;
	/* Leaving is not keying. */
	if (up->cur >= 0 && a != ACT_QUIT)
		practice_key(&up->rounds[up->cur].score, now());
}

static bool
hook_saved(void *arg, const struct screen_def *sd, const struct record *typed,
    const struct record *stored)
{
	struct ui_practice *up = arg;
	(void)stored;
	const struct sample *smp = shown(up);
	if (smp == NULL)
		return false;
	struct round *r = &up->rounds[up->cur];
	practice_record(&r->score, sd, smp, typed, &up->app->ctx, now());
	up->next[set_index(up, r->set)]++;
	skip_unusable(up, r->set);
	if (shown(up) == NULL)
		return true;            /* the last sample: the score, then back */
	draw_panel(up);
	return false;
}

/* "12秒", "1分05秒" (malloc'd). */
static char *
duration(double seconds)
{
	long s = (long)(seconds + 0.5);
	if (s < 60)
		return xasprintf(_("%ld s"), s);
	return xasprintf(_("%ld min %02ld s"), s / 60, s % 60);
}

/* LABEL padded to the score's label column, then VALUE. */
static void
add_line(struct strlist *out, const char *label, const char *value)
{
	char *padded = text_pad(label, 22);
	strlist_addf(out, "%s %s", padded, value);
	free(padded);
}

/*
 * The score of round R as lines, in the UI language; at most MAXMISS
 * of the wrong fields (all of them when negative).
 */
static void
score_lines(const struct round *r, long maxmiss,
    struct strlist *out)
{
	const struct practice_score *ps = &r->score;
	char num[64];
	snprintf(num, sizeof num, "%ld", ps->records);
	add_line(out, _("records keyed"), num);
	snprintf(num, sizeof num, "%ld", ps->fields);
	add_line(out, _("fields compared"), num);
	snprintf(num, sizeof num, "%ld", ps->wrong);
	add_line(out, _("fields wrong"), num);
	double acc = practice_accuracy(ps);
	if (acc < 0)
		snprintf(num, sizeof num, "-");
	else
		snprintf(num, sizeof num, "%.1f%%", acc);
	add_line(out, _("accuracy"), num);
	snprintf(num, sizeof num, "%ld", ps->keystrokes);
	add_line(out, _("keystrokes"), num);
	char *t = duration(practice_seconds(ps));
	add_line(out, _("time taken"), t);
	free(t);
	double cpm = practice_cpm(ps);
	if (cpm < 0)
		snprintf(num, sizeof num, "-");
	else
		snprintf(num, sizeof num, "%.0f", cpm);
	add_line(out, _("characters per minute"), num);
	if (ps->nmisses == 0)
		return;
	strlist_add(out, xstrdup(_("fields keyed wrong:")));
	for (size_t i = 0; i < ps->nmisses && (maxmiss < 0 || (long)i < maxmiss); i++) {
		const struct practice_miss *m = &ps->misses[i];
		const struct field_def *f = &r->set->sd->fields[m->field];
		strlist_add(out, xasprintf(
		    _("  sample %s, %s: expected \"%s\", typed \"%s\""), m->sample, f->label[i18n_lang()],
		    m->expected, m->typed));
	}
	if (maxmiss >= 0 && ps->nmisses > (size_t)maxmiss)
		strlist_add(out, xasprintf(_("  and %zu more"),
		    ps->nmisses - (size_t)maxmiss));
}

/* Round R's score over the whole screen until a key is pressed. */
static void
show_score(struct ui_practice *up, const struct round *r)
{
	struct app *app = up->app;
	for (;;) {
		erase();
		tui_forget_lines();
		char *title = xasprintf("%s — %s", _("Practice score"),
		    r->set->sd->title[i18n_lang()]);
		tui_title(app, title, "");
		free(title);
		/* Rows 2..LINES-3: seven figures, a heading, then what fits. */
		long room = LINES - 2 - 2 - 8 - 1;
		struct strlist lines = { 0 };
		score_lines(r, room > 0 ? room : 0, &lines);
		for (size_t i = 0; i < lines.n && 2 + (int)i < LINES - 2; i++)
			tui_put(2 + (int)i, 2, COLS - 3, lines.v[i]);
		strlist_free(&lines);
		tui_status(app, false, "%s", _("press any key to go back"));
		refresh();
		struct tui_key k;
		if (tui_getkey(&k) != 0 || !(k.type == KEY_CODE_YES && k.ch == KEY_RESIZE))
			break;
	}
	tui_status(app, false, "%s", "");
}

static void
hook_closed(void *arg, const struct screen_def *sd)
{
	struct ui_practice *up = arg;
	(void)sd;
	if (up->cur >= 0) {
		struct round *r = &up->rounds[up->cur];
		if (r->score.keystrokes == 0 && r->score.records == 0) {
			practice_score_free(&r->score);     /* opened and left: no round */
			up->nrounds--;
		} else if (!tui_stopping()) {
			show_score(up, r);
		}
	}
	up->cur = -1;
	up->open_set = NULL;
}

static const struct form_hooks practice_hooks = {
	.open = hook_open,
	.drawn = hook_drawn,
	.key = hook_key,
	.saved = hook_saved,
	.closed = hook_closed,
};

struct ui_practice *
ui_practice_new(struct app *app, const struct samples *ss)
{
	struct ui_practice *up = xcalloc(1, sizeof *up);
	up->app = app;
	up->ss = ss;
	up->next = xcalloc(ss->n ? ss->n : 1, sizeof *up->next);
	up->opened = xcalloc(ss->n ? ss->n : 1, sizeof *up->opened);
	up->cur = -1;
	app->practice = true;
	app->form_hooks = &practice_hooks;
	app->form_hooks_arg = up;
	return up;
}

void
ui_practice_report(const struct ui_practice *up, FILE *f)
{
	/* Said, so that a trainer reading the output knows the run happened. */
	if (up->nrounds == 0)
		fprintf(f, "%s\n", _("Practice: nothing was keyed, so there is no score."));
	for (size_t i = 0; i < up->nrounds; i++) {
		const struct round *r = &up->rounds[i];
		fprintf(f, "%s%s: %s (%s)\n", i ? "\n" : "", _("Practice score"),
		    r->set->sd->title[i18n_lang()], r->set->sd->name);
		struct strlist lines = { 0 };
		score_lines(r, -1, &lines);
		for (size_t k = 0; k < lines.n; k++)
			fprintf(f, "  %s\n", lines.v[k]);
		strlist_free(&lines);
	}
	/* What the trainer should know of the samples the trainee met. */
	bool gap = up->nrounds > 0;
	for (size_t s = 0; s < up->ss->n; s++) {
		const struct sample_set *set = &up->ss->sets[s];
		for (size_t i = 0; up->opened[s] && i < set->n; i++) {
			if (set->samples[i].unusable == NULL)
				continue;
			if (gap)
				fputc('\n', f);
			gap = false;
			char *line = left_out(&set->samples[i]);
			fprintf(f, "%s: %s (%s): %s\n", _("Sample left out"),
			    set->sd->title[i18n_lang()], set->sd->name, line);
			free(line);
		}
	}
	fflush(f);
}

void
ui_practice_free(struct ui_practice *up)
{
	if (up == NULL)
		return;
	if (up->app->form_hooks_arg == up) {
		up->app->form_hooks = NULL;
		up->app->form_hooks_arg = NULL;
	}
	for (size_t i = 0; i < up->nrounds; i++)
		practice_score_free(&up->rounds[i].score);
	free(up->rounds);
	free(up->next);
	free(up->opened);
	free(up);
}
