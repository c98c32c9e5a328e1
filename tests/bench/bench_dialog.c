/*
 * bench_dialog.c - the peer: the same survey1 records keyed into Debian's
 * `dialog --form` on the same pseudo-terminal (80x24, xterm-256color):
 * the same labels, the same field widths, the same defaults (fiscal year,
 * date received).  dialog has no autoskip, no look-up and no "save and
 * clear": each record is one dialog run that ends with Enter (OK), so the
 * next record is the next run.  Down moves to the next field (in dialog,
 * Tab moves to the buttons).
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"
#include "schema.h"
#include "util.h"

#define KEY_QUIET_MS 100
#define KEY_TIMEOUT_MS 5000
#define DIALOG_READY "<Cancel>"

static int
field_width(const struct field_def *f, const char *def)
{
	if (f->width > 0)
		return f->width;
	return def && *def ? (int)strlen(def) : 10;
}

/* The default shown in field FI (fy: the survey year, received_on: today). */
static char *
field_default(const struct screen_def *sd, size_t fi)
{
	char *today = e2e_today();
	char *v = schema_default(bench_schema, &sd->fields[fi], today);
	free(today);
	return v;
}

static struct vt *
spawn_dialog(const struct screen_def *sd)
{
	struct strlist args = { 0 };
	strlist_add(&args, xstrdup("dialog"));
	strlist_add(&args, xstrdup("--form"));
	strlist_add(&args, xstrdup(sd->title[LANG_JA]));
	/* Height 0: dialog sizes the box to the form (with a fixed 24 it shows
	 * only 8 of the 9 fields); the full width of the terminal. */
	strlist_add(&args, xstrdup("0"));
	strlist_add(&args, xasprintf("%d", BENCH_COLS));
	strlist_add(&args, xasprintf("%zu", sd->nfields));
	for (size_t i = 0; i < sd->nfields; i++) {
		const struct field_def *f = &sd->fields[i];
		char *def = field_default(sd, i);
		int w = field_width(f, def);
		strlist_add(&args, xstrdup(f->label[LANG_JA]));
		strlist_add(&args, xasprintf("%zu", i + 1));
		strlist_add(&args, xstrdup("1"));
		strlist_add(&args, def);
		strlist_add(&args, xasprintf("%zu", i + 1));
		strlist_add(&args, xstrdup("16"));
		/* One column more than the value, so a full field does not scroll. */
		strlist_add(&args, xasprintf("%d", w + 1));
		strlist_add(&args, xasprintf("%d", w));
	}
	strlist_add(&args, NULL);
	struct vt_opts o = { .rows = BENCH_ROWS, .cols = BENCH_COLS, .argv = args.v,
		.capture_stderr = true };
	struct vt *vt = vt_spawn_opts(&o);
	for (size_t i = 0; i < args.n; i++)
		free(args.v[i]);
	free(args.v);
	return vt;
}

static size_t
key_bytes(struct vt *vt, const char *bytes, size_t n)
{
	vt_bytes_reset(vt);
	if (vt_send(vt, bytes, n) != 0)
		return 0;
	vt_settle_reply(vt, KEY_QUIET_MS, KEY_TIMEOUT_MS);
	return vt_bytes_received(vt);
}

int
bench_dialog(struct gen *g, struct dialog_figures *f)
{
	const struct screen_def *sd = bench_survey1();
	const char *argv[] = { "dialog", "--version", NULL };
	char *out = NULL;
	if (run_argv(argv, NULL, &out) != 0) {
		f->available = false;
		f->why = xstrdup("dialog is not installed (apt-get install dialog)");
		free(out);
		return 0;
	}
	const char *ver = strstr(out, "Version: ");
	f->version = trim_dup(ver ? ver + 9 : out);
	free(out);
	f->available = true;
	f->data_ok = true;
	for (size_t r = 0; r < bench_nentries; r++) {
		const struct entry *e = &bench_entries[r];
		const struct body *b = reserved_body(g);
		struct vt *vt = spawn_dialog(sd);
		if (vt == NULL || vt_wait_text(vt, DIALOG_READY, -1) != 0) {
			vt_free(vt);
			return -1;
		}
		vt_settle(vt, -1, -1);
		f->start_bytes += vt_bytes_received(vt);
		f->starts++;

		size_t last = last_typed(e, sd, b), keys = 0, min = 0, bytes = 0;
		for (size_t i = 0; i <= last; i++) {
			const char *v = entry_value(e, sd, i, b);
			for (const char *p = v; p && *p;) {
				size_t n = 1;
				while (((unsigned char)p[n] & 0xC0) == 0x80)
					n++;
				size_t got = key_bytes(vt, p, n);
				if (n == 1) {
					f->ascii_chars++;
					f->ascii_bytes += got;
				} else {
					f->kanji_chars++;
					f->kanji_bytes += got;
				}
				bytes += got;
				keys++;
				min++;
				p += n;
			}
			if (i < last) {
				size_t got = key_bytes(vt, VT_KEY_DOWN, strlen(VT_KEY_DOWN));
				f->field_changes++;
				f->field_bytes += got;
				bytes += got;
				keys++;
			}
		}
		pid_t pid = child_pid("dialog");
		long rss = pid > 0 ? vm_hwm_kb(pid) : -1;
		if (rss > f->rss_kb) {
			f->rss_kb = rss;
			f->anon_kb = status_kb(pid, "RssAnon:");
			f->file_kb = status_kb(pid, "RssFile:");
		}
		/* Enter: OK, the values on stderr, dialog exits. */
		vt_bytes_reset(vt);
		vt_key(vt, VT_KEY_ENTER);
		int st = -1;
		if (vt_wait_exit(vt, -1, &st) != 0 || st != 0) {
			fprintf(stderr, "bench: dialog did not end with OK (status %d)\n", st);
			vt_dump(vt, stderr);
			vt_free(vt);
			return -1;
		}
		size_t fin = vt_bytes_received(vt);
		f->finish_bytes += fin;
		bytes += fin;
		keys++;
		(void)min;
		f->records++;
		f->record_bytes += bytes;
		f->keystrokes += keys;

		/* What dialog returned: one line per field. */
		struct strbuf want = SB_INIT;
		for (size_t i = 0; i < sd->nfields; i++) {
			const char *v = entry_value(e, sd, i, b);
			char *def = field_default(sd, i);
			sb_adds(&want, v ? v : def);
			sb_addc(&want, '\n');
			free(def);
		}
		const char *got = vt_stderr(vt);
		if (want.s == NULL || strcmp(got, want.s) != 0) {
			fprintf(stderr, "bench: dialog returned:\n%s\nexpected:\n%s\n", got, want.s);
			f->data_ok = false;
		}
		sb_free(&want);
		vt_free(vt);
	}
	return 0;
}

double
bench_dialog_start(void)
{
	const struct screen_def *sd = bench_survey1();
	double t0 = now_ms();
	struct vt *vt = spawn_dialog(sd);
	if (vt == NULL || vt_wait_text(vt, DIALOG_READY, -1) != 0 ||
	    vt_wait_text(vt, sd->fields[sd->nfields - 1].label[LANG_JA], -1) != 0) {
		vt_free(vt);
		return -1;
	}
	double ms = now_ms() - t0;
	vt_free(vt);
	return ms;
}
