/*
 * bench_tty.c - lgotp through the pseudo-terminal at 80x24,
 * TERM=xterm-256color: bytes per typed character, per field change, per
 * saved-and-cleared record and per screen switch; keystrokes per survey1
 * record against the minimum; a whole record typed ahead as one burst;
 * time from exec to the first usable screen and to a browse list's first
 * page; peak RSS.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"
#include "schema.h"
#include "util.h"

/* Silence after a key that counts as its answer being complete. */
#define KEY_QUIET_MS 100
#define KEY_TIMEOUT_MS 5000

/* The key line of the entry form and of the menu: drawn last, so their
 * appearance means the screen is complete and takes keys. */
#define ENTRY_READY "^S 保存"
#define MENU_READY "番号を押すか"
#define LIST_READY "件\n^Q"

/* --- One record as an operator keys it ------------------------------------- */

/* Three records: Japanese and English text, one with the note (a field past
 * the date, which is left with its default). */
const struct entry bench_entries[] = {
	{ { "intent", "dept", "contact", "email", "phone" },
	  { "1", "国際交流課", "山田花子", "kokusai@city.example.jp", "011-211-2032" } },
	{ { "intent", "dept", "email", "phone", "note" },
	  { "3", "企画部国際課", "intl@town.example.jp", "0138-21-3111",
	    "姉妹都市の縁で来年度に研修員を受け入れたい" } },
	{ { "intent", "dept", "contact", "email", "phone" },
	  { "2", "International Affairs Division", "Suzuki Ichiro", "i.suzuki@example.lg.jp",
	    "03-1234-5678" } },
};
#define NENTRIES (sizeof bench_entries / sizeof bench_entries[0])
const size_t bench_nentries = NENTRIES;

size_t
utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static int
text_cols(const char *s)
{
	int w = 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x80)
			w += 1;
		else if (c >= 0xE0)
			w += 2;     /* the 3-byte characters used here are all wide */
	}
	return w;
}

/* The value typed into field FI of E for BODY ("" when none). */
const char *
entry_value(const struct entry *e, const struct screen_def *sd, size_t fi, const struct body *b)
{
	if (strcmp(sd->fields[fi].id, "body_code") == 0)
		return b->code;
	for (size_t i = 0; i < 12 && e->field[i]; i++)
		if (strcmp(e->field[i], sd->fields[fi].id) == 0)
			return e->value[i];
	return NULL;
}

size_t
last_typed(const struct entry *e, const struct screen_def *sd, const struct body *b)
{
	size_t last = 0;
	for (size_t i = 0; i < sd->nfields; i++) {
		const char *v = entry_value(e, sd, i, b);
		if (v && *v)
			last = i;
	}
	return last;
}

/* Whether typing V fills field F, so that autoskip moves on by itself. */
static bool
fills(const struct field_def *f, const char *v)
{
	return f->autoskip && v && text_cols(v) >= f->width;
}

/* The survey1 row expected after E was saved for B, fields joined by ','. */
static char *
expected_row(const struct entry *e, const struct screen_def *sd, const struct body *b)
{
	struct strbuf sb = SB_INIT;
	char *today = e2e_today();
	for (size_t i = 0; i < sd->nfields; i++) {
		const char *v = entry_value(e, sd, i, b);
		if (i > 0)
			sb_addc(&sb, ',');
		if (v)
			sb_adds(&sb, v);
		else if (strcmp(sd->fields[i].id, "fy") == 0)
			sb_addf(&sb, "%ld", bench_schema->settings.survey_year);
		else if (strcmp(sd->fields[i].id, "received_on") == 0)
			sb_adds(&sb, today);
	}
	free(today);
	return sb_detach(&sb);
}

/* Keys of E for lgotp from field START, as one string (the burst). */
static char *
entry_keys(const struct entry *e, const struct screen_def *sd, const struct body *b, size_t start,
    size_t *keystrokes)
{
	struct strbuf sb = SB_INIT;
	size_t last = last_typed(e, sd, b), n = 0;
	for (size_t i = start; i <= last; i++) {
		const char *v = entry_value(e, sd, i, b);
		if (v) {
			sb_adds(&sb, v);
			n += utf8_chars(v);
		}
		if (i < last && !fills(&sd->fields[i], v)) {
			sb_adds(&sb, VT_KEY_TAB);
			n++;
		}
	}
	sb_addc(&sb, VT_CTRL('s'));
	n++;
	*keystrokes = n;
	return sb_detach(&sb);
}

/* --- Counting ---------------------------------------------------------------- */

struct meter {
	struct vt *vt;
	struct tty_figures *f;
	char *costliest;
	double latency;     /* of the last key: from the write to its first answering byte (ms) */
};

/*
 * Send one key and return the bytes the terminal received for it: until
 * its answer has come and gone quiet, and WAIT (when not NULL) is on the
 * screen.  0 when the key could not be sent or WAIT did not appear.
 */
static size_t
key_bytes(struct meter *m, const char *bytes, size_t n, const char *what, const char *wait)
{
	struct vt *vt = m->vt;
	vt_bytes_reset(vt);
	double t0 = now_ms();
	if (vt_send(vt, bytes, n) != 0)
		return 0;
	/* Pump in steps of a millisecond of silence until the answer begins. */
	while (vt_bytes_received(vt) == 0 && now_ms() - t0 < KEY_TIMEOUT_MS && !vt_exited(vt, NULL))
		vt_settle(vt, 1, 20);
	m->latency = now_ms() - t0;
	vt_settle_reply(vt, KEY_QUIET_MS, KEY_TIMEOUT_MS);
	if (wait && !vt_has_text(vt, wait)) {
		if (vt_wait_text(vt, wait, KEY_TIMEOUT_MS) != 0)
			return 0;
		vt_settle(vt, KEY_QUIET_MS, -1);
	}
	size_t got = vt_bytes_received(vt);
	if (m->f && got > m->f->costliest_bytes) {
		m->f->costliest_bytes = got;
		free(m->costliest);
		m->costliest = xstrdup(what);
		m->f->costliest_key = m->costliest;
	}
	return got;
}

/* The screen row of field FI: the row that begins with its label, or -1. */
static int
field_row(struct vt *vt, const struct screen_def *sd, size_t fi)
{
	const char *label = sd->fields[fi].label[LANG_JA];
	size_t n = strlen(label);
	for (int r = 1; r < BENCH_ROWS - 2; r++) {
		char *text = vt_row(vt, r);
		const char *p = text ? text : "";
		while (*p == ' ')
			p++;
		bool found = strncmp(p, label, n) == 0 && (p[n] == '*' || p[n] == ' ' || p[n] == '\0');
		free(text);
		if (found)
			return r;
	}
	return -1;
}

static size_t
cursor_field(struct vt *vt, const struct screen_def *sd)
{
	int row, col;
	vt_cursor(vt, &row, &col);
	for (size_t i = 0; i < sd->nfields; i++)
		if (field_row(vt, sd, i) == row)
			return i;
	return 0;
}

static struct vt *
spawn_lgotp(const char *db, bool entry)
{
	const char *extra[] = { "--screen", "survey1", NULL };
	return e2e_tui(db, BENCH_ROWS, BENCH_COLS, entry ? extra : NULL);
}

static int
quit(struct vt *vt, int presses)
{
	for (int i = 0; i < presses; i++) {
		vt_ctrl(vt, 'q');
		if (i + 1 < presses)
			vt_wait_text(vt, MENU_READY, -1);
	}
	int st = -1;
	if (vt_wait_exit(vt, -1, &st) != 0 || st != 0) {
		fprintf(stderr, "bench: lgotp did not leave cleanly (status %d)\n", st);
		vt_dump(vt, stderr);
		return -1;
	}
	return 0;
}

/* Type record E for B on the open form, counting everything; 0 or -1. */
static int
type_record(struct meter *m, const struct screen_def *sd, const struct entry *e,
    const struct body *b, size_t recno)
{
	struct vt *vt = m->vt;
	struct tty_figures *f = m->f;
	size_t start = cursor_field(vt, sd);
	size_t last = last_typed(e, sd, b), keys = 0, bytes = 0, min = 0;
	for (size_t i = start; i <= last; i++) {
		const struct field_def *fd = &sd->fields[i];
		const char *v = entry_value(e, sd, i, b);
		bool filled = fills(fd, v);
		size_t nchars = v ? utf8_chars(v) : 0;
		size_t k = 0;
		for (const char *p = v; p && *p; k++) {
			size_t n = 1;
			while (((unsigned char)p[n] & 0xC0) == 0x80)
				n++;
			bool completes = filled && k + 1 == nchars;
			/* The last character of a code: wait for the body's name too. */
			const char *wait = completes && fd->ref && strcmp(fd->ref, "body") == 0 ?
			    b->name : NULL;
			char *what = xasprintf("typing '%.*s' into %s (record %zu)", (int)n, p, fd->id, recno);
			size_t got = key_bytes(m, p, n, what, wait);
			free(what);
			if (completes && f->nlat_auto < 64)
				f->lat_auto[f->nlat_auto++] = m->latency;
			else if (!completes && f->nlat_char < 512)
				f->lat_char[f->nlat_char++] = m->latency;
			if (completes) {
				/* The last character of a fixed-length field: the echo
				 * (a body's name, a choice's label) and the move. */
				f->autoskips++;
				f->autoskip_bytes += got;
			}
			if (n == 1) {
				f->ascii_chars++;
				f->ascii_bytes += got;
				if (got > f->ascii_max)
					f->ascii_max = got;
				if (!completes) {
					f->ascii_in_field++;
					f->ascii_in_field_bytes += got;
				}
			} else {
				f->kanji_chars++;
				f->kanji_bytes += got;
				if (got > f->kanji_max)
					f->kanji_max = got;
			}
			bytes += got;
			keys++;
			p += n;
		}
		min += nchars;
		if (i < last && !filled) {
			char *what = xasprintf("Tab from %s (record %zu)", fd->id, recno);
			size_t got = key_bytes(m, VT_KEY_TAB, 1, what, NULL);
			free(what);
			if (f->nlat_tab < 64)
				f->lat_tab[f->nlat_tab++] = m->latency;
			f->field_changes++;
			f->field_bytes += got;
			if (got > f->field_max)
				f->field_max = got;
			bytes += got;
			keys++;
			min++;
		}
		/* Where the cursor is now says whether the keys so far were enough. */
		if (i < last && cursor_field(vt, sd) != i + 1) {
			finding_add("survey1: after %s the cursor was not on %s: one more key needed",
			    fd->id, sd->fields[i + 1].id);
			bytes += key_bytes(m, VT_KEY_TAB, 1, "an extra Tab", NULL);
			keys++;
		}
	}
	/* Save and clear for the next record. */
	char *saved = xasprintf("保存 %zu件", recno);
	char *what = xasprintf("Ctrl-S: save and clear (record %zu)", recno);
	size_t got = key_bytes(m, "\023", 1, what, saved);
	free(what);
	free(saved);
	if (got == 0)
		return -1;
	if (f->nlat_save < 16)
		f->lat_save[f->nlat_save++] = m->latency;
	f->saves++;
	f->save_bytes += got;
	if (got > f->save_max)
		f->save_max = got;
	bytes += got;
	keys++;
	min++;
	f->records++;
	f->record_bytes += bytes;
	f->keystrokes += keys;
	f->keystrokes_min += min;
	return 0;
}

static int
check_stored(const char *db, const struct screen_def *sd, const struct entry *e,
    const struct body *b, int *same)
{
	char *want = expected_row(e, sd, b);
	char *fy = xasprintf("%ld", bench_schema->settings.survey_year);
	char *got = stored_survey1(db, fy, b->code);
	bool ok = got && strcmp(got, want) == 0;
	if (!ok)
		fprintf(stderr, "bench: stored survey1 %s differs:\n  want %s\n  got  %s\n", b->code,
		    want, got ? got : "(nothing)");
	*same += ok;
	free(fy);
	free(got);
	free(want);
	return ok ? 0 : -1;
}

int
bench_tty_entry(struct gen *g, const char *db, struct tty_figures *f)
{
	const struct screen_def *sd = bench_survey1();
	struct meter m = { NULL, f, NULL };

	/* Start-up of the entry form. */
	struct vt *vt = spawn_lgotp(db, true);
	if (vt == NULL || vt_wait_text(vt, ENTRY_READY, -1) != 0)
		goto fail;
	vt_settle(vt, -1, -1);
	f->start_entry_bytes = vt_bytes_received(vt);
	m.vt = vt;

	const struct body *used[NENTRIES];
	for (size_t r = 0; r < NENTRIES; r++) {
		used[r] = reserved_body(g);
		if (type_record(&m, sd, &bench_entries[r], used[r], r + 1) != 0)
			goto fail;
	}
	if (quit(vt, 1) != 0)
		goto fail;
	vt_free(vt);
	vt = NULL;
	int same = 0;
	for (size_t r = 0; r < NENTRIES; r++)
		check_stored(db, sd, &bench_entries[r], used[r], &same);
	f->stored_same = same;
	f->stored_total = NENTRIES;

	/* Screen switches: menu → entry → menu → browse → menu. */
	m.f = NULL;
	vt = spawn_lgotp(db, false);
	if (vt == NULL || vt_wait_text(vt, MENU_READY, -1) != 0)
		goto fail;
	vt_settle(vt, -1, -1);
	f->start_menu_bytes = vt_bytes_received(vt);
	m.vt = vt;
	static const struct {
		const char *key, *ready;
	} sw[4] = { { "1", ENTRY_READY }, { "\021", MENU_READY }, { "2", LIST_READY },
		{ "\021", MENU_READY } };
	for (int i = 0; i < 4; i++) {
		vt_bytes_reset(vt);
		vt_type(vt, sw[i].key);
		if (vt_wait_text(vt, sw[i].ready, KEY_TIMEOUT_MS) != 0)
			goto fail;
		/* The screen before may show the same text: wait for quiet too. */
		vt_settle(vt, -1, -1);
		f->switch_bytes[i] = vt_bytes_received(vt);
		if (f->switch_bytes[i] > f->switch_max)
			f->switch_max = f->switch_bytes[i];
	}
	if (quit(vt, 1) != 0)
		goto fail;
	vt_free(vt);
	return 0;
fail:
	if (vt)
		vt_dump(vt, stderr);
	vt_free(vt);
	return -1;
}

/*
 * After a burst sent at T0: pump until TEXT is on the screen and nothing
 * has come for 300 ms; returns when the last byte came (to a millisecond
 * or so), or -1 on a timeout.
 */
static double
last_output_ms(struct vt *vt, const char *text, double t0)
{
	double last = t0;
	size_t seen = vt_bytes_received(vt);
	for (;;) {
		vt_settle(vt, 2, 1000);
		double t = now_ms();
		size_t b = vt_bytes_received(vt);
		if (b != seen) {
			seen = b;
			last = t - 2;
		} else if (t - last >= 300 && vt_has_text(vt, text)) {
			return last;
		}
		if (t - t0 > VT_TIMEOUT_MS || vt_exited(vt, NULL))
			return -1;
	}
}

int
bench_tty_typeahead(struct gen *g, const char *db, double *settle_ms, int *same, int runs)
{
	const struct screen_def *sd = bench_survey1();
	struct vt *vt = spawn_lgotp(db, true);
	if (vt == NULL || vt_wait_text(vt, ENTRY_READY, -1) != 0)
		goto fail;
	vt_settle(vt, -1, -1);
	size_t start = cursor_field(vt, sd);
	const struct body **used = xcalloc((size_t)runs, sizeof *used);
	double *t = xcalloc((size_t)runs, sizeof *t);
	for (int r = 0; r < runs; r++) {
		const struct entry *e = &bench_entries[(size_t)r % NENTRIES];
		used[r] = reserved_body(g);
		size_t keys;
		char *burst = entry_keys(e, sd, used[r], start, &keys);
		char *saved = xasprintf("保存 %d件", r + 1);
		vt_bytes_reset(vt);
		double t0 = now_ms();
		double end = vt_send(vt, burst, strlen(burst)) == 0 ? last_output_ms(vt, saved, t0) : -1;
		if (end < 0) {
			fprintf(stderr, "bench: the burst did not end in a saved record\n");
			free(burst);
			free(saved);
			goto fail;
		}
		t[r] = end - t0;
		free(burst);
		free(saved);
	}
	if (quit(vt, 1) != 0)
		goto fail;
	vt_free(vt);
	*same = 0;
	for (int r = 0; r < runs; r++)
		check_stored(db, sd, &bench_entries[(size_t)r % NENTRIES], used[r], same);
	*settle_ms = median(t, (size_t)runs);
	free(t);
	free(used);
	return 0;
fail:
	if (vt)
		vt_dump(vt, stderr);
	vt_free(vt);
	return -1;
}

int
bench_tty_scale(struct gen *g, const char *db, int runs, bool with_dialog, struct scale_figures *s)
{
	double *entry = xcalloc((size_t)runs, sizeof *entry), *menu = xcalloc((size_t)runs, sizeof *menu),
	    *browse = xcalloc((size_t)runs, sizeof *browse), *peer = xcalloc((size_t)runs, sizeof *peer);
	struct vt *vt = NULL;
	s->dialog_start_ms = -1;
	for (int r = 0; r < runs; r++) {
		/* The peer in the same pair, run for run: a shared machine's load
		 * changes from minute to minute, and timings taken minutes apart
		 * compared that load more than the programs.  Which of the two
		 * goes first alternates, so that neither always starts right after
		 * the other's exit (or after the browse run below). */
		bool peer_first = with_dialog && r % 2 == 1;
		if (peer_first && (peer[r] = bench_dialog_start()) < 0)
			goto dialog_failed;
		double t0 = now_ms();
		vt = spawn_lgotp(db, true);
		if (vt == NULL || vt_wait_text(vt, ENTRY_READY, -1) != 0)
			goto fail;
		entry[r] = now_ms() - t0;
		if (quit(vt, 1) != 0)
			goto fail;
		vt_free(vt);
		vt = NULL;
		if (with_dialog && !peer_first && (peer[r] = bench_dialog_start()) < 0)
			goto dialog_failed;

		t0 = now_ms();
		vt = spawn_lgotp(db, false);
		if (vt == NULL || vt_wait_text(vt, MENU_READY, -1) != 0)
			goto fail;
		menu[r] = now_ms() - t0;
		vt_settle(vt, 50, -1);
		t0 = now_ms();
		vt_type(vt, "2");
		if (vt_wait_text(vt, LIST_READY, -1) != 0)
			goto fail;
		browse[r] = now_ms() - t0;
		vt_settle(vt, 50, -1);
		if (quit(vt, 2) != 0)
			goto fail;
		vt_free(vt);
		vt = NULL;
	}
	s->start_entry_ms = median(entry, (size_t)runs);
	if (with_dialog) {
		s->dialog_start_ms = median(peer, (size_t)runs);
		double *diff = xcalloc((size_t)runs, sizeof *diff);
		s->pairs_faster = 0;
		for (int r = 0; r < runs; r++) {
			diff[r] = entry[r] - peer[r];
			s->pairs_faster += diff[r] < 0;
		}
		s->pair_diff_ms = median(diff, (size_t)runs);
		free(diff);
	}
	double *sum = xcalloc((size_t)runs, sizeof *sum);
	for (int r = 0; r < runs; r++)
		sum[r] = menu[r] + browse[r];
	s->exec_browse_ms = median(sum, (size_t)runs);
	free(sum);
	s->browse_ms = median(browse, (size_t)runs);
	s->start_menu_ms = median(menu, (size_t)runs);

	/* Peak RSS over a session: browse and page through the list, search,
	 * then key and save a record. */
	vt = spawn_lgotp(db, false);
	if (vt == NULL || vt_wait_text(vt, MENU_READY, -1) != 0)
		goto fail;
	vt_type(vt, "2");
	if (vt_wait_text(vt, LIST_READY, -1) != 0)
		goto fail;
	for (int i = 0; i < 3; i++) {
		vt_key(vt, VT_KEY_PGDN);
		vt_settle_reply(vt, 50, -1);
	}
	vt_type(vt, "4");
	vt_settle_reply(vt, 50, -1);
	vt_type(vt, "7");
	vt_settle_reply(vt, 50, -1);
	vt_ctrl(vt, 'q');
	vt_wait_text(vt, MENU_READY, -1);
	vt_type(vt, "1");
	if (vt_wait_text(vt, ENTRY_READY, -1) != 0)
		goto fail;
	vt_settle(vt, 50, -1);
	const struct screen_def *sd = bench_survey1();
	size_t start = cursor_field(vt, sd), keys;
	char *burst = entry_keys(&bench_entries[0], sd, reserved_body(g), start, &keys);
	vt_type(vt, burst);
	free(burst);
	if (vt_wait_text(vt, "保存 1件", -1) != 0)
		goto fail;
	vt_settle(vt, 50, -1);
	pid_t pid = child_pid("lgotp");
	s->rss_kb = pid > 0 ? vm_hwm_kb(pid) : -1;
	s->anon_kb = pid > 0 ? status_kb(pid, "RssAnon:") : -1;
	s->file_kb = pid > 0 ? status_kb(pid, "RssFile:") : -1;
	long data = pid > 0 ? smaps_rss_kb(pid, "/data.mdb") : -1, lock = pid > 0 ?
	    smaps_rss_kb(pid, "/lock.mdb") : -1;
	s->db_kb = data >= 0 && lock >= 0 ? data + lock : -1;
	if (quit(vt, 2) != 0)
		goto fail;
	vt_free(vt);
	free(entry);
	free(menu);
	free(browse);
	free(peer);
	return 0;
dialog_failed:
	fprintf(stderr, "bench: dialog did not show its form\n");
fail:
	if (vt)
		vt_dump(vt, stderr);
	vt_free(vt);
	free(entry);
	free(menu);
	free(browse);
	free(peer);
	return -1;
}
