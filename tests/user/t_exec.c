/*
 * t_exec: execve. The program runs itself again in a helper mode,
 *
 *   t_exec child MODE ARGS...
 *
 * and the helper checks, on the far side of execve, that what it was
 * given arrived exactly: argv and envp (empty strings, a long string,
 * many strings, a NULL envp), the auxiliary vector (AT_PAGESZ, AT_RANDOM,
 * AT_PHDR, AT_PHENT, AT_PHNUM, AT_ENTRY, AT_EXECFN, the ids), the pid and
 * parent, the open files (O_CLOEXEC ones closed), and the signal state
 * (handlers reset, ignored signals and the mask kept). The helper exits
 * 0 when all is well.
 *
 * Then the failures, each of which must leave the caller running with
 * its memory intact: ENOENT, ENOTDIR, EACCES (a directory; a file without
 * execute permission), ENOEXEC (files /tests/data/not-elf and
 * /tests/data/short-elf), E2BIG, EFAULT.
 */
#include "t.h"

#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/auxv.h>

/* In the environment of an execve that must fail, should it not. */
#define MUST_FAIL      "T_EXEC_SHOULD_HAVE_FAILED=1"
#define MUST_FAIL_EXIT 66

extern char _start[];
extern char **environ;

/* --- The helper: the far side of execve ----------------------------- */

static const char *const args_argv[] = {
	"child", "args", "", "two words", "tab\there", "=", "last", NULL,
};

static const char *const args_envp[] = {
	"T_ONE=1",     "T_EMPTY=", "T_SPACES=a b c", "NO_EQUALS_SIGN", "=x",
	"T_LAST=last", NULL,
};

#define LONG_ARG_LEN 100000
#define MANY_ARGS    1000
#define MANY_ENVS    100

static char long_arg[LONG_ARG_LEN + 1];

static void
make_long_arg(void)
{
	memset(long_arg, 'x', LONG_ARG_LEN);
	long_arg[LONG_ARG_LEN] = '\0';
}

static void
child_args(int argc, char **argv, char **envp)
{
	int n = 0;

	T_EQ(argc, 1 + 7);
	for (int i = 1; i < argc && args_argv[i - 1]; i++)
		T_STR_EQ(argv[i], args_argv[i - 1]);
	T_CHECK(argv[argc] == NULL);
	while (envp[n])
		n++;
	T_EQ(n, 6);
	for (int i = 0; i < n && args_envp[i]; i++)
		T_STR_EQ(envp[i], args_envp[i]);
	T_CHECK(environ == envp);
	T_STR_EQ(getenv("T_SPACES"), "a b c");
	T_STR_EQ(getenv("T_EMPTY"), "");
}

static void
child_noenv(int argc, char **argv, char **envp)
{
	(void)argv;
	T_EQ(argc, 3);
	T_CHECK(envp[0] == NULL);
}

static void
child_long(int argc, char **argv)
{
	T_EQ(argc, 4);
	if (argc == 4) {
		T_EQ(strlen(argv[3]), LONG_ARG_LEN);
		make_long_arg();
		T_CHECK(strcmp(argv[3], long_arg) == 0);
	}
}

static void
child_many(int argc, char **argv, char **envp)
{
	char want[32];
	int n = 0;

	T_EQ(argc, 3 + MANY_ARGS);
	for (int i = 0; i < MANY_ARGS && 3 + i < argc; i++) {
		snprintf(want, sizeof(want), "arg-%d", i);
		if (strcmp(argv[3 + i], want) != 0) {
			T_FAILF("argv[%d] is \"%.40s\", want \"%s\"", 3 + i,
				argv[3 + i], want);
			break;
		}
	}
	while (envp[n])
		n++;
	T_EQ(n, MANY_ENVS);
	for (int i = 0; i < MANY_ENVS && i < n; i++) {
		snprintf(want, sizeof(want), "E%d=%d", i, i * 7);
		if (strcmp(envp[i], want) != 0) {
			T_FAILF("envp[%d] is \"%.40s\", want \"%s\"", i,
				envp[i], want);
			break;
		}
	}
}

/* The value of an auxv entry, which must be there. */
static unsigned long
aux(unsigned long type, const char *name)
{
	unsigned long v;

	errno = 0;
	v = getauxval(type);
	if (v == 0 && errno == ENOENT)
		T_FAILF("the auxiliary vector has no %s", name);
	return v;
}

#define AUX(type) aux(type, #type)

static void
child_auxv(int argc, char **argv)
{
	unsigned char zero[16] = { 0 };
	const unsigned char *rnd;
	const Elf64_Phdr *ph;
	unsigned long phnum, bias = 0, entry;
	int loads = 0, entry_ok = 0, phdr_ok = 0;

	T_EQ(argc, 4);
	T_STR_EQ(argv[0], "not-the-path");
	if (argc == 4)
		T_STR_EQ((const char *)AUX(AT_EXECFN), argv[3]);
	T_EQ(AUX(AT_PAGESZ), 4096);

	rnd = (const unsigned char *)AUX(AT_RANDOM);
	T_REQUIRE(rnd != NULL);
	if (memcmp(rnd, zero, 16) == 0)
		T_FAILF("the 16 bytes at AT_RANDOM are all zero");

	T_EQ(AUX(AT_UID), syscall(SYS_getuid));
	T_EQ(AUX(AT_EUID), syscall(SYS_geteuid));
	T_EQ(AUX(AT_GID), syscall(SYS_getgid));
	T_EQ(AUX(AT_EGID), syscall(SYS_getegid));
	T_EQ(AUX(AT_SECURE), 0);

	entry = AUX(AT_ENTRY);
	T_EQ(entry, (unsigned long)_start);
	T_EQ(AUX(AT_PHENT), sizeof(Elf64_Phdr));
	phnum = AUX(AT_PHNUM);
	T_CHECK(phnum >= 1 && phnum <= 64);
	ph = (const Elf64_Phdr *)AUX(AT_PHDR);
	T_REQUIRE(ph != NULL && phnum <= 64);
	for (unsigned long i = 0; i < phnum; i++)
		if (ph[i].p_type == PT_PHDR)
			bias = (unsigned long)ph - ph[i].p_vaddr;
	for (unsigned long i = 0; i < phnum; i++) {
		unsigned long lo = ph[i].p_vaddr + bias;
		if (ph[i].p_type != PT_LOAD)
			continue;
		loads++;
		if ((ph[i].p_flags & PF_X) && entry >= lo &&
		    entry < lo + ph[i].p_memsz)
			entry_ok = 1;
		if ((unsigned long)ph >= lo &&
		    (unsigned long)(ph + phnum) <= lo + ph[i].p_filesz)
			phdr_ok = 1;
	}
	T_CHECK(loads >= 1);
	if (!entry_ok)
		T_FAILF("AT_ENTRY 0x%lx is in no executable PT_LOAD", entry);
	if (!phdr_ok)
		T_FAILF("AT_PHDR %p is not in the file image of a PT_LOAD",
			(const void *)ph);
}

static void
child_keeps(int argc, char **argv)
{
	char buf[8];

	T_REQUIRE(argc == 7);
	T_EQ(syscall(SYS_getpid), atol(argv[3]));
	T_EQ(syscall(SYS_getppid), atol(argv[4]));
	/* The offset set before execve is kept. */
	T_SYS_EQ(syscall(SYS_read, atoi(argv[5]), buf, 6), 6);
	T_MEM_EQ(buf, "Sprout", 6);
	/* The O_CLOEXEC one is gone. */
	T_SYS_ERR(syscall(SYS_read, atoi(argv[6]), buf, 6), EBADF);
}

/* The kernel's struct sigaction on x86-64. */
struct ksigaction {
	uintptr_t handler;
	unsigned long flags;
	uintptr_t restorer;
	uint64_t mask;
};

#define BIT(sig) (1ULL << ((sig)-1))

static void
child_signals(void)
{
	struct ksigaction old;
	uint64_t mask;

	T_SYS_EQ(syscall(SYS_rt_sigaction, SIGUSR1, NULL, &old, 8), 0);
	T_EQ(old.handler, 0);
	T_EQ(old.flags, 0);
	T_EQ(old.mask, 0);
	T_SYS_EQ(syscall(SYS_rt_sigaction, SIGUSR2, NULL, &old, 8), 0);
	T_EQ(old.handler, 1);
	T_SYS_EQ(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &mask, 8), 0);
	T_EQ(mask, BIT(SIGHUP) | BIT(SIGUSR1));
}

static int
child_main(int argc, char **argv, char **envp)
{
	const char *mode = argc > 2 ? argv[2] : "";

	t_suite = "exec-child";
	if (strcmp(mode, "args") == 0)
		child_args(argc, argv, envp);
	else if (strcmp(mode, "noenv") == 0)
		child_noenv(argc, argv, envp);
	else if (strcmp(mode, "long") == 0)
		child_long(argc, argv);
	else if (strcmp(mode, "many") == 0)
		child_many(argc, argv, envp);
	else if (strcmp(mode, "auxv") == 0)
		child_auxv(argc, argv);
	else if (strcmp(mode, "keeps") == 0)
		child_keeps(argc, argv);
	else if (strcmp(mode, "signals") == 0)
		child_signals();
	else if (strcmp(mode, "exit") == 0)
		return argc > 3 ? atoi(argv[3]) : 0;
	else
		return MUST_FAIL_EXIT;
	return t_case_failed;
}

/* --- The caller's side ---------------------------------------------- */

/*
 * Fork; in the child run prepare() if there is one, then execve this
 * program. Returns the child's wait status.
 */
static int
run_self(char *const argv[], char *const envp[], void (*prepare)(void))
{
	pid_t pid = t_fork();

	if (pid == 0) {
		if (prepare)
			prepare();
		syscall(SYS_execve, t_self(), argv, envp);
		t_printf("  execve(\"%s\") returned -1 errno %d (%s)\n",
			 t_self(), errno, t_errname(errno));
		_exit(127);
	}
	return t_wait(pid);
}

static void
exec_args_envp(void)
{
	char *argv[9];

	argv[0] = (char *)t_self();
	for (int i = 0; args_argv[i]; i++)
		argv[i + 1] = (char *)args_argv[i];
	argv[8] = NULL;
	T_EXITED(run_self(argv, (char *const *)args_envp, NULL), 0);
}

static void
exec_no_env(void)
{
	char *argv[] = { (char *)t_self(), "child", "noenv", NULL };
	char *envp[] = { NULL };

	T_EXITED(run_self(argv, envp, NULL), 0);
	/* A NULL envp is an empty one. */
	T_EXITED(run_self(argv, NULL, NULL), 0);
}

static void
exec_exit_status(void)
{
	char *argv[] = { (char *)t_self(), "child", "exit", "77", NULL };

	T_EXITED(run_self(argv, NULL, NULL), 77);
}

static void
exec_long_arg(void)
{
	char *argv[] = { (char *)t_self(), "child", "long", long_arg, NULL };

	make_long_arg();
	T_EXITED(run_self(argv, NULL, NULL), 0);
}

static void
exec_many_args(void)
{
	static char strings[MANY_ARGS + MANY_ENVS][16];
	static char *argv[3 + MANY_ARGS + 1], *envp[MANY_ENVS + 1];

	argv[0] = (char *)t_self();
	argv[1] = "child";
	argv[2] = "many";
	for (int i = 0; i < MANY_ARGS; i++) {
		snprintf(strings[i], 16, "arg-%d", i);
		argv[3 + i] = strings[i];
	}
	argv[3 + MANY_ARGS] = NULL;
	for (int i = 0; i < MANY_ENVS; i++) {
		snprintf(strings[MANY_ARGS + i], 16, "E%d=%d", i, i * 7);
		envp[i] = strings[MANY_ARGS + i];
	}
	envp[MANY_ENVS] = NULL;
	T_EXITED(run_self(argv, envp, NULL), 0);
}

static void
exec_auxv(void)
{
	char *argv[] = { "not-the-path", "child", "auxv", (char *)t_self(),
			 NULL };

	T_EXITED(run_self(argv, NULL, NULL), 0);
}

static char keep_args[4][24];

static void
prepare_keeps(void)
{
	int fd = syscall(SYS_open, t_path("/etc/motd"), O_RDONLY);
	int cloexec =
		syscall(SYS_open, t_path("/etc/motd"), O_RDONLY | O_CLOEXEC);

	if (fd < 0 || cloexec < 0 || syscall(SYS_lseek, fd, 11, SEEK_SET) != 11)
		_exit(126);
	snprintf(keep_args[0], 24, "%ld", syscall(SYS_getpid));
	snprintf(keep_args[1], 24, "%ld", syscall(SYS_getppid));
	snprintf(keep_args[2], 24, "%d", fd);
	snprintf(keep_args[3], 24, "%d", cloexec);
}

static void
exec_keeps_pid_and_files(void)
{
	char *argv[] = { (char *)t_self(), "child",	 "keeps",
			 keep_args[0],	   keep_args[1], keep_args[2],
			 keep_args[3],	   NULL };

	T_EXITED(run_self(argv, NULL, prepare_keeps), 0);
}

static void
handler(int sig)
{
	(void)sig;
}

static void
prepare_signals(void)
{
	struct ksigaction act = { (uintptr_t)handler, 0x04000000,
				  (uintptr_t)handler, BIT(SIGTERM) };
	struct ksigaction ign = { 1, 0, 0, 0 };
	uint64_t mask = BIT(SIGHUP) | BIT(SIGUSR1);

	if (syscall(SYS_rt_sigaction, SIGUSR1, &act, NULL, 8) ||
	    syscall(SYS_rt_sigaction, SIGUSR2, &ign, NULL, 8) ||
	    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &mask, NULL, 8))
		_exit(126);
}

static void
exec_resets_handlers(void)
{
	char *argv[] = { (char *)t_self(), "child", "signals", NULL };

	T_EXITED(run_self(argv, NULL, prepare_signals), 0);
}

/* --- Failures -------------------------------------------------------- */

static volatile unsigned long sentinel = 0x5eedf00dcafeUL;
static unsigned char *heap;

#define T_INTACT(stack) t_intact(__FILE__, __LINE__, (stack))

static void
t_intact(const char *file, int line, volatile unsigned long *stack)
{
	if (sentinel != 0x5eedf00dcafeUL)
		t_fail(file, line, "a global changed: 0x%lx", sentinel);
	if (*stack != 0x57ac4UL)
		t_fail(file, line, "a local changed: 0x%lx", *stack);
	for (int i = 0; i < 4096; i++)
		if (heap[i] != (unsigned char)i) {
			t_fail(file, line, "the heap changed at byte %d", i);
			break;
		}
}

static void
make_heap(void)
{
	heap = malloc(4096);
	T_REQUIRE(heap != NULL);
	for (int i = 0; i < 4096; i++)
		heap[i] = (unsigned char)i;
}

/* execve path, which must fail with want, and leave us as we were. */
#define T_EXEC_FAILS(path, want)                                           \
	do {                                                               \
		char *argv_[] = { (char *)t_self(), "child", "must-fail",  \
				  NULL };                                  \
		T_SYS_ERR(syscall(SYS_execve, (path), argv_, NULL), want); \
		T_INTACT(&on_stack);                                       \
	} while (0)

static void
exec_missing_files(void)
{
	volatile unsigned long on_stack = 0x57ac4UL;

	make_heap();
	T_EXEC_FAILS(t_path("/tests/no-such-program"), ENOENT);
	T_EXEC_FAILS(t_path("/no-such-dir/program"), ENOENT);
	T_EXEC_FAILS("", ENOENT);
	T_EXEC_FAILS(t_path("/etc/motd/x"), ENOTDIR);
}

static void
exec_not_executable(void)
{
	volatile unsigned long on_stack = 0x57ac4UL;

	make_heap();
	T_EXEC_FAILS(t_path("/tests"), EACCES);
	T_EXEC_FAILS(t_path("/etc"), EACCES);
	/* Not executable by its mode, ELF or not. */
	T_EXEC_FAILS(t_path("/etc/motd"), EACCES);
}

static void
exec_not_elf(void)
{
	volatile unsigned long on_stack = 0x57ac4UL;

	make_heap();
	T_EXEC_FAILS(t_path("/tests/data/not-elf"), ENOEXEC);
	T_EXEC_FAILS(t_path("/tests/data/short-elf"), ENOEXEC);
}

static void
exec_e2big(void)
{
	volatile unsigned long on_stack = 0x57ac4UL;
	/* 80 strings of 100 KiB: 8 MB, more than any Linux allows. */
	enum { N = 80, LEN = 100 << 10 };
	static char *argv[N + 3];
	char *envp[] = { MUST_FAIL, NULL };
	char *must_fail[] = { (char *)t_self(), "child", "must-fail", NULL };
	char *big = malloc((size_t)N * LEN);
	char *huge = malloc(200 << 10);

	make_heap();
	T_REQUIRE(big != NULL && huge != NULL);
	memset(big, 'b', (size_t)N * LEN);
	argv[0] = (char *)t_self();
	for (int i = 0; i < N; i++) {
		argv[1 + i] = big + (size_t)i * LEN;
		big[(size_t)(i + 1) * LEN - 1] = '\0';
	}
	argv[N + 1] = NULL;
	T_SYS_ERR(syscall(SYS_execve, t_self(), argv, envp), E2BIG);
	T_INTACT(&on_stack);
	/* The same in the environment. */
	T_SYS_ERR(syscall(SYS_execve, t_self(), must_fail, argv + 1), E2BIG);
	T_INTACT(&on_stack);

	/* One string longer than 128 KiB is too long by itself. */
	memset(huge, 'h', 200 << 10);
	huge[(200 << 10) - 1] = '\0';
	argv[1] = huge;
	argv[2] = NULL;
	T_SYS_ERR(syscall(SYS_execve, t_self(), argv, envp), E2BIG);
	T_INTACT(&on_stack);
}

static void
exec_efault(void)
{
	volatile unsigned long on_stack = 0x57ac4UL;
	char *envp[] = { MUST_FAIL, NULL };
	char *argv[] = { (char *)t_self(), "child", "must-fail", NULL };
	char *bad_arg[] = { (char *)t_self(), T_BAD_PTR, NULL };
	char *kernel_arg[] = { (char *)t_self(), T_KERNEL_PTR, NULL };
	char *bad_env[] = { "A=1", T_BAD_PTR, NULL };

	make_heap();
	T_SYS_ERR(syscall(SYS_execve, NULL, argv, envp), EFAULT);
	T_SYS_ERR(syscall(SYS_execve, T_BAD_PTR, argv, envp), EFAULT);
	T_SYS_ERR(syscall(SYS_execve, T_KERNEL_PTR, argv, envp), EFAULT);
	T_INTACT(&on_stack);
	T_SYS_ERR(syscall(SYS_execve, t_self(), T_BAD_PTR, envp), EFAULT);
	T_SYS_ERR(syscall(SYS_execve, t_self(), T_KERNEL_PTR, envp), EFAULT);
	T_SYS_ERR(syscall(SYS_execve, t_self(), bad_arg, envp), EFAULT);
	T_SYS_ERR(syscall(SYS_execve, t_self(), kernel_arg, envp), EFAULT);
	T_INTACT(&on_stack);
	T_SYS_ERR(syscall(SYS_execve, t_self(), argv, T_BAD_PTR), EFAULT);
	T_SYS_ERR(syscall(SYS_execve, t_self(), argv, bad_env), EFAULT);
	T_INTACT(&on_stack);
}

int
main(int argc, char **argv, char **envp)
{
	if (getenv("T_EXEC_SHOULD_HAVE_FAILED"))
		return MUST_FAIL_EXIT;
	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return child_main(argc, argv, envp);
	if (argc != 1) {
		t_printf("usage: t_exec (with no arguments)\n");
		return 2;
	}

	t_init(argc, argv, "exec");
	T_RUN(exec_args_envp);
	T_RUN(exec_no_env);
	T_RUN(exec_exit_status);
	T_RUN(exec_long_arg);
	T_RUN(exec_many_args);
	T_RUN(exec_auxv);
	T_RUN(exec_keeps_pid_and_files);
	T_RUN(exec_resets_handlers);
	T_RUN(exec_missing_files);
	T_RUN(exec_not_executable);
	T_RUN(exec_not_elf);
	T_RUN(exec_e2big);
	T_RUN(exec_efault);
	return t_done();
}
