/*
 * Pipes: a ring buffer between a writing end and a reading end.
 *
 *   write(fds[1]) -> [ ring buffer, PIPE_SIZE bytes ] -> read(fds[0])
 *
 * The rules, Linux's:
 *   - a reader with nothing to read waits (WAITING), unless the pipe has
 *     no writers left: then read returns 0, end of file;
 *   - a writer with no room waits, unless the pipe has no readers left:
 *     then write fails with EPIPE and the writer gets SIGPIPE;
 *   - a write of at most PIPE_BUF bytes is atomic: it waits until all of
 *     it fits, so it never interleaves with another writer's bytes;
 *   - O_NONBLOCK turns each wait into EAGAIN.
 * The number of readers and writers counts open files: each end is one
 * open file, shared by dup and fork; the release hook runs at the last
 * close of an end.
 */
#include "kernel/fs/pipe.h"
#include "kernel/fs/vfs.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/spinlock.h"
#include "kernel/proc/signal.h"
#include "kernel/syscall.h"
#include "mm/kmalloc.h"
#include "mm/uaccess.h"
#include "sched/sched.h"
#include "sched/task.h"
#include "sched/wait.h"

#define PIPE_SIZE  65536 /* Linux's default capacity */
#define PIPE_CHUNK 512	 /* bytes copied per pass, through the stack */

struct pipe {
	struct spinlock lock;
	uint8_t *buf;
	uint64_t head, tail; /* free-running: bytes written, bytes read */
	int readers, writers;
	bool reading; /* a reader is copying out: the others wait */
	struct wait_queue readable, writable;
};

static size_t
pipe_used(const struct pipe *p)
{
	return (size_t)(p->head - p->tail);
}

/* Something changed: let sleepers and poll look again. */
static void
pipe_wake(struct pipe *p)
{
	wait_wake_all(&p->readable);
	wait_wake_all(&p->writable);
	poll_notify();
}

static long
pipe_read(struct file *f, void *user_buf, size_t size)
{
	struct pipe *p = f->inode->pipe;
	uint8_t chunk[PIPE_CHUNK];

	if (size == 0)
		return 0;
	uint64_t flags = spin_lock_irqsave(&p->lock);
	while (pipe_used(p) == 0 || p->reading) {
		if (pipe_used(p) == 0 && p->writers == 0) {
			spin_unlock_irqrestore(&p->lock, flags);
			return 0; /* end of file */
		}
		if (f->flags & O_NONBLOCK) {
			spin_unlock_irqrestore(&p->lock, flags);
			return -EAGAIN;
		}
		if (signal_pending(current_task())) {
			spin_unlock_irqrestore(&p->lock, flags);
			return -EINTR;
		}
		wait_sleep(&p->readable, &p->lock);
	}
	/*
	 * Take all that is there, up to @size, a chunk at a time: copy a
	 * chunk out of the ring, then to the user, and only then take it
	 * off the ring, so that a bad buffer (EFAULT) loses nothing.
	 * Copying to the user can fault a page in, so the lock is not held
	 * meanwhile; @reading keeps other readers from taking the same
	 * bytes.
	 */
	size_t done = 0;
	p->reading = true;
	while (done < size && pipe_used(p) > 0) {
		size_t n = MIN(MIN(size - done, pipe_used(p)), sizeof(chunk));
		for (size_t i = 0; i < n; i++)
			chunk[i] = p->buf[(p->tail + i) % PIPE_SIZE];
		spin_unlock_irqrestore(&p->lock, flags);
		bool fault = copy_to_user((uint8_t *)user_buf + done, chunk, n);
		flags = spin_lock_irqsave(&p->lock);
		if (fault)
			break;
		p->tail += n;
		done += n;
	}
	p->reading = false;
	spin_unlock_irqrestore(&p->lock, flags);
	pipe_wake(p);
	return done ? (long)done : -EFAULT;
}

static long
pipe_write(struct file *f, const void *user_buf, size_t size)
{
	struct pipe *p = f->inode->pipe;
	uint8_t chunk[PIPE_CHUNK];
	size_t done = 0;

	while (done < size) {
		size_t n = MIN(size - done, sizeof(chunk));
		if (copy_from_user(chunk, (const uint8_t *)user_buf + done, n))
			return done ? (long)done : -EFAULT;
		/* Atomic writes wait for room for the whole of them. */
		size_t need = size <= PIPE_BUF ? size - done : 1;
		uint64_t flags = spin_lock_irqsave(&p->lock);
		for (;;) {
			if (p->readers == 0) {
				spin_unlock_irqrestore(&p->lock, flags);
				signal_send(current_task(), SIGPIPE);
				return done ? (long)done : -EPIPE;
			}
			if (PIPE_SIZE - pipe_used(p) >= need)
				break;
			if ((f->flags & O_NONBLOCK) ||
			    signal_pending(current_task())) {
				spin_unlock_irqrestore(&p->lock, flags);
				if (done)
					return (long)done;
				return f->flags & O_NONBLOCK ? -EAGAIN : -EINTR;
			}
			wait_sleep(&p->writable, &p->lock);
		}
		n = MIN(n, PIPE_SIZE - pipe_used(p));
		for (size_t i = 0; i < n; i++)
			p->buf[(p->head + i) % PIPE_SIZE] = chunk[i];
		p->head += n;
		spin_unlock_irqrestore(&p->lock, flags);
		pipe_wake(p);
		done += n;
	}
	return (long)done;
}

static void
pipe_release(struct file *f)
{
	struct pipe *p = f->inode->pipe;
	uint64_t flags = spin_lock_irqsave(&p->lock);

	if ((f->flags & O_ACCMODE) == O_RDONLY)
		p->readers--;
	else
		p->writers--;
	bool gone = p->readers == 0 && p->writers == 0;
	spin_unlock_irqrestore(&p->lock, flags);
	if (gone) {
		kfree(p->buf);
		kfree(f->inode);
		kfree(p);
	} else {
		pipe_wake(p); /* EOF for readers, EPIPE for writers */
	}
}

static unsigned
pipe_poll(struct file *f)
{
	struct pipe *p = f->inode->pipe;
	unsigned events = 0;
	uint64_t flags = spin_lock_irqsave(&p->lock);

	if ((f->flags & O_ACCMODE) == O_RDONLY) {
		if (pipe_used(p))
			events |= POLLIN;
		if (p->writers == 0)
			events |= POLLHUP;
	} else {
		if (PIPE_SIZE - pipe_used(p) >= PIPE_BUF)
			events |= POLLOUT;
		if (p->readers == 0)
			events |= POLLERR;
	}
	spin_unlock_irqrestore(&p->lock, flags);
	return events;
}

static const struct file_ops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.release = pipe_release,
	.poll = pipe_poll,
};

/* A pipe and its two open files, or -ENOMEM. */
static int
pipe_create(int flags, struct file **read_end, struct file **write_end)
{
	struct pipe *p = kzalloc(sizeof(*p));
	struct inode *inode = kzalloc(sizeof(*inode));
	uint8_t *buf = kmalloc(PIPE_SIZE);

	*read_end = *write_end = NULL;
	if (p && inode && buf) {
		*read_end = file_open(inode, O_RDONLY | flags);
		*write_end = file_open(inode, O_WRONLY | flags);
	}
	if (!*read_end || !*write_end) {
		kfree(*read_end);
		kfree(*write_end);
		kfree(buf);
		kfree(inode);
		kfree(p);
		return -ENOMEM;
	}
	p->lock = (struct spinlock)SPINLOCK_INIT("pipe");
	p->buf = buf;
	p->readers = p->writers = 1;
	wait_queue_init(&p->readable, "pipe-read");
	wait_queue_init(&p->writable, "pipe-write");
	/* Numbers of their own, far above the initramfs's, so that fstat
	 * tells two pipes apart (and both ends of one are the same). */
	static uint32_t next_ino = 0x40000000;
	inode->ino = __atomic_fetch_add(&next_ino, 1, __ATOMIC_RELAXED);
	inode->mode = S_IFIFO | 0600;
	inode->nlink = 1;
	inode->ops = &pipe_ops;
	inode->pipe = p;
	return 0;
}

static long
do_pipe2(int *user_fds, int flags)
{
	struct files *files = current_task()->files;
	struct file *r, *w;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	int err = pipe_create(flags & O_NONBLOCK, &r, &w);
	if (err)
		return err;
	int fds[2] = { fd_install(files, r, flags & O_CLOEXEC), -1 };
	if (fds[0] < 0) {
		file_put(r);
		file_put(w);
		return fds[0];
	}
	fds[1] = fd_install(files, w, flags & O_CLOEXEC);
	if (fds[1] < 0) {
		fd_close(files, fds[0]);
		file_put(w);
		return fds[1];
	}
	if (copy_to_user(user_fds, fds, sizeof(fds))) {
		fd_close(files, fds[0]);
		fd_close(files, fds[1]);
		return -EFAULT;
	}
	return 0;
}

long
sys_pipe(const struct syscall_args *a)
{
	return do_pipe2((int *)a->a[0], 0);
}

long
sys_pipe2(const struct syscall_args *a)
{
	return do_pipe2((int *)a->a[0], (int)a->a[1]);
}
