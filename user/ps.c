/*
 * ps: list every process, as "ps -o pid,ppid,pgid,stat,nlwp,time,args"
 * does on Linux (TIME in minutes, seconds and hundredths, which says more
 * about Sprout's short-lived processes than Linux's hh:mm:ss):
 *
 *       PID  PPID  PGID STAT NLWP    TIME COMMAND
 *         1     0     1 Ss      1 0:00.03 /sbin/init
 *         7     1     1 S       1 0:00.10 sh
 *        12     7     1 R       1 0:00.00 ps
 *
 * NLWP is the number of threads; TIME the CPU time used, in user and
 * kernel mode together (from the scheduler's ticks).
 *
 * There is no system call that lists processes: ps reads /proc, like
 * Linux's. Each name in /proc made of digits is a process; its line of
 * numbers in /proc/PID/stat gives the parent, the process group, the
 * session and the state, and /proc/PID/cmdline the command with its
 * arguments, separated by NUL bytes.
 *
 * STAT is the state (R running or ready to run, S sleeping, Z a zombie
 * that its parent has not waited for yet), then 's' for the leader of a
 * session and 'l' for a process with several threads. A process without
 * arguments (a zombie: its memory, where they were, is gone) shows its
 * name in brackets, "[sleep] <defunct>", as on Linux. A process that
 * ends while ps reads is left out.
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_PROCS 1024
#define TEXT_MAX  8192

struct proc {
	int pid, ppid, pgid, sid, threads;
	unsigned long utime, stime; /* clock ticks, 100 a second */
	char state;
	char comm[64];
};

/* Reads the whole file at path into buf (size bytes, NUL added); its
 * length, or -1. */
static long
read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	size_t len = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	if (n < 0)
		return -1;
	buf[len] = '\0';
	return (long)len;
}

/*
 * Fills p from /proc/PID/stat: "PID (COMM) S PPID PGRP SESSION ... ",
 * where field 20 is the number of threads. The name may hold spaces and
 * parentheses itself, so it ends at the last ')'. 0, or -1 if the
 * process is gone.
 */
static int
read_stat(int pid, struct proc *p)
{
	char path[64], text[1024];

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_file(path, text, sizeof(text)) < 0)
		return -1;
	char *open = strchr(text, '('), *close = strrchr(text, ')');
	if (!open || !close || close < open)
		return -1;
	size_t len = (size_t)(close - open - 1);
	if (len >= sizeof(p->comm))
		len = sizeof(p->comm) - 1;
	memcpy(p->comm, open + 1, len);
	p->comm[len] = '\0';
	p->pid = pid;
	/* After the name: state, ppid, pgrp, session, tty_nr, tpgid,
	 * flags, four fault counts, utime, stime, cutime, cstime,
	 * priority, nice, num_threads. */
	if (sscanf(close + 1,
		   " %c %d %d %d %*d %*d %*u %*u %*u %*u %*u %lu %lu %*d %*d "
		   "%*d %*d %d",
		   &p->state, &p->ppid, &p->pgid, &p->sid, &p->utime, &p->stime,
		   &p->threads) != 7)
		return -1;
	return 0;
}

/* The command line of process p, its arguments joined by spaces. */
static void
command_of(const struct proc *p, char *out, size_t size)
{
	char path[64];
	static char args[TEXT_MAX];

	snprintf(path, sizeof(path), "/proc/%d/cmdline", p->pid);
	long len = read_file(path, args, sizeof(args));
	if (len <= 0) {
		snprintf(out, size, "[%s]%s", p->comm,
			 p->state == 'Z' ? " <defunct>" : "");
		return;
	}
	/* The arguments end with a NUL each: all but the last become
	 * spaces. */
	if (args[len - 1] == '\0')
		len--;
	for (long i = 0; i < len; i++)
		if (args[i] == '\0')
			args[i] = ' ';
	snprintf(out, size, "%.*s", (int)len, args);
}

static int
by_pid(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* The pids in /proc, sorted; how many. */
static int
list_pids(int *pids, int max)
{
	DIR *dir = opendir("/proc");
	struct dirent *d;
	int n = 0;

	if (!dir) {
		perror("ps: /proc");
		exit(1);
	}
	while ((d = readdir(dir)) && n < max)
		if (isdigit((unsigned char)d->d_name[0]))
			pids[n++] = atoi(d->d_name);
	closedir(dir);
	qsort(pids, (size_t)n, sizeof(pids[0]), by_pid);
	return n;
}

int
main(void)
{
	static int pids[MAX_PROCS];
	static char command[TEXT_MAX];
	int n = list_pids(pids, MAX_PROCS);

	printf("%5s %5s %5s %-4s %4s %7s %s\n", "PID", "PPID", "PGID", "STAT",
	       "NLWP", "TIME", "COMMAND");
	for (int i = 0; i < n; i++) {
		struct proc p;
		char stat[8];
		if (read_stat(pids[i], &p) < 0)
			continue; /* it ended meanwhile */
		snprintf(stat, sizeof(stat), "%c%s%s", p.state,
			 p.sid == p.pid ? "s" : "", p.threads > 1 ? "l" : "");
		command_of(&p, command, sizeof(command));
		unsigned long ticks = p.utime + p.stime;
		char time[32];
		snprintf(time, sizeof(time), "%lu:%02lu.%02lu", ticks / 6000,
			 ticks / 100 % 60, ticks % 100);
		printf("%5d %5d %5d %-4s %4d %7s %s\n", p.pid, p.ppid, p.pgid,
		       stat, p.threads, time, command);
	}
	return 0;
}
