/*
 * t_memory: the address space. brk (growing, shrinking, refusing),
 * anonymous private mmap, MAP_FIXED over a mapping, munmap, mprotect
 * and the PROT_ flags, and what a forbidden access does: the child that
 * makes it dies by SIGSEGV, which its parent sees with wait4. Also a
 * 64 MiB mapping touched in a few places only, MAP_FIXED_NOREPLACE with
 * 16 TiB (as quick as with a page), lengths that wrap when rounded up,
 * and the EINVAL, ENOMEM and EEXIST errors.
 *
 * The cases never call malloc: musl's allocator keeps its own idea of the
 * break, and these cases move it.
 */
#include "t.h"

#include <stdint.h>
#include <sys/mman.h>

#define PAGE 4096UL

static uintptr_t
page_up(uintptr_t a)
{
	return (a + PAGE - 1) & ~(PAGE - 1);
}

static uintptr_t
sys_brk(uintptr_t want)
{
	return (uintptr_t)syscall(SYS_brk, want);
}

static char *
map(size_t len, int prot)
{
	char *p = (char *)syscall(SYS_mmap, NULL, len, prot,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		T_FAILF("mmap of %zu bytes returned -1 errno %d (%s)", len,
			errno, t_errname(errno));
		_exit(T_FAIL);
	}
	return p;
}

/* The first byte of [p, p + len) that is not c, or -1. */
static long
not_all(const char *p, size_t len, char c)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != c)
			return i;
	return -1;
}

/*
 * Run an access in a child and expect SIGSEGV. The access is chosen by
 * kind: 'r' reads *addr, 'w' writes it, 'x' calls it.
 */
#define T_FAULTS(kind, addr) t_faults(__FILE__, __LINE__, (kind), (addr))

static void
t_faults(const char *file, int line, int kind, volatile char *addr)
{
	pid_t pid = t_fork();
	char d[64];
	int status;

	if (pid == 0) {
		if (kind == 'r')
			(void)*addr;
		else if (kind == 'w')
			*addr = 1;
		else
			((void (*)(void))addr)();
		_exit(0);
	}
	status = t_wait(pid);
	if (status != -1 &&
	    !(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV))
		t_fail(file, line, "%s at %p: child %s, want SIGSEGV",
		       kind == 'r'   ? "read"
		       : kind == 'w' ? "write"
				     : "call",
		       (void *)addr, t_describe(status, d, sizeof(d)));
}

static void
brk_grow_shrink(void)
{
	uintptr_t start = sys_brk(0), base = page_up(start);
	uintptr_t top = base + 3 * PAGE;
	char *p = (char *)base;

	T_CHECK(start != 0 && start != (uintptr_t)-1);
	T_EQ(sys_brk(0), start);
	T_EQ(sys_brk(top), top);
	T_EQ(sys_brk(0), top);
	T_EQ(not_all(p, 3 * PAGE, 0), -1);
	memset(p, 0x5a, 3 * PAGE);

	/* Shrunk and grown again, the pages are new and zero. */
	T_EQ(sys_brk(base + PAGE), base + PAGE);
	T_EQ(p[PAGE - 1], 0x5a);
	T_EQ(sys_brk(top), top);
	T_EQ(not_all(p, PAGE, 0x5a), -1);
	T_EQ(not_all(p + PAGE, 2 * PAGE, 0), -1);

	T_EQ(sys_brk(start), start);
	T_EQ(sys_brk(0), start);
}

static void
brk_shrunk_is_gone(void)
{
	uintptr_t start = sys_brk(0), base = page_up(start);

	T_EQ(sys_brk(base + 4 * PAGE), base + 4 * PAGE);
	((char *)base)[3 * PAGE] = 1;
	T_EQ(sys_brk(base + PAGE), base + PAGE);
	((char *)base)[10] = 1;
	T_FAULTS('r', (char *)base + 3 * PAGE);
	T_FAULTS('w', (char *)base + 2 * PAGE);
	T_EQ(sys_brk(start), start);
}

/* A break the kernel refuses leaves the old one, and says so. */
static void
brk_refused(void)
{
	uintptr_t start = sys_brk(0);

	T_EQ(sys_brk(PAGE), start);
	T_EQ(sys_brk(1UL << 47), start);
	T_EQ(sys_brk(0xffff800000000000UL), start);
	T_EQ(sys_brk(0), start);
}

static void
mmap_anonymous(void)
{
	char *p = map(3 * PAGE, PROT_READ | PROT_WRITE);
	char *q = map(5000, PROT_READ | PROT_WRITE);

	T_EQ((uintptr_t)p % PAGE, 0);
	T_EQ(not_all(p, 3 * PAGE, 0), -1);
	memset(p, 0x11, 3 * PAGE);
	T_EQ(not_all(p, 3 * PAGE, 0x11), -1);
	T_CHECK(q + 2 * PAGE <= p || q >= p + 3 * PAGE);

	/* A length that is not a whole number of pages is rounded up. */
	T_EQ(not_all(q, 2 * PAGE, 0), -1);
	q[2 * PAGE - 1] = 1;
	T_SYS_EQ(syscall(SYS_munmap, q, 5000), 0);
	T_FAULTS('r', q + PAGE);
	T_SYS_EQ(syscall(SYS_munmap, p, 3 * PAGE), 0);
	T_FAULTS('r', p);
	T_FAULTS('w', p + 2 * PAGE);

	/* Read-only anonymous memory reads as zero. */
	p = map(PAGE, PROT_READ);
	T_EQ(not_all(p, PAGE, 0), -1);
	T_FAULTS('w', p);
	syscall(SYS_munmap, p, PAGE);
}

static void
mmap_fixed(void)
{
	char *p = map(4 * PAGE, PROT_READ | PROT_WRITE), *q;

	memset(p, 0x11, 4 * PAGE);
	q = (char *)syscall(SYS_mmap, p + PAGE, 2 * PAGE,
			    PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	T_EQ(q, p + PAGE);
	T_EQ(not_all(p, PAGE, 0x11), -1);
	T_EQ(not_all(p + PAGE, 2 * PAGE, 0), -1);
	T_EQ(not_all(p + 3 * PAGE, PAGE, 0x11), -1);
	memset(q, 0x22, 2 * PAGE);

	/* Again, read-only this time. */
	q = (char *)syscall(SYS_mmap, p + 2 * PAGE, PAGE, PROT_READ,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	T_EQ(q, p + 2 * PAGE);
	T_EQ(not_all(p + PAGE, PAGE, 0x22), -1);
	T_EQ(not_all(q, PAGE, 0), -1);
	T_FAULTS('w', q);

	/* MAP_FIXED needs an aligned address in the user half. */
	T_SYS_ERR(syscall(SYS_mmap, p + 1, PAGE, PROT_READ,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
		  EINVAL);
	T_SYS_ERR(syscall(SYS_mmap, T_KERNEL_PTR, PAGE, PROT_READ,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
		  ENOMEM);
	syscall(SYS_munmap, p, 4 * PAGE);
}

static void
mmap_errors(void)
{
	T_SYS_ERR(syscall(SYS_mmap, NULL, 0, PROT_READ,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
		  EINVAL);
	T_SYS_ERR(
		syscall(SYS_mmap, NULL, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0),
		EINVAL);
	T_SYS_ERR(syscall(SYS_mmap, NULL, PAGE, PROT_READ,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 1),
		  EINVAL);
	T_SYS_ERR(syscall(SYS_mmap, NULL, PAGE, PROT_READ, MAP_PRIVATE, -1, 0),
		  EBADF);
	T_SYS_ERR(syscall(SYS_mmap, NULL, 1UL << 48, PROT_READ,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
		  ENOMEM);
	T_SYS_ERR(syscall(SYS_mmap, NULL, -PAGE, PROT_READ,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
		  ENOMEM);
}

static void
munmap_pieces(void)
{
	char *p = map(3 * PAGE, PROT_READ | PROT_WRITE);

	memset(p, 0x33, 3 * PAGE);
	T_SYS_EQ(syscall(SYS_munmap, p + PAGE, PAGE), 0);
	T_EQ(not_all(p, PAGE, 0x33), -1);
	T_EQ(not_all(p + 2 * PAGE, PAGE, 0x33), -1);
	T_FAULTS('r', p + PAGE);
	T_FAULTS('w', p + PAGE + 100);

	/* Unmapping what is not mapped is not an error. */
	T_SYS_EQ(syscall(SYS_munmap, p + PAGE, PAGE), 0);
	T_SYS_EQ(syscall(SYS_munmap, p, 3 * PAGE), 0);
	T_SYS_EQ(syscall(SYS_munmap, p, 3 * PAGE), 0);
	T_FAULTS('r', p);
	T_FAULTS('r', p + 2 * PAGE);
}

static void
munmap_errors(void)
{
	char *p = map(2 * PAGE, PROT_READ | PROT_WRITE);

	T_SYS_ERR(syscall(SYS_munmap, p + 1, PAGE), EINVAL);
	T_SYS_ERR(syscall(SYS_munmap, p + 100, 10), EINVAL);
	T_SYS_ERR(syscall(SYS_munmap, p, 0), EINVAL);
	T_SYS_ERR(syscall(SYS_munmap, T_KERNEL_PTR, PAGE), EINVAL);
	/* Still mapped after all that. */
	p[0] = 1;
	p[2 * PAGE - 1] = 1;
	T_SYS_EQ(syscall(SYS_munmap, p, 2 * PAGE), 0);
}

static void
mprotect_read_only(void)
{
	char *p = map(3 * PAGE, PROT_READ | PROT_WRITE);

	memset(p, 0x44, 3 * PAGE);
	T_SYS_EQ(syscall(SYS_mprotect, p + PAGE, PAGE, PROT_READ), 0);
	T_EQ(p[PAGE], 0x44);
	T_FAULTS('w', p + PAGE);
	T_FAULTS('w', p + 2 * PAGE - 1);
	p[PAGE - 1] = 1;
	p[2 * PAGE] = 1;

	/* And writable again, with the data kept. */
	T_SYS_EQ(syscall(SYS_mprotect, p, 3 * PAGE, PROT_READ | PROT_WRITE), 0);
	T_EQ(not_all(p + PAGE, PAGE, 0x44), -1);
	p[PAGE] = 2;
	T_EQ(p[PAGE], 2);
	syscall(SYS_munmap, p, 3 * PAGE);
}

static void
prot_none(void)
{
	char *p = map(2 * PAGE, PROT_NONE);

	T_FAULTS('r', p);
	T_FAULTS('w', p + PAGE);
	T_SYS_EQ(syscall(SYS_mprotect, p, 2 * PAGE, PROT_READ | PROT_WRITE), 0);
	T_EQ(not_all(p, 2 * PAGE, 0), -1);
	memset(p, 0x55, 2 * PAGE);
	T_SYS_EQ(syscall(SYS_mprotect, p, PAGE, PROT_NONE), 0);
	T_FAULTS('r', p);
	T_EQ(p[PAGE], 0x55);
	syscall(SYS_munmap, p, 2 * PAGE);
}

/* mov eax, 42; ret */
static const unsigned char code42[] = { 0xb8, 0x2a, 0, 0, 0, 0xc3 };

static void
prot_exec(void)
{
	char *x = map(PAGE, PROT_READ | PROT_WRITE | PROT_EXEC);
	char *nx = map(PAGE, PROT_READ | PROT_WRITE);

	memcpy(x, code42, sizeof(code42));
	T_EQ(((int (*)(void))x)(), 42);

	/* Without PROT_EXEC the same code may not run. */
	memcpy(nx, code42, sizeof(code42));
	T_FAULTS('x', nx);

	/* Nor once PROT_EXEC is taken away. */
	T_SYS_EQ(syscall(SYS_mprotect, x, PAGE, PROT_READ | PROT_WRITE), 0);
	T_FAULTS('x', x);
	T_SYS_EQ(syscall(SYS_mprotect, nx, PAGE, PROT_READ | PROT_EXEC), 0);
	T_EQ(((int (*)(void))nx)(), 42);
	syscall(SYS_munmap, x, PAGE);
	syscall(SYS_munmap, nx, PAGE);
}

static void
mprotect_errors(void)
{
	char *p = map(2 * PAGE, PROT_READ | PROT_WRITE);

	T_SYS_ERR(syscall(SYS_mprotect, p + 1, PAGE, PROT_READ), EINVAL);
	T_SYS_ERR(syscall(SYS_mprotect, p, PAGE, 0x10), EINVAL);
	T_SYS_EQ(syscall(SYS_munmap, p + PAGE, PAGE), 0);
	/*
	 * A range with a hole in it. (Linux may have changed the part before
	 * the hole by then: that is not tested.)
	 */
	T_SYS_ERR(syscall(SYS_mprotect, p, 2 * PAGE, PROT_READ), ENOMEM);
	T_SYS_ERR(syscall(SYS_mprotect, p + PAGE, PAGE, PROT_READ), ENOMEM);
	T_SYS_ERR(syscall(SYS_mprotect, T_KERNEL_PTR, PAGE, PROT_READ), ENOMEM);
	T_SYS_EQ(syscall(SYS_mprotect, p, PAGE, PROT_READ | PROT_WRITE), 0);
	p[0] = 1;
	syscall(SYS_munmap, p, PAGE);
}

/*
 * MAP_FIXED_NOREPLACE with 16 TiB, at 16 TiB: free space on Linux (the
 * program is low, the mmap area and the stack high) and in Sprout. Its
 * cost must not grow with its size: the request succeeds or fails at
 * once. PROT_NONE and MAP_NORESERVE, so that Linux has no memory to
 * account for and maps it.
 */
#define HUGE_AT	 ((char *)(16UL << 40))
#define HUGE_LEN (16UL << 40)
#define NOREPLACE \
	(MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_NORESERVE)

static void
mmap_noreplace_huge(void)
{
	long long start = t_now_ms();
	char *p, *last = HUGE_AT + HUGE_LEN - PAGE;

	/* Over free space: it is mapped where asked. */
	p = (char *)syscall(SYS_mmap, HUGE_AT, HUGE_LEN, PROT_NONE, NOREPLACE,
			    -1, 0);
	T_EQ(p, HUGE_AT);
	T_SYS_ERR(syscall(SYS_mmap, last, PAGE, PROT_READ, NOREPLACE, -1, 0),
		  EEXIST);
	T_SYS_EQ(syscall(SYS_munmap, HUGE_AT, HUGE_LEN), 0);

	/* Over a range whose very last page is mapped: EEXIST, and the
	 * page is still there, nothing else. */
	p = (char *)syscall(SYS_mmap, last, PAGE, PROT_READ | PROT_WRITE,
			    NOREPLACE, -1, 0);
	T_EQ(p, last);
	last[0] = 7;
	T_SYS_ERR(syscall(SYS_mmap, HUGE_AT, HUGE_LEN, PROT_NONE, NOREPLACE, -1,
			  0),
		  EEXIST);
	/* ... and over a range that starts inside a mapping. */
	T_SYS_ERR(
		syscall(SYS_mmap, last, 2 * PAGE, PROT_NONE, NOREPLACE, -1, 0),
		EEXIST);
	T_EQ(last[0], 7);
	T_FAULTS('r', HUGE_AT);
	T_SYS_EQ(syscall(SYS_munmap, last, PAGE), 0);
	if (t_now_ms() - start > 2000)
		T_FAILF("the mappings took %lld ms", t_now_ms() - start);
}

/*
 * A length that rounds up past the top of the address space: Linux
 * checks it before rounding (or sees the wrap), never an empty range.
 */
static void
length_wraps(void)
{
	char *p = map(PAGE, PROT_READ | PROT_WRITE);

	T_SYS_ERR(syscall(SYS_mprotect, p, SIZE_MAX, PROT_READ), ENOMEM);
	T_SYS_ERR(syscall(SYS_mprotect, p, SIZE_MAX - PAGE + 2, PROT_READ),
		  ENOMEM);
	T_SYS_ERR(syscall(SYS_mprotect, p, -(uintptr_t)p, PROT_READ), ENOMEM);
	T_SYS_ERR(syscall(SYS_munmap, p, SIZE_MAX), EINVAL);
	T_SYS_ERR(syscall(SYS_munmap, p, SIZE_MAX - PAGE + 2), EINVAL);
	T_SYS_ERR(syscall(SYS_mmap, NULL, SIZE_MAX, PROT_READ,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
		  ENOMEM);
	T_SYS_ERR(syscall(SYS_mmap, p, SIZE_MAX - PAGE + 2, PROT_READ,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
		  ENOMEM);
	/* None of it touched the page. */
	p[0] = 1;
	T_SYS_EQ(syscall(SYS_munmap, p, PAGE), 0);
}

/*
 * The ends of the user half: nothing is mapped in the first page or the
 * last (0x7ffffffff000, past Linux's TASK_SIZE), so munmap there is no
 * error and mprotect is ENOMEM; MAP_FIXED cannot map the last page.
 */
static void
user_half_edges(void)
{
	char *top = (char *)0x7ffffffff000UL;

	T_SYS_EQ(syscall(SYS_munmap, NULL, PAGE), 0);
	T_SYS_ERR(syscall(SYS_mprotect, NULL, PAGE, PROT_READ), ENOMEM);
	T_SYS_ERR(syscall(SYS_mprotect, top, PAGE, PROT_READ), ENOMEM);
	T_SYS_ERR(syscall(SYS_munmap, top, PAGE), EINVAL);
	T_SYS_ERR(syscall(SYS_mmap, top, PAGE, PROT_READ,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
		  ENOMEM);
}

/* 64 MiB, of which only a few pages are ever touched. */
static void
big_lazy_mapping(void)
{
	size_t len = 64UL << 20;
	char *p = map(len, PROT_READ | PROT_WRITE);

	for (size_t off = 0; off < len; off += 8UL << 20) {
		T_EQ(p[off], 0);
		T_EQ(p[off + 4095], 0);
		p[off] = (char)(off >> 20);
	}
	p[len - 1] = 7;
	for (size_t off = 0; off < len; off += 8UL << 20)
		T_EQ(p[off], (char)(off >> 20));
	T_EQ(p[len - 1], 7);
	T_EQ(p[len - PAGE], 0);
	T_SYS_EQ(syscall(SYS_munmap, p, len), 0);
	T_FAULTS('r', p + len / 2);
}

/* Many small mappings, freed, and mapped again. */
static void
map_unmap_many(void)
{
	char *maps[64];

	for (int round = 0; round < 4; round++) {
		for (int i = 0; i < 64; i++) {
			maps[i] = map(PAGE, PROT_READ | PROT_WRITE);
			T_EQ(maps[i][100], 0);
			maps[i][100] = (char)i;
		}
		for (int i = 0; i < 64; i++) {
			T_EQ(maps[i][100], (char)i);
			T_SYS_EQ(syscall(SYS_munmap, maps[i], PAGE), 0);
		}
	}
}

int
main(int argc, char **argv)
{
	t_init(argc, argv, "memory");
	T_RUN(brk_grow_shrink);
	T_RUN(brk_shrunk_is_gone);
	T_RUN(brk_refused);
	T_RUN(mmap_anonymous);
	T_RUN(mmap_fixed);
	T_RUN(mmap_errors);
	T_RUN(munmap_pieces);
	T_RUN(munmap_errors);
	T_RUN(mprotect_read_only);
	T_RUN(prot_none);
	T_RUN(prot_exec);
	T_RUN(mprotect_errors);
	T_RUN(mmap_noreplace_huge);
	T_RUN(length_wraps);
	T_RUN(user_half_edges);
	T_RUN(big_lazy_mapping);
	T_RUN(map_unmap_many);
	return t_done();
}
