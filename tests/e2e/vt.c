/*
 * vt.c - the pty + libvterm harness described in vt.h.
 *
 * One loop, vt_pump(), does all the I/O: it polls the master (and the
 * stderr pipe when captured) for at most the time its caller can wait,
 * feeds what it reads to libvterm, writes queued bytes (keys, and libvterm's
 * answers to terminal queries) back, and reaps the child.  Every public
 * wait is a deadline loop around it.
 */
#include "vt.h"
#include "util.h"

#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <vterm.h>

extern char **environ;

/*
 * While the child runs, poll() never sleeps longer than this, so an exit
 * is noticed even when the slave stays open (a grandchild holding it) and
 * no descriptor would wake us.
 */
#define VT_REAP_POLL_MS 20
/*
 * After the child was reaped, how long output may still trickle in from
 * descriptors that did not reach EOF (a grandchild kept them) before the
 * harness stops waiting for it.
 */
#define VT_DRAIN_MS 100
/*
 * Most bytes read from the master in one vt_pump() before the caller
 * rechecks its condition and deadline (libvterm is not free: a flood of
 * output on a loaded machine must not stretch a wait past its timeout).
 */
#define VT_PUMP_MAX (64 * 1024)

struct vt {
	pid_t pid;
	int master;             /* -1 after vt_hangup() */
	bool master_eof;        /* read gave EIO or 0: no slave descriptor is open */
	int errfd;              /* captured stderr pipe; -1 if none or at EOF */
	struct strbuf err;      /* what came through errfd */
	bool keep_transcript;
	struct strbuf transcript; /* every byte from the master, when keep_transcript */

	VTerm *term;
	VTermScreen *screen;
	VTermState *state;

	struct strbuf outq;     /* bytes for the program not yet written */
	size_t outq_off;        /* how much of outq is written */

	size_t bytes;           /* received since spawn or vt_bytes_reset() */
	size_t total;           /* received since spawn */
	size_t total_at_send;   /* total when the last vt_send() began */
	int64_t last_data;      /* when the last byte came from any descriptor */

	bool reaped;
	int status;             /* waitpid() status, once reaped */
	int64_t reaped_at;

	bool cursor_visible;
	bool altscreen;
	int bells;
	bool trace;
};

static int64_t
vt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
vt_default(int ms, int def)
{
	return ms < 0 ? def : ms;
}

/* --- Tracing ---------------------------------------------------------- */

static const struct {
	const char *seq, *name;
} vt_key_names[] = {
	{ VT_KEY_TAB, "Tab" }, { VT_KEY_BTAB, "Shift-Tab" }, { VT_KEY_ENTER, "Enter" },
	{ VT_KEY_ESC, "Esc" }, { VT_KEY_BACKSPACE, "Backspace" },
	{ VT_KEY_UP, "Up" }, { VT_KEY_DOWN, "Down" }, { VT_KEY_RIGHT, "Right" },
	{ VT_KEY_LEFT, "Left" }, { VT_KEY_HOME, "Home" }, { VT_KEY_END, "End" },
	{ VT_KEY_INSERT, "Insert" }, { VT_KEY_DELETE, "Delete" },
	{ VT_KEY_PGUP, "PgUp" }, { VT_KEY_PGDN, "PgDn" },
	{ VT_KEY_F1, "F1" }, { VT_KEY_F2, "F2" }, { VT_KEY_F3, "F3" }, { VT_KEY_F4, "F4" },
	{ VT_KEY_F5, "F5" }, { VT_KEY_F6, "F6" }, { VT_KEY_F7, "F7" }, { VT_KEY_F8, "F8" },
	{ VT_KEY_F9, "F9" }, { VT_KEY_F10, "F10" }, { VT_KEY_F11, "F11" }, { VT_KEY_F12, "F12" },
};

/* bytes as a C string literal, non-printable ASCII escaped, UTF-8 kept. */
static char *
vt_escape(const char *bytes, size_t n)
{
	struct strbuf sb = SB_INIT;

	sb_addc(&sb, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)bytes[i];
		if (c == '\033')
			sb_adds(&sb, "\\033");
		else if (c == '\r')
			sb_adds(&sb, "\\r");
		else if (c == '\n')
			sb_adds(&sb, "\\n");
		else if (c == '\t')
			sb_adds(&sb, "\\t");
		else if (c == '"' || c == '\\')
			sb_addf(&sb, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			sb_addf(&sb, "\\%03o", c);
		else
			sb_addc(&sb, (char)c);
	}
	sb_addc(&sb, '"');
	return sb_detach(&sb);
}

static void
vt_trace_bytes(struct vt *vt, const char *what, const char *bytes, size_t n)
{
	if (!vt->trace)
		return;
	const char *name = NULL;
	for (size_t i = 0; i < sizeof vt_key_names / sizeof vt_key_names[0]; i++)
		if (strlen(vt_key_names[i].seq) == n && memcmp(vt_key_names[i].seq, bytes, n) == 0)
			name = vt_key_names[i].name;
	if (name == NULL && n == 1 && (unsigned char)bytes[0] < 0x20)
		name = "Ctrl";
	char *esc = vt_escape(bytes, n);
	if (name != NULL && strcmp(name, "Ctrl") == 0)
		fprintf(stderr, "vt: %s %s (Ctrl-%c)\n", what, esc, bytes[0] + '@');
	else if (name != NULL)
		fprintf(stderr, "vt: %s %s (%s)\n", what, esc, name);
	else
		fprintf(stderr, "vt: %s %s\n", what, esc);
	free(esc);
}

/* --- libvterm callbacks ------------------------------------------------- */

/*
 * libvterm answers queries (DA, DSR cursor position, ...) through this.
 * The answer is queued and written by vt_pump(), never here, because we
 * are inside vterm_input_write() and must not block or recurse.
 */
static void
vt_on_output(const char *s, size_t len, void *user)
{
	struct vt *vt = user;

	vt_trace_bytes(vt, "answer", s, len);
	sb_add(&vt->outq, s, len);
}

static int
vt_on_settermprop(VTermProp prop, VTermValue *val, void *user)
{
	struct vt *vt = user;

	if (prop == VTERM_PROP_CURSORVISIBLE)
		vt->cursor_visible = val->boolean != 0;
	else if (prop == VTERM_PROP_ALTSCREEN)
		vt->altscreen = val->boolean != 0;
	return 1;
}

static int
vt_on_bell(void *user)
{
	struct vt *vt = user;

	vt->bells++;
	return 1;
}

static const VTermScreenCallbacks vt_screen_callbacks = {
	.settermprop = vt_on_settermprop,
	.bell = vt_on_bell,
};

/* --- Spawning ------------------------------------------------------------- */

/* fd moved to a number above 2 and marked close-on-exec, or -1. */
static int
vt_fd_high(int fd)
{
	/*
	 * CI runs with stdin closed, so a new descriptor can be 0; in the child
	 * login_tty() would then overwrite it with the pty.  And close-on-exec
	 * keeps one test's pty master out of the next child, where it would
	 * keep the pty open past vt_hangup().
	 */
	if (fd < 0)
		return -1;
	if (fd <= 2) {
		int high = fcntl(fd, F_DUPFD_CLOEXEC, 3);
		close(fd);
		return high;
	}
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
vt_pipe(int fds[2])
{
	if (pipe(fds) == -1)
		return -1;
	fds[0] = vt_fd_high(fds[0]);
	fds[1] = vt_fd_high(fds[1]);
	if (fds[0] < 0 || fds[1] < 0) {
		if (fds[0] >= 0)
			close(fds[0]);
		if (fds[1] >= 0)
			close(fds[1]);
		return -1;
	}
	return 0;
}

/* Sets (or, for a bare "NAME", removes) an entry of env. */
static void
vt_env_put(struct strlist *env, const char *entry)
{
	const char *eq = strchr(entry, '=');
	size_t namelen = eq ? (size_t)(eq - entry) : strlen(entry);

	for (size_t i = 0; i < env->n; i++) {
		if (strncmp(env->v[i], entry, namelen) == 0 && env->v[i][namelen] == '=') {
			free(env->v[i]);
			env->v[i] = env->v[--env->n];
			break;
		}
	}
	if (eq != NULL)
		strlist_add(env, xstrdup(entry));
}

static void
vt_env_copy(struct strlist *env, const char *name)
{
	const char *value = getenv(name);

	if (value != NULL)
		strlist_addf(env, "%s=%s", name, value);
}

/* The child's NULL-terminated environment, as documented at vt_spawn(). */
static void
vt_env_build(struct strlist *env, char *const extra[])
{
	static const char *const copied[] = {
		"HOME", "PATH", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS",
	};

	strlist_add(env, xstrdup("TERM=xterm-256color"));
	strlist_add(env, xstrdup("LANG=C.UTF-8"));
	strlist_add(env, xstrdup("LC_ALL=C.UTF-8"));
	for (size_t i = 0; i < sizeof copied / sizeof copied[0]; i++)
		vt_env_copy(env, copied[i]);
	for (size_t i = 0; extra != NULL && extra[i] != NULL; i++)
		vt_env_put(env, extra[i]);
	env->v = xgrow(env->v, &env->cap, env->n + 1, sizeof env->v[0]);
	env->v[env->n] = NULL;
}

/* In the child, between forkpty() and exec: never returns. */
static void
vt_child(const struct vt_opts *o, char **envp, int errfd, int execfd)
{
	char *const *argv = o->argv;
	sigset_t none;
	struct termios tio;

	/*
	 * Ignored signals survive exec: a test run under nohup or in the
	 * background would otherwise give a child that ignores SIGHUP or
	 * SIGINT, and the hang-up tests would pass or fail for the wrong reason.
	 */
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	/* A UTF-8 xterm sets IUTF8, so the line discipline erases whole characters. */
	if (tcgetattr(STDIN_FILENO, &tio) == 0) {
		tio.c_iflag |= IUTF8;
		tcsetattr(STDIN_FILENO, TCSANOW, &tio);
	}
	if (errfd >= 0)
		dup2(errfd, STDERR_FILENO);   /* dup2 clears close-on-exec */

	/* Another user, as a second operator logs in: groups first, the uid last. */
	if ((o->cwd != NULL && chdir(o->cwd) != 0) ||
	    (o->as_user && (setgroups(0, NULL) != 0 || setgid(o->gid) != 0 || setuid(o->uid) != 0))) {
		int e = errno;
		ssize_t w = write(execfd, &e, sizeof e);
		(void)w;
		_exit(127);
	}
	environ = envp;
	execvp(argv[0], argv);

	int e = errno;
	ssize_t w = write(execfd, &e, sizeof e);
	(void)w;
	_exit(127);
}

struct vt *
vt_spawn(int rows, int cols, char *const argv[], char *const envp_extra[])
{
	struct vt_opts o = { .rows = rows, .cols = cols, .argv = argv, .envp_extra = envp_extra };

	return vt_spawn_opts(&o);
}

struct vt *
vt_spawn_opts(const struct vt_opts *o)
{
	int rows = o->rows > 0 ? o->rows : 24;
	int cols = o->cols > 0 ? o->cols : 80;
	int errp[2] = { -1, -1 }, execp[2] = { -1, -1 };
	struct strlist env = { NULL, 0, 0 };
	struct winsize ws;
	struct sigaction sa;
	int master = -1;

	if (o->argv == NULL || o->argv[0] == NULL) {
		fprintf(stderr, "vt: spawn: no program given\n");
		return NULL;
	}
	/*
	 * With SIGCHLD ignored the kernel reaps children itself and waitpid()
	 * could never give the exit status: make sure it is not ignored.
	 */
	if (sigaction(SIGCHLD, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
		signal(SIGCHLD, SIG_DFL);

	if (vt_pipe(execp) == -1 || (o->capture_stderr && vt_pipe(errp) == -1)) {
		fprintf(stderr, "vt: pipe: %s\n", strerror(errno));
		goto fail;
	}
	vt_env_build(&env, o->envp_extra);

	memset(&ws, 0, sizeof ws);
	ws.ws_row = (unsigned short)rows;
	ws.ws_col = (unsigned short)cols;
	fflush(NULL);   /* or the child's exit would repeat our buffered output */
	pid_t pid = forkpty(&master, NULL, NULL, &ws);
	if (pid == -1) {
		fprintf(stderr, "vt: forkpty: %s\n", strerror(errno));
		goto fail;
	}
	if (pid == 0)
		vt_child(o, env.v, errp[1], execp[1]);

	close(execp[1]);
	execp[1] = -1;
	if (errp[1] >= 0) {
		close(errp[1]);
		errp[1] = -1;
	}
	strlist_free(&env);

	/* The exec pipe closes on a successful exec, or carries exec's errno. */
	int e = 0;
	ssize_t r;
	do
		r = read(execp[0], &e, sizeof e);
	while (r == -1 && errno == EINTR);
	close(execp[0]);
	execp[0] = -1;
	if (r == (ssize_t)sizeof e) {
		fprintf(stderr, "vt: cannot execute %s: %s\n", o->argv[0], strerror(e));
		while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
			;
		close(master);
		if (errp[0] >= 0)
			close(errp[0]);
		return NULL;
	}

	struct vt *vt = xcalloc(1, sizeof *vt);
	vt->pid = pid;
	vt->master = vt_fd_high(master);
	vt->master_eof = vt->master < 0;
	if (vt->master >= 0)
		fcntl(vt->master, F_SETFL, fcntl(vt->master, F_GETFL) | O_NONBLOCK);
	vt->errfd = errp[0];
	if (vt->errfd >= 0)
		fcntl(vt->errfd, F_SETFL, fcntl(vt->errfd, F_GETFL) | O_NONBLOCK);
	vt->last_data = vt_now();
	vt->cursor_visible = true;
	vt->keep_transcript = o->keep_transcript;
	const char *t = getenv("LGOTP_E2E_TRACE");
	vt->trace = t != NULL && *t != '\0' && strcmp(t, "0") != 0;

	vt->term = vterm_new(rows, cols);
	vterm_set_utf8(vt->term, 1);
	vterm_output_set_callback(vt->term, vt_on_output, vt);
	vt->state = vterm_obtain_state(vt->term);
	vt->screen = vterm_obtain_screen(vt->term);
	vterm_screen_set_callbacks(vt->screen, &vt_screen_callbacks, vt);
	vterm_screen_enable_altscreen(vt->screen, 1);
	vterm_screen_reset(vt->screen, 1);

	if (vt->trace) {
		fprintf(stderr, "vt: spawned pid %d on %dx%d:", (int)pid, rows, cols);
		for (size_t i = 0; o->argv[i] != NULL; i++)
			fprintf(stderr, " %s", o->argv[i]);
		fprintf(stderr, "\n");
	}
	return vt;

fail:
	for (int i = 0; i < 2; i++) {
		if (execp[i] >= 0)
			close(execp[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	strlist_free(&env);
	return NULL;
}

const char *
vt_lgotp_bin(void)
{
	const char *bin = getenv("LGOTP_BIN");

	return bin != NULL && *bin != '\0' ? bin : "./lgotp";
}

/* --- The pump ------------------------------------------------------------- */

static void
vt_reap(struct vt *vt)
{
	int st;

	if (vt->reaped)
		return;
	pid_t r = waitpid(vt->pid, &st, WNOHANG);
	if (r == vt->pid) {
		vt->reaped = true;
		vt->status = st;
		vt->reaped_at = vt_now();
		if (vt->trace)
			fprintf(stderr, "vt: child %d exited, status 0x%x\n", (int)vt->pid, (unsigned)st);
	} else if (r == -1 && errno == ECHILD) {
		/* Someone else reaped it: the status is lost, but it is gone. */
		vt->reaped = true;
		vt->status = -1;
		vt->reaped_at = vt_now();
	}
}

/* Writes what it can of the queue without blocking; drops it if the pty is gone. */
static void
vt_flush(struct vt *vt)
{
	while (vt->outq_off < vt->outq.len) {
		if (vt->master < 0 || vt->master_eof)
			break;
		ssize_t w = write(vt->master, vt->outq.s + vt->outq_off, vt->outq.len - vt->outq_off);
		if (w > 0) {
			vt->outq_off += (size_t)w;
			continue;
		}
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		break;   /* EIO: the child side is closed */
	}
	sb_reset(&vt->outq);
	vt->outq_off = 0;
}

static bool
vt_pending(struct vt *vt)
{
	return vt->outq_off < vt->outq.len;
}

/*
 * Reads what the master has now into the screen, stopping after
 * VT_PUMP_MAX bytes or at `until` (after one read); returns the byte count.
 */
static size_t
vt_read_master(struct vt *vt, int64_t until)
{
	char buf[4096];
	size_t got = 0;

	while (vt->master >= 0 && !vt->master_eof && got < VT_PUMP_MAX) {
		ssize_t r = read(vt->master, buf, sizeof buf);
		if (r > 0) {
			vterm_input_write(vt->term, buf, (size_t)r);
			if (vt->keep_transcript)
				sb_add(&vt->transcript, buf, (size_t)r);
			got += (size_t)r;
			if (vt_now() >= until)
				break;
			continue;
		}
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		/* EIO (Linux) or 0: every slave descriptor is closed and the buffer is empty. */
		vt->master_eof = true;
	}
	vt->bytes += got;
	vt->total += got;
	return got;
}

static size_t
vt_read_err(struct vt *vt)
{
	char buf[4096];
	size_t got = 0;

	while (vt->errfd >= 0) {
		ssize_t r = read(vt->errfd, buf, sizeof buf);
		if (r > 0) {
			sb_add(&vt->err, buf, (size_t)r);
			got += (size_t)r;
			continue;
		}
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		close(vt->errfd);
		vt->errfd = -1;
	}
	return got;
}

/*
 * One round of I/O: waits at most wait_ms for something to read (or for
 * room to write queued bytes), then reads, writes and reaps what it can.
 * Returns the number of bytes read from the master.
 */
static size_t
vt_pump(struct vt *vt, int64_t wait_ms)
{
	struct pollfd pfd[2];
	nfds_t n = 0;
	int64_t until = vt_now() + (wait_ms > 0 ? wait_ms : 0);

	vt_flush(vt);
	if (vt->master >= 0 && !vt->master_eof) {
		pfd[n].fd = vt->master;
		pfd[n].events = POLLIN | (vt_pending(vt) ? POLLOUT : 0);
		n++;
	}
	if (vt->errfd >= 0) {
		pfd[n].fd = vt->errfd;
		pfd[n].events = POLLIN;
		n++;
	}
	if (!vt->reaped && wait_ms > VT_REAP_POLL_MS)
		wait_ms = VT_REAP_POLL_MS;
	if (wait_ms < 0)
		wait_ms = 0;
	/* With nothing to watch (after a hang-up), this is a bounded sleep until the next reap check. */
	if (poll(pfd, n, (int)wait_ms) == -1 && errno != EINTR)
		return 0;

	size_t got = vt_read_master(vt, until);
	if (vt_read_err(vt) > 0 || got > 0)
		vt->last_data = vt_now();
	vt_flush(vt);
	vt_reap(vt);
	return got;
}

/* True once the child is reaped and no more output is to be expected. */
static bool
vt_done(struct vt *vt)
{
	if (!vt->reaped)
		return false;
	bool master_done = vt->master < 0 || vt->master_eof;
	if (master_done && vt->errfd < 0)
		return true;
	/* A descriptor is still open, held by a grandchild: give it a moment. */
	int64_t since = vt->reaped_at > vt->last_data ? vt->reaped_at : vt->last_data;
	return vt_now() - since >= VT_DRAIN_MS;
}

/* --- Sending ---------------------------------------------------------------- */

int
vt_send(struct vt *vt, const char *bytes, size_t n)
{
	vt_trace_bytes(vt, "send", bytes, n);
	if (vt->master < 0 || vt->master_eof) {
		if (vt->trace)
			fprintf(stderr, "vt: send failed: the terminal is closed\n");
		return -1;
	}
	vt->total_at_send = vt->total;
	sb_add(&vt->outq, bytes, n);
	int64_t deadline = vt_now() + VT_TIMEOUT_MS;
	for (;;) {
		vt_flush(vt);
		if (!vt_pending(vt))
			break;
		if (vt->master < 0 || vt->master_eof)
			return -1;
		int64_t t = vt_now();
		if (t >= deadline)
			return -1;
		vt_pump(vt, deadline - t);
	}
	/* vt_flush() drops the queue when the pty is gone: tell that apart. */
	return vt->master >= 0 && !vt->master_eof ? 0 : -1;
}

int
vt_key(struct vt *vt, const char *key)
{
	return vt_send(vt, key, strlen(key));
}

int
vt_type(struct vt *vt, const char *utf8)
{
	return vt_send(vt, utf8, strlen(utf8));
}

int
vt_sendf(struct vt *vt, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	int rc = vt_send(vt, s, strlen(s));
	free(s);
	return rc;
}

int
vt_ctrl(struct vt *vt, char c)
{
	char b = VT_CTRL(c);

	return vt_send(vt, &b, 1);
}

/* Length of the UTF-8 sequence starting with lead byte c (1 for a stray byte). */
static size_t
vt_utf8_len(unsigned char c)
{
	if (c >= 0xf0 && c <= 0xf7)
		return 4;
	if (c >= 0xe0)
		return c <= 0xef ? 3 : 1;
	if (c >= 0xc0)
		return 2;
	return 1;
}

int
vt_type_slow(struct vt *vt, const char *utf8, int quiet_ms)
{
	size_t n = strlen(utf8);

	for (size_t i = 0; i < n;) {
		size_t k = vt_utf8_len((unsigned char)utf8[i]);
		if (k > n - i)
			k = n - i;
		if (vt_send(vt, utf8 + i, k) == -1 || vt_settle(vt, quiet_ms, -1) == -1)
			return -1;
		i += k;
	}
	return 0;
}

/* --- Waiting ---------------------------------------------------------------- */

static void
vt_trace_screen(struct vt *vt, const char *why)
{
	if (!vt->trace)
		return;
	fprintf(stderr, "vt: %s\n", why);
	vt_dump(vt, stderr);
}

int
vt_settle(struct vt *vt, int quiet_ms, int timeout_ms)
{
	int64_t quiet = vt_default(quiet_ms, VT_QUIET_MS);
	int64_t start = vt_now();
	int64_t deadline = start + vt_default(timeout_ms, VT_TIMEOUT_MS);
	int64_t last = start;
	int rc;

	for (;;) {
		if (vt_done(vt)) {
			rc = -1;
			break;
		}
		int64_t t = vt_now();
		if (t - last >= quiet) {
			rc = 0;
			break;
		}
		if (t >= deadline) {
			rc = -1;
			break;
		}
		int64_t until = last + quiet < deadline ? last + quiet : deadline;
		if (vt_pump(vt, until - t) > 0)
			last = vt_now();
	}
	vt_trace_screen(vt, rc == 0 ? "settled" : vt->reaped ? "settle: the child exited" :
	    "settle: timed out, output did not stop");
	return rc;
}

int
vt_settle_reply(struct vt *vt, int quiet_ms, int timeout_ms)
{
	int64_t start = vt_now();
	int64_t deadline = start + vt_default(timeout_ms, VT_TIMEOUT_MS);

	while (vt->total == vt->total_at_send) {
		int64_t t = vt_now();
		if (vt_done(vt) || t >= deadline) {
			vt_trace_screen(vt, "settle_reply: no reply");
			return -1;
		}
		vt_pump(vt, deadline - t);
	}
	int64_t left = deadline - vt_now();
	return vt_settle(vt, quiet_ms, left > 0 ? (int)left : 0);
}

/* Pumps until vt_has_text(vt, utf8) == want; 0, or -1 with a dump on stderr. */
static int
vt_wait_for(struct vt *vt, const char *utf8, bool want, int timeout_ms)
{
	int64_t timeout = vt_default(timeout_ms, VT_TIMEOUT_MS);
	int64_t deadline = vt_now() + timeout;

	for (;;) {
		if (vt_has_text(vt, utf8) == want) {
			if (vt->trace)
				fprintf(stderr, "vt: %s \"%s\"\n", want ? "found" : "gone", utf8);
			return 0;
		}
		int64_t t = vt_now();
		if (vt_done(vt) || t >= deadline)
			break;
		vt_pump(vt, deadline - t);
	}
	fprintf(stderr, "vt: %s waiting %lld ms for \"%s\" to %s; the screen:\n",
	    vt->reaped ? "the child exited while" : "timed out", (long long)timeout,
	    utf8, want ? "appear" : "disappear");
	vt_dump(vt, stderr);
	return -1;
}

int
vt_wait_text(struct vt *vt, const char *utf8, int timeout_ms)
{
	return vt_wait_for(vt, utf8, true, timeout_ms);
}

int
vt_wait_gone(struct vt *vt, const char *utf8, int timeout_ms)
{
	return vt_wait_for(vt, utf8, false, timeout_ms);
}

int
vt_wait_exit(struct vt *vt, int timeout_ms, int *status)
{
	int64_t deadline = vt_now() + vt_default(timeout_ms, VT_TIMEOUT_MS);

	for (;;) {
		if (vt_done(vt)) {
			if (status != NULL)
				*status = vt->status;
			return 0;
		}
		int64_t t = vt_now();
		if (t >= deadline) {
			if (vt->trace)
				fprintf(stderr, "vt: wait_exit: timed out, child still running\n");
			return -1;
		}
		vt_pump(vt, deadline - t);
	}
}

bool
vt_exited(struct vt *vt, int *status)
{
	vt_reap(vt);
	if (vt->reaped && status != NULL)
		*status = vt->status;
	return vt->reaped;
}

/* --- Reading the screen ------------------------------------------------------ */

static void
vt_utf8_put(struct strbuf *sb, uint32_t c)
{
	char b[4];

	if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		c = 0xfffd;
	if (c < 0x80) {
		sb_addc(sb, (char)c);
	} else if (c < 0x800) {
		b[0] = (char)(0xc0 | (c >> 6));
		b[1] = (char)(0x80 | (c & 0x3f));
		sb_add(sb, b, 2);
	} else if (c < 0x10000) {
		b[0] = (char)(0xe0 | (c >> 12));
		b[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		b[2] = (char)(0x80 | (c & 0x3f));
		sb_add(sb, b, 3);
	} else {
		b[0] = (char)(0xf0 | (c >> 18));
		b[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		b[3] = (char)(0x80 | (c & 0x3f));
		sb_add(sb, b, 4);
	}
}

/* libvterm 0.1.4 marks the second cell of a wide character with chars[0] = 0xFFFFFFFF. */
static bool
vt_is_continuation(const VTermScreenCell *cell)
{
	return cell->chars[0] == (uint32_t)-1;
}

/*
 * Appends row's text to sb (untrimmed).  When colmap is not NULL, stores
 * at (*colmap)[i - start] the screen column of each byte i appended.
 */
static void
vt_row_text(struct vt *vt, int row, struct strbuf *sb, int **colmap, size_t *mapcap)
{
	int rows, cols;

	vterm_get_size(vt->term, &rows, &cols);
	size_t start = sb->len;
	for (int col = 0; col < cols; col++) {
		VTermScreenCell cell;
		VTermPos pos = { .row = row, .col = col };
		size_t before = sb->len;

		if (!vterm_screen_get_cell(vt->screen, pos, &cell))
			continue;
		if (vt_is_continuation(&cell))
			continue;
		if (cell.chars[0] == 0)
			sb_addc(sb, ' ');
		for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && cell.chars[i] != 0; i++)
			vt_utf8_put(sb, cell.chars[i]);
		if (colmap != NULL) {
			*colmap = xgrow(*colmap, mapcap, sb->len - start, sizeof **colmap);
			for (size_t i = before; i < sb->len; i++)
				(*colmap)[i - start] = col;
		}
	}
}

static void
vt_trim_right(struct strbuf *sb, size_t start)
{
	while (sb->len > start && sb->s[sb->len - 1] == ' ')
		sb->s[--sb->len] = '\0';
}

void
vt_size(struct vt *vt, int *rows, int *cols)
{
	int r, c;

	vterm_get_size(vt->term, &r, &c);
	if (rows != NULL)
		*rows = r;
	if (cols != NULL)
		*cols = c;
}

char *
vt_row(struct vt *vt, int row)
{
	struct strbuf sb = SB_INIT;
	int rows;

	vt_size(vt, &rows, NULL);
	if (row < 0 || row >= rows)
		return NULL;
	vt_row_text(vt, row, &sb, NULL, NULL);
	vt_trim_right(&sb, 0);
	return sb_detach(&sb);
}

char *
vt_screen_text(struct vt *vt)
{
	struct strbuf sb = SB_INIT;
	int rows;

	vt_size(vt, &rows, NULL);
	for (int row = 0; row < rows; row++) {
		size_t start = sb.len;
		vt_row_text(vt, row, &sb, NULL, NULL);
		vt_trim_right(&sb, start);
		if (row + 1 < rows)
			sb_addc(&sb, '\n');
	}
	return sb_detach(&sb);
}

bool
vt_has_text(struct vt *vt, const char *utf8)
{
	char *s = vt_screen_text(vt);
	bool found = strstr(s, utf8) != NULL;

	free(s);
	return found;
}

int
vt_find(struct vt *vt, const char *utf8, int *row, int *col)
{
	int rows;
	int *map = NULL;
	size_t mapcap = 0;

	if (*utf8 == '\0')
		return -1;
	vt_size(vt, &rows, NULL);
	for (int r = 0; r < rows; r++) {
		struct strbuf sb = SB_INIT;
		vt_row_text(vt, r, &sb, &map, &mapcap);
		const char *hit = sb.s != NULL ? strstr(sb.s, utf8) : NULL;
		if (hit != NULL) {
			if (row != NULL)
				*row = r;
			if (col != NULL)
				*col = map[hit - sb.s];
			sb_free(&sb);
			free(map);
			return 0;
		}
		sb_free(&sb);
	}
	free(map);
	return -1;
}

bool
vt_cursor(struct vt *vt, int *row, int *col)
{
	VTermPos pos;

	vterm_state_get_cursorpos(vt->state, &pos);
	if (row != NULL)
		*row = pos.row;
	if (col != NULL)
		*col = pos.col;
	return vt->cursor_visible;
}

bool
vt_altscreen(struct vt *vt)
{
	return vt->altscreen;
}

int
vt_bells(struct vt *vt)
{
	return vt->bells;
}

static int
vt_color(const VTermColor *c, bool fg)
{
	if (fg ? VTERM_COLOR_IS_DEFAULT_FG(c) : VTERM_COLOR_IS_DEFAULT_BG(c))
		return VT_COLOR_DEFAULT;
	if (VTERM_COLOR_IS_INDEXED(c))
		return c->indexed.idx;
	return VT_COLOR_RGB | (c->rgb.red << 16) | (c->rgb.green << 8) | c->rgb.blue;
}

int
vt_cell(struct vt *vt, int row, int col, struct vt_cell *out)
{
	int rows, cols;
	VTermScreenCell cell;
	VTermPos pos = { .row = row, .col = col };

	memset(out, 0, sizeof *out);
	vt_size(vt, &rows, &cols);
	if (row < 0 || row >= rows || col < 0 || col >= cols ||
	    !vterm_screen_get_cell(vt->screen, pos, &cell))
		return -1;
	if (vt_is_continuation(&cell)) {
		out->width = 0;
	} else {
		struct strbuf sb = SB_INIT;
		for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && cell.chars[i] != 0; i++)
			vt_utf8_put(&sb, cell.chars[i]);
		if (sb.s != NULL)
			memcpy(out->text, sb.s, sb.len < sizeof out->text ? sb.len : sizeof out->text - 1);
		sb_free(&sb);
		out->width = cell.width;
	}
	out->bold = cell.attrs.bold;
	out->underline = cell.attrs.underline != VTERM_UNDERLINE_OFF;
	out->italic = cell.attrs.italic;
	out->blink = cell.attrs.blink;
	out->reverse = cell.attrs.reverse;
	out->strike = cell.attrs.strike;
	out->fg = vt_color(&cell.fg, true);
	out->bg = vt_color(&cell.bg, false);
	return 0;
}

int
vt_cell_attrs(struct vt *vt, int row, int col)
{
	struct vt_cell c;

	if (vt_cell(vt, row, col, &c) == -1)
		return 0;
	return (c.bold ? VT_ATTR_BOLD : 0) | (c.underline ? VT_ATTR_UNDERLINE : 0) |
	    (c.reverse ? VT_ATTR_REVERSE : 0) | (c.italic ? VT_ATTR_ITALIC : 0) |
	    (c.blink ? VT_ATTR_BLINK : 0) | (c.strike ? VT_ATTR_STRIKE : 0);
}

void
vt_dump(struct vt *vt, FILE *f)
{
	int rows, cols, crow, ccol;
	bool visible = vt_cursor(vt, &crow, &ccol);

	vt_size(vt, &rows, &cols);
	fprintf(f, "vt: %dx%d, cursor at row %d col %d (%s)%s, ", rows, cols, crow, ccol,
	    visible ? "visible" : "hidden", vt->altscreen ? ", alternate screen" : "");
	if (!vt->reaped)
		fprintf(f, "child %d running", (int)vt->pid);
	else if (vt->status == -1)
		fprintf(f, "child exited (status unknown)");
	else if (WIFEXITED(vt->status))
		fprintf(f, "child exited with status %d", WEXITSTATUS(vt->status));
	else if (WIFSIGNALED(vt->status))
		fprintf(f, "child killed by signal %d", WTERMSIG(vt->status));
	fprintf(f, ", %zu bytes received\n", vt->bytes);

	fprintf(f, "   +");
	for (int c = 0; c < cols; c++)
		fputc(c % 10 == 0 ? '0' + (c / 10) % 10 : '-', f);
	fprintf(f, "\n");
	for (int r = 0; r < rows; r++) {
		char *s = vt_row(vt, r);
		fprintf(f, "%3d|%s\n", r, s);
		free(s);
	}
	if (vt->err.len > 0)
		fprintf(f, "vt: captured stderr:\n%s%s", vt->err.s,
		    vt->err.s[vt->err.len - 1] == '\n' ? "" : "\n");
}

/* --- Byte accounting --------------------------------------------------------- */

size_t
vt_bytes_received(struct vt *vt)
{
	return vt->bytes;
}

void
vt_bytes_reset(struct vt *vt)
{
	vt->bytes = 0;
}

const char *
vt_transcript(struct vt *vt)
{
	return vt->transcript.s != NULL ? vt->transcript.s : "";
}

/* --- Controlling the child ------------------------------------------------------ */

int
vt_resize(struct vt *vt, int rows, int cols)
{
	struct winsize ws;

	if (vt->trace)
		fprintf(stderr, "vt: resize to %dx%d\n", rows, cols);
	if (rows <= 0 || cols <= 0)
		return -1;
	/* The screen first, so the redraw SIGWINCH provokes is read at the new size. */
	vterm_set_size(vt->term, rows, cols);
	if (vt->master < 0)
		return -1;
	memset(&ws, 0, sizeof ws);
	ws.ws_row = (unsigned short)rows;
	ws.ws_col = (unsigned short)cols;
	return ioctl(vt->master, TIOCSWINSZ, &ws) == -1 ? -1 : 0;
}

void
vt_hangup(struct vt *vt)
{
	if (vt->trace)
		fprintf(stderr, "vt: hang up\n");
	if (vt->master >= 0) {
		close(vt->master);
		vt->master = -1;
	}
	sb_reset(&vt->outq);
	vt->outq_off = 0;
}

int
vt_kill(struct vt *vt, int sig)
{
	if (vt->trace)
		fprintf(stderr, "vt: kill with signal %d\n", sig);
	vt_reap(vt);
	if (vt->reaped)   /* its pid may belong to another process by now */
		return -1;
	return kill(vt->pid, sig);
}

const char *
vt_stderr(struct vt *vt)
{
	if (vt_read_err(vt) > 0)
		vt->last_data = vt_now();
	return vt->err.s != NULL ? vt->err.s : "";
}

void
vt_free(struct vt *vt)
{
	if (vt == NULL)
		return;
	vt_reap(vt);
	if (!vt->reaped) {
		/*
		 * The child leads its own session and process group (forkpty):
		 * killing the group also ends what it started, e.g. the commands of
		 * an sh -c script, instead of leaving them running.
		 */
		kill(-vt->pid, SIGKILL);
		kill(vt->pid, SIGKILL);
		while (waitpid(vt->pid, NULL, 0) == -1 && errno == EINTR)
			;
		if (vt->trace)
			fprintf(stderr, "vt: killed child %d\n", (int)vt->pid);
	}
	if (vt->master >= 0)
		close(vt->master);
	if (vt->errfd >= 0)
		close(vt->errfd);
	vterm_free(vt->term);
	sb_free(&vt->outq);
	sb_free(&vt->err);
	sb_free(&vt->transcript);
	free(vt);
}
