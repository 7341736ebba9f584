/*
 * sh: Sprout's shell, small enough to read in one sitting.
 *
 * It reads a line, splits it into words, and runs the first word as a
 * built-in command or as a program. The words may be quoted: '...' keeps
 * everything as it is, "..." still expands $ (and \ escapes \ " $ in it),
 * and outside quotes \ escapes any character. $? is the last command's
 * exit status, $$ the shell's process ID and $NAME an environment
 * variable. A word that is only an unset $NAME disappears; an expanded
 * value is never split into several words. # starts a comment. A line
 * ending in & runs in the background.
 *
 * Not there yet (the kernel lacks pipe, dup2 and signal delivery): pipes,
 * redirection, ';', '&&', '||', control flow, job control. The shell says
 * so instead of doing something surprising with '|', '<', '>' or ';'.
 *
 *   sh              read commands from standard input; "$ " prompts
 *                   when standard input is a terminal
 *   sh -c LINE      run the one command line LINE
 *   sh FILE         run the lines of FILE
 *
 * The exit status is that of the last command.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

enum {
	MAX_LINE = 1024,   /* bytes in an input line */
	MAX_WORDS = 64,	   /* words in a command */
	WORD_SPACE = 4096, /* bytes of all the words, after expansion */
};

/* A parsed command line: argv points into buf. */
struct command {
	char *argv[MAX_WORDS + 1];
	int argc;
	int background; /* it ended with '&' */
	char buf[WORD_SPACE];
	size_t len;
	int overflow; /* buf or argv was too small */
};

static int status;	/* $?: the exit status of the last command */
static int interactive; /* reading a terminal: prompt, ignore ^C */

/* ---- Parsing -------------------------------------------------------- */

/* Appends one character to the word being built. */
static void
put(struct command *c, char ch)
{
	if (c->len < WORD_SPACE)
		c->buf[c->len++] = ch;
	else
		c->overflow = 1;
}

static void
put_string(struct command *c, const char *s)
{
	while (*s)
		put(c, *s++);
}

/* Expands the $ at s into c; returns where the line goes on. */
static const char *
expand(const char *s, struct command *c)
{
	char number[16];

	s++; /* the '$' */
	if (*s == '?' || *s == '$') {
		snprintf(number, sizeof number, "%d",
			 *s == '?' ? status : (int)getpid());
		put_string(c, number);
		return s + 1;
	}
	if (!isalpha((unsigned char)*s) && *s != '_') {
		put(c, '$'); /* a lone '$' stands for itself */
		return s;
	}
	char name[64];
	size_t n = 0;
	while (isalnum((unsigned char)*s) || *s == '_') {
		if (n < sizeof name - 1)
			name[n++] = *s;
		s++;
	}
	name[n] = '\0';
	const char *value = getenv(name);
	if (value)
		put_string(c, value);
	return s;
}

/* Characters that end a word when they are not quoted. */
static int
is_special(char ch)
{
	return ch != '\0' && strchr(" \t&|;<>", ch) != NULL;
}

/*
 * Splits line into c's words, expanding $ as it goes. Returns 0, or -1
 * after printing why the line makes no sense.
 */
static int
parse(const char *s, struct command *c)
{
	c->argc = 0;
	c->len = 0;
	c->background = 0;
	c->overflow = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0' || *s == '#')
			break;
		if (c->background) {
			fprintf(stderr, "sh: '&' must end the line\n");
			return -1;
		}
		if (*s == '&') {
			c->background = 1;
			s++;
			continue;
		}
		if (is_special(*s)) {
			fprintf(stderr,
				"sh: '%c' is not supported yet "
				"(no pipes, redirection or ';')\n",
				*s);
			return -1;
		}

		/* One word, made of plain, quoted and expanded pieces. */
		size_t start = c->len;
		int quoted = 0;
		while (*s != '\0' && !is_special(*s)) {
			if (*s == '\\') {
				s++;
				if (*s != '\0')
					put(c, *s++);
			} else if (*s == '\'') {
				quoted = 1;
				for (s++; *s != '\0' && *s != '\''; s++)
					put(c, *s);
				if (*s++ != '\'')
					goto unterminated;
			} else if (*s == '"') {
				quoted = 1;
				for (s++; *s != '\0' && *s != '"';) {
					if (*s == '$') {
						s = expand(s, c);
						continue;
					}
					if (*s == '\\' && s[1] != '\0' &&
					    strchr("\\\"$", s[1]))
						s++;
					put(c, *s++);
				}
				if (*s++ != '"')
					goto unterminated;
			} else if (*s == '$') {
				s = expand(s, c);
			} else {
				put(c, *s++);
			}
		}
		/* $UNSET alone is no word at all, but "" is an empty one. */
		if (c->len == start && !quoted)
			continue;
		put(c, '\0');
		if (c->argc == MAX_WORDS)
			c->overflow = 1;
		else
			c->argv[c->argc++] = c->buf + start;
	}
	c->argv[c->argc] = NULL;
	if (c->overflow) {
		fprintf(stderr, "sh: command too long\n");
		return -1;
	}
	if (c->background && c->argc == 0) {
		fprintf(stderr, "sh: '&' needs a command before it\n");
		return -1;
	}
	return 0;

unterminated:
	fprintf(stderr, "sh: unterminated quote\n");
	return -1;
}

/* ---- Children ------------------------------------------------------- */

/* The exit status a shell gives a child's wait status: 128+N for signal N. */
static int
exit_code(int wstatus)
{
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return WEXITSTATUS(wstatus);
}

/* How a signal's death is told: "Segmentation fault (core dumped)". */
static void
print_signal(int wstatus)
{
	int sig = WTERMSIG(wstatus);

	/* ^C and a closed pipe are what the user expects; stay quiet. */
	if (sig == SIGINT) {
		fputc('\n', stderr);
		return;
	}
	if (sig == SIGPIPE)
		return;
	fprintf(stderr, "%s%s\n", strsignal(sig),
		WCOREDUMP(wstatus) ? " (core dumped)" : "");
}

/* Tells how background job pid ended, as "[pid] Done". */
static void
report_job(pid_t pid, int wstatus)
{
	fprintf(stderr, "[%d] ", (int)pid);
	if (WIFSIGNALED(wstatus))
		print_signal(wstatus);
	else if (WEXITSTATUS(wstatus) == 0)
		fprintf(stderr, "Done\n");
	else
		fprintf(stderr, "Exit %d\n", WEXITSTATUS(wstatus));
}

/* Reaps the background jobs that have finished, without waiting. */
static void
reap_jobs(void)
{
	pid_t pid;
	int wstatus;

	while ((pid = wait4(-1, &wstatus, WNOHANG, NULL)) > 0)
		report_job(pid, wstatus);
}

/*
 * In the child: runs argv[0], looking it up in each directory of $PATH
 * unless it contains a '/'. Never returns.
 */
static void
exec_command(char **argv)
{
	const char *name = argv[0];
	int err = ENOENT;

	if (strchr(name, '/')) {
		execve(name, argv, environ);
		err = errno;
	} else if (*name != '\0') { /* "" is found nowhere */
		const char *dirs = getenv("PATH");
		if (!dirs)
			dirs = "/bin:/sbin";
		for (const char *p = dirs;;) {
			/* Each entry up to ':'; an empty one means ".". */
			int n = strcspn(p, ":");
			char path[PATH_MAX];
			snprintf(path, sizeof path, "%.*s%s%s", n, p,
				 n > 0 ? "/" : "", name);
			execve(path, argv, environ);
			/* Remember why a file that exists failed (EACCES). */
			if (err == ENOENT && errno != ENOENT &&
			    errno != ENOTDIR)
				err = errno;
			if (p[n] == '\0')
				break;
			p += n + 1;
		}
	}

	/* Shells agree on 127 for "not found" and 126 for "not runnable". */
	if (err == ENOENT && !strchr(name, '/')) {
		fprintf(stderr, "sh: %s: command not found\n", name);
		_exit(127);
	}
	fprintf(stderr, "sh: %s: %s\n", name, strerror(err));
	_exit(err == ENOENT || err == ENOTDIR ? 127 : 126);
}

/* Runs c's program in a child; waits for it unless it is a background job. */
static void
run_program(struct command *c)
{
	/* Anything still in stdout's buffer would be written twice. */
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "sh: fork: %s\n", strerror(errno));
		status = 1;
		return;
	}
	if (pid == 0) {
		/* Ignored signals stay ignored across execve: undo that. */
		if (interactive) {
			signal(SIGINT, SIG_DFL);
			signal(SIGQUIT, SIG_DFL);
		}
		exec_command(c->argv);
	}

	if (c->background) {
		fprintf(stderr, "[%d]\n", (int)pid);
		status = 0;
		return;
	}
	int wstatus;
	while (wait4(pid, &wstatus, 0, NULL) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "sh: wait4: %s\n", strerror(errno));
			status = 1;
			return;
		}
	}
	if (WIFSIGNALED(wstatus))
		print_signal(wstatus);
	status = exit_code(wstatus);
}

/* ---- Built-in commands ---------------------------------------------- */

/* cd [dir]: these change the shell itself, so no child can run them. */
static int
builtin_cd(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : getenv("HOME");
	if (!dir || !*dir)
		dir = "/";
	if (chdir(dir) < 0) {
		fprintf(stderr, "sh: cd: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	char cwd[PATH_MAX];
	if (getcwd(cwd, sizeof cwd))
		setenv("PWD", cwd, 1);
	return 0;
}

static int
builtin_exit(int argc, char **argv)
{
	if (argc > 1) {
		char *end;
		long n = strtol(argv[1], &end, 10);
		if (end == argv[1] || *end != '\0') {
			fprintf(stderr,
				"sh: exit: %s: numeric argument required\n",
				argv[1]);
			exit(2);
		}
		exit(n & 255);
	}
	exit(status);
}

/* wait: waits for every background job, telling how each ended. */
static int
builtin_wait(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (;;) {
		int wstatus;
		pid_t pid = wait4(-1, &wstatus, 0, NULL);
		if (pid > 0)
			report_job(pid, wstatus);
		else if (errno != EINTR)
			return 0; /* ECHILD: no children left */
	}
}

/* export NAME=value...: set variables for us and our children. */
static int
builtin_export(int argc, char **argv)
{
	int ret = 0;

	if (argc == 1) {
		for (char **e = environ; *e; e++)
			printf("export %s\n", *e);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq || eq == argv[i]) {
			fprintf(stderr,
				"sh: export: usage: export NAME=value\n");
			ret = 1;
			continue;
		}
		*eq = '\0';
		if (setenv(argv[i], eq + 1, 1) < 0) {
			fprintf(stderr, "sh: export: %s: %s\n", argv[i],
				strerror(errno));
			ret = 1;
		}
	}
	return ret;
}

static int builtin_help(int argc, char **argv);

static const struct builtin {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} builtins[] = {
	{ "cd", builtin_cd,
	  "cd [dir]         change directory ($HOME if none)" },
	{ "exit", builtin_exit,
	  "exit [n]         leave the shell with status n" },
	{ "wait", builtin_wait,
	  "wait             wait for every background job" },
	{ "export", builtin_export,
	  "export NAME=val  set an environment variable" },
	{ "help", builtin_help, "help             this text" },
};

#define NBUILTINS (sizeof builtins / sizeof builtins[0])

static int
builtin_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("Built-in commands:\n");
	for (size_t i = 0; i < NBUILTINS; i++)
		printf("  %s\n", builtins[i].help);
	printf("Anything else runs a program, found in $PATH unless the name "
	       "has a '/'.\n"
	       "  cmd args &       run in the background\n"
	       "  '...' \"...\" \\    quoting; $? $$ $NAME expand\n"
	       "No pipes, redirection, ';' or job control yet.\n");
	return 0;
}

/* ---- The main loop -------------------------------------------------- */

/* Parses and runs one line, setting status. */
static void
run_line(const char *line)
{
	static struct command c; /* static: 4 KiB is a lot for one frame */

	if (parse(line, &c) < 0) {
		status = 2; /* what shells return for a syntax error */
		return;
	}
	if (c.argc == 0)
		return;
	/* Built-ins run in the shell itself, even with '&'. */
	for (size_t i = 0; i < NBUILTINS; i++) {
		if (strcmp(c.argv[0], builtins[i].name) == 0) {
			status = builtins[i].run(c.argc, c.argv);
			return;
		}
	}
	run_program(&c);
}

/*
 * Reads one line from fd into buf, without its newline. Returns -1 at end
 * of file when nothing was read. Reads one byte at a time: a program the
 * shell runs shares its standard input, so the shell must not read ahead
 * into what comes after this line.
 */
static int
read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;
	int too_long = 0;

	for (;;) {
		char ch;
		ssize_t r = read(fd, &ch, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (n == 0 && !too_long)
				return -1;
			break; /* a last line without a newline */
		}
		if (ch == '\n')
			break;
		if (n < size - 1)
			buf[n++] = ch;
		else
			too_long = 1;
	}
	buf[n] = '\0';
	if (too_long) {
		fprintf(stderr, "sh: line too long, ignored\n");
		buf[0] = '\0';
	}
	return 0;
}

int
main(int argc, char **argv)
{
	int fd = 0;

	if (argc > 1 && strcmp(argv[1], "-c") == 0) {
		if (argc < 3) {
			fprintf(stderr,
				"sh: -c: option requires an argument\n");
			return 2;
		}
		run_line(argv[2]);
		return status;
	}
	if (argc > 1) {
		fd = open(argv[1], O_RDONLY);
		if (fd < 0) {
			fprintf(stderr, "sh: %s: %s\n", argv[1],
				strerror(errno));
			return 127;
		}
	}

	/* A terminal answers TCGETS; a file or a pipe does not. */
	struct termios t;
	interactive = fd == 0 && tcgetattr(0, &t) == 0;
	if (interactive) {
		/* ^C should stop the program running, not the shell. */
		signal(SIGINT, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
	}

	char line[MAX_LINE];
	for (;;) {
		reap_jobs();
		if (interactive)
			fputs("$ ", stderr);
		if (read_line(fd, line, sizeof line) < 0)
			break;
		run_line(line);
	}
	if (interactive)
		fputc('\n', stderr); /* ^D left the cursor after "$ " */
	return status;
}
