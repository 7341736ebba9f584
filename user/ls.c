/*
 * ls [-la] [file...]: list directories, one name a line, sorted by byte
 * value. -a includes names that start with '.'; -l puts the mode string
 * (as in "drwxr-xr-x") and the size in bytes before each name. A file
 * named as an argument is listed as itself. As in other ls programs, the
 * file arguments come first, then each directory, headed by its name when
 * there are several arguments.
 *
 * Directories are read with opendir() and readdir(), which the C library
 * builds on open() and the getdents64 system call. Files are looked at
 * with stat(), not lstat(): Sprout has no symbolic links yet, so on Linux
 * ls shows a link as the file it points to.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int all;	  /* -a */
static int lflag; /* -l */
static int status;

/* The first letter of a mode string: what kind of file it is. */
static char
type_letter(mode_t m)
{
	if (S_ISDIR(m))
		return 'd';
	if (S_ISLNK(m))
		return 'l';
	if (S_ISCHR(m))
		return 'c';
	if (S_ISBLK(m))
		return 'b';
	if (S_ISFIFO(m))
		return 'p';
	if (S_ISSOCK(m))
		return 's';
	return '-';
}

/* Fills s (11 bytes) with the mode string of m, e.g. "-rw-r--r--". */
static void
mode_string(mode_t m, char *s)
{
	s[0] = type_letter(m);
	const char *rwx = "rwxrwxrwx";
	for (int i = 0; i < 9; i++)
		s[1 + i] = m & (0400 >> i) ? rwx[i] : '-';
	/* Set-user-ID, set-group-ID and sticky hide in the 'x' places. */
	if (m & S_ISUID)
		s[3] = m & S_IXUSR ? 's' : 'S';
	if (m & S_ISGID)
		s[6] = m & S_IXGRP ? 's' : 'S';
	if (m & S_ISVTX)
		s[9] = m & S_IXOTH ? 't' : 'T';
	s[10] = '\0';
}

/* Prints one line: path is where the file is, name what to call it. */
static void
show(const char *path, const char *name)
{
	if (!lflag) {
		printf("%s\n", name);
		return;
	}
	struct stat st;
	if (stat(path, &st) < 0) {
		fprintf(stderr, "ls: cannot access '%s': %s\n", path,
			strerror(errno));
		status = 2;
		return;
	}
	char mode[11];
	mode_string(st.st_mode, mode);
	printf("%s %8lld %s\n", mode, (long long)st.st_size, name);
}

static int
compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the directory dir: reads every name, sorts them, shows them. */
static void
list_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "ls: cannot open directory '%s': %s\n", dir,
			strerror(errno));
		status = 2;
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' && !all)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			names = realloc(names, cap * sizeof *names);
		}
		if (!names || !(names[n++] = strdup(e->d_name))) {
			fprintf(stderr, "ls: out of memory\n");
			exit(2);
		}
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, compare);

	for (size_t i = 0; i < n; i++) {
		/* -l needs the whole path for stat(): "dir/name". */
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		show(path, names[i]);
		free(names[i]);
	}
	free(names);
}

int
main(int argc, char **argv)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		for (const char *p = argv[i] + 1; *p; p++) {
			if (*p == 'a') {
				all = 1;
			} else if (*p == 'l') {
				lflag = 1;
			} else {
				fprintf(stderr,
					"ls: invalid option -- '%c'\n"
					"usage: ls [-la] [file...]\n",
					*p);
				return 2;
			}
		}
	}
	char *dot[] = { ".", NULL };
	char **args = i < argc ? argv + i : dot;
	int nargs = i < argc ? argc - i : 1;

	/* Complain about missing files first, in the order given. */
	int n = 0;
	for (int k = 0; k < nargs; k++) {
		struct stat st;
		if (stat(args[k], &st) < 0) {
			fprintf(stderr, "ls: cannot access '%s': %s\n", args[k],
				strerror(errno));
			status = 2;
		} else {
			args[n++] = args[k];
		}
	}
	qsort(args, n, sizeof *args, compare);

	/* Then the arguments that are not directories. */
	int shown = 0;
	for (int k = 0; k < n; k++) {
		struct stat st;
		if (stat(args[k], &st) == 0 && !S_ISDIR(st.st_mode)) {
			show(args[k], args[k]);
			shown = 1;
			args[k] = NULL; /* done: skip it below */
		}
	}
	/* Last the directories, headed by their names if needed. */
	for (int k = 0; k < n; k++) {
		if (!args[k])
			continue;
		if (nargs > 1)
			printf("%s%s:\n", shown ? "\n" : "", args[k]);
		list_dir(args[k]);
		shown = 1;
	}
	return status;
}
