/*
 * init: the first user program, process 1.
 *
 * The kernel starts it with the console as file descriptors 0, 1 and 2.
 * init keeps a shell running there: it forks, the child executes /bin/sh,
 * and the parent reaps every child that exits. Like a login on a Unix
 * terminal, the shell starts a session of its own (setsid) and makes
 * the console that session's controlling terminal (TIOCSCTTY), which
 * gives it job control: ^C and ^Z reach only the job in front, and a
 * job in the background that reads the console stops. That is not
 * only the shell: when a process dies, the kernel gives its children to init, and
 * init must reap them too, or they stay zombies forever. When the shell
 * exits, init says how and starts another one.
 *
 * With arguments (the words after "--" on the kernel command line), init
 * runs that command once instead, reports how it ended and powers the
 * machine off. Tests use this to run one program on a fresh kernel.
 *
 * init is also an ordinary program that can be tried on Linux: run with
 * a command, it powers nothing off unless it is process 1 on Sprout, and
 * exits with the command's status instead.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Every program starts with this environment, whatever init was given. */
static char *const environment[] = { "PATH=/bin:/sbin", "HOME=/", "TERM=vt100",
				     NULL };

static time_t
seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Starts program path in a child and returns the child's process ID;
 * with login, in a session of its own, whose controlling terminal the
 * console is. */
static pid_t
spawn(const char *path, char *const argv[], int login)
{
	for (;;) {
		pid_t pid = fork();
		if (pid > 0)
			return pid;
		if (pid == 0) {
			if (login &&
			    (setsid() < 0 || ioctl(0, TIOCSCTTY, 0) < 0))
				fprintf(stderr,
					"init: no controlling terminal, so no "
					"job control: %s\n",
					strerror(errno));
			execve(path, argv, environment);
			fprintf(stderr, "init: cannot run %s: %s\n", path,
				strerror(errno));
			_exit(127);
		}
		/* Out of memory, say: wait for better times, do not spin. */
		fprintf(stderr, "init: fork: %s\n", strerror(errno));
		sleep(1);
	}
}

/* Waits until pid exits, reaping any orphan that exits meanwhile. */
static int
wait_for(pid_t pid)
{
	for (;;) {
		int wstatus;
		pid_t got = wait4(-1, &wstatus, 0, NULL);
		if (got == pid)
			return wstatus;
		if (got < 0 && errno != EINTR) {
			fprintf(stderr, "init: wait4: %s\n", strerror(errno));
			sleep(1);
		}
	}
}

/* Says how a child ended; returns its shell status, 128+N for signal N. */
static int
report(const char *name, int wstatus)
{
	if (WIFSIGNALED(wstatus)) {
		int sig = WTERMSIG(wstatus);
		printf("init: %s killed by signal %d (%s)\n", name, sig,
		       strsignal(sig));
		return 128 + sig;
	}
	printf("init: %s exited with status %d\n", name, WEXITSTATUS(wstatus));
	return WEXITSTATUS(wstatus);
}

/* Runs argv once, then powers off: the kernel command line's "-- cmd". */
static int
run_once(char *argv[], const struct utsname *u)
{
	printf("init: %s %s, running %s\n", u->sysname, u->release, argv[0]);
	int code = report(argv[0], wait_for(spawn(argv[0], argv, 0)));

	/* Both checks keep a test run on a development machine harmless. */
	if (getpid() != 1) {
		printf("init: not pid 1, not powering off\n");
		return code;
	}
	if (strcmp(u->sysname, "Sprout") != 0) {
		printf("init: this is not Sprout; not powering off\n");
		return code;
	}
	printf("init: powering off\n");
	reboot(RB_POWER_OFF);

	/* Process 1 must not exit: keep reaping orphans. */
	fprintf(stderr, "init: power-off failed: %s\n", strerror(errno));
	for (;;)
		if (wait4(-1, NULL, 0, NULL) < 0)
			sleep(1);
}

int
main(int argc, char *argv[])
{
	static const char shell[] = "/bin/sh";
	static char *const shell_argv[] = { "sh", NULL };
	struct utsname u;

	/* Whole lines at once, even when the console is not a terminal. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (uname(&u) < 0) /* then the power-off check fails, as it should */
		memset(&u, 0, sizeof u);

	if (argc > 1)
		return run_once(argv + 1, &u);

	printf("init: %s %s, starting %s\n", u.sysname, u.release, shell);
	for (;;) {
		time_t started = seconds();
		report(shell, wait_for(spawn(shell, shell_argv, 1)));
		/* A shell that cannot even start must not make init spin. */
		if (seconds() - started < 1)
			sleep(1);
		printf("init: starting a new %s\n", shell);
	}
}
