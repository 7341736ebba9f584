/*
 * pstree [PID]: draw the processes as the tree of parents and children
 * they are, from init (or from PID), with each one's name and pid:
 *
 *     init(1)---sh(7)-+-pstree(12)
 *                     `-sleep(9)
 *
 * A process with one child is joined to it by "---"; with several, the
 * first hangs on "-+-", the ones below it on " |-", and the last on
 * " `-", and a '|' runs down beside the lines of a child while brothers
 * of it follow. That is the drawing of Linux's "pstree -p".
 *
 * Like ps, pstree reads /proc: /proc/PID/stat gives each process's name
 * and its parent's pid. A process whose parent is not there (init, whose
 * parent is 0) is the root of a tree.
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_PROCS  1024
#define PREFIX_MAX 4096

struct proc {
	int pid, ppid;
	char comm[64];
};

static struct proc procs[MAX_PROCS];
static int nprocs;

/* Fills p from /proc/PID/stat: "PID (COMM) S PPID ...". The name ends
 * at the last ')', since it may hold ')' itself. 0, or -1 if the process
 * is gone. */
static int
read_stat(int pid, struct proc *p)
{
	char path[64], text[1024];
	int fd, len;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	len = (int)read(fd, text, sizeof(text) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	text[len] = '\0';
	char *open = strchr(text, '('), *close = strrchr(text, ')');
	if (!open || !close || close < open)
		return -1;
	snprintf(p->comm, sizeof(p->comm), "%.*s", (int)(close - open - 1),
		 open + 1);
	p->pid = pid;
	return sscanf(close + 1, " %*c %d", &p->ppid) == 1 ? 0 : -1;
}

static int
by_pid(const void *a, const void *b)
{
	return ((const struct proc *)a)->pid - ((const struct proc *)b)->pid;
}

/* Every process in /proc, sorted by pid. */
static void
read_procs(void)
{
	DIR *dir = opendir("/proc");
	struct dirent *d;

	if (!dir) {
		perror("pstree: /proc");
		exit(1);
	}
	while ((d = readdir(dir)) && nprocs < MAX_PROCS)
		if (isdigit((unsigned char)d->d_name[0]) &&
		    read_stat(atoi(d->d_name), &procs[nprocs]) == 0)
			nprocs++;
	closedir(dir);
	qsort(procs, (size_t)nprocs, sizeof(procs[0]), by_pid);
}

static int
find(int pid)
{
	for (int i = 0; i < nprocs; i++)
		if (procs[i].pid == pid)
			return i;
	return -1;
}

/* The indexes of the children of procs[i], in pid order; how many. */
static int
children(int i, int *kids)
{
	int n = 0;

	for (int k = 0; k < nprocs; k++)
		if (procs[k].ppid == procs[i].pid && k != i)
			kids[n++] = k;
	return n;
}

/* Appends n spaces, then the string s, to the prefix (if they fit). */
static void
prefix_add(char *prefix, int n, const char *s)
{
	size_t len = strlen(prefix);

	for (; n > 0 && len + 1 < PREFIX_MAX; n--)
		prefix[len++] = ' ';
	prefix[len] = '\0';
	if (s && len + strlen(s) < PREFIX_MAX)
		strcat(prefix, s);
}

/*
 * Draws procs[i] and the tree under it. The cursor is already where its
 * name goes; prefix is what every further line of this subtree starts
 * with (the spaces and bars of the levels to its left).
 */
static void
draw(int i, char *prefix)
{
	int *kids = malloc(sizeof(int) * MAX_PROCS);
	size_t base = strlen(prefix);
	int width = printf("%s(%d)", procs[i].comm, procs[i].pid);
	int n = kids ? children(i, kids) : 0;

	if (n == 0)
		putchar('\n');
	for (int k = 0; k < n; k++) {
		int last = k == n - 1;
		if (k > 0)
			printf("%s%*s", prefix, width, "");
		fputs(n == 1   ? "---"
		      : k == 0 ? "-+-"
		      : last   ? " `-"
			       : " |-",
		      stdout);
		/* Below this child, a bar while more children follow. */
		prefix_add(prefix, width, last ? "   " : " | ");
		draw(kids[k], prefix);
		prefix[base] = '\0';
	}
	free(kids);
}

int
main(int argc, char *argv[])
{
	static char prefix[PREFIX_MAX];

	read_procs();
	if (argc > 1) {
		int i = find(atoi(argv[1]));
		if (i < 0) {
			fprintf(stderr, "pstree: no process %s\n", argv[1]);
			return 1;
		}
		draw(i, prefix);
		return 0;
	}
	for (int i = 0; i < nprocs; i++)
		if (find(procs[i].ppid) < 0)
			draw(i, prefix);
	return 0;
}
