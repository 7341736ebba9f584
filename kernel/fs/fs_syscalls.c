/*
 * The file system calls: thin wrappers that check their arguments and
 * work on the calling process's descriptor table and working directory.
 */
#include "kernel/fs/pipe.h"
#include "kernel/fs/vfs.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/string.h"
#include "kernel/syscall.h"
#include "mm/kmalloc.h"
#include "mm/memlayout.h"
#include "mm/uaccess.h"
#include "sched/task.h"

#define AT_FDCWD	    (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_EACCESS	    0x200
#define AT_EMPTY_PATH	    0x1000
#define SEEK_SET	    0
#define SEEK_CUR	    1
#define SEEK_END	    2
#define F_OK		    0
#define X_OK		    1
#define W_OK		    2
#define R_OK		    4
#define IOV_MAX		    1024
#define DT_CHR		    2
#define DT_DIR		    4
#define DT_REG		    8
#define STAT_BLOCK_SIZE	    4096

/* Linux's struct stat on x86-64. */
struct stat_k {
	uint64_t st_dev, st_ino, st_nlink;
	uint32_t st_mode, st_uid, st_gid, pad0;
	uint64_t st_rdev;
	int64_t st_size, st_blksize, st_blocks;
	uint64_t st_atime, st_atime_nsec, st_mtime, st_mtime_nsec;
	uint64_t st_ctime, st_ctime_nsec;
	int64_t reserved[3];
};
_Static_assert(sizeof(struct stat_k) == 144, "Linux's x86-64 struct stat");

struct iovec_k {
	uint64_t base, len;
};

static struct task *
me(void)
{
	return current_task();
}

int
fs_at_directory(int dirfd, const char *path, struct inode **dir)
{
	if (path[0] == '/' || dirfd == AT_FDCWD) {
		*dir = me()->fs->cwd;
		return 0;
	}
	struct file *f = fd_get(me()->files, dirfd);
	if (!f)
		return -EBADF;
	*dir = f->inode;
	file_put(f);
	return S_ISDIR((*dir)->mode) ? 0 : -ENOTDIR;
}

/* Copy a user path and look it up relative to dirfd. */
static int
lookup_at(int dirfd, const char *user_path, struct inode **out)
{
	char *path = kmalloc(PATH_MAX);
	struct inode *dir;

	if (!path)
		return -ENOMEM;
	int err = path_from_user(path, user_path);
	if (!err)
		err = fs_at_directory(dirfd, path, &dir);
	if (!err)
		err = vfs_lookup(path, dir, out);
	kfree(path);
	return err;
}

/*
 * The inode @path names, made first (a file, mode @mode) if it is
 * missing and O_CREAT asks for it; *created says so. Linux's errors:
 * EEXIST for O_EXCL, EISDIR for O_CREAT of a directory, EACCES for
 * making a name in /proc.
 */
static int
open_lookup(int dirfd, const char *path, int flags, uint32_t mode,
	    struct inode **out, bool *created)
{
	struct inode *start, *dir;
	const char *name;
	size_t len;
	bool trailing;

	*created = false;
	int err = fs_at_directory(dirfd, path, &start);
	if (!err)
		err = vfs_lookup(path, start, out);
	if (!(flags & O_CREAT))
		return err;
	if (!err) {
		if (flags & O_EXCL)
			return -EEXIST;
		return S_ISDIR((*out)->mode) ? -EISDIR : 0;
	}
	if (err != -ENOENT)
		return err;
	err = vfs_lookup_parent(path, start, &dir, &name, &len, &trailing);
	if (err)
		return err;
	if (trailing)
		return -EISDIR; /* "new/": only a directory could be that */
	err = vfs_create(dir, name, len, S_IFREG | (mode & 07777), out);
	if (err == -EPERM)
		return -EACCES;
	*created = !err;
	return err;
}

static long
do_openat(int dirfd, const char *user_path, int flags, uint32_t mode)
{
	struct inode *inode;
	int access = flags & O_ACCMODE;
	bool created;
	char *path = kmalloc(PATH_MAX);

	if (!path)
		return -ENOMEM;
	int err = path_from_user(path, user_path);
	if (!err && access == O_ACCMODE && (flags & O_CREAT))
		err = -EINVAL; /* before anything is made */
	if (!err)
		err = open_lookup(dirfd, path, flags, mode, &inode, &created);
	kfree(path);
	if (err)
		return err;
	if ((flags & O_DIRECTORY) && !S_ISDIR(inode->mode))
		return -ENOTDIR;
	if (access == O_ACCMODE)
		return -EINVAL;
	if (S_ISDIR(inode->mode) && access != O_RDONLY)
		return -EISDIR;
	/* O_TRUNC empties a tree file (even opened read-only, as Linux
	 * does). A file with operations of its own (/proc's) decides in
	 * its write, as on Linux, where root may open a read-only /proc
	 * file for writing and the write fails. */
	if ((flags & O_TRUNC) && !created && S_ISREG(inode->mode) &&
	    !inode->ops && (err = ramfs_data_truncate(inode, 0)))
		return err;
	struct file *f = file_open(inode, flags);
	if (!f)
		return -ENOMEM;
	int fd = fd_install(me()->files, f, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

long
sys_openat(const struct syscall_args *a)
{
	return do_openat((int)a->a[0], (const char *)a->a[1], (int)a->a[2],
			 (uint32_t)a->a[3]);
}

long
sys_open(const struct syscall_args *a)
{
	return do_openat(AT_FDCWD, (const char *)a->a[0], (int)a->a[1],
			 (uint32_t)a->a[2]);
}

/* creat: open for writing, made or emptied. */
long
sys_creat(const struct syscall_args *a)
{
	return do_openat(AT_FDCWD, (const char *)a->a[0],
			 O_CREAT | O_WRONLY | O_TRUNC, (uint32_t)a->a[1]);
}

long
sys_close(const struct syscall_args *a)
{
	return fd_close(me()->files, (int)a->a[0]);
}

/* A tree file: a regular file whose bytes the tree keeps (not /proc's,
 * which have operations of their own). */
static bool
is_tree_file(struct inode *i)
{
	return S_ISREG(i->mode) && !i->ops;
}

/* Read from a tree file at the offset (kernel/fs/ramfs_data.c). */
static long
file_read_data(struct file *f, void *user_buf, size_t size)
{
	long n = ramfs_data_read(f->inode, f->offset, user_buf, size, true);

	if (n > 0)
		f->offset += (uint64_t)n;
	return n;
}

/* Write to a tree file at the offset, or at its end with O_APPEND. */
static long
file_write_data(struct file *f, const void *user_buf, size_t size)
{
	if (f->flags & O_APPEND)
		f->offset = f->inode->size;
	long n = ramfs_data_write(f->inode, f->offset, user_buf, size, true);
	if (n > 0)
		f->offset += (uint64_t)n;
	return n;
}

/* read() on an open file: Linux's checks, then the file's own read. */
static long
file_read(struct file *f, void *user_buf, size_t size)
{
	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	if (S_ISDIR(f->inode->mode))
		return -EISDIR;
	if (!uaccess_range_ok((vaddr_t)user_buf, size))
		return -EFAULT;
	if (f->inode->ops)
		return f->inode->ops->read(f, user_buf, size);
	return file_read_data(f, user_buf, size);
}

static long
file_write(struct file *f, const void *user_buf, size_t size)
{
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (!uaccess_range_ok((vaddr_t)user_buf, size))
		return -EFAULT;
	if (f->inode->ops)
		return f->inode->ops->write(f, user_buf, size);
	if (S_ISREG(f->inode->mode))
		return file_write_data(f, user_buf, size);
	return -EBADF;
}

long
sys_read(const struct syscall_args *a)
{
	struct file *f = fd_get(me()->files, (int)a->a[0]);

	if (!f)
		return -EBADF;
	long ret = file_read(f, (void *)a->a[1], a->a[2]);
	file_put(f);
	return ret;
}

long
sys_write(const struct syscall_args *a)
{
	struct file *f = fd_get(me()->files, (int)a->a[0]);

	if (!f)
		return -EBADF;
	long ret = file_write(f, (const void *)a->a[1], a->a[2]);
	file_put(f);
	return ret;
}

/*
 * readv from a device or a pipe, after buffer @filled came back full:
 * read on into the next buffer? Linux hands the whole vector to one
 * read, and a read of a tty or a pipe waits only until it has something
 * (and on a tty in canonical mode gives at most one line). Sprout reads
 * buffer by buffer, so it goes on only if more is there now, and, on a
 * tty, if @filled did not end a line. (In raw mode a '\n' ends the readv
 * too: shorter than Linux's, never blocking where Linux would not.)
 */
static bool
device_has_more(struct file *f, const struct iovec_k *filled)
{
	const struct file_ops *ops = f->inode->ops;
	char last;

	if (!ops->poll || !(ops->poll(f) & POLLIN))
		return false;
	if (!S_ISCHR(f->inode->mode))
		return true;
	if (copy_from_user(&last, (const char *)filled->base + filled->len - 1,
			   1))
		return false;
	return last != '\n';
}

/*
 * readv and writev: one read or write per iovec, stopping at the first
 * short one, as Linux does. The count is Linux's: the system call takes
 * an unsigned long, but import_iovec() an unsigned int, so only its low
 * 32 bits count (1 << 32 iovecs are none at all, and -1 is EINVAL).
 */
static long
do_vector(int fd, const void *user_iov, unsigned count, bool writing)
{
	const struct iovec_k *user_vec = user_iov;
	struct iovec_k iov, filled = { 0, 0 };
	uint64_t sum = 0;
	long total = 0;

	struct file *f = fd_get(me()->files, fd);
	if (!f)
		return -EBADF;
	if (count > IOV_MAX) {
		total = -EINVAL;
		goto out;
	}
	/* First the lengths, as Linux: their total must fit in a long. */
	for (unsigned i = 0; i < count; i++) {
		if (copy_from_user(&iov, user_vec + i, sizeof(iov))) {
			total = -EFAULT;
			goto out;
		}
		if (iov.len > INT64_MAX - sum) {
			total = -EINVAL;
			goto out;
		}
		sum += iov.len;
	}
	for (unsigned i = 0; i < count; i++) {
		if (copy_from_user(&iov, user_vec + i, sizeof(iov))) {
			if (!total)
				total = -EFAULT;
			break;
		}
		if (iov.len == 0)
			continue;
		if (!writing && total > 0 && f->inode->ops &&
		    !device_has_more(f, &filled))
			break;
		long n =
			writing ? file_write(f, (const void *)iov.base, iov.len)
				: file_read(f, (void *)iov.base, iov.len);
		if (n < 0) {
			if (!total)
				total = n;
			break;
		}
		total += n;
		if ((uint64_t)n < iov.len)
			break;
		filled = iov;
	}
out:
	file_put(f);
	return total;
}

long
sys_readv(const struct syscall_args *a)
{
	return do_vector((int)a->a[0], (const void *)a->a[1], (unsigned)a->a[2],
			 false);
}

long
sys_writev(const struct syscall_args *a)
{
	return do_vector((int)a->a[0], (const void *)a->a[1], (unsigned)a->a[2],
			 true);
}

long
sys_lseek(const struct syscall_args *a)
{
	struct file *f = fd_get(me()->files, (int)a->a[0]);
	int64_t offset = (int64_t)a->a[1], base, pos;
	int whence = (int)a->a[2];
	long ret;

	if (!f)
		return -EBADF;
	if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END) {
		ret = -EINVAL;
	} else if (f->inode->ops && f->inode->ops->lseek) {
		ret = f->inode->ops->lseek(f, offset, whence); /* /dev/null */
	} else if (S_ISCHR(f->inode->mode) || S_ISFIFO(f->inode->mode)) {
		ret = -ESPIPE;
	} else if (whence == SEEK_END && S_ISDIR(f->inode->mode)) {
		/* A directory's offset counts entries, not bytes: Linux's
		 * in-memory file systems (ramfs, tmpfs), which Sprout's
		 * tree is, have no end to seek from either. (Disk file
		 * systems differ: ext4 seeks to the end of its hashes.) */
		ret = -EINVAL;
	} else {
		base = whence == SEEK_SET   ? 0
		       : whence == SEEK_CUR ? (int64_t)f->offset
					    : (int64_t)f->inode->size;
		/* Signed overflow is undefined in C: check, not wrap. */
		if (__builtin_add_overflow(base, offset, &pos) || pos < 0)
			ret = -EINVAL;
		else
			ret = (long)(f->offset = (uint64_t)pos);
	}
	file_put(f);
	return ret;
}

static long
stat_to_user(struct inode *i, void *user_st)
{
	/* A tree file's blocks are its pages (holes take none). */
	int64_t blocks = (int64_t)((i->size + 511) / 512);
	if (i->frames) {
		blocks = 0;
		for (size_t n = 0; n < i->frame_slots; n++)
			blocks += i->frames[n] ? PAGE_SIZE / 512 : 0;
	}
	struct stat_k st = {
		.st_dev = 1,
		.st_ino = i->ino,
		.st_nlink = i->nlink,
		.st_mode = i->mode,
		.st_uid = i->uid,
		.st_gid = i->gid,
		.st_rdev = i->rdev,
		.st_size = (int64_t)i->size,
		.st_blksize = STAT_BLOCK_SIZE,
		.st_blocks = blocks,
		.st_atime = i->mtime,
		.st_mtime = i->mtime,
		.st_ctime = i->ctime ? i->ctime : i->mtime,
	};
	return copy_to_user(user_st, &st, sizeof(st));
}

long
sys_fstat(const struct syscall_args *a)
{
	struct file *f = fd_get(me()->files, (int)a->a[0]);

	if (!f)
		return -EBADF;
	long ret = stat_to_user(f->inode, (void *)a->a[1]);
	file_put(f);
	return ret;
}

static long
do_fstatat(int dirfd, const char *user_path, void *user_st, int flags)
{
	struct inode *inode;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (flags & AT_EMPTY_PATH) {
		char first;
		if (copy_from_user(&first, user_path, 1))
			return -EFAULT;
		if (first == '\0') {
			if (dirfd == AT_FDCWD)
				return stat_to_user(me()->fs->cwd, user_st);
			struct file *f = fd_get(me()->files, dirfd);
			if (!f)
				return -EBADF;
			long ret = stat_to_user(f->inode, user_st);
			file_put(f);
			return ret;
		}
	}
	int err = lookup_at(dirfd, user_path, &inode);
	return err ? err : stat_to_user(inode, user_st);
}

long
sys_newfstatat(const struct syscall_args *a)
{
	return do_fstatat((int)a->a[0], (const char *)a->a[1], (void *)a->a[2],
			  (int)a->a[3]);
}

long
sys_stat(const struct syscall_args *a)
{
	return do_fstatat(AT_FDCWD, (const char *)a->a[0], (void *)a->a[1], 0);
}

long
sys_lstat(const struct syscall_args *a)
{
	return do_fstatat(AT_FDCWD, (const char *)a->a[0], (void *)a->a[1],
			  AT_SYMLINK_NOFOLLOW);
}

long
sys_ioctl(const struct syscall_args *a)
{
	struct file *f = fd_get(me()->files, (int)a->a[0]);

	if (!f)
		return -EBADF;
	long ret = f->inode->ops && f->inode->ops->ioctl
			   ? f->inode->ops->ioctl(f, a->a[1], a->a[2])
			   : -ENOTTY;
	file_put(f);
	return ret;
}

/* One linux_dirent64 record into @buf at @pos; 0 if it does not fit. */
static size_t
dirent_put(uint8_t *buf, size_t size, size_t pos, uint64_t ino, uint64_t next,
	   uint8_t type, const char *name)
{
	size_t len = strlen(name);
	size_t reclen = ALIGN_UP(8 + 8 + 2 + 1 + len + 1, 8);

	if (pos + reclen > size)
		return 0;
	uint8_t *r = buf + pos;
	memset(r, 0, reclen);
	memcpy(r, &ino, 8);	 /* d_ino */
	memcpy(r + 8, &next, 8); /* d_off: where the next one starts */
	uint16_t rl = (uint16_t)reclen;
	memcpy(r + 16, &rl, 2);	       /* d_reclen */
	r[18] = type;		       /* d_type */
	memcpy(r + 19, name, len + 1); /* d_name */
	return reclen;
}

static uint8_t
dirent_type(uint32_t mode)
{
	return S_ISDIR(mode) ? DT_DIR : S_ISCHR(mode) ? DT_CHR : DT_REG;
}

/*
 * Each entry has a position (vfs_readdir): 0 is ".", 1 is "..", then the
 * names; the open file's offset, and each d_off, is the position of the
 * next one to return. As on Linux, a call returns the entries that fit,
 * and the next call goes on from the first that did not; -EINVAL if not
 * even that one fits (which is not the end of the directory: 0 is). The
 * offset moves only once the entries are copied out, so a bad buffer
 * (EFAULT) loses none of them.
 */
long
sys_getdents64(const struct syscall_args *a)
{
	struct file *f = fd_get(me()->files, (int)a->a[0]);
	/* Linux's count is an unsigned int. */
	size_t size = MIN((uint32_t)a->a[2], (uint64_t)PAGE_SIZE * 16);
	long ret;

	if (!f)
		return -EBADF;
	struct inode *dir = f->inode;
	uint8_t *buf = kmalloc(size ? size : 1);
	if (!S_ISDIR(dir->mode)) {
		ret = -ENOTDIR;
	} else if (!buf) {
		ret = -ENOMEM;
	} else {
		size_t pos = 0, n;
		uint64_t at = f->offset, next = at;
		bool full = false;
		struct vfs_dirent ent;
		while (vfs_readdir(dir, &at, &ent)) {
			n = dirent_put(buf, size, pos, ent.ino, at,
				       dirent_type(ent.mode), ent.name);
			if (!n) {
				full = true;
				break;
			}
			pos += n;
			next = at;
		}
		if (full && pos == 0) {
			ret = -EINVAL; /* not even one entry fits */
		} else if (copy_to_user((void *)a->a[1], buf, pos)) {
			ret = -EFAULT;
		} else {
			f->offset = next;
			ret = (long)pos;
		}
	}
	kfree(buf);
	file_put(f);
	return ret;
}

long
sys_getcwd(const struct syscall_args *a)
{
	char *buf = kmalloc(PATH_MAX);
	size_t size = MIN(a->a[1], (uint64_t)PATH_MAX);

	if (!buf)
		return -ENOMEM;
	long n = vfs_path_of(me()->fs->cwd, buf, size ? size : 1);
	if (n >= 0)
		n = copy_to_user((void *)a->a[0], buf, (size_t)n + 1)
			    ? -EFAULT
			    : n + 1; /* the system call counts the NUL */
	kfree(buf);
	return n;
}

long
sys_chdir(const struct syscall_args *a)
{
	struct inode *dir;
	int err = lookup_at(AT_FDCWD, (const char *)a->a[0], &dir);

	if (err)
		return err;
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	/* The working directory keeps its inode: a /proc/<pid> directory
	 * must not be freed under a process that stands in it. */
	struct fs_info *fs = me()->fs;
	struct inode *old = fs->cwd;
	inode_get(dir);
	fs->cwd = dir;
	inode_put(old);
	return 0;
}

/* The caller is root, who may read and write anything (/proc's files
 * too: see do_openat); executing needs
 * an execute bit (or a directory, to search it). */
static long
do_faccessat(int dirfd, const char *user_path, int mode, int flags)
{
	struct inode *inode;

	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	int err = lookup_at(dirfd, user_path, &inode);
	if (err)
		return err;
	if ((mode & X_OK) && !S_ISDIR(inode->mode) && !(inode->mode & 0111))
		return -EACCES;
	return 0;
}

long
sys_access(const struct syscall_args *a)
{
	return do_faccessat(AT_FDCWD, (const char *)a->a[0], (int)a->a[1], 0);
}

long
sys_faccessat(const struct syscall_args *a)
{
	return do_faccessat((int)a->a[0], (const char *)a->a[1], (int)a->a[2],
			    0);
}

long
sys_faccessat2(const struct syscall_args *a)
{
	return do_faccessat((int)a->a[0], (const char *)a->a[1], (int)a->a[2],
			    (int)a->a[3]);
}

#define F_DUPFD		 0
#define F_DUPFD_CLOEXEC	 1030
#define F_GETFD		 1
#define F_SETFD		 2
#define F_GETFL		 3
#define F_SETFL		 4
#define FD_CLOEXEC	 1
#define SETFL_CHANGEABLE (O_APPEND | O_NONBLOCK)

/* fcntl: the descriptor flag (close-on-exec) and the open file's status
 * flags. Duplicating descriptors comes with dup. */
long
sys_fcntl(const struct syscall_args *a)
{
	struct files *files = me()->files;
	int fd = (int)a->a[0];
	struct file *f = fd_get(files, fd);
	long ret = 0;

	if (!f)
		return -EBADF;
	uint64_t flags = spin_lock_irqsave(&files->lock);
	switch ((int)a->a[1]) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		spin_unlock_irqrestore(&files->lock, flags);
		ret = fd_install_from(files, f, (int)a->a[2],
				      (int)a->a[1] == F_DUPFD_CLOEXEC);
		if (ret < 0)
			file_put(f);
		return ret; /* the new descriptor keeps fd_get's reference */
	case F_GETFD:
		ret = files->cloexec & (1ull << fd) ? FD_CLOEXEC : 0;
		break;
	case F_SETFD:
		if (a->a[2] & FD_CLOEXEC)
			files->cloexec |= 1ull << fd;
		else
			files->cloexec &= ~(1ull << fd);
		break;
	case F_GETFL:
		ret = f->flags & ~O_CLOEXEC;
		break;
	case F_SETFL:
		f->flags = (f->flags & ~SETFL_CHANGEABLE) |
			   ((int)a->a[2] & SETFL_CHANGEABLE);
		break;
	default:
		ret = -EINVAL;
	}
	spin_unlock_irqrestore(&files->lock, flags);
	file_put(f);
	return ret;
}

/* dup, dup2, dup3: another descriptor for the same open file (sharing
 * its offset and status flags); close-on-exec is the descriptor's own. */
static long
do_dup3(int old, int new, int flags, bool is_dup2)
{
	struct files *files = me()->files;

	/* Linux's order of checks: the flags, old == new, the range of
	 * new, and only then old itself. */
	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (old == new && !is_dup2)
		return -EINVAL; /* dup2 allows it, dup3 not */
	if (new < 0 || new >= FDS_MAX)
		return -EBADF;
	struct file *f = fd_get(files, old);
	if (!f)
		return -EBADF;
	if (old == new) { /* dup2(fd, fd): nothing to do */
		file_put(f);
		return new;
	}
	return fd_install_at(files, f, new, flags & O_CLOEXEC);
}

long
sys_dup(const struct syscall_args *a)
{
	struct file *f = fd_get(me()->files, (int)a->a[0]);

	if (!f)
		return -EBADF;
	int fd = fd_install(me()->files, f, false);
	if (fd < 0)
		file_put(f);
	return fd;
}

long
sys_dup2(const struct syscall_args *a)
{
	return do_dup3((int)a->a[0], (int)a->a[1], 0, true);
}

long
sys_dup3(const struct syscall_args *a)
{
	return do_dup3((int)a->a[0], (int)a->a[1], (int)a->a[2], false);
}

/*
 * pread64 and pwrite64: read and write at a given offset, leaving the
 * file's own alone. Only tree files have offsets to give: the console
 * and pipes say ESPIPE, as on Linux, and so (unlike Linux) do /proc and
 * /dev/null. As on Linux, pwrite on an O_APPEND file appends.
 */
static long
do_positioned(int fd, void *user_buf, size_t size, int64_t offset, bool writing)
{
	struct file *f = fd_get(me()->files, fd);
	long ret;

	if (!f)
		return -EBADF;
	int access = f->flags & O_ACCMODE;
	if (offset < 0)
		ret = -EINVAL;
	else if (access == (writing ? O_RDONLY : O_WRONLY))
		ret = -EBADF;
	else if (S_ISDIR(f->inode->mode))
		ret = -EISDIR;
	else if (!is_tree_file(f->inode))
		ret = -ESPIPE;
	else if (!uaccess_range_ok((vaddr_t)user_buf, size))
		ret = -EFAULT;
	else if (writing)
		ret = ramfs_data_write(f->inode,
				       f->flags & O_APPEND ? f->inode->size
							   : (uint64_t)offset,
				       user_buf, size, true);
	else
		ret = ramfs_data_read(f->inode, (uint64_t)offset, user_buf,
				      size, true);
	file_put(f);
	return ret;
}

long
sys_pread64(const struct syscall_args *a)
{
	return do_positioned((int)a->a[0], (void *)a->a[1], a->a[2],
			     (int64_t)a->a[3], false);
}

long
sys_pwrite64(const struct syscall_args *a)
{
	return do_positioned((int)a->a[0], (void *)a->a[1], a->a[2],
			     (int64_t)a->a[3], true);
}

/* ftruncate: the descriptor must be open for writing, on a tree file. */
long
sys_ftruncate(const struct syscall_args *a)
{
	struct file *f = fd_get(me()->files, (int)a->a[0]);
	int64_t length = (int64_t)a->a[1];
	long ret;

	if (!f)
		return -EBADF;
	if (length < 0 || (f->flags & O_ACCMODE) == O_RDONLY ||
	    !is_tree_file(f->inode))
		ret = -EINVAL;
	else
		ret = ramfs_data_truncate(f->inode, (uint64_t)length);
	file_put(f);
	return ret;
}

long
sys_truncate(const struct syscall_args *a)
{
	int64_t length = (int64_t)a->a[1];
	struct inode *inode;

	int err = lookup_at(AT_FDCWD, (const char *)a->a[0], &inode);
	if (err)
		return err;
	if (S_ISDIR(inode->mode))
		return -EISDIR;
	if (length < 0 || !is_tree_file(inode))
		return -EINVAL;
	return ramfs_data_truncate(inode, (uint64_t)length);
}

/* fsync and fdatasync: the tree is memory, so there is nothing to
 * write back; only the descriptor is checked. */
long
sys_fsync(const struct syscall_args *a)
{
	struct file *f = fd_get(me()->files, (int)a->a[0]);

	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}
