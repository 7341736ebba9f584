/*
 * Process benchmarks: a system call's round trip, fork + exit + wait4,
 * and fork + execve + wait4 of a tiny program. A static musl program, so
 * the same binary measures Sprout and Linux under the same QEMU
 * (make bench; docs/processes.md has the figures).
 *
 * It prints one "bench NAME: N ns" line per measurement. Run as process 1
 * (the benchmark boot's init), it then powers the machine off; run as
 * anything else, it just exits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define GETPID_ROUNDS 20000
#define FORK_ROUNDS 200
#define EXEC_ROUNDS 100

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void
report(const char *what, long long start, int rounds)
{
	printf("bench %s: %lld ns\n", what, (now_ns() - start) / rounds);
}

static void
wait_for(pid_t pid)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		perror("bench: fork or wait");
		exit(1);
	}
}

int
main(int argc, char *argv[])
{
	/* The program to exec: /bin/true unless another is named. */
	char *true_path = argc > 1 ? argv[1] : "/bin/true";
	char *true_argv[] = { true_path, NULL };
	char *envp[] = { NULL };
	long long t;

	setvbuf(stdout, NULL, _IOLBF, 0);

	t = now_ns();
	for (int i = 0; i < GETPID_ROUNDS; i++)
		syscall(SYS_getpid); /* the raw call: libc may cache getpid */
	report("getpid round trip", t, GETPID_ROUNDS);

	t = now_ns();
	for (int i = 0; i < FORK_ROUNDS; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		wait_for(pid);
	}
	report("fork + exit + wait4", t, FORK_ROUNDS);

	t = now_ns();
	for (int i = 0; i < EXEC_ROUNDS; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			execve(true_path, true_argv, envp);
			_exit(127);
		}
		wait_for(pid);
	}
	report("fork + execve + wait4", t, EXEC_ROUNDS);

	if (getpid() == 1)
		reboot(RB_POWER_OFF); /* the benchmark boot is over */
	return 0;
}
