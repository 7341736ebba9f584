/*
 * /proc's tree: its root, the directories of processes, and reading
 * (the picture is in procfs.h; what each file says is procfs_text.c).
 *
 * The VFS meets /proc in three places. Looking up a name in a /proc
 * directory calls its inode's lookup instead of searching a list of
 * names; listing it calls its readdir; reading a file calls its read,
 * which makes the text and copies out the part asked for.
 *
 * Inode numbers say where an inode is, so that a listing needs no
 * inodes at all:
 *
 *   PROC_INO_BASE                       /proc
 *   PROC_INO_BASE + 1 + i               the machine's file i
 *   PROC_INO_BASE + 16 * pid            /proc/<pid>
 *   PROC_INO_BASE + 16 * pid + 1 + i    its file i
 *
 * Positions in a listing of /proc (what getdents64 resumes from) are
 * chosen the same way: the machine's files, then "self", then each
 * process at PID_POS + pid. A listing in several calls goes on after
 * the last pid it gave, whichever processes came or went meanwhile.
 */
#include "kernel/fs/procfs.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/format.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/spinlock.h"
#include "kernel/lib/string.h"
#include "kernel/proc/process.h"
#include "kernel/syscall.h"
#include "mm/kmalloc.h"
#include "mm/memlayout.h"
#include "mm/uaccess.h"
#include "sched/sched.h"
#include "sched/task.h"

/* Inode numbers of their own: the initramfs counts from 1, pipes from
 * 0x40000000. */
#define PROC_INO_BASE	 0x20000000u
#define PROC_INO_PER_PID 16
#define PROC_TEXT_SIZE	 PAGE_SIZE /* the longest text: cmdline's page */
#define NSEC_PER_SEC	 1000000000ull
#define PID_DIGITS_MAX	 9

/* A file: its name, and what makes its text. */
struct proc_entry {
	const char *name;
	int (*show)(struct proc_text *t, struct proc_dir *d);
};

/* The files about the machine, in name order; "self" comes after them. */
static const struct proc_entry machine_files[] = {
	{ "cpuinfo", proc_show_cpuinfo },
	{ "meminfo", proc_show_meminfo },
	{ "sched_trace", proc_show_sched_trace },
	{ "uptime", proc_show_uptime },
	{ "version", proc_show_version },
};
#define SELF_POS (2 + ARRAY_SIZE(machine_files))
#define PID_POS	 (SELF_POS + 1)

static const struct proc_entry pid_files[PROC_PID_FILES] = {
	[PROC_PID_CMDLINE] = { "cmdline", proc_show_cmdline },
	[PROC_PID_STAT] = { "stat", proc_show_stat },
	[PROC_PID_STATUS] = { "status", proc_show_status },
};

static struct inode proc_root;
static struct inode machine_inodes[ARRAY_SIZE(machine_files)];

static uint32_t
pid_ino(int pid)
{
	return PROC_INO_BASE + (uint32_t)pid * PROC_INO_PER_PID;
}

/* --- Reading: the text is made when a read starts at offset 0 ----------- */

static void
text_free(struct proc_text *t)
{
	if (t) {
		kfree(t->buf);
		kfree(t);
	}
}

/* A read from offset 0 makes the text afresh; later reads go on in that
 * same text, kept with the open file. So a program that reads in small
 * pieces still sees one moment, as Linux's seq_file gives it. */
static long
proc_read(struct file *f, void *user_buf, size_t size,
	  const struct proc_entry *e, struct proc_dir *d)
{
	struct proc_text *t = f->private;

	if (f->offset == 0 || !t) {
		t = kzalloc(sizeof(*t));
		if (t)
			t->buf = kmalloc(PROC_TEXT_SIZE);
		if (!t || !t->buf) {
			text_free(t);
			return -ENOMEM;
		}
		t->size = PROC_TEXT_SIZE;
		int err = e->show(t, d);
		if (err) {
			text_free(t);
			return err;
		}
		text_free(f->private);
		f->private = t;
	}
	if (f->offset >= t->len)
		return 0;
	size_t n = MIN(size, t->len - f->offset);
	if (copy_to_user(user_buf, t->buf + f->offset, n))
		return -EFAULT;
	f->offset += n;
	return (long)n;
}

static long
machine_file_read(struct file *f, void *user_buf, size_t size)
{
	return proc_read(f, user_buf, size, f->inode->private, NULL);
}

static long
pid_file_read(struct file *f, void *user_buf, size_t size)
{
	struct proc_dir *d = f->inode->private;

	return proc_read(f, user_buf, size, &pid_files[f->inode - d->files], d);
}

/* Root may open these files for writing, as on Linux; the write fails
 * with Linux's errors: EIO from /proc's own files, EINVAL from a
 * process's (which, there, have no write operation at all). */
static long
machine_file_write(struct file *f, const void *user_buf, size_t size)
{
	(void)f, (void)user_buf, (void)size;
	return -EIO;
}

static long
pid_file_write(struct file *f, const void *user_buf, size_t size)
{
	(void)f, (void)user_buf, (void)size;
	return -EINVAL;
}

static void
proc_file_release(struct file *f)
{
	text_free(f->private);
	f->private = NULL;
}

static const struct file_ops machine_file_ops = {
	.read = machine_file_read,
	.write = machine_file_write,
	.release = proc_file_release,
};

static const struct file_ops pid_file_ops = {
	.read = pid_file_read,
	.write = pid_file_write,
	.release = proc_file_release,
};

/* --- /proc/<pid> ------------------------------------------------------------ */

static void
proc_dir_get(struct inode *inode)
{
	struct proc_dir *d = inode->private;

	__atomic_add_fetch(&d->refcount, 1, __ATOMIC_RELAXED);
}

static void
proc_dir_put_ref(struct proc_dir *d)
{
	if (__atomic_sub_fetch(&d->refcount, 1, __ATOMIC_ACQ_REL) == 0)
		kfree(d);
}

static void
proc_dir_put(struct inode *inode)
{
	proc_dir_put_ref(inode->private);
}

void
procfs_process_gone(struct proc_dir *d)
{
	d->group = NULL;
	proc_dir_put_ref(d);
}

/* Is @d's process still there (not yet reaped)? */
static bool
proc_dir_alive(struct proc_dir *d)
{
	uint64_t irq = spin_lock_irqsave(&proc_lock);
	bool alive = d->group != NULL;
	spin_unlock_irqrestore(&proc_lock, irq);
	return alive;
}

static int
pid_dir_lookup(struct inode *dir, const char *name, size_t len,
	       struct inode **out)
{
	struct proc_dir *d = dir->private;

	/* A directory kept open (or stood in) after its process was
	 * reaped has nothing in it: ESRCH, as on Linux, where the search
	 * permission of the directory is what fails. */
	if (!proc_dir_alive(d))
		return -ESRCH;
	for (size_t i = 0; i < PROC_PID_FILES; i++) {
		if (strlen(pid_files[i].name) == len &&
		    memcmp(pid_files[i].name, name, len) == 0) {
			*out = &d->files[i];
			return 0;
		}
	}
	return -ENOENT;
}

static bool
pid_dir_readdir(struct inode *dir, uint64_t *pos, struct vfs_dirent *out)
{
	struct proc_dir *d = dir->private;
	uint64_t i = *pos - 2;

	if (i >= PROC_PID_FILES || !proc_dir_alive(d))
		return false;
	strlcpy(out->name, pid_files[i].name, sizeof(out->name));
	out->ino = d->files[i].ino;
	out->mode = d->files[i].mode;
	(*pos)++;
	return true;
}

static const struct inode_ops pid_dir_iops = {
	.lookup = pid_dir_lookup,
	.readdir = pid_dir_readdir,
	.get = proc_dir_get,
	.put = proc_dir_put,
};

/* A process's files are counted with their directory: one count for
 * all, since they are one allocation. */
static const struct inode_ops pid_file_iops = {
	.get = proc_dir_get,
	.put = proc_dir_put,
};

/* A new directory for process @pid (group @g), with the process's own
 * reference, or NULL. */
static struct proc_dir *
proc_dir_create(struct thread_group *g, int pid, uint64_t now)
{
	struct proc_dir *d = kzalloc(sizeof(*d));

	if (!d)
		return NULL;
	d->refcount = 1;
	d->group = g;
	ksnprintf(d->name, sizeof(d->name), "%d", pid);
	d->dir = (struct inode){
		.mode = S_IFDIR | 0555,
		.ino = pid_ino(pid),
		.nlink = 2,
		.mtime = now,
		.parent = &proc_root,
		.name = d->name,
		.iops = &pid_dir_iops,
		.private = d,
	};
	for (size_t i = 0; i < PROC_PID_FILES; i++)
		d->files[i] = (struct inode){
			.mode = S_IFREG | 0444,
			.ino = pid_ino(pid) + 1 + (uint32_t)i,
			.nlink = 1,
			.mtime = now,
			.parent = &d->dir,
			.ops = &pid_file_ops,
			.iops = &pid_file_iops,
			.private = d,
		};
	return d;
}

/* The directory of process @pid (zombies included), made on first use. */
static int
pid_dir_find(int pid, struct inode **out)
{
	uint64_t now = realtime_ns() / NSEC_PER_SEC;
	uint64_t irq = spin_lock_irqsave(&proc_lock);
	struct task *t = task_find(pid);
	int err = -ENOENT;

	/* Only a process's leader: Linux also answers for a thread's tid,
	 * unlisted; Sprout does not. */
	if (t && t->group && t->group->leader == t) {
		struct proc_info *info = &t->group->proc;
		if (!info->dir)
			info->dir = proc_dir_create(t->group, pid, now);
		err = info->dir ? 0 : -ENOMEM;
		if (!err)
			*out = &info->dir->dir;
	}
	spin_unlock_irqrestore(&proc_lock, irq);
	return err;
}

/* The pid of the first process whose pid is @from or more, or -1. */
static int
next_process(int from)
{
	uint64_t irq = spin_lock_irqsave(&proc_lock);
	int pid = -1;

	for (struct task *t = task_next(from - 1); t; t = task_next(t->tid)) {
		if (t->group && t->group->leader == t) {
			pid = t->pid;
			break;
		}
	}
	spin_unlock_irqrestore(&proc_lock, irq);
	return pid;
}

/* The caller's pid, or -1 for a kernel thread (no process, no "self"). */
static int
self_pid(void)
{
	struct task *me = current_task();

	return me->group ? me->pid : -1;
}

/* --- The root, /proc ------------------------------------------------------ */

/* A name that is a pid: digits without a leading zero, as Linux reads
 * them ("007" is no process). -1 if it is not one. */
static int
parse_pid(const char *name, size_t len)
{
	int pid = 0;

	if (len == 0 || len > PID_DIGITS_MAX || (name[0] == '0' && len > 1))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		pid = pid * 10 + (name[i] - '0');
	}
	return pid;
}

static int
root_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	(void)dir;
	for (size_t i = 0; i < ARRAY_SIZE(machine_files); i++) {
		if (strlen(machine_files[i].name) == len &&
		    memcmp(machine_files[i].name, name, len) == 0) {
			*out = &machine_inodes[i];
			return 0;
		}
	}
	int pid = len == 4 && memcmp(name, "self", 4) == 0
			  ? self_pid()
			  : parse_pid(name, len);
	return pid < 0 ? -ENOENT : pid_dir_find(pid, out);
}

static bool
root_readdir(struct inode *dir, uint64_t *pos, struct vfs_dirent *out)
{
	(void)dir;
	if (*pos < SELF_POS) {
		size_t i = *pos - 2;
		strlcpy(out->name, machine_files[i].name, sizeof(out->name));
		out->ino = machine_inodes[i].ino;
		out->mode = machine_inodes[i].mode;
		(*pos)++;
		return true;
	}
	if (*pos == SELF_POS) {
		(*pos)++;
		int me = self_pid();
		if (me >= 0) {
			/* A directory, not the symbolic link it is on Linux:
			 * Sprout has none. */
			strlcpy(out->name, "self", sizeof(out->name));
			out->ino = pid_ino(me);
			out->mode = S_IFDIR | 0555;
			return true;
		}
	}
	if (*pos - PID_POS >= TASK_TID_MAX)
		return false;
	int pid = next_process((int)(*pos - PID_POS));
	if (pid < 0)
		return false;
	ksnprintf(out->name, sizeof(out->name), "%d", pid);
	out->ino = pid_ino(pid);
	out->mode = S_IFDIR | 0555;
	*pos = PID_POS + (uint64_t)pid + 1;
	return true;
}

/* /proc itself lives for ever: it is not counted. */
static const struct inode_ops root_iops = {
	.lookup = root_lookup,
	.readdir = root_readdir,
};

int
procfs_init(void)
{
	uint64_t now = realtime_ns() / NSEC_PER_SEC;

	proc_root = (struct inode){
		.mode = S_IFDIR | 0555,
		.ino = PROC_INO_BASE,
		.nlink = 2,
		.mtime = now,
		.iops = &root_iops,
	};
	for (size_t i = 0; i < ARRAY_SIZE(machine_files); i++)
		machine_inodes[i] = (struct inode){
			.mode = S_IFREG | 0444,
			.ino = PROC_INO_BASE + 1 + (uint32_t)i,
			.nlink = 1,
			.mtime = now,
			.parent = &proc_root,
			.ops = &machine_file_ops,
			.private = (void *)&machine_files[i],
		};
	int err = vfs_mount("proc", &proc_root);
	if (err)
		pr_warn("procfs: cannot mount /proc (error %d)\n", err);
	return err;
}
