/*
 * t_threads: threads. Through the C library's pthreads: create and join
 * (counters kept by 8 threads at once, their thread ids, the value a
 * thread returns), detached threads, mutexes, condition variables
 * (producers and consumers, broadcast, timed waits on CLOCK_REALTIME
 * and CLOCK_MONOTONIC), thread stacks and their guard pages, and 200
 * threads one after the other.
 *
 * Then the system calls underneath. futex: FUTEX_WAIT and FUTEX_WAKE,
 * shared and private (EAGAIN, the number woken, timeouts), the bitset
 * forms, FUTEX_REQUEUE and FUTEX_CMP_REQUEUE, and the errors (EFAULT,
 * EINVAL, ENOSYS). clone: its flag rules, a thread of our own on a stack
 * of its own (SETTLS, PARENT_SETTID, CHILD_SETTID, CHILD_CLEARTID), what
 * CLONE_FS, CLONE_FILES and CLONE_SIGHAND share, CLONE_VFORK,
 * CLONE_PARENT, the exit signal. How threads end: exit of one thread, the
 * leader exiting first, exit_group while the others are blocked (in
 * futexes and in pause), a fatal signal (kill, or tgkill to one thread;
 * and the errors of tgkill and tkill), a fault in one thread. And
 * execve, fork and vfork from a process with threads.
 *
 * Like t_exec, the program runs itself again in a helper mode,
 *
 *   t_threads child MODE ARGS...
 *
 * Nothing here sleeps in the hope that a thread gets somewhere. Where a
 * case needs threads to be blocked in FUTEX_WAIT, it counts them with
 * futex_waiters(), which asks FUTEX_CMP_REQUEUE to wake none of the
 * waiters of the word and move them all to a spare word, and then to
 * move them back: the call returns how many it moved.
 */
#include "t.h"

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>

#ifndef FUTEX_WAIT
#define FUTEX_WAIT	   0
#define FUTEX_WAKE	   1
#define FUTEX_REQUEUE	   3
#define FUTEX_CMP_REQUEUE  4
#define FUTEX_WAIT_BITSET  9
#define FUTEX_WAKE_BITSET  10
#define FUTEX_PRIVATE_FLAG 128
#endif
#ifndef FUTEX_CLOCK_REALTIME
#define FUTEX_CLOCK_REALTIME 256
#endif
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_ANY	   0xffffffffu

/* How much longer than asked a timed wait may take. */
#define SLACK_MS 1000

#define MS 1000000LL

extern char **environ;

/* --- Time, futexes and counters ------------------------------------- */

static long long
now_ns(clockid_t clk)
{
	struct timespec ts;

	if (syscall(SYS_clock_gettime, (long)clk, &ts) != 0)
		return 0;
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct timespec
ns_ts(long long ns)
{
	struct timespec ts = { ns / 1000000000LL, ns % 1000000000LL };

	return ts;
}

static long
futex(int *word, int op, int val, const struct timespec *ts)
{
	return syscall(SYS_futex, word, (long)op, (long)val, ts, NULL, 0L);
}

static long
futex_bits(int *word, int op, int val, const struct timespec *ts,
	   unsigned bitset)
{
	return syscall(SYS_futex, word, (long)op, (long)val, ts, NULL,
		       (long)bitset);
}

static long
futex_requeue(int *from, int op, int nr_wake, long nr_requeue, int *to, int cmp)
{
	return syscall(SYS_futex, from, (long)op, (long)nr_wake, nr_requeue, to,
		       (long)cmp);
}

static int
load(int *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

/* Add one to *c and wake whoever waits for it to change. */
static void
count_up(int *c)
{
	__atomic_add_fetch(c, 1, __ATOMIC_SEQ_CST);
	futex(c, FUTEX_WAKE_PRIVATE, INT_MAX, NULL);
}

/* Wait, for at most ms milliseconds, until *c is want; returns *c. */
static int
count_wait(int *c, int want, long ms)
{
	long long deadline = now_ns(CLOCK_MONOTONIC) + ms * MS;
	int v;

	while ((v = load(c)) < want) {
		long long left = deadline - now_ns(CLOCK_MONOTONIC);
		struct timespec ts = ns_ts(left);
		if (left <= 0)
			break;
		futex(c, FUTEX_WAIT_PRIVATE, v, &ts);
	}
	return v;
}

/* Where futex_waiters() puts the waiters it counts, for a moment. */
static int spare_word;

/*
 * How many threads wait on *word, counted without waking any (see the
 * top of the file); priv is FUTEX_PRIVATE_FLAG or 0, as they waited. At
 * most 64 are counted.
 */
static long
futex_waiters(int *word, int priv)
{
	long n, back;

	n = futex_requeue(word, FUTEX_CMP_REQUEUE | priv, 0, 64, &spare_word,
			  load(word));
	if (n <= 0)
		return n;
	back = futex_requeue(&spare_word, FUTEX_CMP_REQUEUE | priv, 0, 64, word,
			     load(&spare_word));
	if (back != n)
		T_FAILF("FUTEX_CMP_REQUEUE moved %ld waiters away and %ld "
			"back",
			n, back);
	return n;
}

/* Wait until n threads wait on *word; 1 if they do, else the case fails. */
#define AWAIT_WAITERS(word, priv, n) \
	await_waiters(__FILE__, __LINE__, (word), (priv), (n))

static int
await_waiters(const char *file, int line, int *word, int priv, long n)
{
	long long deadline = t_now_ms() + T_CHILD_TIMEOUT_MS;
	long r;

	while ((r = futex_waiters(word, priv)) >= 0 && r < n &&
	       t_now_ms() < deadline)
		t_sleep_ms(1);
	if (r == -1)
		t_fail(file, line,
		       "counting the waiters: FUTEX_CMP_REQUEUE returned -1 "
		       "errno %d (%s)",
		       errno, t_errname(errno));
	else if (r != n)
		t_fail(file, line, "%ld threads wait on the word, want %ld", r,
		       n);
	return r == n;
}

/*
 * Wait, for at most ms milliseconds, for the kernel to set *word to 0
 * and wake it, as CLONE_CHILD_CLEARTID and set_tid_address ask at the end
 * of a thread. The kernel's wake is a shared one, so the wait is too.
 * Returns 1 if it did both, 0 if the word was never cleared, -1 if it
 * was but no wake came.
 */
static int
await_cleared(int *word, long ms)
{
	long long deadline = now_ns(CLOCK_MONOTONIC) + ms * MS;
	int v;

	while ((v = load(word)) != 0) {
		long long left = deadline - now_ns(CLOCK_MONOTONIC);
		struct timespec ts = ns_ts(left);
		if (left <= 0)
			return 0;
		if (futex(word, FUTEX_WAIT, v, &ts) == -1 && errno == ETIMEDOUT)
			return load(word) == 0 ? -1 : 0;
	}
	return 1;
}

/* A pthread call that must return 0, or the case ends. */
#define PT_REQUIRE(expr)                                                  \
	do {                                                              \
		int e_ = (expr);                                          \
		if (e_ != 0) {                                            \
			t_fail(__FILE__, __LINE__, "%s returned %d (%s)", \
			       #expr, e_, t_errname(e_));                 \
			_exit(T_FAIL);                                    \
		}                                                         \
	} while (0)

/* --- Threads blocked in FUTEX_WAIT ---------------------------------- */

struct waiter {
	pthread_t thread;
	int *word;
	int op, val;
	unsigned bitset;
	long ret;
	int err, done;
};

/* How many waiters' FUTEX_WAIT calls have returned. */
static int returned;

static void *
waiter_main(void *arg)
{
	struct waiter *w = arg;
	long r = futex_bits(w->word, w->op, w->val, NULL, w->bitset);

	w->err = r == -1 ? errno : 0;
	w->ret = r;
	__atomic_store_n(&w->done, 1, __ATOMIC_SEQ_CST);
	count_up(&returned);
	return NULL;
}

/* A thread that waits on *word (for its present value) with op. */
static void
start_waiter(struct waiter *w, int *word, int op, unsigned bitset)
{
	w->word = word;
	w->op = op;
	w->val = load(word);
	w->bitset = bitset;
	w->ret = -2;
	w->err = w->done = 0;
	PT_REQUIRE(pthread_create(&w->thread, NULL, waiter_main, w));
}

/* The waiter was woken: its FUTEX_WAIT returned 0. */
#define T_WOKEN(w)                                                        \
	do {                                                              \
		if (!load(&(w)->done) || (w)->ret != 0)                   \
			T_FAILF("%s: done %d, FUTEX_WAIT returned %ld "   \
				"errno %d (%s), want 0",                  \
				#w, load(&(w)->done), (w)->ret, (w)->err, \
				t_errname((w)->err));                     \
	} while (0)

/*
 * Threads that park for good (for T_LINGER_MS, then end the process with
 * T_LINGER_EXIT, since they should have been ended long before).
 */
static int park_word;

static void *
park_main(void *arg)
{
	struct timespec ts = { T_LINGER_MS / 1000, 0 };

	(void)arg;
	futex(&park_word, FUTEX_WAIT_PRIVATE, 0, &ts);
	syscall(SYS_exit_group, T_LINGER_EXIT);
	return NULL;
}

/* Start n parked threads and wait until they are blocked. */
static void
park(int n)
{
	pthread_t t;

	for (int i = 0; i < n; i++)
		PT_REQUIRE(pthread_create(&t, NULL, park_main, NULL));
	if (!AWAIT_WAITERS(&park_word, FUTEX_PRIVATE_FLAG, n))
		_exit(T_FAIL);
}

/*
 * A process that lingers until it is killed: how a child says "ready" to
 * its parent (its sibling kills it; the parent waits for it to end).
 */
static pid_t
flag_new(void)
{
	pid_t flag = t_fork();

	if (flag == 0)
		t_linger();
	return flag;
}

/* --- A clone of our own ---------------------------------------------- */

/*
 * long t_raw_clone(flags, stack, ptid, ctid, tls): the clone system call.
 * The caller has put a function and its argument at the top of the new
 * stack; the child pops them, calls fn(arg) and ends with SYS_exit and
 * what fn returned. In the parent it returns what the kernel did.
 */
long t_raw_clone(unsigned long flags, void *stack, int *ptid, int *ctid,
		 void *tls);

__asm__(".text\n"
	".globl t_raw_clone\n"
	".type t_raw_clone, @function\n"
	"t_raw_clone:\n"
	"	mov %rcx, %r10\n"
	"	mov $56, %eax\n"
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jnz 1f\n"
	"	xor %ebp, %ebp\n"
	"	pop %rax\n"
	"	pop %rdi\n"
	"	call *%rax\n"
	"	mov %eax, %edi\n"
	"	mov $60, %eax\n"
	"	syscall\n"
	"	ud2\n"
	"1:	ret\n"
	".size t_raw_clone, .-t_raw_clone\n");

#define CLONE_STACK 65536

/* Stacks for the clones; each case uses them once at a time. */
static char stack_a[CLONE_STACK] __attribute__((aligned(16)));
static char stack_b[CLONE_STACK] __attribute__((aligned(16)));

/* clone(), with fn(arg) run on stack: the result, or -1 and errno. */
static long
clone_call(unsigned long flags, char *stack, int (*fn)(void *), void *arg,
	   int *ptid, int *ctid, void *tls)
{
	void **sp = (void **)(stack + CLONE_STACK) - 2;
	long r;

	sp[0] = (void *)fn;
	sp[1] = arg;
	r = t_raw_clone(flags, sp, ptid, ctid, tls);
	if (r < 0 && r > -4096) {
		errno = -r;
		return -1;
	}
	return r;
}

/*
 * A system call with no C library in between, for clones that share
 * the caller's memory and thread pointer: they must not touch errno.
 */
static inline long
rsys(long nr, long a, long b, long c, long d)
{
	register long r10 __asm__("r10") = d;
	long r;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return r;
}

/* The kernel's struct sigaction on x86-64. */
struct ksigaction {
	uintptr_t handler;
	unsigned long flags;
	uintptr_t restorer;
	uint64_t mask;
};

#define KSIG_IGN 1
#define BIT(sig) (1ULL << ((sig)-1))

/* --- pthreads ----------------------------------------------------- */

#define NTHREADS 8
#define ROUNDS	 100000

static long atomic_total, locked_total;
static pthread_mutex_t total_lock = PTHREAD_MUTEX_INITIALIZER;
static int arrived;

struct ident {
	pthread_t thread;
	long tid, pid;
};

static void *
count_main(void *arg)
{
	struct ident *id = arg;

	id->tid = syscall(SYS_gettid);
	id->pid = syscall(SYS_getpid);
	/* All are alive at once, so their ids must all differ. */
	count_up(&arrived);
	count_wait(&arrived, NTHREADS, T_CHILD_TIMEOUT_MS);
	for (int i = 0; i < ROUNDS; i++) {
		__atomic_add_fetch(&atomic_total, 1, __ATOMIC_RELAXED);
		pthread_mutex_lock(&total_lock);
		locked_total++;
		pthread_mutex_unlock(&total_lock);
	}
	return NULL;
}

static void
create_join_count(void)
{
	struct ident id[NTHREADS];
	long pid = syscall(SYS_getpid);

	T_EQ(syscall(SYS_gettid), pid);
	for (int i = 0; i < NTHREADS; i++)
		PT_REQUIRE(pthread_create(&id[i].thread, NULL, count_main,
					  &id[i]));
	for (int i = 0; i < NTHREADS; i++)
		PT_REQUIRE(pthread_join(id[i].thread, NULL));
	T_EQ(arrived, NTHREADS);
	T_EQ(atomic_total, NTHREADS * ROUNDS);
	T_EQ(locked_total, NTHREADS * ROUNDS);
	for (int i = 0; i < NTHREADS; i++) {
		T_EQ(id[i].pid, pid);
		if (id[i].tid <= 0 || id[i].tid == pid)
			T_FAILF("thread %d has tid %ld (the pid is %ld)", i,
				id[i].tid, pid);
		for (int j = 0; j < i; j++)
			if (id[i].tid == id[j].tid)
				T_FAILF("threads %d and %d both have tid %ld",
					j, i, id[i].tid);
	}
	T_EQ(syscall(SYS_getpid), pid);
	T_EQ(syscall(SYS_gettid), pid);
}

/* Returns 7 * arg + 3, by return or (odd args) by pthread_exit. */
static void *
value_main(void *arg)
{
	long i = (long)arg;

	if (i % 2)
		pthread_exit((void *)(7 * i + 3));
	return (void *)(7 * i + 3);
}

static int detached_ran, detach_go;

static void *
detached_main(void *arg)
{
	(void)arg;
	count_wait(&detach_go, 1, T_CHILD_TIMEOUT_MS);
	count_up(&detached_ran);
	return NULL;
}

static void
join_value_detached(void)
{
	pthread_t t[6];
	pthread_attr_t attr;
	void *v;

	for (long i = 0; i < 6; i++)
		PT_REQUIRE(pthread_create(&t[i], NULL, value_main, (void *)i));
	for (long i = 5; i >= 0; i--) {
		v = NULL;
		PT_REQUIRE(pthread_join(t[i], &v));
		T_EQ((long)v, 7 * i + 3);
	}

	/* Detached from birth, and detached while running. */
	PT_REQUIRE(pthread_attr_init(&attr));
	PT_REQUIRE(pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED));
	PT_REQUIRE(pthread_create(&t[0], &attr, detached_main, NULL));
	PT_REQUIRE(pthread_create(&t[1], NULL, detached_main, NULL));
	PT_REQUIRE(pthread_detach(t[1]));
	count_up(&detach_go);
	T_EQ(count_wait(&detached_ran, 2, T_CHILD_TIMEOUT_MS), 2);
}

/* A bounded queue between producers and consumers; 0 means "stop". */
#define QCAP	     4
#define PER_PRODUCER 5000

static struct {
	pthread_mutex_t lock;
	pthread_cond_t not_full, not_empty;
	int items[QCAP];
	int head, count;
} q = { .lock = PTHREAD_MUTEX_INITIALIZER,
	.not_full = PTHREAD_COND_INITIALIZER,
	.not_empty = PTHREAD_COND_INITIALIZER };

static void
q_put(int v)
{
	pthread_mutex_lock(&q.lock);
	while (q.count == QCAP)
		pthread_cond_wait(&q.not_full, &q.lock);
	q.items[(q.head + q.count) % QCAP] = v;
	q.count++;
	pthread_cond_signal(&q.not_empty);
	pthread_mutex_unlock(&q.lock);
}

static int
q_get(void)
{
	int v;

	pthread_mutex_lock(&q.lock);
	while (q.count == 0)
		pthread_cond_wait(&q.not_empty, &q.lock);
	v = q.items[q.head];
	q.head = (q.head + 1) % QCAP;
	q.count--;
	pthread_cond_signal(&q.not_full);
	pthread_mutex_unlock(&q.lock);
	return v;
}

static void *
producer_main(void *arg)
{
	(void)arg;
	for (int i = 1; i <= PER_PRODUCER; i++)
		q_put(i);
	return NULL;
}

struct tally {
	pthread_t thread;
	long sum, n;
};

static void *
consumer_main(void *arg)
{
	struct tally *t = arg;
	int v;

	while ((v = q_get()) != 0) {
		t->sum += v;
		t->n++;
	}
	return NULL;
}

static void
cond_producer_consumer(void)
{
	pthread_t prod[2];
	struct tally cons[2] = { { 0 } };

	for (int i = 0; i < 2; i++)
		PT_REQUIRE(pthread_create(&cons[i].thread, NULL, consumer_main,
					  &cons[i]));
	for (int i = 0; i < 2; i++)
		PT_REQUIRE(pthread_create(&prod[i], NULL, producer_main, NULL));
	for (int i = 0; i < 2; i++)
		PT_REQUIRE(pthread_join(prod[i], NULL));
	q_put(0);
	q_put(0);
	for (int i = 0; i < 2; i++)
		PT_REQUIRE(pthread_join(cons[i].thread, NULL));
	T_EQ(cons[0].n + cons[1].n, 2 * PER_PRODUCER);
	T_EQ(cons[0].sum + cons[1].sum,
	     2L * PER_PRODUCER * (PER_PRODUCER + 1) / 2);
	T_EQ(q.count, 0);
}

static pthread_mutex_t bc_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t bc_go = PTHREAD_COND_INITIALIZER;
static pthread_cond_t bc_main = PTHREAD_COND_INITIALIZER;
static int bc_waiting, bc_woken, bc_flag;

static void *
broadcast_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&bc_lock);
	bc_waiting++;
	pthread_cond_signal(&bc_main);
	while (!bc_flag)
		pthread_cond_wait(&bc_go, &bc_lock);
	bc_woken++;
	pthread_cond_signal(&bc_main);
	pthread_mutex_unlock(&bc_lock);
	return NULL;
}

static void
cond_broadcast(void)
{
	pthread_t t[4];
	struct timespec deadline;
	int e = 0;

	for (int i = 0; i < 4; i++)
		PT_REQUIRE(pthread_create(&t[i], NULL, broadcast_main, NULL));
	/* Once all 4 have waited, they all sleep in pthread_cond_wait. */
	pthread_mutex_lock(&bc_lock);
	while (bc_waiting < 4)
		pthread_cond_wait(&bc_main, &bc_lock);
	bc_flag = 1;
	PT_REQUIRE(pthread_cond_broadcast(&bc_go));
	deadline = ns_ts(now_ns(CLOCK_REALTIME) + T_CHILD_TIMEOUT_MS * MS);
	while (bc_woken < 4 && e == 0)
		e = pthread_cond_timedwait(&bc_main, &bc_lock, &deadline);
	T_EQ(bc_woken, 4);
	pthread_mutex_unlock(&bc_lock);
	if (bc_woken == 4)
		for (int i = 0; i < 4; i++)
			PT_REQUIRE(pthread_join(t[i], NULL));
}

#define TIMED_MS 100

/* pthread_cond_timedwait on a condition variable of clock clk. */
static void
timedwait_on(clockid_t clk)
{
	pthread_condattr_t ca;
	pthread_cond_t cv;
	pthread_mutexattr_t ma;
	pthread_mutex_t m;
	struct timespec ts;
	long long start, deadline, end, end_clk;
	int e;

	PT_REQUIRE(pthread_condattr_init(&ca));
	if (clk != CLOCK_REALTIME)
		PT_REQUIRE(pthread_condattr_setclock(&ca, clk));
	PT_REQUIRE(pthread_cond_init(&cv, &ca));
	PT_REQUIRE(pthread_mutexattr_init(&ma));
	PT_REQUIRE(pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK));
	PT_REQUIRE(pthread_mutex_init(&m, &ma));
	PT_REQUIRE(pthread_mutex_lock(&m));

	start = now_ns(CLOCK_MONOTONIC);
	deadline = now_ns(clk) + TIMED_MS * MS;
	ts = ns_ts(deadline);
	e = pthread_cond_timedwait(&cv, &m, &ts);
	end_clk = now_ns(clk);
	end = now_ns(CLOCK_MONOTONIC);
	T_EQ(e, ETIMEDOUT);
	if (end_clk < deadline)
		T_FAILF("timed out %lld ns before the deadline",
			deadline - end_clk);
	if (end - start < TIMED_MS * MS ||
	    end - start > (TIMED_MS + SLACK_MS) * MS)
		T_FAILF("waited %lld ms, want %d ms", (end - start) / MS,
			TIMED_MS);
	/* It holds the mutex again. */
	T_EQ(pthread_mutex_unlock(&m), 0);
}

static void
cond_timedwait_realtime(void)
{
	timedwait_on(CLOCK_REALTIME);
}

static void
cond_timedwait_monotonic(void)
{
	timedwait_on(CLOCK_MONOTONIC);
}

/* --- Raw futexes --------------------------------------------------- */

static void
futex_wait_value(void)
{
	struct timespec zero = { 0, 0 };
	int word = 1;

	/* The word differs from the value: EAGAIN at once. */
	T_SYS_ERR(futex(&word, FUTEX_WAIT, 0, NULL), EAGAIN);
	T_SYS_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 0, NULL), EAGAIN);
	T_SYS_ERR(futex(&word, FUTEX_WAIT, 2, &zero), EAGAIN);
	T_SYS_ERR(futex_bits(&word, FUTEX_WAIT_BITSET, 0, NULL, FUTEX_ANY),
		  EAGAIN);
	/* The same: it would sleep, but a zero timeout ends that. */
	T_SYS_ERR(futex(&word, FUTEX_WAIT, 1, &zero), ETIMEDOUT);
	T_SYS_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 1, &zero), ETIMEDOUT);
	/* Only the 32 bits count: a negative int sign-extended is fine. */
	word = -5;
	T_SYS_ERR(syscall(SYS_futex, &word, (long)FUTEX_WAIT_PRIVATE, -5L,
			  &zero, NULL, 0L),
		  ETIMEDOUT);
	T_SYS_ERR(syscall(SYS_futex, &word, (long)FUTEX_WAIT_PRIVATE,
			  0xfffffffbL, &zero, NULL, 0L),
		  ETIMEDOUT);
	/* No one waits: FUTEX_WAKE wakes none. */
	T_SYS_EQ(futex(&word, FUTEX_WAKE, 1, NULL), 0);
	T_SYS_EQ(futex(&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL), 0);
}

static void
futex_wake_count(void)
{
	static int word;
	struct waiter w[3];

	for (int priv = 0; priv <= FUTEX_PRIVATE_FLAG;
	     priv += FUTEX_PRIVATE_FLAG) {
		returned = 0;
		for (int i = 0; i < 3; i++)
			start_waiter(&w[i], &word, FUTEX_WAIT | priv,
				     FUTEX_ANY);
		if (!AWAIT_WAITERS(&word, priv, 3))
			return;
		T_SYS_EQ(futex(&word, FUTEX_WAKE | priv, 2, NULL), 2);
		T_EQ(count_wait(&returned, 2, T_CHILD_TIMEOUT_MS), 2);
		T_SYS_EQ(futex(&word, FUTEX_WAKE | priv, INT_MAX, NULL), 1);
		T_EQ(count_wait(&returned, 3, T_CHILD_TIMEOUT_MS), 3);
		T_SYS_EQ(futex(&word, FUTEX_WAKE | priv, INT_MAX, NULL), 0);
		for (int i = 0; i < 3; i++) {
			T_WOKEN(&w[i]);
			PT_REQUIRE(pthread_join(w[i].thread, NULL));
		}
	}
}

#define FUTEX_MS 50

static void
futex_wait_timeout(void)
{
	struct timespec ts = { 0, FUTEX_MS * MS };
	int word = 0;

	for (int priv = 0; priv <= FUTEX_PRIVATE_FLAG;
	     priv += FUTEX_PRIVATE_FLAG) {
		long long start = now_ns(CLOCK_MONOTONIC), took;
		T_SYS_ERR(futex(&word, FUTEX_WAIT | priv, 0, &ts), ETIMEDOUT);
		took = now_ns(CLOCK_MONOTONIC) - start;
		if (took < FUTEX_MS * MS || took > (FUTEX_MS + SLACK_MS) * MS)
			T_FAILF("FUTEX_WAIT%s took %lld us, want %d ms",
				priv ? "_PRIVATE" : "", took / 1000, FUTEX_MS);
	}
}

/* FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME, in a child: it could hang. */
static void
bitset_realtime_child(void)
{
	long long deadline = now_ns(CLOCK_REALTIME) + FUTEX_MS * MS, end;
	struct timespec ts = ns_ts(deadline);
	int word = 0;

	T_SYS_ERR(futex_bits(&word,
			     FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG |
				     FUTEX_CLOCK_REALTIME,
			     0, &ts, FUTEX_ANY),
		  ETIMEDOUT);
	end = now_ns(CLOCK_REALTIME);
	if (end < deadline || end > deadline + SLACK_MS * MS)
		T_FAILF("woke %lld us after the deadline",
			(end - deadline) / 1000);
}

static void
futex_bitset(void)
{
	static int word;
	struct waiter w[3];
	struct timespec ts, past = { 1, 0 };
	long long deadline, end;
	pid_t pid;

	/* A bitset of 0 matches nothing: EINVAL, whatever the word. */
	T_SYS_ERR(futex_bits(&word, FUTEX_WAIT_BITSET, 0, NULL, 0), EINVAL);
	T_SYS_ERR(futex_bits(&word, FUTEX_WAIT_BITSET, 1, NULL, 0), EINVAL);
	T_SYS_ERR(futex_bits(&word, FUTEX_WAKE_BITSET, 1, NULL, 0), EINVAL);

	/* The timeout is an absolute CLOCK_MONOTONIC time. */
	deadline = now_ns(CLOCK_MONOTONIC) + FUTEX_MS * MS;
	ts = ns_ts(deadline);
	T_SYS_ERR(futex_bits(&word, FUTEX_WAIT_BITSET, 0, &ts, FUTEX_ANY),
		  ETIMEDOUT);
	end = now_ns(CLOCK_MONOTONIC);
	if (end < deadline || end > deadline + SLACK_MS * MS)
		T_FAILF("woke %lld us after the deadline",
			(end - deadline) / 1000);
	T_SYS_ERR(futex_bits(&word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 0,
			     &past, FUTEX_ANY),
		  ETIMEDOUT);
	/* Or a CLOCK_REALTIME one. */
	pid = t_fork();
	if (pid == 0) {
		/* The child's verdict is its own. */
		t_case_failed = 0;
		bitset_realtime_child();
		_exit(t_case_failed);
	}
	T_EXITED(t_wait(pid), 0);

	/* A wake wakes the waiters whose bitset shares a bit with its own;
	 * a FUTEX_WAIT waits with all bits, a FUTEX_WAKE wakes with all. */
	returned = 0;
	start_waiter(&w[0], &word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 1);
	start_waiter(&w[1], &word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 6);
	start_waiter(&w[2], &word, FUTEX_WAIT_PRIVATE, 0);
	if (!AWAIT_WAITERS(&word, FUTEX_PRIVATE_FLAG, 3))
		return;
	T_SYS_EQ(futex_bits(&word, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG,
			    INT_MAX, NULL, 2),
		 2);
	T_EQ(count_wait(&returned, 2, T_CHILD_TIMEOUT_MS), 2);
	T_WOKEN(&w[1]);
	T_WOKEN(&w[2]);
	T_EQ(load(&w[0].done), 0);
	T_EQ(futex_waiters(&word, FUTEX_PRIVATE_FLAG), 1);
	T_SYS_EQ(futex(&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL), 1);
	T_EQ(count_wait(&returned, 3, T_CHILD_TIMEOUT_MS), 3);
	T_WOKEN(&w[0]);
	for (int i = 0; i < 3; i++)
		PT_REQUIRE(pthread_join(w[i].thread, NULL));
}

static void
futex_requeue_waiters(void)
{
	static int a, b;
	struct waiter w[3];

	/* FUTEX_CMP_REQUEUE: wake 1 on a, move the rest to b. */
	returned = 0;
	for (int i = 0; i < 3; i++)
		start_waiter(&w[i], &a, FUTEX_WAIT_PRIVATE, FUTEX_ANY);
	if (!AWAIT_WAITERS(&a, FUTEX_PRIVATE_FLAG, 3))
		return;
	/* a does not hold the value given: EAGAIN, and nothing moves. */
	T_SYS_ERR(futex_requeue(&a, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 1,
				INT_MAX, &b, a + 1),
		  EAGAIN);
	T_EQ(futex_waiters(&a, FUTEX_PRIVATE_FLAG), 3);
	/* Onto the word they wait on: each is moved (and counted) once. */
	T_SYS_EQ(futex_requeue(&a, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 0, 8,
			       &a, a),
		 3);
	T_EQ(futex_waiters(&a, FUTEX_PRIVATE_FLAG), 3);
	/* It returns how many it woke and moved. */
	T_SYS_EQ(futex_requeue(&a, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 1,
			       INT_MAX, &b, a),
		 3);
	T_EQ(count_wait(&returned, 1, T_CHILD_TIMEOUT_MS), 1);
	T_EQ(futex_waiters(&a, FUTEX_PRIVATE_FLAG), 0);
	T_EQ(futex_waiters(&b, FUTEX_PRIVATE_FLAG), 2);
	T_SYS_EQ(futex(&a, FUTEX_WAKE_PRIVATE, INT_MAX, NULL), 0);
	T_SYS_EQ(futex(&b, FUTEX_WAKE_PRIVATE, INT_MAX, NULL), 2);
	T_EQ(count_wait(&returned, 3, T_CHILD_TIMEOUT_MS), 3);
	for (int i = 0; i < 3; i++) {
		T_WOKEN(&w[i]);
		PT_REQUIRE(pthread_join(w[i].thread, NULL));
	}

	/*
	 * FUTEX_REQUEUE, shared this time, moving at most 1 of 3 and waking
	 * none. (What it returns is left out: the manual page says the
	 * number woken, Linux gives the number woken and moved.)
	 */
	returned = 0;
	a = b = 0;
	for (int i = 0; i < 3; i++)
		start_waiter(&w[i], &a, FUTEX_WAIT, FUTEX_ANY);
	if (!AWAIT_WAITERS(&a, 0, 3))
		return;
	T_SYS(syscall(SYS_futex, &a, (long)FUTEX_REQUEUE, 0L, 1L, &b, 0L));
	T_EQ(futex_waiters(&a, 0), 2);
	T_EQ(futex_waiters(&b, 0), 1);
	T_EQ(load(&returned), 0);
	T_SYS_EQ(futex(&b, FUTEX_WAKE, INT_MAX, NULL), 1);
	T_SYS_EQ(futex(&a, FUTEX_WAKE, INT_MAX, NULL), 2);
	T_EQ(count_wait(&returned, 3, T_CHILD_TIMEOUT_MS), 3);
	for (int i = 0; i < 3; i++) {
		T_WOKEN(&w[i]);
		PT_REQUIRE(pthread_join(w[i].thread, NULL));
	}
}

static void
futex_errors(void)
{
	struct timespec bad_ns = { 0, 1000000000 }, neg = { -1, 0 };
	int word = 0, *gone, *odd = (int *)((char *)&word + 1);

	gone = (int *)syscall(SYS_mmap, NULL, 4096, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	T_REQUIRE(gone != MAP_FAILED);
	T_SYS_EQ(syscall(SYS_munmap, gone, 4096), 0);

	/* A word that is not there. (A private FUTEX_WAKE on an unmapped
	 * user address is left out: Linux does not look at the word.) */
	T_SYS_ERR(futex(gone, FUTEX_WAIT, 0, NULL), EFAULT);
	T_SYS_ERR(futex(gone, FUTEX_WAIT_PRIVATE, 0, NULL), EFAULT);
	T_SYS_ERR(futex(gone, FUTEX_WAKE, 1, NULL), EFAULT);
	T_SYS_ERR(futex(T_KERNEL_PTR, FUTEX_WAIT, 0, NULL), EFAULT);
	T_SYS_ERR(futex(T_KERNEL_PTR, FUTEX_WAIT_PRIVATE, 0, NULL), EFAULT);
	T_SYS_ERR(futex(T_KERNEL_PTR, FUTEX_WAKE, 1, NULL), EFAULT);
	T_SYS_ERR(futex(T_KERNEL_PTR, FUTEX_WAKE_PRIVATE, 1, NULL), EFAULT);

	/* A word not on a 4-byte boundary: EINVAL, before anything else. */
	T_SYS_ERR(futex(odd, FUTEX_WAIT, 0, NULL), EINVAL);
	T_SYS_ERR(futex(odd, FUTEX_WAIT_PRIVATE, 0, NULL), EINVAL);
	T_SYS_ERR(futex(odd, FUTEX_WAKE, 1, NULL), EINVAL);
	T_SYS_ERR(futex(odd, FUTEX_WAKE_PRIVATE, 1, NULL), EINVAL);
	T_SYS_ERR(futex(T_BAD_PTR, FUTEX_WAIT, 0, NULL), EINVAL);

	/* Bad timeouts. */
	T_SYS_ERR(futex(&word, FUTEX_WAIT, 0, &bad_ns), EINVAL);
	T_SYS_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 0, &neg), EINVAL);
	T_SYS_ERR(futex(&word, FUTEX_WAIT, 0, T_BAD_PTR), EFAULT);
	T_SYS_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 0, T_KERNEL_PTR), EFAULT);

	/* An operation that does not exist. */
	T_SYS_ERR(futex(&word, 99, 0, NULL), ENOSYS);
}

/* --- Raw clone ---------------------------------------------------- */

static int clone_ran;

static int
clone_exit_at_once(void *arg)
{
	(void)arg;
	__atomic_store_n(&clone_ran, 1, __ATOMIC_SEQ_CST);
	return 0;
}

static void
clone_flag_rules(void)
{
	static const unsigned long bad[] = {
		/* CLONE_THREAD needs CLONE_SIGHAND. */
		CLONE_THREAD,
		CLONE_VM | CLONE_THREAD,
		CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_THREAD,
		/* CLONE_SIGHAND needs CLONE_VM. */
		CLONE_SIGHAND,
		CLONE_SIGHAND | CLONE_THREAD,
		CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD,
		CLONE_SIGHAND | SIGCHLD,
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		long r = clone_call(bad[i], stack_a, clone_exit_at_once, NULL,
				    NULL, NULL, NULL);
		if (r != -1 || errno != EINVAL)
			T_FAILF("clone(0x%lx) returned %ld errno %d (%s), "
				"want -1 errno %d (EINVAL)",
				bad[i], r, r == -1 ? errno : 0,
				t_errname(r == -1 ? errno : 0), EINVAL);
	}
	T_EQ(load(&clone_ran), 0);
}

/* What a raw thread found out about itself. */
struct raw_report {
	long tid, pid, fs_self, fs_magic, exit_with;
	int ran;
};

/* A thread pointer block of our own: the self pointer, then a mark. */
struct fake_tls {
	struct fake_tls *self;
	long magic;
	long pad[30];
};

#define TLS_MAGIC 0x74756f727053L

static int
raw_thread_main(void *arg)
{
	struct raw_report *r = arg;
	long v;

	r->tid = rsys(SYS_gettid, 0, 0, 0, 0);
	r->pid = rsys(SYS_getpid, 0, 0, 0, 0);
	__asm__ volatile("mov %%fs:0, %0" : "=r"(v));
	r->fs_self = v;
	__asm__ volatile("mov %%fs:8, %0" : "=r"(v));
	r->fs_magic = v;
	__atomic_store_n(&r->ran, 1, __ATOMIC_SEQ_CST);
	/* Ends this thread only; -1 means "return instead". */
	if (r->exit_with >= 0)
		rsys(SYS_exit, r->exit_with, 0, 0, 0);
	return 0;
}

#define THREAD_FLAGS                                                        \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | \
	 CLONE_SYSVSEM)

/* Start a raw thread; returns its tid, which *ptid and *ctid get too. */
static long
raw_thread(struct raw_report *r, struct fake_tls *tls, int *ptid, int *ctid,
	   long exit_with)
{
	long tid;

	memset(r, 0, sizeof(*r));
	r->exit_with = exit_with;
	memset(tls, 0, sizeof(*tls));
	tls->self = tls;
	tls->magic = TLS_MAGIC;
	*ptid = *ctid = -1;
	tid = clone_call(THREAD_FLAGS | CLONE_SETTLS | CLONE_PARENT_SETTID |
				 CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID,
			 stack_a, raw_thread_main, r, ptid, ctid, tls);
	if (tid <= 0) {
		T_FAILF("clone returned %ld errno %d (%s)", tid, errno,
			t_errname(errno));
		_exit(T_FAIL);
	}
	return tid;
}

static void
clone_raw_thread(void)
{
	static struct raw_report r;
	static struct fake_tls tls;
	static int ptid, ctid;
	long pid = syscall(SYS_getpid), tid;

	tid = raw_thread(&r, &tls, &ptid, &ctid, -1);
	/* PARENT_SETTID wrote the tid before clone returned. */
	T_EQ(ptid, tid);
	T_CHECK(tid != pid);
	/* CHILD_SETTID wrote it, and CHILD_CLEARTID cleared it at the end. */
	T_EQ(await_cleared(&ctid, T_CHILD_TIMEOUT_MS), 1);
	T_EQ(load(&r.ran), 1);
	T_EQ(r.tid, tid);
	T_EQ(r.pid, pid);
	T_EQ(r.fs_self, (long)&tls);
	T_EQ(r.fs_magic, TLS_MAGIC);
	/* Ours is as it was: errno still works. */
	T_SYS_ERR(syscall(SYS_close, -1), EBADF);
	T_EQ(syscall(SYS_gettid), pid);
	/* A thread is no child: there is nothing to wait for. */
	T_SYS_ERR(syscall(SYS_wait4, -1, NULL, WNOHANG, NULL), ECHILD);
}

static int
vfork_child_main(void *arg)
{
	int *order = arg;

	/* Were the parent running, this would give it time to run on. */
	for (int i = 0; i < 50; i++)
		rsys(SYS_sched_yield, 0, 0, 0, 0);
	__atomic_store_n(order, 1, __ATOMIC_SEQ_CST);
	return 21;
}

static void
vfork_child(void)
{
	static int order;
	char ppid[32];
	char *argv[] = { (char *)t_self(), "child", "vforked", ppid, NULL };
	pid_t pid;

	pid = vfork();
	if (pid == 0)
		_exit(7);
	T_REQUIRE(pid > 0);
	T_EXITED(t_wait(pid), 7);

	snprintf(ppid, sizeof(ppid), "%ld", syscall(SYS_getpid));
	pid = vfork();
	if (pid == 0) {
		syscall(SYS_execve, t_self(), argv, environ);
		_exit(127);
	}
	T_REQUIRE(pid > 0);
	T_EXITED(t_wait(pid), 0);

	/* CLONE_VFORK: the parent goes on only once the child has ended. */
	pid = clone_call(CLONE_VM | CLONE_VFORK | SIGCHLD, stack_a,
			 vfork_child_main, &order, NULL, NULL, NULL);
	T_REQUIRE(pid > 0);
	T_EQ(load(&order), 1);
	T_EXITED(t_wait(pid), 21);
}

struct share {
	const char *dir, *file;
	long r_chdir, fd, r_sigaction, r_sigmask;
};

/* Change the directory, open a file, ignore SIGUSR2, block SIGUSR1. */
static int
share_main(void *arg)
{
	struct share *s = arg;
	struct ksigaction ign = { KSIG_IGN, 0, 0, 0 };
	uint64_t block = BIT(SIGUSR1);

	s->r_chdir = rsys(SYS_chdir, (long)s->dir, 0, 0, 0);
	s->fd = rsys(SYS_open, (long)s->file, O_RDONLY, 0, 0);
	s->r_sigaction = rsys(SYS_rt_sigaction, SIGUSR2, (long)&ign, 0, 8);
	s->r_sigmask = rsys(SYS_rt_sigprocmask, SIG_BLOCK, (long)&block, 0, 8);
	return 0;
}

static void *
share_thread_main(void *arg)
{
	share_main(arg);
	return NULL;
}

/*
 * After share_main() ran: do we see its directory, its file and its
 * SIGUSR2 action (shared is 1 for each)? Its signal mask is its own.
 */
static void
check_shared(const char *how, struct share *s, int shared)
{
	struct ksigaction old, dfl = { 0, 0, 0, 0 };
	uint64_t mask = ~0ULL;
	char buf[6];
	long fd;

	if (s->r_chdir != 0 || s->fd < 0 || s->r_sigaction != 0 ||
	    s->r_sigmask != 0)
		T_FAILF("%s: chdir %ld, open %ld, rt_sigaction %ld, "
			"rt_sigprocmask %ld",
			how, s->r_chdir, s->fd, s->r_sigaction, s->r_sigmask);
	errno = 0;
	fd = syscall(SYS_open, "motd", O_RDONLY);
	if (shared ? fd < 0 : !(fd == -1 && errno == ENOENT))
		T_FAILF("%s: open(\"motd\") returned %ld errno %d (%s): the "
			"directory is %s",
			how, fd, errno, t_errname(errno),
			shared ? "not shared" : "shared");
	errno = 0;
	if (shared ? syscall(SYS_read, s->fd, buf, 6) != 6 ||
			     memcmp(buf, "Welcom", 6) != 0
		   : !(syscall(SYS_read, s->fd, buf, 6) == -1 &&
		       errno == EBADF))
		T_FAILF("%s: read(%ld) errno %d (%s): the files are %s", how,
			s->fd, errno, t_errname(errno),
			shared ? "not shared" : "shared");
	T_SYS_EQ(syscall(SYS_rt_sigaction, SIGUSR2, NULL, &old, 8), 0);
	if (old.handler != (shared ? KSIG_IGN : 0))
		T_FAILF("%s: the SIGUSR2 handler is %lu: the actions are %s",
			how, (unsigned long)old.handler,
			shared ? "not shared" : "shared");
	T_SYS_EQ(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &mask, 8), 0);
	if (mask & BIT(SIGUSR1))
		T_FAILF("%s: SIGUSR1 is blocked here too", how);

	/* Back to the start. */
	syscall(SYS_rt_sigaction, SIGUSR2, &dfl, NULL, 8);
	syscall(SYS_chdir, t_path("/tests"));
	if (fd >= 0)
		syscall(SYS_close, fd);
	if (shared)
		syscall(SYS_close, s->fd);
}

static void
clone_shares(void)
{
	struct share s = { t_path("/etc"), t_path("/etc/motd"), 0, 0, 0, 0 };
	pthread_t t;
	pid_t pid;

	T_REQUIRE(syscall(SYS_chdir, t_path("/tests")) == 0);

	/* A thread shares all three. */
	PT_REQUIRE(pthread_create(&t, NULL, share_thread_main, &s));
	PT_REQUIRE(pthread_join(t, NULL));
	check_shared("a thread", &s, 1);

	/* CLONE_VM alone shares none (CLONE_VFORK keeps them in turn). */
	pid = clone_call(CLONE_VM | CLONE_VFORK | SIGCHLD, stack_a, share_main,
			 &s, NULL, NULL, NULL);
	T_REQUIRE(pid > 0);
	T_EXITED(t_wait(pid), 0);
	check_shared("CLONE_VM", &s, 0);

	/* Asked for, a child process shares them too. */
	pid = clone_call(CLONE_VM | CLONE_VFORK | CLONE_FS | CLONE_FILES |
				 CLONE_SIGHAND | SIGCHLD,
			 stack_a, share_main, &s, NULL, NULL, NULL);
	T_REQUIRE(pid > 0);
	T_EXITED(t_wait(pid), 0);
	check_shared("CLONE_FS|CLONE_FILES|CLONE_SIGHAND", &s, 1);
}

static int
return_arg(void *arg)
{
	return (int)(long)arg;
}

/* The grandchild: 33 if its parent is the one given, else 34. */
static int
grandchild_main(void *arg)
{
	return syscall(SYS_getppid) == (long)arg ? 33 : 34;
}

static void
clone_exit_signal_parent(void)
{
	long me = syscall(SYS_getpid), r;
	int status = 0, seen_child = 0, seen_grandchild = 0;
	long long deadline;
	pid_t pid;

	/* The low byte is the signal the parent gets: SIGCHLD, as fork. */
	pid = clone_call(SIGCHLD, stack_a, return_arg, (void *)5L, NULL, NULL,
			 NULL);
	T_REQUIRE(pid > 0);
	T_EXITED(t_wait(pid), 5);

	/* With none, it is a "clone" child: only __WCLONE or __WALL see it. */
	pid = clone_call(0, stack_a, return_arg, (void *)6L, NULL, NULL, NULL);
	T_REQUIRE(pid > 0);
	T_SYS_ERR(syscall(SYS_wait4, (long)pid, &status, 0L, NULL), ECHILD);
	T_SYS_EQ(syscall(SYS_wait4, (long)pid, &status, (long)__WCLONE, NULL),
		 pid);
	T_EXITED(status, 6);
	pid = clone_call(0, stack_a, return_arg, (void *)8L, NULL, NULL, NULL);
	T_REQUIRE(pid > 0);
	T_SYS_EQ(syscall(SYS_wait4, (long)pid, &status, (long)__WALL, NULL),
		 pid);
	T_EXITED(status, 8);

	/* CLONE_PARENT: the child's child is ours. */
	pid = t_fork();
	if (pid == 0) {
		long g = clone_call(CLONE_PARENT | SIGCHLD, stack_b,
				    grandchild_main, (void *)me, NULL, NULL,
				    NULL);
		_exit(g > 0 ? 0 : 1);
	}
	deadline = t_now_ms() + T_CHILD_TIMEOUT_MS;
	while (seen_child + seen_grandchild < 2 && t_now_ms() < deadline) {
		r = syscall(SYS_wait4, -1L, &status, (long)WNOHANG, NULL);
		if (r == -1)
			break;
		if (r == 0) {
			t_sleep_ms(1);
			continue;
		}
		if (r == pid) {
			seen_child++;
			T_EXITED(status, 0);
		} else {
			seen_grandchild++;
			T_EXITED(status, 33);
		}
	}
	T_EQ(seen_child, 1);
	T_EQ(seen_grandchild, 1);
	T_SYS_ERR(syscall(SYS_wait4, -1L, &status, (long)WNOHANG, NULL),
		  ECHILD);
}

/* --- How threads end ---------------------------------------------- */

static int gate;

static void *
exiting_main(void *arg)
{
	long how = (long)arg;

	if (how == 0)
		pthread_exit((void *)11L);
	count_wait(&gate, 1, T_CHILD_TIMEOUT_MS);
	return (void *)12L;
}

static void
thread_exit_one(void)
{
	static struct raw_report r;
	static struct fake_tls tls;
	static int ptid, ctid;
	long pid = syscall(SYS_getpid);
	pthread_t a, b;
	void *va, *vb;
	int status;

	/* A raw thread calls SYS_exit: it ends, we go on. */
	raw_thread(&r, &tls, &ptid, &ctid, 5);
	T_EQ(await_cleared(&ctid, T_CHILD_TIMEOUT_MS), 1);
	T_EQ(load(&r.ran), 1);
	T_EQ(syscall(SYS_getpid), pid);
	T_EQ(syscall(SYS_gettid), pid);
	T_SYS_ERR(syscall(SYS_wait4, -1, NULL, WNOHANG, NULL), ECHILD);

	/* pthread_exit in one thread leaves another running. */
	PT_REQUIRE(pthread_create(&b, NULL, exiting_main, (void *)1L));
	PT_REQUIRE(pthread_create(&a, NULL, exiting_main, (void *)0L));
	PT_REQUIRE(pthread_join(a, &va));
	T_EQ((long)va, 11);
	count_up(&gate);
	PT_REQUIRE(pthread_join(b, &vb));
	T_EQ((long)vb, 12);

	/* The last thread's SYS_exit ends the process, with its status. */
	pid = t_fork();
	if (pid == 0) {
		raw_thread(&r, &tls, &ptid, &ctid, 77);
		if (await_cleared(&ctid, T_CHILD_TIMEOUT_MS) != 1)
			_exit(T_FAIL);
		syscall(SYS_exit, 12);
		_exit(T_FAIL);
	}
	status = t_wait(pid);
	T_EXITED(status, 12);
}

static int leader_word;

static void *
leader_watch_main(void *arg)
{
	(void)arg;
	/* Wait for the leader to be gone, then end the process. */
	if (await_cleared(&leader_word, T_LINGER_MS) != 1)
		syscall(SYS_exit_group, T_LINGER_EXIT);
	syscall(SYS_exit_group, 7);
	return NULL;
}

/*
 * The leader (the first thread) exits first; the process goes on until
 * its last thread ends, and then exit_group gives the status. (What the
 * status is when no thread calls exit_group is left out: Linux has given
 * the leader's, and gives the last thread's.)
 */
static void
leader_exits_first(void)
{
	pid_t pid = t_fork();

	if (pid == 0) {
		pthread_t t;
		leader_word = 1;
		PT_REQUIRE(pthread_create(&t, NULL, leader_watch_main, NULL));
		syscall(SYS_set_tid_address, &leader_word);
		syscall(SYS_exit, 3);
		_exit(T_FAIL);
	}
	T_EXITED(t_wait(pid), 7);
}

static void *
pause_main(void *arg)
{
	(void)arg;
	syscall(SYS_pause);
	syscall(SYS_exit_group, T_LINGER_EXIT);
	return NULL;
}

static void *
group_exit_main(void *arg)
{
	/* Once all 3 others and the leader are blocked. */
	if (!AWAIT_WAITERS(&park_word, FUTEX_PRIVATE_FLAG, 4))
		syscall(SYS_exit_group, T_FAIL);
	syscall(SYS_exit_group, (long)arg);
	return NULL;
}

static void
exit_group_blocked(void)
{
	pthread_t t;
	pid_t pid;

	/* The leader calls exit_group; 3 threads wait in futexes, 1 in pause. */
	pid = t_fork();
	if (pid == 0) {
		park(3);
		PT_REQUIRE(pthread_create(&t, NULL, pause_main, NULL));
		syscall(SYS_exit_group, 42);
		_exit(T_FAIL);
	}
	T_EXITED(t_wait(pid), 42);

	/* Another thread does, while the leader waits in a futex too. */
	pid = t_fork();
	if (pid == 0) {
		park(3);
		PT_REQUIRE(
			pthread_create(&t, NULL, group_exit_main, (void *)43L));
		park_main(NULL);
		_exit(T_FAIL);
	}
	T_EXITED(t_wait(pid), 43);

	/* exit() of the C library. */
	pid = t_fork();
	if (pid == 0) {
		park(3);
		exit(44);
	}
	T_EXITED(t_wait(pid), 44);
}

static void *
spin_main(void *arg)
{
	long long deadline = t_now_ms() + T_LINGER_MS;

	(void)arg;
	while (t_now_ms() < deadline)
		syscall(SYS_sched_yield);
	syscall(SYS_exit_group, T_LINGER_EXIT);
	return NULL;
}

static void
kill_threaded(void)
{
	pid_t flag = flag_new(), pid;
	pthread_t t;
	int status;

	pid = t_fork();
	if (pid == 0) {
		park(2);
		PT_REQUIRE(pthread_create(&t, NULL, spin_main, NULL));
		syscall(SYS_kill, flag, SIGKILL);
		park_main(NULL);
	}
	status = t_wait(flag);
	if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)) {
		T_FAILF("the child never got ready");
		return;
	}
	T_SYS_EQ(syscall(SYS_kill, pid, SIGKILL), 0);
	T_SIGNALED(t_wait(pid), SIGKILL);
}

static long marked_tid;
static int marked;

static long
load_tid(void)
{
	return __atomic_load_n(&marked_tid, __ATOMIC_SEQ_CST);
}

/* Note our tid, then wait for the gate (or park, with arg). */
static void *
marked_main(void *arg)
{
	__atomic_store_n(&marked_tid, syscall(SYS_gettid), __ATOMIC_SEQ_CST);
	count_up(&marked);
	if (arg)
		return park_main(NULL);
	count_wait(&gate, 1, T_CHILD_TIMEOUT_MS);
	return NULL;
}

/* tgkill and tkill name a thread; a fatal signal to one ends them all. */
static void
tgkill_thread(void)
{
	long pid = syscall(SYS_getpid), tid;
	pthread_t t;
	pid_t child;

	PT_REQUIRE(pthread_create(&t, NULL, marked_main, NULL));
	T_REQUIRE(count_wait(&marked, 1, T_CHILD_TIMEOUT_MS) == 1);
	tid = load_tid();
	T_SYS_EQ(syscall(SYS_tgkill, pid, tid, 0L), 0);
	T_SYS_EQ(syscall(SYS_tkill, tid, 0L), 0);
	T_SYS_EQ(syscall(SYS_tgkill, pid, pid, 0L), 0);
	/* The thread is not in that process. */
	T_SYS_ERR(syscall(SYS_tgkill, (long)syscall(SYS_getppid), tid, 0L),
		  ESRCH);
	T_SYS_ERR(syscall(SYS_tgkill, pid, 0x3ffffff0L, 0L), ESRCH);
	T_SYS_ERR(syscall(SYS_tgkill, pid, 0L, 0L), EINVAL);
	T_SYS_ERR(syscall(SYS_tgkill, pid, tid, 1000L), EINVAL);
	count_up(&gate);
	PT_REQUIRE(pthread_join(t, NULL));

	/* SIGUSR1, whose default action ends the process, to one thread. */
	marked = 0;
	child = t_fork();
	if (child == 0) {
		park(2);
		PT_REQUIRE(pthread_create(&t, NULL, marked_main, (void *)1L));
		if (count_wait(&marked, 1, T_CHILD_TIMEOUT_MS) != 1 ||
		    !AWAIT_WAITERS(&park_word, FUTEX_PRIVATE_FLAG, 3))
			_exit(T_FAIL);
		syscall(SYS_tgkill, (long)syscall(SYS_getpid), load_tid(),
			(long)SIGUSR1);
		park_main(NULL);
	}
	T_SIGNALED(t_wait(child), SIGUSR1);
}

static void *
fault_main(void *arg)
{
	int *volatile p = arg;

	*p = 1;
	return NULL;
}

static void
thread_fault(void)
{
	pid_t pid = t_fork();

	if (pid == 0) {
		pthread_t t;
		/* A page no one may touch (an unmapped one could be reused
		 * for a thread's stack). */
		int *none = (int *)syscall(SYS_mmap, NULL, 4096, PROT_NONE,
					   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (none == MAP_FAILED)
			_exit(T_FAIL);
		park(2);
		PT_REQUIRE(pthread_create(&t, NULL, fault_main, none));
		park_main(NULL);
	}
	T_SIGNALED(t_wait(pid), SIGSEGV);
}

/* --- execve, fork and vfork with threads --------------------------- */

static void *
exec_main(void *arg)
{
	char pid[32], ppid[32];
	char *argv[] = { (char *)t_self(), "child", "exec", pid, ppid, NULL };

	(void)arg;
	/* The 3 parked threads, and the leader too when it is not us. */
	if (!AWAIT_WAITERS(&park_word, FUTEX_PRIVATE_FLAG,
			   syscall(SYS_gettid) == syscall(SYS_getpid) ? 3 : 4))
		_exit(T_FAIL);
	snprintf(pid, sizeof(pid), "%ld", syscall(SYS_getpid));
	snprintf(ppid, sizeof(ppid), "%ld", syscall(SYS_getppid));
	syscall(SYS_execve, t_self(), argv, environ);
	t_printf("  execve returned -1 errno %d (%s)\n", errno,
		 t_errname(errno));
	_exit(127);
}

/*
 * execve from a process with threads: the other threads end, and the
 * program goes on in the process's pid, whichever thread called it.
 */
static void
execve_threaded(void)
{
	for (int by_thread = 0; by_thread <= 1; by_thread++) {
		pid_t pid = t_fork();
		int status;
		if (pid == 0) {
			pthread_t t;
			park(3);
			if (!by_thread)
				exec_main(NULL);
			PT_REQUIRE(pthread_create(&t, NULL, exec_main, NULL));
			park_main(NULL);
		}
		T_SYS_EQ(syscall(SYS_wait4, (long)pid, &status, 0L, NULL), pid);
		T_EXITED(status, 0);
		/* One end, one status: nothing else to wait for. */
		T_SYS_ERR(syscall(SYS_wait4, -1L, &status, (long)WNOHANG, NULL),
			  ECHILD);
	}
}

static void
fork_threaded(void)
{
	static int word;
	struct waiter w[3];
	pid_t pid;

	returned = 0;
	for (int i = 0; i < 3; i++)
		start_waiter(&w[i], &word, FUTEX_WAIT_PRIVATE, FUTEX_ANY);
	if (!AWAIT_WAITERS(&word, FUTEX_PRIVATE_FLAG, 3))
		return;
	pid = t_fork();
	if (pid == 0) {
		pthread_t t;
		void *v = NULL;
		t_case_failed = 0;
		/* One thread came along: this one. */
		T_EQ(syscall(SYS_gettid), syscall(SYS_getpid));
		T_EQ(futex_waiters(&word, FUTEX_PRIVATE_FLAG), 0);
		T_SYS_EQ(futex(&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL), 0);
		T_EQ(load(&returned), 0);
		/* And threads work here too. */
		PT_REQUIRE(pthread_create(&t, NULL, value_main, (void *)2L));
		PT_REQUIRE(pthread_join(t, &v));
		T_EQ((long)v, 17);
		_exit(t_case_failed);
	}
	T_EXITED(t_wait(pid), 0);
	T_EQ(futex_waiters(&word, FUTEX_PRIVATE_FLAG), 3);
	T_SYS_EQ(futex(&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL), 3);
	T_EQ(count_wait(&returned, 3, T_CHILD_TIMEOUT_MS), 3);
	for (int i = 0; i < 3; i++) {
		T_WOKEN(&w[i]);
		PT_REQUIRE(pthread_join(w[i].thread, NULL));
	}
}

/* --- Thread stacks ------------------------------------------------ */

#define BIG_STACK (1024 * 1024)
#define BIG_USE	  (BIG_STACK - 64 * 1024)
#define CYCLES	  200

/* Use bytes of stack, a page at a time from the top: 1 if all is well. */
static __attribute__((noinline)) long
use_stack(size_t bytes)
{
	volatile char buf[bytes];

	for (size_t off = bytes; off >= 4096; off -= 4096)
		buf[off - 1] = (char)(off >> 12);
	for (size_t off = bytes; off >= 4096; off -= 4096)
		if (buf[off - 1] != (char)(off >> 12))
			return 0;
	return 1;
}

static void *
deep_main(void *arg)
{
	return (void *)use_stack((size_t)arg);
}

static volatile long recurse_limit = LONG_MAX;

static __attribute__((noinline)) long
recurse(long depth)
{
	volatile char pad[256];

	pad[0] = (char)depth;
	if (depth >= recurse_limit)
		return pad[0];
	return recurse(depth + 1) + pad[0];
}

static void *
overflow_main(void *arg)
{
	(void)arg;
	return (void *)recurse(0);
}

static void
thread_stacks(void)
{
	pthread_attr_t attr;
	pthread_t t;
	void *v;
	char *big;
	pid_t pid;

	PT_REQUIRE(pthread_attr_init(&attr));
	PT_REQUIRE(pthread_attr_setstacksize(&attr, BIG_STACK));
	PT_REQUIRE(pthread_attr_setguardsize(&attr, 64 * 1024));

	/* Many threads, one after the other, each using most of its stack. */
	for (int i = 0; i < CYCLES; i++) {
		v = NULL;
		PT_REQUIRE(pthread_create(&t, &attr, deep_main,
					  (void *)(size_t)BIG_USE));
		PT_REQUIRE(pthread_join(t, &v));
		if (v != (void *)1) {
			T_FAILF("thread %d found its stack changed", i);
			break;
		}
	}

	/* All is still well: memory, and a thread. */
	big = (char *)syscall(SYS_mmap, NULL, 32 << 20, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	T_REQUIRE(big != MAP_FAILED);
	for (long off = 0; off < 32 << 20; off += 4096)
		big[off] = 1;
	T_SYS_EQ(syscall(SYS_munmap, big, 32 << 20), 0);
	PT_REQUIRE(
		pthread_create(&t, &attr, deep_main, (void *)(size_t)BIG_USE));
	PT_REQUIRE(pthread_join(t, &v));
	T_EQ((long)v, 1);

	/* Running off the end of a stack meets the guard. */
	pid = t_fork();
	if (pid == 0) {
		pthread_attr_t small;
		PT_REQUIRE(pthread_attr_init(&small));
		PT_REQUIRE(pthread_attr_setstacksize(&small, 128 * 1024));
		PT_REQUIRE(pthread_attr_setguardsize(&small, 64 * 1024));
		park(1);
		PT_REQUIRE(pthread_create(&t, &small, overflow_main, NULL));
		park_main(NULL);
	}
	T_SIGNALED(t_wait(pid), SIGSEGV);
}

/* --- The helper ---------------------------------------------------- */

static int
child_main(int argc, char **argv)
{
	const char *mode = argc > 2 ? argv[2] : "";
	pthread_t t;
	void *v = NULL;

	t_suite = "threads-child";
	if (strcmp(mode, "exec") == 0 && argc == 5) {
		/* The pid is the process's, whoever called execve. */
		T_EQ(syscall(SYS_getpid), atol(argv[3]));
		T_EQ(syscall(SYS_gettid), atol(argv[3]));
		T_EQ(syscall(SYS_getppid), atol(argv[4]));
		PT_REQUIRE(pthread_create(&t, NULL, value_main, (void *)4L));
		PT_REQUIRE(pthread_join(t, &v));
		T_EQ((long)v, 31);
	} else if (strcmp(mode, "vforked") == 0 && argc == 4) {
		T_EQ(syscall(SYS_getppid), atol(argv[3]));
	} else {
		t_printf("  t_threads: no helper mode \"%s\"\n", mode);
		return 2;
	}
	return t_case_failed;
}

/* getppid is the process's: a thread made before its process was handed
 * to a new parent sees the new parent too. */
static atomic_int reparented;

static void *
ppid_thread(void *arg)
{
	while (!atomic_load(&reparented))
		sched_yield();
	*(pid_t *)arg = (pid_t)syscall(SYS_getppid);
	return NULL;
}

static void
getppid_after_reparent(void)
{
	int q[2];
	char verdict = 0;

	T_REQUIRE(pipe(q) == 0);
	pid_t a = t_fork();
	if (a == 0) {
		pid_t b = fork();
		if (b == 0) {
			/* B: a thread first, then wait for A to be gone. */
			pthread_t th;
			pid_t seen = 0;
			if (pthread_create(&th, NULL, ppid_thread, &seen))
				_exit(1);
			while (syscall(SYS_getppid) == a)
				t_sleep_ms(1);
			atomic_store(&reparented, 1);
			pthread_join(th, NULL);
			char v =
				seen == (pid_t)syscall(SYS_getppid) ? 'y' : 'n';
			_exit(write(q[1], &v, 1) == 1 ? 0 : 2);
		}
		_exit(0);
	}
	close(q[1]);
	T_EXITED(t_wait(a), 0);
	T_EQ(read(q[0], &verdict, 1), 1);
	T_EQ(verdict, 'y');
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return child_main(argc, argv);
	if (argc != 1) {
		t_printf("usage: t_threads (with no arguments)\n");
		return 2;
	}

	t_init(argc, argv, "threads");
	T_RUN(create_join_count);
	T_RUN(join_value_detached);
	T_RUN(cond_producer_consumer);
	T_RUN(cond_broadcast);
	T_RUN(cond_timedwait_realtime);
	T_RUN(cond_timedwait_monotonic);
	T_RUN(futex_wait_value);
	T_RUN(futex_wake_count);
	T_RUN(futex_wait_timeout);
	T_RUN(futex_bitset);
	T_RUN(futex_requeue_waiters);
	T_RUN(futex_errors);
	T_RUN(clone_flag_rules);
	T_RUN(clone_raw_thread);
	T_RUN(clone_shares);
	T_RUN(clone_exit_signal_parent);
	T_RUN(thread_exit_one);
	T_RUN(leader_exits_first);
	T_RUN(exit_group_blocked);
	T_RUN(kill_threaded);
	T_RUN(tgkill_thread);
	T_RUN(thread_fault);
	T_RUN(execve_threaded);
	T_RUN(fork_threaded);
	T_RUN(vfork_child);
	T_RUN(thread_stacks);
	T_RUN(getppid_after_reparent);
	return t_done();
}
