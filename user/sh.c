/*
 * sh: Sprout's shell, small enough to read in one sitting.
 *
 * It reads a line, splits it into words, and runs the first word as a
 * built-in command or as a program. The words may be quoted: '...' keeps
 * everything as it is, "..." still expands $ (and \ escapes \ " $ in it),
 * and outside quotes \ escapes any character. $? is the last command's
 * exit status, $$ the shell's process ID, $! that of the last background
 * job and $NAME an environment variable. A word that is only an unset
 * $NAME disappears; an expanded value is never split into several words.
 * # starts a comment.
 *
 * A line is a list of pipelines:
 *
 *   a | b | c       a pipeline: each command's output is the next one's
 *                   input; its status is the last command's
 *   p1 ; p2         one after the other
 *   p1 && p2        p2 only if p1 succeeded; || only if it failed
 *   p &             in the background, as a job (jobs lists them)
 *   <f >f >>f       redirections; N>f, N>&M and N>&- (close) name a
 *                   descriptor N from 0 to 9
 *
 * The line is checked as a whole first, so that a syntax error anywhere
 * runs nothing. Then each pipeline is expanded just before it runs, so
 * that "false; echo $?" says 1. No control flow: the shell refuses what
 * it does not know, such as "<<" or "&>", instead of doing something
 * surprising.
 *
 * Job control, when standard input is the shell's controlling terminal:
 * each pipeline is a job in a process group of its own, and the job in
 * front has the terminal (tcsetpgrp), so ^C and ^Z reach it alone. The
 * shell takes the terminal back when the job ends or stops. A job in
 * the background that reads the terminal stops (SIGTTIN); jobs lists
 * the jobs, fg brings one to the front and continues it, bg continues
 * it in the background. Without a controlling terminal (a script, or
 * no terminal at all) every command stays in the shell's group, and
 * background jobs ignore ^C and read /dev/null instead.
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

/* A line of MAX_LINE bytes fits in a pipeline, however it is made up:
 * a command takes at least two bytes ("a|"), and so does a redirection. */
enum {
	MAX_LINE = 1024,      /* bytes in an input line */
	MAX_WORDS = MAX_LINE, /* words of a pipeline, and a NULL a command */
	MAX_STAGES = MAX_LINE / 2, /* commands in a pipeline */
	MAX_REDIRS = MAX_LINE / 2, /* redirections in a pipeline */
	WORD_SPACE = 4096,	   /* bytes of all the words, after expansion */
	MAX_JOBS = 32,		   /* background jobs at a time */
};

/* What ends a pipeline, or one command of it. */
enum op { OP_END, OP_SEMI, OP_AMP, OP_AND, OP_OR, OP_PIPE, OP_NONE };

static const char *const op_names[] = {
	"end of line", ";", "&", "&&", "||", "|"
};

/* A redirection: <, >, >>, >&M (R_DUP) or >&- (R_CLOSE) of descriptor fd. */
struct redir {
	int fd;
	enum { R_IN, R_OUT, R_APPEND, R_DUP, R_CLOSE } kind;
	const char *target; /* the file, or the descriptor M */
};

/* One command of a pipeline: argv points into the pipeline's words. */
struct stage {
	char **argv;
	int argc;
	int tokens; /* words and redirections written, even vanished ones */
	struct redir *redirs;
	int nredirs;
};

/* A parsed pipeline: the words point into buf. */
struct pipeline {
	struct stage stages[MAX_STAGES];
	int nstages;
	char *words[MAX_WORDS];
	int nwords;
	struct redir redirs[MAX_REDIRS];
	int nredirs;
	char buf[WORD_SPACE];
	size_t len;
	int overflow;		     /* one of the arrays above was too small */
	int error;		     /* a message has been printed */
	const char *text, *text_end; /* where it is in the line */
};

/* A background job: a pipeline the shell did not wait for. */
struct job {
	pid_t *pids; /* its processes; 0 once reaped; NULL: a free slot */
	int count;   /* how many */
	int running; /* how many not reaped yet */
	int wstatus; /* the last process's, which is the job's */
	int stopped; /* the signal that stopped it (^Z: SIGTSTP), until fg
			or bg; 0 while it runs */
	pid_t pgid;  /* its process group, with job control; else 0 */
	char *text;  /* the command, for jobs */
};

static int status;		   /* $?: the exit status of the last command */
static pid_t last_job;		   /* $!: the last background process */
static int interactive;		   /* reading a terminal: prompt, ignore ^C */
static int job_control;		   /* it is our controlling terminal */
static pid_t shell_pgid;	   /* then: our group, in front between jobs */
static struct termios shell_modes; /* and the terminal's settings for us */
static struct job jobs[MAX_JOBS];  /* job [N] is jobs[N - 1] */

/* ---- Parsing -------------------------------------------------------- */

/* Appends one character to the word being built. */
static void
put(struct pipeline *p, char ch)
{
	if (p->len < WORD_SPACE)
		p->buf[p->len++] = ch;
	else
		p->overflow = 1;
}

static void
put_string(struct pipeline *p, const char *s)
{
	while (*s)
		put(p, *s++);
}

/* Expands the $ at s into p; returns where the line goes on. */
static const char *
expand(const char *s, struct pipeline *p)
{
	char number[16];

	s++; /* the '$' */
	if (*s == '?' || *s == '$' || *s == '!') {
		int n = *s == '?'   ? status
			: *s == '$' ? (int)getpid()
				    : last_job;
		if (*s != '!' || last_job > 0) { /* $! is empty before a job */
			snprintf(number, sizeof number, "%d", n);
			put_string(p, number);
		}
		return s + 1;
	}
	if (!isalpha((unsigned char)*s) && *s != '_') {
		put(p, '$'); /* a lone '$' stands for itself */
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
		put_string(p, value);
	return s;
}

/* Characters that end a word when they are not quoted. */
static int
is_special(char ch)
{
	return ch != '\0' && strchr(" \t&|;<>", ch) != NULL;
}

/* The operator at s, if any; its length goes to *len. */
static enum op
operator_at(const char *s, int *len)
{
	*len = 1;
	switch (*s) {
	case '\0':
	case '#': /* a comment runs to the end of the line */
		*len = 0;
		return OP_END;
	case ';':
		return OP_SEMI;
	case '&':
		*len = s[1] == '&' ? 2 : 1;
		return s[1] == '&' ? OP_AND : OP_AMP;
	case '|':
		*len = s[1] == '|' ? 2 : 1;
		return s[1] == '|' ? OP_OR : OP_PIPE;
	}
	return OP_NONE;
}

/*
 * Reads the word at *sp into p->buf, expanding $ as it goes, and moves *sp
 * past it. Returns the word, or NULL when there is none: $UNSET alone is
 * no word at all, but "" is an empty one.
 */
static char *
parse_word(const char **sp, struct pipeline *p)
{
	const char *s = *sp;
	size_t start = p->len;
	int quoted = 0;

	while (*s != '\0' && !is_special(*s)) {
		if (*s == '\\') {
			s++;
			if (*s != '\0')
				put(p, *s++);
		} else if (*s == '\'') {
			quoted = 1;
			for (s++; *s != '\0' && *s != '\''; s++)
				put(p, *s);
			if (*s++ != '\'')
				goto unterminated;
		} else if (*s == '"') {
			quoted = 1;
			for (s++; *s != '\0' && *s != '"';) {
				if (*s == '$') {
					s = expand(s, p);
					continue;
				}
				if (*s == '\\' && s[1] != '\0' &&
				    strchr("\\\"$", s[1]))
					s++;
				put(p, *s++);
			}
			if (*s++ != '"')
				goto unterminated;
		} else if (*s == '$') {
			s = expand(s, p);
		} else {
			put(p, *s++);
		}
	}
	*sp = s;
	if (p->len == start && !quoted)
		return NULL;
	put(p, '\0');
	return p->overflow ? NULL : p->buf + start;

unterminated:
	fprintf(stderr, "sh: unterminated quote\n");
	p->error = 1;
	*sp = s - 1; /* the '\0' */
	return NULL;
}

/*
 * Reads the redirection at *sp ("<f", "2>>f", ">&2", "2>&-") into p and
 * moves *sp past it. Returns 0, or -1 after saying what is wrong.
 */
static int
parse_redir(const char **sp, struct pipeline *p)
{
	const char *s = *sp, *op = isdigit((unsigned char)*s) ? s + 1 : s;
	struct redir r = { .fd = op == s ? *op == '>' : *s - '0' };

	s = op + 1;
	r.kind = *op == '<' ? R_IN : R_OUT;
	if (*op == '>' && *s == '>') {
		r.kind = R_APPEND;
		s++;
	} else if (*s == '&') {
		r.kind = R_DUP;
		s++;
	} else if (*s == '<' || *s == '>' || *s == '|') {
		fprintf(stderr, "sh: '%.2s' is not supported\n", op);
		return -1;
	}
	int oplen = (int)(s - op);
	while (*s == ' ' || *s == '\t')
		s++;
	int len;
	if (operator_at(s, &len) == OP_NONE && !is_special(*s))
		r.target = parse_word(&s, p);
	*sp = s;
	if (p->error || p->overflow)
		return -1;
	if (!r.target) {
		fprintf(stderr, "sh: '%.*s' needs a file name after it\n",
			oplen, op);
		return -1;
	}
	if (r.kind == R_DUP && strcmp(r.target, "-") == 0) {
		r.kind = R_CLOSE;
	} else if (r.kind == R_DUP && (!isdigit((unsigned char)r.target[0]) ||
				       r.target[1] != '\0')) {
		fprintf(stderr, "sh: '%.*s%s': not a descriptor from 0 to 9\n",
			oplen, op, r.target);
		return -1;
	}
	if (p->nredirs == MAX_REDIRS) {
		p->overflow = 1;
		return -1;
	}
	p->redirs[p->nredirs++] = r;
	return 0;
}

/* Ends the command being parsed, with a NULL after its words. */
static void
end_stage(struct pipeline *p)
{
	if (p->nwords == MAX_WORDS)
		p->overflow = 1;
	else
		p->words[p->nwords++] = NULL;
}

/* Starts the next command of p. */
static void
start_stage(struct pipeline *p)
{
	if (p->nstages == MAX_STAGES || p->nwords == MAX_WORDS) {
		p->overflow = 1;
		return;
	}
	struct stage *st = &p->stages[p->nstages++];
	*st = (struct stage){ .argv = p->words + p->nwords,
			      .redirs = p->redirs + p->nredirs };
}

/*
 * Parses the pipeline at *sp into p, expanding $ as it goes, and moves *sp
 * past the operator that ends it, which it returns. A line with nothing
 * left on it gives a pipeline of no commands. Returns -1 after printing
 * why the line makes no sense.
 */
static int
parse_pipeline(const char **sp, struct pipeline *p)
{
	const char *s = *sp;
	enum op op;
	int len;

	p->nstages = p->nwords = p->nredirs = 0;
	p->len = 0;
	p->overflow = p->error = 0;
	while (*s == ' ' || *s == '\t')
		s++;
	p->text = s;
	start_stage(p);
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		struct stage *st = &p->stages[p->nstages - 1];
		if (*s == '&' && s[1] == '>') { /* bash's ">f 2>&1" */
			fprintf(stderr, "sh: '&>' is not supported\n");
			return -1;
		}
		op = operator_at(s, &len);
		if (op != OP_NONE) {
			if (st->tokens == 0 &&
			    (op != OP_END || p->nstages > 1)) {
				fprintf(stderr, "sh: syntax error near '%s'\n",
					op_names[op]);
				return -1;
			}
			if (st->tokens == 0)
				p->nstages = 0; /* nothing at all */
			else
				end_stage(p);
			p->text_end = s;
			while (p->text_end > p->text &&
			       (p->text_end[-1] == ' ' ||
				p->text_end[-1] == '\t'))
				p->text_end--;
			s += len;
			if (op != OP_PIPE)
				break;
			start_stage(p);
			if (p->overflow)
				break;
			continue;
		}
		const char *r = isdigit((unsigned char)*s) ? s + 1 : s;
		if (*r == '<' || *r == '>') {
			if (parse_redir(&s, p) < 0 && !p->overflow)
				return -1;
			st->nredirs++;
		} else {
			char *word = parse_word(&s, p);
			if (p->error)
				return -1;
			if (word && p->nwords < MAX_WORDS - 1) {
				p->words[p->nwords++] = word;
				st->argc++;
			} else if (word) {
				p->overflow = 1; /* one word left for NULL */
			}
		}
		st->tokens++;
		if (p->overflow)
			break;
	}
	if (p->overflow) {
		fprintf(stderr, "sh: command too long\n");
		return -1;
	}
	*sp = s;
	return op;
}

/* ---- Jobs ----------------------------------------------------------- */

/* How a process ended, in words: "Done", "Exit 3", "Terminated". */
static const char *
how_it_ended(int wstatus)
{
	static char text[80];

	if (WIFSIGNALED(wstatus)) {
		snprintf(text, sizeof text, "%s%s",
			 strsignal(WTERMSIG(wstatus)),
			 WCOREDUMP(wstatus) ? " (core dumped)" : "");
		return text;
	}
	if (WEXITSTATUS(wstatus) == 0)
		return "Done";
	snprintf(text, sizeof text, "Exit %d", WEXITSTATUS(wstatus));
	return text;
}

/* Makes a job of the processes of a background pipeline, in process
 * group pgid (0 without job control); returns [N]. */
static int
add_job(const pid_t *pids, int count, pid_t pgid, const char *text, size_t len)
{
	for (int i = 0; i < MAX_JOBS; i++) {
		struct job *j = &jobs[i];
		if (j->pids)
			continue;
		j->pids = malloc(count * sizeof *pids);
		j->text = strndup(text, len);
		if (!j->pids || !j->text) {
			free(j->pids);
			free(j->text);
			*j = (struct job){ 0 };
			return -1;
		}
		memcpy(j->pids, pids, count * sizeof *pids);
		j->count = j->running = count;
		j->pgid = pgid;
		return i + 1;
	}
	return -1;
}

/* Process pid has ended: tells how its job ended once all of it has. */
static void
job_exited(pid_t pid, int wstatus)
{
	for (int i = 0; i < MAX_JOBS; i++) {
		struct job *j = &jobs[i];
		for (int k = 0; j->pids && k < j->count; k++) {
			if (j->pids[k] != pid)
				continue;
			j->pids[k] = 0;
			if (k == j->count - 1)
				j->wstatus = wstatus;
			if (--j->running > 0)
				return;
			fprintf(stderr, "[%d] %s  %s\n", i + 1,
				how_it_ended(j->wstatus), j->text);
			free(j->pids);
			free(j->text);
			*j = (struct job){ 0 };
			return;
		}
	}
}

/* Process pid of a running background job has stopped, by sig: says
 * so once for the job ("[1] Stopped (tty input)  cat"). */
static void
job_stopped(pid_t pid, int sig)
{
	for (int i = 0; i < MAX_JOBS; i++) {
		struct job *j = &jobs[i];
		for (int k = 0; j->pids && k < j->count; k++) {
			if (j->pids[k] != pid || j->stopped)
				continue;
			j->stopped = sig;
			fprintf(stderr, "[%d] %s  %s\n", i + 1, strsignal(sig),
				j->text);
			return;
		}
	}
}

/* A wait status of a background process: it ended, or stopped. */
static void
job_changed(pid_t pid, int wstatus)
{
	if (WIFSTOPPED(wstatus))
		job_stopped(pid, WSTOPSIG(wstatus));
	else
		job_exited(pid, wstatus);
}

/* Reaps the background processes that have ended, and notes those that
 * have stopped, without waiting. */
static void
reap_jobs(void)
{
	pid_t pid;
	int wstatus;

	while ((pid = wait4(-1, &wstatus, WNOHANG | WUNTRACED, NULL)) > 0)
		job_changed(pid, wstatus);
}

/* With job control: the terminal back to the shell, with the settings
 * it had, whatever the job left behind. */
static void
take_terminal(void)
{
	if (!job_control)
		return;
	tcsetpgrp(0, shell_pgid); /* we ignore SIGTTOU: it goes ahead */
	tcsetattr(0, TCSADRAIN, &shell_modes);
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

/* Makes from the descriptor to; closes from. */
static void
move_fd(int from, int to)
{
	if (from != to) {
		dup2(from, to);
		close(from);
	}
}

/* Carries out one redirection; returns 0, or -1 after saying why not. */
static int
redirect(const struct redir *r)
{
	static const int flags[] = {
		[R_IN] = O_RDONLY,
		[R_OUT] = O_WRONLY | O_CREAT | O_TRUNC,
		[R_APPEND] = O_WRONLY | O_CREAT | O_APPEND,
	};

	if (r->kind == R_CLOSE) {
		close(r->fd);
		return 0;
	}
	if (r->kind == R_DUP) {
		if (dup2(r->target[0] - '0', r->fd) < 0) {
			fprintf(stderr, "sh: %s: %s\n", r->target,
				strerror(errno));
			return -1;
		}
		return 0;
	}
	int fd = open(r->target, flags[r->kind], 0666);
	if (fd < 0) {
		fprintf(stderr, "sh: %s: %s\n", r->target, strerror(errno));
		return -1;
	}
	move_fd(fd, r->fd);
	return 0;
}

/* A command the shell runs itself (they are at the end of the file). */
struct builtin {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
};

static const struct builtin *find_builtin(const char *name);

/* The signals an interactive shell ignores, and its jobs must not. */
static const int job_signals[] = { SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU };

/*
 * In the child: runs one command of a pipeline, reading from in and
 * writing to out[1] when they are not -1, in process group pgid (0: a
 * new one, for the first command) with job control. Never returns.
 */
static void
run_stage(struct stage *st, int in, const int out[2], int background,
	  pid_t pgid)
{
	/* With job control, the child joins the job's group itself too,
	 * and takes the terminal for a job in front, so that it has both
	 * before it runs the program, whoever of it and the shell runs
	 * first. SIGTTOU is still ignored here, as in the shell. */
	if (job_control) {
		setpgid(0, pgid);
		if (!background)
			tcsetpgrp(0, pgid ? pgid : getpid());
		for (size_t i = 0; i < sizeof job_signals / sizeof(int); i++)
			signal(job_signals[i], SIG_DFL);
	} else if (background) {
		/* Ignored signals stay ignored across execve. Without job
		 * control, that keeps ^C away from background jobs; in the
		 * foreground the child gets the default actions that we
		 * gave up. */
		signal(SIGINT, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
		signal(SIGTSTP, SIG_IGN);
	} else if (interactive) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGTSTP, SIG_DFL);
	}
	/* Nor should a background job read what is typed for the shell:
	 * it reads /dev/null instead. With job control, the kernel stops
	 * such a reader instead. */
	if (background && !job_control && in < 0) {
		int fd = open("/dev/null", O_RDONLY);
		if (fd >= 0)
			move_fd(fd, 0);
	}
	/* Keep only the ends this command uses, as 0 and 1. */
	if (in >= 0)
		move_fd(in, 0);
	if (out[1] >= 0)
		move_fd(out[1], 1);
	if (out[0] >= 0)
		close(out[0]);

	for (int i = 0; i < st->nredirs; i++)
		if (redirect(&st->redirs[i]) < 0)
			_exit(1);
	if (st->argc == 0) /* only redirections */
		_exit(0);
	const struct builtin *b = find_builtin(st->argv[0]);
	if (b)
		exit(b->run(st->argc, st->argv)); /* exit: flush stdout */
	exec_command(st->argv);
}

/* Waits for pid, a child, to end or to stop (^Z); returns its wait
 * status. */
static int
wait_child(pid_t pid)
{
	int wstatus;

	while (wait4(pid, &wstatus, WUNTRACED, NULL) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "sh: wait4: %s\n", strerror(errno));
			return 1 << 8; /* as if it exited with 1 */
		}
	}
	return wstatus;
}

/*
 * Runs p's commands, each in a child, with a pipe between each pair.
 * Waits for all of them, or makes a job of them with background.
 */
static void wait_foreground(const pid_t *pids, int started, pid_t pgid,
			    const char *text, size_t len, int failed);

static void
run_children(struct pipeline *p, int background)
{
	static pid_t pids[MAX_STAGES];
	int started = 0, in = -1, failed = 0;
	pid_t pgid = 0; /* the job's group: its first process's pid */

	/* Anything still in stdout's buffer would be written twice. */
	fflush(NULL);
	for (int i = 0; i < p->nstages; i++) {
		int out[2] = { -1, -1 };
		/* Close-on-exec: an end left over anywhere must not stay
		 * open in a program, or its reader never sees the end. */
		if (i < p->nstages - 1 && pipe2(out, O_CLOEXEC) < 0) {
			fprintf(stderr, "sh: pipe: %s\n", strerror(errno));
			failed = 1;
			break;
		}
		pid_t pid = fork();
		if (pid < 0) {
			fprintf(stderr, "sh: fork: %s\n", strerror(errno));
			if (out[0] >= 0) {
				close(out[0]);
				close(out[1]);
			}
			failed = 1;
			break;
		}
		if (pid == 0)
			run_stage(&p->stages[i], in, out, background, pgid);
		if (job_control) { /* as the child does (run_stage) */
			if (!pgid)
				pgid = pid;
			setpgid(pid, pgid);
			if (!background && i == 0)
				tcsetpgrp(0, pgid);
		}
		pids[started++] = pid;
		/* The shell keeps only the read end for the next command. */
		if (in >= 0)
			close(in);
		if (out[1] >= 0)
			close(out[1]);
		in = out[0];
	}
	if (in >= 0)
		close(in);

	if (background && started > 0) {
		int n = add_job(pids, started, pgid, p->text,
				p->text_end - p->text);
		if (n > 0)
			fprintf(stderr, "[%d] %d\n", n, (int)pids[started - 1]);
		else
			fprintf(stderr, "sh: too many jobs; %d is not listed\n",
				(int)pids[started - 1]);
		last_job = pids[started - 1];
		status = failed;
		return;
	}
	wait_foreground(pids, started, pgid, p->text, p->text_end - p->text,
			failed);
}

/*
 * Waits for the foreground processes pids[0..n), of group pgid: until
 * they end, or until one stops (^Z): then they become a stopped job,
 * which fg or bg continues, and the shell prompts again. Either way the
 * shell has the terminal back afterwards.
 */
static void
wait_foreground(const pid_t *pids, int started, pid_t pgid, const char *text,
		size_t len, int failed)
{
	int wstatus = 0, interrupted = 0;
	for (int i = 0; i < started; i++) {
		wstatus = wait_child(pids[i]);
		if (WIFSTOPPED(wstatus)) {
			/* The rest of the pipeline got the same SIGTSTP. */
			take_terminal();
			int n = add_job(pids + i, started - i, pgid, text, len);
			if (n > 0) {
				jobs[n - 1].stopped = WSTOPSIG(wstatus);
				fprintf(stderr, "\n[%d] %s  %.*s\n", n,
					strsignal(WSTOPSIG(wstatus)), (int)len,
					text);
			}
			status = 128 + WSTOPSIG(wstatus);
			return;
		}
		/* Say how a program died, as other shells do, except for ^C
		 * (the user knows) and a closed pipe (expected). */
		if (!WIFSIGNALED(wstatus))
			continue;
		if (WTERMSIG(wstatus) == SIGINT)
			interrupted = 1;
		else if (WTERMSIG(wstatus) != SIGPIPE)
			fprintf(stderr, "%s\n", how_it_ended(wstatus));
	}
	take_terminal();
	if (interrupted)
		fputc('\n', stderr);
	status = failed ? 1 : exit_code(wstatus);
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

/* Is a background job running (not stopped)? */
static int
jobs_running(void)
{
	for (int i = 0; i < MAX_JOBS; i++)
		if (jobs[i].pids && !jobs[i].stopped)
			return 1;
	return 0;
}

/* wait: waits for every running background job, telling how each
 * ended; a job that stops is not waited for any longer. */
static int
builtin_wait(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	while (jobs_running()) {
		int wstatus;
		pid_t pid = wait4(-1, &wstatus, WUNTRACED, NULL);
		if (pid > 0)
			job_changed(pid, wstatus);
		else if (errno != EINTR)
			break; /* ECHILD: no children left */
	}
	return 0;
}

/* jobs: lists the background jobs still running, with their processes. */
static int
builtin_jobs(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	reap_jobs(); /* those that have ended say so, and go */
	for (int i = 0; i < MAX_JOBS; i++) {
		if (!jobs[i].pids)
			continue;
		printf("[%d]", i + 1);
		for (int k = 0; k < jobs[i].count; k++)
			if (jobs[i].pids[k])
				printf(" %d", (int)jobs[i].pids[k]);
		printf("  %s  %s\n",
		       jobs[i].stopped ? strsignal(jobs[i].stopped) : "Running",
		       jobs[i].text);
	}
	return 0;
}

/* The job that fg or bg name: [N] given as N or %N, else the newest. */
static int
job_named(int argc, char **argv)
{
	if (argc > 1) {
		int n = atoi(argv[1][0] == '%' ? argv[1] + 1 : argv[1]);
		if (n >= 1 && n <= MAX_JOBS && jobs[n - 1].pids)
			return n;
		fprintf(stderr, "sh: %s: %s: no such job\n", argv[0], argv[1]);
		return 0;
	}
	for (int n = MAX_JOBS; n >= 1; n--)
		if (jobs[n - 1].pids)
			return n;
	fprintf(stderr, "sh: %s: no current job\n", argv[0]);
	return 0;
}

/* SIGCONT to job n: to its group, or without job control to every
 * process of it that has not ended. */
static void
continue_job(int n)
{
	struct job *j = &jobs[n - 1];

	if (j->pgid)
		kill(-j->pgid, SIGCONT);
	else
		for (int k = 0; k < j->count; k++)
			if (j->pids[k])
				kill(j->pids[k], SIGCONT);
	j->stopped = 0;
}

/* fg [N]: continue job N in the foreground, and wait for it. */
static int
builtin_fg(int argc, char **argv)
{
	reap_jobs();
	int n = job_named(argc, argv);
	if (!n)
		return 1;
	struct job j = jobs[n - 1];
	pid_t pids[MAX_STAGES];
	int live = 0;
	for (int k = 0; k < j.count && live < MAX_STAGES; k++)
		if (j.pids[k])
			pids[live++] = j.pids[k];
	fprintf(stderr, "%s\n", j.text);
	if (job_control && j.pgid)
		tcsetpgrp(0, j.pgid); /* the terminal first, then SIGCONT */
	continue_job(n);
	/* It leaves the job list; if it stops again it comes back. */
	free(j.pids);
	jobs[n - 1] = (struct job){ 0 };
	wait_foreground(pids, live, j.pgid, j.text, strlen(j.text), 0);
	free(j.text);
	return status;
}

/* bg [N]: let stopped job N go on, in the background (the terminal
 * stays with the shell). */
static int
builtin_bg(int argc, char **argv)
{
	int n = job_named(argc, argv);
	if (!n)
		return 1;
	continue_job(n);
	fprintf(stderr, "[%d] %s &\n", n, jobs[n - 1].text);
	return 0;
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

static const struct builtin builtins[] = {
	{ "cd", builtin_cd,
	  "cd [dir]         change directory ($HOME if none)" },
	{ "exit", builtin_exit,
	  "exit [n]         leave the shell with status n" },
	{ "wait", builtin_wait,
	  "wait             wait for every background job" },
	{ "fg", builtin_fg,
	  "fg [N]           continue job N in the foreground" },
	{ "bg", builtin_bg,
	  "bg [N]           continue stopped job N in the background" },
	{ "jobs", builtin_jobs,
	  "jobs             list the background jobs and their pids" },
	{ "export", builtin_export,
	  "export NAME=val  set an environment variable" },
	{ "help", builtin_help, "help             this text" },
};

#define NBUILTINS (sizeof builtins / sizeof builtins[0])

static const struct builtin *
find_builtin(const char *name)
{
	for (size_t i = 0; i < NBUILTINS; i++)
		if (strcmp(name, builtins[i].name) == 0)
			return &builtins[i];
	return NULL;
}

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
	       "  a | b | c        a pipeline\n"
	       "  a ; b   a && b   a || b   one after the other, if a "
	       "succeeded, if it failed\n"
	       "  cmd &            run in the background (jobs, fg, bg; ^Z "
	       "stops the job in front)\n"
	       "  <f  >f  >>f  2>&1  2>&-   redirections\n"
	       "  '...' \"...\" \\    quoting; $? $$ $! $NAME expand\n");
	return 0;
}

/*
 * Runs a built-in in the shell itself, with its redirections for the time
 * it runs: each descriptor it changes is saved and put back afterwards,
 * close-on-exec flag included.
 */
static int
run_builtin(const struct builtin *b, struct stage *st)
{
	int saved[MAX_REDIRS], fdflags[MAX_REDIRS], done, ret = 1;

	fflush(NULL);
	for (done = 0; done < st->nredirs; done++) {
		/* -1 when it was closed: then it is closed again after. */
		int fd = st->redirs[done].fd;
		fdflags[done] = fcntl(fd, F_GETFD);
		saved[done] = fcntl(fd, F_DUPFD_CLOEXEC, 10);
		if (redirect(&st->redirs[done]) < 0) {
			done++;
			goto restore;
		}
	}
	ret = b->run(st->argc, st->argv);
	fflush(NULL);
restore:
	while (done-- > 0) {
		int fd = st->redirs[done].fd;
		if (saved[done] >= 0) {
			move_fd(saved[done], fd);
			fcntl(fd, F_SETFD, fdflags[done]);
		} else {
			close(fd);
		}
	}
	return ret;
}

/* ---- The main loop -------------------------------------------------- */

/*
 * An interactive shell: ^C and ^Z are for the program running, not the
 * shell, which ignores them. If the terminal is our controlling
 * terminal, job control: we wait until we are in front (a shell started
 * in the background stops, SIGTTIN, until fg), then take a group of our
 * own and the terminal for it.
 *
 * Leaving needs nothing more: our exit leaves each job's group without
 * a parent in the session (orphaned), and the kernel hangs up those
 * with a stopped process (SIGHUP, then SIGCONT), as Linux's does.
 */
static void
start_job_control(void)
{
	pid_t front;

	while ((front = tcgetpgrp(0)) >= 0 && front != getpgrp())
		kill(-getpgrp(), SIGTTIN);
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	if (front < 0)
		return; /* no controlling terminal */
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	if (getpgrp() != getpid() && setpgid(0, 0) < 0)
		return;
	shell_pgid = getpid();
	job_control = tcsetpgrp(0, shell_pgid) == 0;
}

/*
 * Goes through the pipelines of line. With run 0 it only checks them, and
 * returns -1 if one makes no sense; with run 1 it runs them, setting
 * status.
 */
static int
run_list(const char *line, int run)
{
	static struct pipeline p; /* static: 40 KiB */
	enum op before = OP_SEMI; /* the operator before this pipeline */

	for (const char *s = line;;) {
		int op = parse_pipeline(&s, &p);
		if (op < 0)
			return -1;
		if (p.nstages == 0) {
			if (before == OP_AND || before == OP_OR) {
				fprintf(stderr,
					"sh: '%s' needs a command after "
					"it\n",
					op_names[before]);
				return -1;
			}
			return 0;
		}
		if (op == OP_AMP && (before == OP_AND || before == OP_OR)) {
			fprintf(stderr, "sh: '&' after '&&' or '||' is not "
					"supported\n");
			return -1;
		}
		/* && runs it after a success, || after a failure. */
		int skip = (before == OP_AND && status != 0) ||
			   (before == OP_OR && status == 0);
		if (run && !skip) {
			const struct builtin *b = NULL;
			struct stage *st = &p.stages[0];
			if (p.nstages == 1 && op != OP_AMP && st->argc > 0)
				b = find_builtin(st->argv[0]);
			/* Built-ins change the shell: run them in it, unless
			 * they are part of a pipeline or a job. */
			if (b)
				status = run_builtin(b, st);
			else
				run_children(&p, op == OP_AMP);
		}
		if (op == OP_END)
			return 0;
		before = op;
	}
}

/* Runs one line, setting status. A syntax error anywhere runs nothing. */
static void
run_line(const char *line)
{
	if (run_list(line, 0) < 0) {
		status = 2; /* what shells return for a syntax error */
		return;
	}
	run_list(line, 1);
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
		/* Close-on-exec: our programs have no use for the script. */
		fd = open(argv[1], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "sh: %s: %s\n", argv[1],
				strerror(errno));
			return 127;
		}
	}

	/* A terminal answers TCGETS; a file or a pipe does not. */
	interactive = fd == 0 && tcgetattr(0, &shell_modes) == 0;
	if (interactive)
		start_job_control();

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
