/*
 * kill [-SIGNAL | -s SIGNAL] pid...: send a signal (TERM unless told) to
 * each process. A signal is a name, with or without "SIG" and in either
 * case (HUP, sigterm), or a number (9, or 0 to check that the process
 * is there).
 *
 *   kill -l             list the signal names
 *   kill -l N...        the name of signal N, or of the signal that
 *                       gave exit status N (143 is TERM)
 *
 * Only process IDs above 0: a shell job (%1) is not something a program
 * can see, and 0 and negative numbers mean process groups, which this
 * kill does not take. The exit status is 1 if any process could not be
 * signalled, 2 for a bad command line.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	int number;
	const char *name;
} signals[] = {
	{ SIGHUP, "HUP" },	 { SIGINT, "INT" },	  { SIGQUIT, "QUIT" },
	{ SIGILL, "ILL" },	 { SIGTRAP, "TRAP" },	  { SIGABRT, "ABRT" },
	{ SIGBUS, "BUS" },	 { SIGFPE, "FPE" },	  { SIGKILL, "KILL" },
	{ SIGUSR1, "USR1" },	 { SIGSEGV, "SEGV" },	  { SIGUSR2, "USR2" },
	{ SIGPIPE, "PIPE" },	 { SIGALRM, "ALRM" },	  { SIGTERM, "TERM" },
	{ SIGSTKFLT, "STKFLT" }, { SIGCHLD, "CHLD" },	  { SIGCONT, "CONT" },
	{ SIGSTOP, "STOP" },	 { SIGTSTP, "TSTP" },	  { SIGTTIN, "TTIN" },
	{ SIGTTOU, "TTOU" },	 { SIGURG, "URG" },	  { SIGXCPU, "XCPU" },
	{ SIGXFSZ, "XFSZ" },	 { SIGVTALRM, "VTALRM" }, { SIGPROF, "PROF" },
	{ SIGWINCH, "WINCH" },	 { SIGIO, "IO" },	  { SIGPWR, "PWR" },
	{ SIGSYS, "SYS" },
};

#define NSIGNALS (sizeof signals / sizeof signals[0])

/* Reads a whole decimal number from s into *n; returns 0, or -1. */
static int
number(const char *s, long *n)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*n = strtol(s, &end, 10);
	return *end != '\0' || errno ? -1 : 0;
}

/* The signal that s names, or -1. */
static int
signal_number(const char *s)
{
	long n;

	if (number(s, &n) == 0)
		return n < NSIG ? (int)n : -1;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < NSIGNALS; i++)
		if (strcasecmp(s, signals[i].name) == 0)
			return signals[i].number;
	return -1;
}

static const char *
signal_name(int sig)
{
	for (size_t i = 0; i < NSIGNALS; i++)
		if (signals[i].number == sig)
			return signals[i].name;
	return NULL;
}

/* kill -l [N...]: the names, or the name of each N. */
static int
list(int argc, char **argv)
{
	int ret = 0;

	if (argc == 0) {
		for (size_t i = 0; i < NSIGNALS; i++)
			printf("%2d %s\n", signals[i].number, signals[i].name);
		return 0;
	}
	for (int i = 0; i < argc; i++) {
		long n;
		const char *name = NULL;
		if (number(argv[i], &n) == 0)
			name = signal_name(n > 128 ? n - 128 : n);
		if (name) {
			printf("%s\n", name);
		} else if (signal_number(argv[i]) > 0) {
			printf("%d\n", signal_number(argv[i])); /* -l TERM */
		} else {
			fprintf(stderr, "kill: %s: unknown signal\n", argv[i]);
			ret = 1;
		}
	}
	return ret;
}

static int
usage(void)
{
	fprintf(stderr, "usage: kill [-SIGNAL | -s SIGNAL] pid...\n"
			"       kill -l [number...]\n");
	return 2;
}

int
main(int argc, char **argv)
{
	int sig = SIGTERM, i = 1, ret = 0;

	/* One option at most, before the process IDs. */
	if (i < argc && strcmp(argv[i], "-l") == 0)
		return list(argc - 2, argv + 2);
	if (i < argc && strcmp(argv[i], "-s") == 0) {
		if (i + 1 == argc)
			return usage();
		sig = signal_number(argv[i + 1]);
		if (sig < 0) {
			fprintf(stderr, "kill: %s: unknown signal\n",
				argv[i + 1]);
			return 2;
		}
		i += 2;
	} else if (i < argc && strcmp(argv[i], "--") == 0) {
		i++;
	} else if (i < argc && argv[i][0] == '-') {
		sig = signal_number(argv[i] + 1);
		if (sig < 0) {
			fprintf(stderr, "kill: %s: unknown signal\n",
				argv[i] + 1);
			return 2;
		}
		i++;
	}
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i == argc)
		return usage();

	for (; i < argc; i++) {
		long pid;
		if (argv[i][0] == '%') {
			fprintf(stderr,
				"kill: %s: job numbers are the shell's; "
				"give the pid that jobs shows\n",
				argv[i]);
			ret = 1;
		} else if (argv[i][0] == '-' ||
			   (number(argv[i], &pid) == 0 && pid == 0)) {
			fprintf(stderr,
				"kill: %s: process groups are not supported\n",
				argv[i]);
			ret = 1;
		} else if (number(argv[i], &pid) < 0 || pid > INT_MAX) {
			fprintf(stderr, "kill: %s: not a process ID\n",
				argv[i]);
			ret = 1;
		} else if (kill((pid_t)pid, sig) < 0) {
			fprintf(stderr, "kill: (%ld) - %s\n", pid,
				strerror(errno));
			ret = 1;
		}
	}
	return ret;
}
