/*
 * Process benchmarks: a system call's round trip, fork + exit + wait4,
 * fork + execve + wait4 of a tiny program, and the cost of a switch
 * between two processes, and between two threads of one process, that
 * hand a byte back and forth over two pipes (or a futex word): each
 * round is two switches, and on one CPU every hand-over is a switch. A static musl program, so
 * the same binary measures Sprout and Linux under the same QEMU
 * (make bench; docs/processes.md has the figures).
 *
 * It prints one "bench NAME: N ns" line per measurement. Run as process 1
 * (the benchmark boot's init), it then powers the machine off; run as
 * anything else, it just exits.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define GETPID_ROUNDS	   20000
#define FORK_ROUNDS	   200
#define EXEC_ROUNDS	   100
#define PINGPONG_ROUNDS	   2000
#define FUTEX_WAIT_PRIVATE 128 /* FUTEX_WAIT | FUTEX_PRIVATE_FLAG */
#define FUTEX_WAKE_PRIVATE 129

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

/* Two pipes: the pinger writes to ab and reads ba; the ponger the
 * other way round. */
static int ab[2], ba[2];

static void
pong(void)
{
	char c;

	for (int i = 0; i < PINGPONG_ROUNDS; i++)
		if (read(ab[0], &c, 1) != 1 || write(ba[1], &c, 1) != 1)
			exit(1);
}

static void *
pong_thread(void *arg)
{
	(void)arg;
	pong();
	return NULL;
}

static void
ping(const char *what)
{
	char c = 'x';
	long long t = now_ns();

	for (int i = 0; i < PINGPONG_ROUNDS; i++)
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
			exit(1);
	report(what, t, 2 * PINGPONG_ROUNDS);
}

static void
pipes_or_die(void)
{
	if (pipe(ab) || pipe(ba)) {
		perror("bench: pipe");
		exit(1);
	}
}

static void
switch_processes(void)
{
	pipes_or_die();
	pid_t pid = fork();
	if (pid == 0) {
		pong();
		_exit(0);
	}
	ping("switch, processes over pipes");
	wait_for(pid);
}

static void
switch_threads(void)
{
	pthread_t th;

	pipes_or_die();
	if (pthread_create(&th, NULL, pong_thread, NULL)) {
		perror("bench: pthread_create");
		exit(1);
	}
	ping("switch, threads over pipes");
	pthread_join(th, NULL);
}

/* The turn word: 0 the pinger's, 1 the ponger's. */
static atomic_int turn;

static void
wait_turn(int mine)
{
	int now;

	while ((now = atomic_load(&turn)) != mine)
		syscall(SYS_futex, &turn, FUTEX_WAIT_PRIVATE, now, NULL);
}

static void
give_turn(int to)
{
	atomic_store(&turn, to);
	syscall(SYS_futex, &turn, FUTEX_WAKE_PRIVATE, 1);
}

static void *
futex_ponger(void *arg)
{
	(void)arg;
	for (int i = 0; i < PINGPONG_ROUNDS; i++) {
		wait_turn(1);
		give_turn(0);
	}
	return NULL;
}

static void
switch_threads_futex(void)
{
	pthread_t th;

	atomic_store(&turn, 0);
	if (pthread_create(&th, NULL, futex_ponger, NULL)) {
		perror("bench: pthread_create");
		exit(1);
	}
	long long t = now_ns();
	for (int i = 0; i < PINGPONG_ROUNDS; i++) {
		give_turn(1);
		wait_turn(0);
	}
	report("switch, threads over a futex", t, 2 * PINGPONG_ROUNDS);
	pthread_join(th, NULL);
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

	switch_processes();
	switch_threads();
	switch_threads_futex();

	if (getpid() == 1)
		reboot(RB_POWER_OFF); /* the benchmark boot is over */
	return 0;
}
