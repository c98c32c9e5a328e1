/*
 * bench_util.c - the table of figures, formatting, time, statistics and
 * running programs for the benchmark.
 */
#include "bench.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"
#include "util.h"

struct row *bench_rows;
size_t bench_nrows;
static size_t rows_cap;
struct strlist bench_notes, bench_findings;

void
row_add(const char *section, const char *what, const char *value, const char *budget,
    enum mark mark, const char *peer, const char *ratio_)
{
	bench_rows = xgrow(bench_rows, &rows_cap, bench_nrows + 1, sizeof *bench_rows);
	struct row *r = &bench_rows[bench_nrows++];
	r->section = xstrdup(section);
	r->what = xstrdup(what);
	r->value = xstrdup(value);
	r->budget = xstrdup(budget ? budget : "");
	r->mark = mark;
	r->peer = xstrdup(peer ? peer : "");
	r->ratio = xstrdup(ratio_ ? ratio_ : "");
}

void
note_add(const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	strlist_add(&bench_notes, xvasprintf(f, ap));
	va_end(ap);
}

void
finding_add(const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	strlist_add(&bench_findings, xvasprintf(f, ap));
	va_end(ap);
}

const char *
fmt(const char *f, ...)
{
	static char buf[16][256];
	static int next;
	char *b = buf[next++ % 16];
	va_list ap;
	va_start(ap, f);
	vsnprintf(b, sizeof buf[0], f, ap);
	va_end(ap);
	return b;
}

const char *
ratio(double a, double b)
{
	if (b == 0)
		return "-";
	return fmt("%.2f", a / b);
}

double
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

double
median(double *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double
maxof(const double *v, size_t n)
{
	double m = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

int
run_lgotp(const char *db, const char *const *args, char **err)
{
	return e2e_run(db, args, NULL, err);
}

int
run_sh(const char *cmd)
{
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static char *
slurp(int fd)
{
	struct strbuf sb = SB_INIT;
	char buf[8192];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		sb_add(&sb, buf, (size_t)n);
	return sb_detach(&sb);
}

int
run_argv(const char *const *argv, const char *in, char **out)
{
	int p[2] = { -1, -1 };
	if (out && pipe(p) != 0)
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(in ? in : "/dev/null", O_RDONLY);
		if (fd < 0)
			_exit(126);
		dup2(fd, 0);
		int nul = open("/dev/null", O_WRONLY);
		dup2(out ? p[1] : nul, 1);
		dup2(out ? p[1] : nul, 2);
		if (out) {
			close(p[0]);
			close(p[1]);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (out) {
		close(p[1]);
		*out = slurp(p[0]);
		close(p[0]);
	}
	int st = 0;
	while (waitpid(pid, &st, 0) < 0)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

pid_t
child_pid(const char *comm)
{
	DIR *d = opendir("/proc");
	if (d == NULL)
		return -1;
	pid_t me = getpid(), found = -1;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && found < 0) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		char path[300], buf[512];
		snprintf(path, sizeof path, "/proc/%.32s/stat", e->d_name);
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		/* pid (comm) state ppid ... */
		char *open_ = strchr(buf, '('), *close_ = strrchr(buf, ')');
		if (open_ == NULL || close_ == NULL)
			continue;
		*close_ = '\0';
		int ppid = 0;
		char state;
		if (sscanf(close_ + 2, "%c %d", &state, &ppid) != 2)
			continue;
		if (ppid == me && strcmp(open_ + 1, comm) == 0 && state != 'Z')
			found = (pid_t)atoi(e->d_name);
	}
	closedir(d);
	return found;
}

long
vm_hwm_kb(pid_t pid)
{
	return status_kb(pid, "VmHWM:");
}

long
status_kb(pid_t pid, const char *field)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	char line[256];
	long kb = -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, field, strlen(field)) == 0)
			kb = strtol(line + strlen(field), NULL, 10);
	fclose(f);
	return kb;
}

long
smaps_rss_kb(pid_t pid, const char *suffix)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/smaps", (int)pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	char line[1024];
	size_t sn = strlen(suffix);
	bool in = false;
	long kb = 0;
	while (fgets(line, sizeof line, f)) {
		size_t n = strlen(line);
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		/* A mapping's first line ("start-end perms offset dev inode path"),
		 * then its fields, each a first word ending in ':' ("Rss:"). */
		const char *sp = strchr(line, ' ');
		if (sp == NULL || sp == line)
			continue;
		if (sp[-1] != ':')
			in = n >= sn && strcmp(line + n - sn, suffix) == 0;
		else if (in && strncmp(line, "Rss:", 4) == 0)
			kb += strtol(line + 4, NULL, 10);
	}
	fclose(f);
	return kb;
}
