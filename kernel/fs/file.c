/*
 * Open files and descriptor tables (the picture is in vfs.h).
 */
#include "kernel/fs/vfs.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/string.h"
#include "mm/kmalloc.h"
#include "mm/uaccess.h"

struct file *
file_open(struct inode *inode, int flags)
{
	struct file *f = kzalloc(sizeof(*f));

	if (f) {
		f->refcount = 1;
		f->flags = flags;
		f->inode = inode;
		inode_get(inode);
	}
	return f;
}

void
file_get(struct file *f)
{
	__atomic_add_fetch(&f->refcount, 1, __ATOMIC_RELAXED);
}

void
file_put(struct file *f)
{
	if (!f || __atomic_sub_fetch(&f->refcount, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	/* A counted inode (/proc's) is let go after release, which may
	 * still use it; an uncounted one may be gone by then (a pipe's
	 * release frees its inode), so look first. */
	struct inode *counted = f->inode->iops ? f->inode : NULL;
	if (f->inode->ops && f->inode->ops->release)
		f->inode->ops->release(f);
	if (counted)
		inode_put(counted);
	kfree(f);
}

struct files *
files_create(void)
{
	struct files *files = kzalloc(sizeof(*files));

	if (files) {
		files->refcount = 1;
		files->lock = (struct spinlock)SPINLOCK_INIT("files");
	}
	return files;
}

/* fork: the child gets the same open files (sharing their offsets, as on
 * Linux), in a table of its own. */
struct files *
files_copy(struct files *src)
{
	struct files *dst = files_create();

	if (!dst)
		return NULL;
	uint64_t flags = spin_lock_irqsave(&src->lock);
	for (int fd = 0; fd < FDS_MAX; fd++) {
		dst->fd[fd] = src->fd[fd];
		if (dst->fd[fd])
			file_get(dst->fd[fd]);
	}
	dst->cloexec = src->cloexec;
	spin_unlock_irqrestore(&src->lock, flags);
	return dst;
}

void
files_put(struct files *files)
{
	if (!files ||
	    __atomic_sub_fetch(&files->refcount, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	for (int fd = 0; fd < FDS_MAX; fd++)
		file_put(files->fd[fd]);
	kfree(files);
}

int
fd_install(struct files *files, struct file *f, bool cloexec)
{
	return fd_install_from(files, f, 0, cloexec);
}

int
fd_install_at(struct files *files, struct file *f, int fd, bool cloexec)
{
	if (fd < 0 || fd >= FDS_MAX)
		return -EBADF;
	uint64_t flags = spin_lock_irqsave(&files->lock);
	struct file *old = files->fd[fd];
	files->fd[fd] = f;
	if (cloexec)
		files->cloexec |= 1ull << fd;
	else
		files->cloexec &= ~(1ull << fd);
	spin_unlock_irqrestore(&files->lock, flags);
	file_put(old); /* outside the lock: it may wake a pipe's other end */
	return fd;
}

int
fd_install_from(struct files *files, struct file *f, int min, bool cloexec)
{
	if (min < 0 || min >= FDS_MAX)
		return -EINVAL; /* past the table: as Linux past its limit */
	uint64_t flags = spin_lock_irqsave(&files->lock);

	for (int fd = min; fd < FDS_MAX; fd++) {
		if (!files->fd[fd]) {
			files->fd[fd] = f;
			if (cloexec)
				files->cloexec |= 1ull << fd;
			else
				files->cloexec &= ~(1ull << fd);
			spin_unlock_irqrestore(&files->lock, flags);
			return fd;
		}
	}
	spin_unlock_irqrestore(&files->lock, flags);
	return -EMFILE;
}

struct file *
fd_get(struct files *files, int fd)
{
	struct file *f = NULL;

	if (fd < 0 || fd >= FDS_MAX)
		return NULL;
	uint64_t flags = spin_lock_irqsave(&files->lock);
	f = files->fd[fd];
	if (f)
		file_get(f);
	spin_unlock_irqrestore(&files->lock, flags);
	return f;
}

int
fd_close(struct files *files, int fd)
{
	if (fd < 0 || fd >= FDS_MAX)
		return -EBADF;
	uint64_t flags = spin_lock_irqsave(&files->lock);
	struct file *f = files->fd[fd];
	files->fd[fd] = NULL;
	files->cloexec &= ~(1ull << fd);
	spin_unlock_irqrestore(&files->lock, flags);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

void
files_close_on_exec(struct files *files)
{
	for (int fd = 0; fd < FDS_MAX; fd++)
		if (files->cloexec & (1ull << fd))
			fd_close(files, fd);
}

int
path_from_user(char *buf, const char *user_path)
{
	long n = strncpy_from_user(buf, user_path, PATH_MAX);

	if (n < 0)
		return (int)n;
	if (n == PATH_MAX)
		return -ENAMETOOLONG;
	if (n == 0)
		return -ENOENT;
	return 0;
}

struct fs_info *
fs_info_create(struct inode *cwd)
{
	struct fs_info *fs = kzalloc(sizeof(*fs));

	if (fs) {
		fs->refcount = 1;
		fs->cwd = cwd;
		inode_get(cwd);
	}
	return fs;
}

struct fs_info *
fs_info_copy(struct fs_info *src)
{
	return fs_info_create(src->cwd);
}

void
fs_info_get(struct fs_info *fs)
{
	__atomic_add_fetch(&fs->refcount, 1, __ATOMIC_RELAXED);
}

void
fs_info_put(struct fs_info *fs)
{
	if (fs && __atomic_sub_fetch(&fs->refcount, 1, __ATOMIC_ACQ_REL) == 0) {
		inode_put(fs->cwd);
		kfree(fs);
	}
}
