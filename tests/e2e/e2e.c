#include "e2e.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

char *
e2e_db_new(void)
{
	char *dir = xstrdup("/tmp/lgotp-e2e-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		abort();
	}
	return dir;
}

void
e2e_db_free(char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(cmd);
	free(dir);
}

static char *
slurp_fd(int fd)
{
	struct strbuf sb = SB_INIT;
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		sb_add(&sb, buf, (size_t)n);
	return sb_detach(&sb);
}

/* In a child before exec: "NAME=VALUE" sets, a bare "NAME" removes. */
static void
env_apply(const char *const *env)
{
	for (size_t i = 0; env != NULL && env[i] != NULL; i++) {
		const char *eq = strchr(env[i], '=');
		if (eq == NULL) {
			unsetenv(env[i]);
			continue;
		}
		char *name = xstrndup(env[i], (size_t)(eq - env[i]));
		setenv(name, eq + 1, 1);
		free(name);
	}
}

int
e2e_run(const char *db, const char *const *args, char **out, char **err)
{
	return e2e_run_env(db, args, NULL, out, err);
}

int
e2e_run_env(const char *db, const char *const *args, const char *const *env, char **out,
    char **err)
{
	char outpath[] = "/tmp/lgotp-e2e-out-XXXXXX", errpath[] = "/tmp/lgotp-e2e-err-XXXXXX";
	int ofd = mkstemp(outpath), efd = mkstemp(errpath);
	pid_t pid = fork();
	if (pid == 0) {
		const char *argv[32];
		int n = 0;
		argv[n++] = vt_lgotp_bin();
		argv[n++] = "--db";
		argv[n++] = db;
		for (size_t i = 0; args[i] && n < 31; i++)
			argv[n++] = args[i];
		argv[n] = NULL;
		int devnull = open("/dev/null", O_RDONLY);
		dup2(devnull, 0);
		dup2(ofd, 1);
		dup2(efd, 2);
		static const char *const ja[] = { E2E_ENV_JA, NULL };
		env_apply(ja);
		env_apply(env);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	lseek(ofd, 0, SEEK_SET);
	lseek(efd, 0, SEEK_SET);
	char *o = slurp_fd(ofd), *e = slurp_fd(efd);
	close(ofd);
	close(efd);
	unlink(outpath);
	unlink(errpath);
	if (out)
		*out = o;
	else
		free(o);
	if (err)
		*err = e;
	else
		free(e);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

char *
e2e_export(const char *db, const char *screen)
{
	const char *args[] = { "--encoding", "utf-8", "export", screen, NULL };
	char *out = NULL, *err = NULL;
	int rc = e2e_run(db, args, &out, &err);
	if (rc != 0) {
		fprintf(stderr, "export %s: %s\n", screen, err);
		abort();
	}
	free(err);
	return out;
}

void
e2e_seed_bodies(const char *db)
{
	char *err = NULL;
	const char *args[] = { "import", "body", "conf/demo/body.csv", NULL };
	int rc = e2e_run(db, args, NULL, &err);
	if (rc != 0) {
		fprintf(stderr, "seeding bodies failed (%d): %s\n", rc, err);
		abort();
	}
	free(err);
}

struct vt *
e2e_tui(const char *db, int rows, int cols, const char *const *extra)
{
	return e2e_tui_env(db, rows, cols, extra, NULL);
}

struct vt *
e2e_tui_env(const char *db, int rows, int cols, const char *const *extra,
    const char *const *env)
{
	const char *argv[32];
	int n = 0;
	argv[n++] = vt_lgotp_bin();
	argv[n++] = "--db";
	argv[n++] = db;
	for (size_t i = 0; extra && extra[i] && n < 31; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	const char *envp[32] = { E2E_ENV_JA };
	size_t ne = 0;
	while (envp[ne] != NULL)
		ne++;
	for (size_t i = 0; env && env[i] && ne < 31; i++)
		envp[ne++] = env[i];
	envp[ne] = NULL;
	struct vt_opts o = { .rows = rows, .cols = cols, .argv = (char *const *)argv,
		.envp_extra = (char *const *)envp, .capture_stderr = true };
	return vt_spawn_opts(&o);
}

struct vt *
e2e_start(const char *db, const char *screen)
{
	const char *extra[] = { "--screen", screen, NULL };
	struct vt *vt = e2e_tui(db, 24, 80, screen ? extra : NULL);
	if (vt == NULL) {
		fprintf(stderr, "cannot start %s\n", vt_lgotp_bin());
		abort();
	}
	return vt;
}

char *
e2e_today(void)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	char buf[16];
	strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
	return xstrdup(buf);
}

void
e2e_write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0) {
		perror(path);
		abort();
	}
}
