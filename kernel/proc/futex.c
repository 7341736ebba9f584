/*
 * Futex wait and wake.
 *
 * Sleepers are kept in a small hash table of lists, by key: the address
 * space and the address. Every mapping is private (mmap has no
 * MAP_SHARED yet), so that key serves FUTEX_PRIVATE_FLAG and shared
 * futexes alike, as Linux keys any futex in a private mapping. The
 * word's frame could not be the key: fork shares frames copy-on-write,
 * and the first write moves the word to a new one.
 *
 * FUTEX_WAIT checks the word and joins the list under futex_lock, and
 * FUTEX_WAKE needs futex_lock too: a wake between the user's "the lock is
 * taken" and the sleep cannot be lost, because the word is checked again
 * under the lock.
 */
#include "kernel/proc/futex.h"
#include "kernel/cpu/tsc.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/spinlock.h"
#include "kernel/proc/signal.h"
#include "kernel/syscall.h"
#include "mm/address_space.h"
#include "mm/memlayout.h"
#include "mm/uaccess.h"
#include "sched/task.h"
#include "sched/wait.h"

#define FUTEX_WAIT	     0
#define FUTEX_WAKE	     1
#define FUTEX_REQUEUE	     3
#define FUTEX_CMP_REQUEUE    4
#define FUTEX_WAIT_BITSET    9
#define FUTEX_WAKE_BITSET    10
#define FUTEX_PRIVATE_FLAG   128 /* keyed the same: see above */
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_CMD_MASK	     127
#define FUTEX_BITSET_ANY     0xffffffffu
#define FUTEX_BUCKETS	     64
#define NSEC_PER_SEC	     1000000000ull

struct futex_key {
	uint64_t a, b; /* (mm, address) */
};

struct futex_waiter {
	struct futex_key key;
	uint32_t bitset; /* FUTEX_WAKE_BITSET wakes it if the sets meet */
	bool woken;
	struct wait_queue queue; /* just this waiter */
	struct futex_waiter *next;
};

struct timespec_k {
	int64_t sec, nsec;
};

static struct spinlock futex_lock = SPINLOCK_INIT("futex");
static struct futex_waiter *buckets[FUTEX_BUCKETS];

static unsigned
bucket_of(const struct futex_key *k)
{
	uint64_t h = (k->a ^ (k->b * 0x9e3779b97f4a7c15ull)) >> 2;
	return (unsigned)(h % FUTEX_BUCKETS);
}

static bool
same_key(const struct futex_key *x, const struct futex_key *y)
{
	return x->a == y->a && x->b == y->b;
}

/* The key of the word at @uaddr; -EFAULT if it is not a readable word. */
static int
futex_key_of(vaddr_t uaddr, struct futex_key *key)
{
	uint32_t word;

	if (uaddr % 4)
		return -EINVAL;
	if (copy_from_user(&word, (const void *)uaddr, sizeof(word)))
		return -EFAULT;
	*key = (struct futex_key){ (uint64_t)current_task()->mm, uaddr };
	return 0;
}

/* Wake up to @count waiters with @key whose bitset meets @bitset.
 * Caller holds futex_lock. */
static int
wake_locked(const struct futex_key *key, int count, uint32_t bitset)
{
	int woken = 0;
	struct futex_waiter **link = &buckets[bucket_of(key)];

	while (*link && woken < count) {
		struct futex_waiter *w = *link;
		if (!same_key(&w->key, key) || !(w->bitset & bitset)) {
			link = &w->next;
			continue;
		}
		*link = w->next;
		w->woken = true;
		wait_wake_all(&w->queue);
		woken++;
	}
	return woken;
}

int
futex_wake_address(struct mm *mm, vaddr_t uaddr, int count)
{
	struct futex_key key = { (uint64_t)mm, uaddr };
	uint64_t irq = spin_lock_irqsave(&futex_lock);
	int woken = wake_locked(&key, count, FUTEX_BITSET_ANY);

	spin_unlock_irqrestore(&futex_lock, irq);
	return woken;
}

/* Take @w off its list if it is still there. Caller holds futex_lock. */
static void
unlink_waiter(struct futex_waiter *w)
{
	for (struct futex_waiter **link = &buckets[bucket_of(&w->key)]; *link;
	     link = &(*link)->next)
		if (*link == w) {
			*link = w->next;
			return;
		}
}

static long
futex_wait(vaddr_t uaddr, uint32_t expected, uint64_t deadline_ns,
	   uint32_t bitset)
{
	struct futex_waiter w = { .bitset = bitset };
	uint32_t now;

	int err = futex_key_of(uaddr, &w.key);
	if (err)
		return err;
	wait_queue_init(&w.queue, "futex");
	uint64_t irq = spin_lock_irqsave(&futex_lock);
	/* The word again, under the lock: a waker that changed it is then
	 * either before us (we see the change) or after (we are listed). */
	if (copy_from_user(&now, (const void *)uaddr, sizeof(now))) {
		spin_unlock_irqrestore(&futex_lock, irq);
		return -EFAULT;
	}
	if (now != expected) {
		spin_unlock_irqrestore(&futex_lock, irq);
		return -EAGAIN;
	}
	unsigned b = bucket_of(&w.key);
	w.next = buckets[b];
	buckets[b] = &w;
	while (!w.woken) {
		if (signal_pending(current_task())) {
			err = -EINTR;
			break;
		}
		if (!wait_sleep_timeout(&w.queue, &futex_lock, deadline_ns) &&
		    !w.woken) {
			err = -ETIMEDOUT;
			break;
		}
	}
	if (!w.woken)
		unlink_waiter(&w);
	spin_unlock_irqrestore(&futex_lock, irq);
	return w.woken ? 0 : err;
}

/* Wake @count waiters on @uaddr and move up to @requeue others to
 * @uaddr2 (condition variables hand waiters over to their mutex). */
static long
futex_requeue(vaddr_t uaddr, vaddr_t uaddr2, int count, int requeue,
	      bool compare, uint32_t expected)
{
	struct futex_key from, to;
	uint32_t now;
	int err = futex_key_of(uaddr, &from);

	if (!err)
		err = futex_key_of(uaddr2, &to);
	if (err)
		return err;
	uint64_t irq = spin_lock_irqsave(&futex_lock);
	if (compare) {
		if (copy_from_user(&now, (const void *)uaddr, sizeof(now)))
			err = -EFAULT;
		else if (now != expected)
			err = -EAGAIN;
		if (err) {
			spin_unlock_irqrestore(&futex_lock, irq);
			return err;
		}
	}
	int done = wake_locked(&from, count, FUTEX_BITSET_ANY);
	int moved = 0;
	if (same_key(&from, &to)) {
		/* Onto the same word: nothing moves, but Linux counts the
		 * waiters it would have moved. (Moving them would find them
		 * again on the same list, for ever.) */
		for (struct futex_waiter *w = buckets[bucket_of(&from)];
		     w && moved < requeue; w = w->next)
			if (same_key(&w->key, &from))
				moved++;
		spin_unlock_irqrestore(&futex_lock, irq);
		return done + moved;
	}
	struct futex_waiter **link = &buckets[bucket_of(&from)];
	while (*link && moved < requeue) {
		struct futex_waiter *w = *link;
		if (!same_key(&w->key, &from)) {
			link = &w->next;
			continue;
		}
		*link = w->next;
		w->key = to;
		unsigned b = bucket_of(&to);
		w->next = buckets[b];
		buckets[b] = w;
		moved++;
	}
	spin_unlock_irqrestore(&futex_lock, irq);
	return done + moved;
}

long
sys_futex(const struct syscall_args *a)
{
	vaddr_t uaddr = a->a[0];
	int op = (int)a->a[1];
	int cmd = op & FUTEX_CMD_MASK;
	uint32_t val = (uint32_t)a->a[2];
	const void *user_timeout = (const void *)a->a[3];
	uint32_t bitset = cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_WAKE_BITSET
				  ? (uint32_t)a->a[5]
				  : FUTEX_BITSET_ANY;
	struct timespec_k ts;
	uint64_t deadline = 0;

	/* The wall clock only means something for a wait's timeout. */
	if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT &&
	    cmd != FUTEX_WAIT_BITSET)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		if (bitset == 0)
			return -EINVAL;
		if (user_timeout) {
			if (copy_from_user(&ts, user_timeout, sizeof(ts)))
				return -EFAULT;
			if (ts.sec < 0 || ts.nsec < 0 ||
			    ts.nsec >= (int64_t)NSEC_PER_SEC)
				return -EINVAL;
			uint64_t ns = (uint64_t)ts.sec * NSEC_PER_SEC +
				      (uint64_t)ts.nsec;
			/* FUTEX_WAIT's timeout is relative; FUTEX_WAIT_BITSET's
			 * an absolute time, on the monotonic clock or, with
			 * FUTEX_CLOCK_REALTIME, on the wall clock. */
			if (cmd == FUTEX_WAIT) {
				deadline = clock_ns() + MIN(ns, UINT64_MAX / 2);
			} else if (op & FUTEX_CLOCK_REALTIME) {
				uint64_t wall = realtime_ns();
				deadline = ns > wall ? clock_ns() + (ns - wall)
						     : 1;
			} else {
				deadline = ns;
			}
			if (deadline == 0)
				deadline = 1;
		}
		return futex_wait(uaddr, val, deadline, bitset);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET: {
		struct futex_key key;
		if (bitset == 0)
			return -EINVAL;
		int err = futex_key_of(uaddr, &key);
		if (err)
			return err;
		uint64_t irq = spin_lock_irqsave(&futex_lock);
		int woken = wake_locked(
			&key, (int)MIN(val, (uint32_t)INT32_MAX), bitset);
		spin_unlock_irqrestore(&futex_lock, irq);
		return woken;
	}
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(
			uaddr, a->a[4], (int)MIN(val, (uint32_t)INT32_MAX),
			(int)MIN(a->a[3], (uint64_t)INT32_MAX),
			cmd == FUTEX_CMP_REQUEUE, (uint32_t)a->a[5]);
	default:
		return -ENOSYS;
	}
}
