/*
 * t_identity: who and where the process is. uname, the user and group
 * ids, arch_prctl (the FS base musl set up is the thread pointer; a new
 * one holds across system calls, sleeps and fork; a kernel address is
 * refused), set_tid_address, and ENOSYS for a system call that does not
 * exist.
 */
#include "t.h"

#include <pthread.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/utsname.h>

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

static __thread long tls_var = 42;

/* The thread pointer: musl keeps it at %fs:0 too. */
static uintptr_t
fs0(void)
{
	uintptr_t v;

	__asm__ volatile("mov %%fs:0, %0" : "=r"(v));
	return v;
}

/*
 * A system call that leaves errno alone: while FS is moved, the C
 * library's errno (in thread-local storage) must not be touched.
 */
static long
raw2(long n, long a, long b)
{
	long r;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(n), "D"(a), "S"(b)
			 : "rcx", "r11", "memory");
	return r;
}

static void
uname_fields(void)
{
	unsigned char raw[sizeof(struct utsname) + 64];
	struct utsname *u = (struct utsname *)raw;
	const char *fields[6];

	_Static_assert(sizeof(struct utsname) == 6 * 65, "struct utsname");
	memset(raw, 0xaa, sizeof(raw));
	T_SYS_EQ(syscall(SYS_uname, u), 0);
	fields[0] = u->sysname;
	fields[1] = u->nodename;
	fields[2] = u->release;
	fields[3] = u->version;
	fields[4] = u->machine;
	fields[5] = u->domainname;
	for (int i = 0; i < 6; i++) {
		if (strnlen(fields[i], 65) == 65) {
			T_FAILF("uname field %d is not NUL-terminated", i);
			return;
		}
		/* The NIS domain name may be empty. */
		if (i < 5 && fields[i][0] == '\0')
			T_FAILF("uname field %d is empty", i);
	}
	if (strcmp(u->sysname, "Linux") && strcmp(u->sysname, "Sprout"))
		T_FAILF("sysname is \"%s\"", u->sysname);
	T_STR_EQ(u->machine, "x86_64");
	for (size_t i = sizeof(struct utsname); i < sizeof(raw); i++)
		if (raw[i] != 0xaa) {
			T_FAILF("uname wrote byte %zu, past struct utsname", i);
			break;
		}
	T_SYS_ERR(syscall(SYS_uname, T_BAD_PTR), EFAULT);
	T_SYS_ERR(syscall(SYS_uname, T_KERNEL_PTR), EFAULT);
}

static void
ids(void)
{
	static const struct {
		long nr;
		unsigned long aux;
		const char *name;
	} calls[] = {
		{ SYS_getuid, AT_UID, "getuid" },
		{ SYS_geteuid, AT_EUID, "geteuid" },
		{ SYS_getgid, AT_GID, "getgid" },
		{ SYS_getegid, AT_EGID, "getegid" },
	};

	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		long id = syscall(calls[i].nr);
		pid_t pid;

		if (id == -1) {
			T_FAILF("%s returned -1 errno %d (%s)", calls[i].name,
				errno, t_errname(errno));
			continue;
		}
		T_EQ(syscall(calls[i].nr), id);
		T_EQ(getauxval(calls[i].aux), id);
		/* A child has the same ids. */
		pid = t_fork();
		if (pid == 0)
			_exit(syscall(calls[i].nr) == id ? 0 : 1);
		T_EXITED(t_wait(pid), 0);
	}
}

static void
get_fs_is_thread_pointer(void)
{
	unsigned long fs = 0;
	uintptr_t tp = fs0();

	T_SYS_EQ(syscall(SYS_arch_prctl, ARCH_GET_FS, &fs), 0);
	T_EQ(fs, tp);
	T_EQ((uintptr_t)pthread_self(), tp);
	/* x86-64 TLS sits just below the thread pointer. */
	T_CHECK((uintptr_t)&tls_var < tp);
	T_CHECK(tp - (uintptr_t)&tls_var < 4096);
	T_EQ(tls_var, 42);
}

/* A copy of the thread block, for a new FS base that musl can live with. */
static uintptr_t tcb_copy[64];

static void
set_fs_sticks(void)
{
	struct timespec ts = { 0, 20 * 1000000 };
	uintptr_t old = fs0(), seen[4];
	unsigned long got = 0;
	long r_set, r_get, r_restore;

	memcpy(tcb_copy, (void *)old, sizeof(tcb_copy));
	tcb_copy[0] = (uintptr_t)tcb_copy;

	/* Nothing but raw calls and %fs:0 until FS is back. */
	r_set = raw2(SYS_arch_prctl, ARCH_SET_FS, (long)tcb_copy);
	seen[0] = fs0();
	r_get = raw2(SYS_arch_prctl, ARCH_GET_FS, (long)&got);
	raw2(SYS_sched_yield, 0, 0);
	seen[1] = fs0();
	raw2(SYS_nanosleep, (long)&ts, 0);
	seen[2] = fs0();
	raw2(SYS_getpid, 0, 0);
	seen[3] = fs0();
	r_restore = raw2(SYS_arch_prctl, ARCH_SET_FS, (long)old);

	T_EQ(r_set, 0);
	T_EQ(r_get, 0);
	T_EQ(r_restore, 0);
	T_EQ(got, (uintptr_t)tcb_copy);
	for (int i = 0; i < 4; i++)
		T_EQ(seen[i], (uintptr_t)tcb_copy);
	T_EQ(fs0(), old);
}

static void
fs_after_fork(void)
{
	unsigned long fs = 0;
	pid_t pid;

	T_SYS_EQ(syscall(SYS_arch_prctl, ARCH_GET_FS, &fs), 0);
	tls_var = 1234;
	pid = t_fork();
	if (pid == 0) {
		unsigned long child_fs = 0;
		if (syscall(SYS_arch_prctl, ARCH_GET_FS, &child_fs) != 0)
			_exit(1);
		if (child_fs != fs || fs0() != fs)
			_exit(2);
		_exit(tls_var == 1234 ? 0 : 3);
	}
	T_EXITED(t_wait(pid), 0);
}

static void
arch_prctl_errors(void)
{
	unsigned long fs;

	/* A base the user may not have: refused, and FS unchanged. */
	T_EQ(raw2(SYS_arch_prctl, ARCH_SET_FS, 0xffff800000000000L), -EPERM);
	T_EQ(raw2(SYS_arch_prctl, ARCH_SET_FS, 0x0000800000000000L), -EPERM);
	T_EQ(raw2(SYS_arch_prctl, ARCH_SET_FS, -1L), -EPERM);
	T_SYS_EQ(syscall(SYS_arch_prctl, ARCH_GET_FS, &fs), 0);
	T_EQ(fs, fs0());
	T_SYS_ERR(syscall(SYS_arch_prctl, ARCH_GET_FS, T_BAD_PTR), EFAULT);
	T_SYS_ERR(syscall(SYS_arch_prctl, ARCH_GET_FS, T_KERNEL_PTR), EFAULT);
	T_SYS_ERR(syscall(SYS_arch_prctl, 0x9999, &fs), EINVAL);
}

static void
set_tid_address_returns_tid(void)
{
	static int tid_word;

	T_SYS_EQ(syscall(SYS_set_tid_address, &tid_word), syscall(SYS_gettid));
	T_SYS_EQ(syscall(SYS_set_tid_address, NULL), syscall(SYS_getpid));
}

static void
unknown_syscall(void)
{
	T_SYS_ERR(syscall(1000), ENOSYS);
	T_SYS_ERR(syscall(100000), ENOSYS);
	T_SYS_ERR(syscall(-1L), ENOSYS);
	T_EQ(raw2(1000, 0, 0), -ENOSYS);
	/* The process is fine afterwards. */
	T_EQ(syscall(SYS_getpid) > 0, 1);
}

int
main(int argc, char **argv)
{
	t_init(argc, argv, "identity");
	T_RUN(uname_fields);
	T_RUN(ids);
	T_RUN(get_fs_is_thread_pointer);
	T_RUN(set_fs_sticks);
	T_RUN(fs_after_fork);
	T_RUN(arch_prctl_errors);
	T_RUN(set_tid_address_returns_tid);
	T_RUN(unknown_syscall);
	return t_done();
}
