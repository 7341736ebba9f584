/*
 * What /proc's files say: each is formatted, when it is read, from what
 * the kernel knows at that moment, in Linux's format (proc(5)), so that
 * programs written for Linux's /proc read Sprout's.
 *
 * A process's files are made from a snapshot taken under proc_lock: one
 * text is one moment, even though the process runs on between reads.
 * Where Sprout keeps nothing that a field asks for (page faults, a
 * controlling terminal, priorities) the field says what Linux says for
 * "none": 0, or -1 for the terminal's process group.
 */
#include "kernel/cpu/tsc.h"
#include "kernel/cpu/x86.h"
#include "kernel/dev/timer.h"
#include "kernel/fs/procfs.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/format.h"
#include "kernel/lib/spinlock.h"
#include "kernel/lib/string.h"
#include "kernel/proc/process.h"
#include "kernel/proc/signal.h"
#include "mm/address_space.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/memlayout.h"
#include "mm/mm_usage.h"
#include "sched/sched.h"
#include "sched/task.h"
#include "sched/trace.h"

/* Times in /proc are in "clock ticks" of USER_HZ, which Linux keeps at
 * 100 a second whatever its own tick rate (AT_CLKTCK says so too). */
#define USER_HZ		  100
#define NSEC_PER_SEC	  1000000000ull
#define NSEC_PER_USER_HZ  (NSEC_PER_SEC / USER_HZ)
#define KB_PER_PAGE	  (PAGE_SIZE / 1024)
#define RLIM_INFINITY	  (~0ull)
#define NICE_0_PRIORITY	  20 /* what Linux shows for an ordinary process */
#define CPUID_BRAND_FIRST 0x80000002u
#define CPUID_BRAND_LAST  0x80000004u

#ifdef __clang__
#define COMPILER "clang " __clang_version__
#else
#define COMPILER "gcc " __VERSION__
#endif

void
proc_printf(struct proc_text *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = kvsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len = MIN(t->len + (size_t)n, t->size - 1);
}

/* --- A process's files ------------------------------------------------------ */

/* What stat and status say about a process, copied in one go. */
struct proc_snapshot {
	int pid, ppid, pgid, sid, nthreads, exit_signal, exit_code;
	char state; /* R, S or Z */
	char comm[TASK_NAME_MAX];
	uint64_t ticks;	   /* CPU time of its threads, in timer ticks */
	uint64_t start_ns; /* when it began: clock_ns time */
	uint64_t pending, shared_pending, blocked, ignored, caught;
	bool has_mm; /* a zombie's memory is gone */
	struct mm_usage mem;
	vaddr_t start_brk;
};

/* Linux's letters. A thread of a stopped process waits on the group's
 * "stopped" queue: T, as Linux shows it. Sprout's other waits are all
 * interruptible ones (S: Linux's D is not needed). */
static char
state_letter(enum task_state state, bool group_stopped)
{
	switch (state) {
	case TASK_WAITING:
		return group_stopped ? 'T' : 'S';
	case TASK_ZOMBIE:
		return 'Z';
	default:
		return 'R'; /* running, or ready to */
	}
}

static const char *
state_name(char letter)
{
	return letter == 'S'   ? "sleeping"
	       : letter == 'T' ? "stopped"
	       : letter == 'Z' ? "zombie"
			       : "running";
}

/* The signals @sh ignores and catches, as bit masks (bit n - 1 for
 * signal n). */
static void
signal_masks(const struct sighand *sh, uint64_t *ignored, uint64_t *caught)
{
	*ignored = *caught = 0;
	for (int i = 0; sh && i < NSIG; i++) {
		if (sh->actions[i].handler == SIG_IGN)
			*ignored |= 1ull << i;
		else if (sh->actions[i].handler != SIG_DFL)
			*caught |= 1ull << i;
	}
}

/* Copy what the files say about @d's process; -ESRCH if it is reaped. */
static int
snapshot_take(struct proc_dir *d, struct proc_snapshot *s)
{
	memset(s, 0, sizeof(*s));
	uint64_t irq = spin_lock_irqsave(&proc_lock);
	struct thread_group *g = d->group;
	if (!g) {
		spin_unlock_irqrestore(&proc_lock, irq);
		return -ESRCH;
	}
	struct task *t = g->leader;
	s->pid = t->pid;
	s->ppid = t->parent ? t->parent->pid : 0;
	s->pgid = g->pgid;
	s->sid = g->sid;
	s->nthreads = g->nthreads;
	s->exit_signal = t->exit_signal;
	strlcpy(s->comm, t->name, sizeof(s->comm));
	s->start_ns = t->created_ns;
	s->pending = t->pending;
	s->shared_pending = g->shared_pending;
	s->blocked = t->sigmask;
	signal_masks(t->sighand, &s->ignored, &s->caught);
	if (t->mm) {
		s->has_mm = true;
		s->mem = mm_usage(t->mm);
		s->start_brk = t->mm->brk_start;
	}
	spin_lock(&sched_lock); /* states and tick counts */
	s->state = state_letter(t->state, g->stopped);
	for (struct task *th = g->threads; th; th = th->group_next)
		s->ticks += th->ticks_run;
	spin_unlock(&sched_lock);
	if (s->state == 'Z')
		s->exit_code = t->wait_status;
	spin_unlock_irqrestore(&proc_lock, irq);
	return 0;
}

/*
 * /proc/<pid>/stat: one line of 52 fields (proc(5) numbers them), for
 * programs to parse. The name is in parentheses and may hold spaces or
 * ')', so a parser looks for the last ')'.
 */
int
proc_show_stat(struct proc_text *t, struct proc_dir *d)
{
	struct proc_snapshot s;
	int err = snapshot_take(d, &s);

	if (err)
		return err;
	/* Sprout counts a task's ticks without telling user time from
	 * kernel time: all of it is utime. */
	uint64_t utime = s.ticks * USER_HZ / HZ;
	/* (1-9) pid comm state ppid pgrp session tty_nr tpgid flags: no
	 * controlling terminal, as Linux says it (0, -1). */
	proc_printf(t, "%d (%s) %c %d %d %d 0 -1 0", s.pid, s.comm, s.state,
		    s.ppid, s.pgid, s.sid);
	/* (10-13) minflt cminflt majflt cmajflt: not counted. */
	proc_printf(t, " 0 0 0 0");
	/* (14-17) utime stime cutime cstime */
	proc_printf(t, " %llu 0 0 0", (unsigned long long)utime);
	/* (18-22) priority nice num_threads itrealvalue starttime */
	proc_printf(t, " %d 0 %d 0 %llu", NICE_0_PRIORITY, s.nthreads,
		    (unsigned long long)(s.start_ns / NSEC_PER_USER_HZ));
	/* (23-25) vsize (bytes) rss (pages) rsslim: no limits in Sprout */
	proc_printf(t, " %llu %llu %llu", (unsigned long long)s.mem.size,
		    (unsigned long long)s.mem.resident, RLIM_INFINITY);
	/* (26-30) startcode endcode startstack kstkesp kstkeip */
	proc_printf(t, " 0 0 0 0 0");
	/* (31-35) signal blocked sigignore sigcatch wchan */
	proc_printf(t, " %llu %llu %llu %llu 0",
		    (unsigned long long)(s.pending | s.shared_pending),
		    (unsigned long long)s.blocked,
		    (unsigned long long)s.ignored,
		    (unsigned long long)s.caught);
	/* (36-41) nswap cnswap exit_signal processor rt_priority policy */
	proc_printf(t, " 0 0 %d 0 0 0", s.exit_signal);
	/* (42-44) delayacct_blkio_ticks guest_time cguest_time */
	proc_printf(t, " 0 0 0");
	/* (45-51) start_data end_data start_brk arg_start arg_end
	 * env_start env_end; (52) exit_code, a zombie's wait status */
	proc_printf(t, " 0 0 %llu 0 0 0 0 %d\n",
		    (unsigned long long)s.start_brk, s.exit_code);
	return 0;
}

/* /proc/<pid>/status: "Name:\tvalue" lines, for people (and grep). */
int
proc_show_status(struct proc_text *t, struct proc_dir *d)
{
	struct proc_snapshot s;
	int err = snapshot_take(d, &s);

	if (err)
		return err;
	proc_printf(t, "Name:\t%s\n", s.comm);
	proc_printf(t, "State:\t%c (%s)\n", s.state, state_name(s.state));
	proc_printf(t, "Tgid:\t%d\nPid:\t%d\nPPid:\t%d\n", s.pid, s.pid,
		    s.ppid);
	proc_printf(t, "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n"); /* all root */
	/* As on Linux, no memory lines for a process without memory. */
	if (s.has_mm)
		proc_printf(t, "VmSize:\t%8llu kB\nVmRSS:\t%8llu kB\n",
			    (unsigned long long)(s.mem.size / 1024),
			    (unsigned long long)(s.mem.resident * KB_PER_PAGE));
	proc_printf(t, "Threads:\t%d\n", s.nthreads);
	proc_printf(t, "SigPnd:\t%016llx\nShdPnd:\t%016llx\n",
		    (unsigned long long)s.pending,
		    (unsigned long long)s.shared_pending);
	proc_printf(t, "SigBlk:\t%016llx\nSigIgn:\t%016llx\nSigCgt:\t%016llx\n",
		    (unsigned long long)s.blocked,
		    (unsigned long long)s.ignored,
		    (unsigned long long)s.caught);
	return 0;
}

/* /proc/<pid>/cmdline: the arguments of the last execve, each with its
 * NUL. Empty for a zombie, whose memory (where Linux finds them) is gone,
 * and for a process that has not exec'd since the kernel made it. */
int
proc_show_cmdline(struct proc_text *t, struct proc_dir *d)
{
	uint64_t irq = spin_lock_irqsave(&proc_lock);
	struct thread_group *g = d->group;
	int err = g ? 0 : -ESRCH;

	if (g && g->leader->mm && g->proc.args) {
		size_t n = MIN((size_t)g->proc.args->size, t->size - t->len);
		memcpy(t->buf + t->len, g->proc.args->strings, n);
		t->len += n;
	}
	spin_unlock_irqrestore(&proc_lock, irq);
	return err;
}

/* --- The machine's files ---------------------------------------------------- */

/* Memory in kB, from the frame allocator. Sprout has no page cache or
 * swap, so all free memory is available. The lines are Linux's, with
 * the name padded to 16 columns and the number to 8. */
int
proc_show_meminfo(struct proc_text *t, struct proc_dir *d)
{
	struct frame_stats s = frame_stats();

	(void)d;
	proc_printf(t, "%-16s%8zu kB\n", "MemTotal:", s.total * KB_PER_PAGE);
	proc_printf(t, "%-16s%8zu kB\n", "MemFree:", s.free * KB_PER_PAGE);
	proc_printf(t, "%-16s%8zu kB\n", "MemAvailable:", s.free * KB_PER_PAGE);
	/* Every page of a process is anonymous: Sprout maps no files. (No
	 * PageTables line: Sprout's count includes the kernel's tables,
	 * Linux's does not.) */
	proc_printf(t, "%-16s%8zu kB\n",
		    "AnonPages:", s.by_use[FRAME_USER] * KB_PER_PAGE);
	/* The pages of files in the tree: Linux counts its tmpfs's here. */
	proc_printf(t, "%-16s%8zu kB\n",
		    "Shmem:", s.by_use[FRAME_FILE] * KB_PER_PAGE);
	return 0;
}

/* Seconds since boot, and seconds the CPU spent idle (the ticks the
 * idle task ran), both to the hundredth. */
int
proc_show_uptime(struct proc_text *t, struct proc_dir *d)
{
	uint64_t up = clock_ns() / (NSEC_PER_SEC / 100);
	uint64_t idle_ticks = 0;
	struct task *idle_task = task_find(0);

	(void)d;
	if (idle_task) {
		uint64_t irq = spin_lock_irqsave(&sched_lock);
		idle_ticks = idle_task->ticks_run;
		spin_unlock_irqrestore(&sched_lock, irq);
	}
	uint64_t idle = idle_ticks * 100 / HZ;
	proc_printf(t, "%llu.%02llu %llu.%02llu\n",
		    (unsigned long long)(up / 100),
		    (unsigned long long)(up % 100),
		    (unsigned long long)(idle / 100),
		    (unsigned long long)(idle % 100));
	return 0;
}

/* Sprout's own: the scheduler trace (trace=sched), its newest events,
 * one line each as sched/trace.h describes, in a bigger buffer than
 * the other files' page. */
#define SCHED_TRACE_TEXT (64 * 1024)

int
proc_show_sched_trace(struct proc_text *t, struct proc_dir *d)
{
	char *big = kmalloc(SCHED_TRACE_TEXT);

	(void)d;
	if (!big)
		return -ENOMEM;
	kfree(t->buf);
	t->buf = big;
	t->size = SCHED_TRACE_TEXT;
	t->len = trace_format(t->buf, t->size);
	return 0;
}

/* The kernel's name, release, compiler and version, as uname says. */
int
proc_show_version(struct proc_text *t, struct proc_dir *d)
{
	(void)d;
	proc_printf(t, "Sprout version %s (%s) #1 %s\n", SPROUT_VERSION,
		    COMPILER, SPROUT_VERSION);
	return 0;
}

/* The processor Sprout runs on (one: Sprout starts no other), from
 * CPUID, with Linux's names for the fields. */
int
proc_show_cpuinfo(struct proc_text *t, struct proc_dir *d)
{
	struct cpuid_regs r = cpuid(0, 0);
	char vendor[13], brand[49] = "";

	(void)d;
	memcpy(vendor, &r.ebx, 4);
	memcpy(vendor + 4, &r.edx, 4);
	memcpy(vendor + 8, &r.ecx, 4);
	vendor[12] = '\0';
	/* Leaf 1's EAX: stepping 3-0, model 7-4, family 11-8, extended
	 * model 19-16, extended family 27-20. */
	uint32_t sig = cpuid(1, 0).eax;
	unsigned family = (sig >> 8) & 0xf, model = (sig >> 4) & 0xf;
	if (family == 0xf)
		family += (sig >> 20) & 0xff;
	if (family == 0x6 || family >= 0xf)
		model += ((sig >> 16) & 0xf) << 4;
	if (cpuid(0x80000000u, 0).eax >= CPUID_BRAND_LAST) {
		for (uint32_t leaf = CPUID_BRAND_FIRST;
		     leaf <= CPUID_BRAND_LAST; leaf++) {
			r = cpuid(leaf, 0);
			memcpy(brand + 16 * (leaf - CPUID_BRAND_FIRST), &r, 16);
		}
		brand[48] = '\0';
	}
	const char *name = brand;
	while (*name == ' ')
		name++;
	uint64_t khz = tsc_hz() / 1000;
	proc_printf(t, "processor\t: 0\nvendor_id\t: %s\n", vendor);
	proc_printf(t, "cpu family\t: %u\nmodel\t\t: %u\n", family, model);
	proc_printf(t, "model name\t: %s\nstepping\t: %u\n", name, sig & 0xf);
	proc_printf(t, "cpu MHz\t\t: %llu.%03llu\n\n",
		    (unsigned long long)(khz / 1000),
		    (unsigned long long)(khz % 1000));
	return 0;
}
