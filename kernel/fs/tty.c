/*
 * The console tty and its line discipline (described in tty.h).
 *
 * Typed characters collect in a ring buffer. In canonical mode the
 * characters of the line being edited sit after "committed": a reader
 * sees only committed bytes, and Enter (or Ctrl-D) commits the line.
 *
 *   ring:  [ ... committed, readable ... | line being edited ]
 *          ^tail                          ^committed          ^head
 */
#include "kernel/fs/tty.h"
#include "kernel/dev/console.h"
#include "kernel/dev/keyboard.h"
#include "kernel/dev/serial.h"
#include "kernel/fs/pipe.h"
#include "kernel/fs/vfs.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/spinlock.h"
#include "kernel/proc/process.h"
#include "kernel/proc/signal.h"
#include "mm/uaccess.h"
#include "sched/sched.h"
#include "sched/task.h"
#include "sched/wait.h"

#define TTY_BUFFER	1024 /* a power of two */
#define TTY_WRITE_CHUNK 256
#define CTRL(c)		((c) - '@')

/* ioctl requests and termios bits: Linux's values. */
#define TCGETS	   0x5401
#define TCSETS	   0x5402
#define TCSETSW	   0x5403
#define TCSETSF	   0x5404
#define TIOCSCTTY  0x540e
#define TIOCGPGRP  0x540f
#define TIOCSPGRP  0x5410
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define TIOCGSID   0x5429
#define ISIG	   0000001
#define ICANON	   0000002
#define ECHO	   0000010
#define TOSTOP	   0000400 /* background writers get SIGTTOU */
#define NCCS	   19
#define VINTR	   0 /* indexes into c_cc */
#define VQUIT	   1
#define VSUSP	   10

/* The kernel's struct termios, as TCGETS/TCSETS pass it on Linux. */
struct termios_k {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[NCCS];
};
_Static_assert(sizeof(struct termios_k) == 36, "Linux's kernel termios");

struct winsize_k {
	uint16_t rows, cols, xpixel, ypixel;
};

static struct spinlock tty_lock = SPINLOCK_INIT("tty");
static struct wait_queue tty_readers = WAIT_QUEUE_INIT("tty-read");
static char ring[TTY_BUFFER];
static size_t tail, committed, head; /* free-running; index & mask */
static size_t eof_marks;	     /* Ctrl-D presses not yet read */
static bool reading; /* a reader is copying out: the others wait */
/* The session whose controlling terminal the console is (0: none, until
 * a session leader takes it with TIOCSCTTY, and again once that leader
 * exits), and its foreground group, which gets Ctrl-C (0: none). */
static int session, foreground;
static struct termios_k termios = {
	.c_iflag = 0000400, /* ICRNL */
	.c_oflag = 0000005, /* OPOST | ONLCR */
	.c_cflag = 0000277, /* B38400 | CS8 | CREAD */
	.c_lflag =
		0105073, /* ISIG ICANON ECHO ECHOE ECHOK IEXTEN ECHOCTL ECHOKE */
	.c_cc = { 3, 28, 127, 21, 4, 0, 1, 0, 0, 0,
		  26 }, /* INTR QUIT ERASE KILL EOF TIME MIN, SUSP */
};

static void
echo(const char *s, size_t n)
{
	if (termios.c_lflag & ECHO)
		console_write(s, n);
}

/*
 * Is there room in the ring for @c? In canonical mode the last free slot
 * is kept for the end of the line, as Linux's n_tty keeps it: once a
 * line fills the ring, ordinary characters are dropped, but Enter still
 * goes in and commits the line. Without that slot a full line could
 * never end, and its reader would wait for ever. (Ctrl-D needs no slot:
 * it commits without being stored.) Caller holds tty_lock.
 */
static bool
ring_has_room(char c, bool canonical)
{
	size_t limit = TTY_BUFFER - 1;

	if (canonical && c != '\n')
		limit--; /* the line's end gets the last slot */
	return head - tail < limit;
}

/* Caller holds tty_lock. */
static void
commit_line(void)
{
	committed = head;
	wait_wake_all(&tty_readers);
	poll_notify();
}

void
tty_input(char c)
{
	uint64_t flags = spin_lock_irqsave(&tty_lock);
	bool canonical = termios.c_lflag & ICANON;

	if (c == '\r')
		c = '\n';
	if (c == CTRL('P')) {
		spin_unlock_irqrestore(&tty_lock, flags);
		sched_dump();
		return;
	}
	if (canonical && (c == 0x7f || c == '\b')) {
		if (head != committed) {
			head--;
			echo("\b \b", 3);
		}
	} else if (canonical && c == CTRL('U')) {
		while (head != committed) {
			head--;
			echo("\b \b", 3);
		}
	} else if ((termios.c_lflag & ISIG) && c != 0 &&
		   (c == termios.c_cc[VINTR] || c == termios.c_cc[VQUIT] ||
		    c == termios.c_cc[VSUSP])) {
		/* Ctrl-C (SIGINT), Ctrl-\ (SIGQUIT) or Ctrl-Z (SIGTSTP), to
		 * every process in the foreground group; the typed line is
		 * thrown away. */
		int sig = c == termios.c_cc[VINTR]   ? SIGINT
			  : c == termios.c_cc[VQUIT] ? SIGQUIT
						     : SIGTSTP;
		int pgrp = foreground; /* 0: nobody in front */
		head = committed;
		echo(sig == SIGINT    ? "^C\n"
		     : sig == SIGQUIT ? "^\\\n"
				      : "^Z\n",
		     3);
		spin_unlock_irqrestore(&tty_lock, flags);
		if (pgrp)
			signal_kill_group(pgrp, sig);
		return;
	} else if (canonical && c == CTRL('D')) {
		if (head == committed)
			eof_marks++;
		commit_line();
	} else if (ring_has_room(c, canonical)) {
		ring[head++ & (TTY_BUFFER - 1)] = c;
		echo(&c, 1);
		if (!canonical || c == '\n')
			commit_line();
	}
	spin_unlock_irqrestore(&tty_lock, flags);
}

/* --- Job control: the controlling terminal and its foreground group --- */

/* The console's session, or 0. Caller holds proc_lock. */
static int
console_session_locked(void)
{
	uint64_t flags = spin_lock_irqsave(&tty_lock);
	int sid = session;
	spin_unlock_irqrestore(&tty_lock, flags);
	return sid;
}

/*
 * The leader of session @sid is exiting. If the console is that
 * session's controlling terminal, the session loses it, and the group
 * in front gets SIGHUP (Linux's disassociate_ctty on exit; the leader
 * is usually the login shell, and its group the job in front). The
 * console is then free for the next session leader's TIOCSCTTY.
 * Caller holds no lock: sending SIGHUP may end processes.
 */
void
tty_session_leader_exit(int sid)
{
	uint64_t flags = spin_lock_irqsave(&tty_lock);
	int pgrp = 0;

	if (session && session == sid) {
		pgrp = foreground;
		session = foreground = 0;
	}
	spin_unlock_irqrestore(&tty_lock, flags);
	if (pgrp)
		signal_kill_group(pgrp, SIGHUP);
}

/* Is the console the caller's controlling terminal, that is, is the
 * caller in the console's session? Caller holds proc_lock. */
static bool
is_controlling_locked(void)
{
	int sid = console_session_locked();

	return sid && current_task()->group->sid == sid;
}

static bool
is_controlling(void)
{
	uint64_t irq = spin_lock_irqsave(&proc_lock);
	bool yes = is_controlling_locked();
	spin_unlock_irqrestore(&proc_lock, irq);
	return yes;
}

/*
 * May the caller use the console now (Linux's __tty_check_change)?
 * Only its foreground group may read it, change its settings, and with
 * TOSTOP write to it; a process of another session, for which it is not
 * the controlling terminal, may do all that too. A process in a
 * background group of its session gets @sig, SIGTTIN or SIGTTOU, sent
 * to its whole group, and the call fails with -EINTR: by default the
 * signal stops the group, and once continued (fg) the call runs again
 * from the start (signal_deliver), and checks again. Except:
 *
 *   @sig ignored or blocked     a read fails with -EIO; the rest go on
 *   the group is orphaned       -EIO: no shell is left to continue it
 */
static long
job_control(int sig)
{
	struct task *t = current_task();
	struct thread_group *g = t->group;
	long ret = 0;

	uint64_t irq = spin_lock_irqsave(&proc_lock);
	int sid = console_session_locked();
	uint64_t flags = spin_lock_irqsave(&tty_lock);
	bool background =
		sid && g->sid == sid && foreground && g->pgid != foreground;
	spin_unlock_irqrestore(&tty_lock, flags);
	if (background) {
		if (t->sighand->actions[sig - 1].handler == SIG_IGN ||
		    (t->sigmask & (1ull << (sig - 1))))
			ret = sig == SIGTTIN ? -EIO : 0;
		else if (process_group_orphaned(g->pgid))
			ret = -EIO;
		else
			ret = -EINTR;
	}
	int pgid = g->pgid;
	spin_unlock_irqrestore(&proc_lock, irq);
	if (ret == -EINTR)
		signal_kill_group(pgid, sig);
	return ret;
}

/*
 * TIOCSCTTY: a session leader makes the console its session's
 * controlling terminal, with its own group in front. The console must
 * be free, or @steal is 1 (Linux asks for CAP_SYS_ADMIN too; every
 * Sprout process has it).
 */
static long
set_controlling(uint64_t steal)
{
	struct thread_group *g = current_task()->group;
	long ret = 0;

	uint64_t irq = spin_lock_irqsave(&proc_lock);
	int sid = console_session_locked();
	if (g->sid != current_task()->pid) {
		ret = -EPERM; /* not a session leader */
	} else if (sid != g->sid) {
		if (sid && steal != 1) {
			ret = -EPERM; /* another session's terminal */
		} else {
			uint64_t flags = spin_lock_irqsave(&tty_lock);
			session = g->sid;
			foreground = g->pgid;
			spin_unlock_irqrestore(&tty_lock, flags);
		}
	}
	spin_unlock_irqrestore(&proc_lock, irq);
	return ret;
}

/*
 * TIOCSPGRP (tcsetpgrp): put group @user_pgrp in front. Only for the
 * console's own session, and only a group of that session: -ENOTTY for
 * a process of another session, -ESRCH for no such group (or process),
 * -EPERM for another session's. From a background group, SIGTTOU first
 * (job_control), as a shell that takes the terminal back ignores it.
 */
static long
set_foreground(const void *user_pgrp)
{
	int pgrp;
	long ret = job_control(SIGTTOU);

	if (ret)
		return ret == -EIO ? -ENOTTY : ret;
	if (copy_from_user(&pgrp, user_pgrp, sizeof(pgrp)))
		return -EFAULT;
	if (pgrp < 0)
		return -EINVAL;
	uint64_t irq = spin_lock_irqsave(&proc_lock);
	int sid = process_group_session(pgrp);
	if (!is_controlling_locked()) {
		ret = -ENOTTY;
	} else if (sid < 0) {
		ret = -ESRCH;
	} else if (sid != current_task()->group->sid) {
		ret = -EPERM;
	} else {
		uint64_t flags = spin_lock_irqsave(&tty_lock);
		foreground = pgrp;
		spin_unlock_irqrestore(&tty_lock, flags);
	}
	spin_unlock_irqrestore(&proc_lock, irq);
	return ret;
}

/*
 * Read what is committed, up to the end of one line; block while there
 * is nothing. The bytes are copied to the user first and taken off the
 * ring only then, so that a bad buffer (EFAULT) loses none of them.
 * Copying can fault a page in, so tty_lock is not held meanwhile;
 * @reading keeps other readers from taking the same bytes. (Typing
 * cannot disturb them: it only adds after head, and only while there
 * is room, which the bytes being copied still take up.)
 */
static long
tty_read(struct file *f, void *user_buf, size_t size)
{
	char chunk[TTY_WRITE_CHUNK];
	size_t n = 0;

	(void)f;
	long err = job_control(SIGTTIN);
	if (err)
		return err;
	if (size == 0)
		return 0;
	uint64_t flags = spin_lock_irqsave(&tty_lock);
	while ((tail == committed && !eof_marks) || reading) {
		if (signal_pending(current_task())) {
			spin_unlock_irqrestore(&tty_lock, flags);
			return -EINTR;
		}
		wait_sleep(&tty_readers, &tty_lock);
	}
	if (tail == committed) { /* Ctrl-D on an empty line */
		eof_marks--;
		spin_unlock_irqrestore(&tty_lock, flags);
		return 0;
	}
	while (tail + n != committed && n < size && n < sizeof(chunk)) {
		char c = ring[(tail + n) & (TTY_BUFFER - 1)];
		chunk[n++] = c;
		if (c == '\n' && (termios.c_lflag & ICANON))
			break;
	}
	reading = true;
	spin_unlock_irqrestore(&tty_lock, flags);
	bool fault = copy_to_user(user_buf, chunk, n);
	flags = spin_lock_irqsave(&tty_lock);
	reading = false;
	if (!fault)
		tail += n;
	wait_wake_all(&tty_readers); /* those that waited for @reading */
	spin_unlock_irqrestore(&tty_lock, flags);
	return fault ? -EFAULT : (long)n;
}

/*
 * Write to every console, a chunk at a time. A long write must not keep
 * the CPU from everyone else (the kernel is not preemptive: this is a
 * preemption point), nor keep a killed process alive: as Linux's
 * tty_write, a signal ends it between chunks, with what was written.
 * A background group may write unless TOSTOP is set (job_control).
 */
static long
tty_write(struct file *f, const void *user_buf, size_t size)
{
	char chunk[TTY_WRITE_CHUNK];
	size_t done = 0;

	(void)f;
	if (termios.c_lflag & TOSTOP) {
		long err = job_control(SIGTTOU);
		if (err)
			return err;
	}
	while (done < size) {
		size_t n = MIN(size - done, sizeof(chunk));
		if (copy_from_user(chunk, (const char *)user_buf + done, n))
			return done ? (long)done : -EFAULT;
		console_write(chunk, n);
		done += n;
		if (done < size) {
			if (signal_pending(current_task()))
				break;
			sched_preempt_point();
		}
	}
	return (long)done;
}

static long
tty_ioctl(struct file *f, unsigned long request, uint64_t arg)
{
	struct winsize_k ws = { 25, 80, 0, 0 };
	struct termios_k t;
	long err;
	int id;

	(void)f;
	switch (request) {
	case TCGETS:
		return copy_to_user((void *)arg, &termios, sizeof(termios));
	case TCSETS: /* from a background group: SIGTTOU first */
	case TCSETSW:
	case TCSETSF:
		err = job_control(SIGTTOU);
		if (err)
			return err;
		if (copy_from_user(&t, (const void *)arg, sizeof(t)))
			return -EFAULT;
		termios = t;
		return 0;
	case TIOCGWINSZ:
		return copy_to_user((void *)arg, &ws, sizeof(ws));
	case TIOCSWINSZ:
		return 0;
	case TIOCSCTTY:
		return set_controlling(arg);
	case TIOCGPGRP: /* tcgetpgrp, and TIOCGSID (tcgetsid) */
	case TIOCGSID:
		if (!is_controlling())
			return -ENOTTY;
		id = request == TIOCGPGRP ? foreground : session;
		return copy_to_user((void *)arg, &id, sizeof(id));
	case TIOCSPGRP:
		return set_foreground((const void *)arg);
	default:
		return -ENOTTY;
	}
}

static unsigned
tty_poll(struct file *f)
{
	(void)f;
	uint64_t flags = spin_lock_irqsave(&tty_lock);
	bool readable = tail != committed || eof_marks;
	spin_unlock_irqrestore(&tty_lock, flags);
	return POLLOUT | (readable ? POLLIN : 0);
}

static const struct file_ops tty_ops = {
	.read = tty_read,
	.write = tty_write,
	.ioctl = tty_ioctl,
	.poll = tty_poll,
};

#define TTY_MAJOR 5 /* Linux's numbers: /dev/tty is 5,0, /dev/console 5,1 */

int
tty_init(void)
{
	int err = vfs_add_device("/dev/console", TTY_MAJOR << 8 | 1, &tty_ops);

	if (!err)
		err = vfs_add_device("/dev/tty", TTY_MAJOR << 8, &tty_ops);
	serial_on_input(tty_input);
	keyboard_init(tty_input);
	return err;
}
