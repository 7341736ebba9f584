/*
 * The system calls that change names in the tree: mkdir, rmdir, unlink,
 * rename, link, and their *at forms. Each finds the directory that holds
 * the last component of its path (vfs_lookup_parent), sorts out the
 * names that are not entries ("/", ".", ".." and trailing slashes) with
 * Linux's errors, and leaves the rest to the tree (kernel/fs/ramfs.c).
 *
 * musl on x86-64 calls the old forms (mkdir() is SYS_mkdir, remove() is
 * SYS_unlink then SYS_rmdir); the *at forms are for programs that call
 * mkdirat, unlinkat (AT_REMOVEDIR), renameat and linkat themselves.
 */
#include "kernel/fs/vfs.h"
#include "kernel/lib/errno.h"
#include "kernel/syscall.h"
#include "mm/kmalloc.h"

#define AT_FDCWD	  (-100)
#define AT_REMOVEDIR	  0x200
#define AT_SYMLINK_FOLLOW 0x400

/* A path split into its directory and its last component. */
struct parent {
	char *path; /* the kernel's copy: name points into it */
	struct inode *dir;
	const char *name;
	size_t len;
	bool trailing; /* the path ended in '/' */
};

static int
parent_at(int dirfd, const char *user_path, struct parent *p)
{
	struct inode *start;

	p->path = kmalloc(PATH_MAX);
	if (!p->path)
		return -ENOMEM;
	int err = path_from_user(p->path, user_path);
	if (!err)
		err = fs_at_directory(dirfd, p->path, &start);
	if (!err)
		err = vfs_lookup_parent(p->path, start, &p->dir, &p->name,
					&p->len, &p->trailing);
	return err;
}

static bool
is_dot(const struct parent *p)
{
	return p->len == 1 && p->name[0] == '.';
}

static bool
is_dotdot(const struct parent *p)
{
	return p->len == 2 && p->name[0] == '.' && p->name[1] == '.';
}

/* "/", "." or "..": a name that is no entry of its directory. */
static bool
not_an_entry(const struct parent *p)
{
	return p->len == 0 || is_dot(p) || is_dotdot(p);
}

static long
do_mkdirat(int dirfd, const char *user_path, uint32_t mode)
{
	struct parent p;
	struct inode *made;
	int err = parent_at(dirfd, user_path, &p);

	if (!err && not_an_entry(&p))
		err = -EEXIST;
	if (!err)
		err = vfs_create(p.dir, p.name, p.len, S_IFDIR | (mode & 07777),
				 &made);
	kfree(p.path);
	return err;
}

static long
do_rmdirat(int dirfd, const char *user_path)
{
	struct parent p;
	int err = parent_at(dirfd, user_path, &p);

	if (!err)
		err = p.len == 0      ? -EBUSY /* the root */
		      : is_dot(&p)    ? -EINVAL
		      : is_dotdot(&p) ? -ENOTEMPTY
				      : vfs_rmdir(p.dir, p.name, p.len);
	kfree(p.path);
	return err;
}

static long
do_unlinkat(int dirfd, const char *user_path)
{
	struct parent p;
	struct inode *inode;
	int err = parent_at(dirfd, user_path, &p);

	if (!err && not_an_entry(&p))
		err = -EISDIR;
	if (!err && p.trailing) {
		/* "name/": a directory (EISDIR) or nothing unlink takes. */
		err = vfs_lookup_in(p.dir, p.name, p.len, &inode);
		if (!err)
			err = S_ISDIR(inode->mode) ? -EISDIR : -ENOTDIR;
	}
	if (!err)
		err = vfs_unlink(p.dir, p.name, p.len);
	kfree(p.path);
	return err;
}

static long
do_renameat(int old_dirfd, const char *user_old, int new_dirfd,
	    const char *user_new, unsigned flags)
{
	struct parent from = { 0 }, to = { 0 };
	struct inode *moved;

	if (flags)
		return -EINVAL; /* no RENAME_NOREPLACE, EXCHANGE, WHITEOUT */
	int err = parent_at(old_dirfd, user_old, &from);
	if (!err)
		err = parent_at(new_dirfd, user_new, &to);
	if (!err && (not_an_entry(&from) || not_an_entry(&to)))
		err = -EBUSY;
	if (!err && (from.trailing || to.trailing)) {
		/* Trailing slashes are only for directories. */
		err = vfs_lookup_in(from.dir, from.name, from.len, &moved);
		if (!err && !S_ISDIR(moved->mode))
			err = -ENOTDIR;
	}
	if (!err)
		err = vfs_rename(from.dir, from.name, from.len, to.dir, to.name,
				 to.len);
	kfree(from.path);
	kfree(to.path);
	return err;
}

static long
do_linkat(int old_dirfd, const char *user_old, int new_dirfd,
	  const char *user_new, int flags)
{
	struct parent from = { 0 }, to = { 0 };
	struct inode *inode, *start;

	if (flags & ~AT_SYMLINK_FOLLOW)
		return -EINVAL;
	int err = parent_at(old_dirfd, user_old, &from);
	if (!err)
		err = fs_at_directory(old_dirfd, from.path, &start);
	if (!err)
		err = vfs_lookup(from.path, start, &inode);
	if (!err && S_ISDIR(inode->mode))
		err = -EPERM;
	if (!err && from.trailing)
		err = -ENOTDIR;
	if (!err)
		err = parent_at(new_dirfd, user_new, &to);
	if (!err && not_an_entry(&to))
		err = -EEXIST;
	if (!err)
		err = vfs_link(inode, to.dir, to.name, to.len);
	kfree(from.path);
	kfree(to.path);
	return err;
}

long
sys_mkdir(const struct syscall_args *a)
{
	return do_mkdirat(AT_FDCWD, (const char *)a->a[0], (uint32_t)a->a[1]);
}

long
sys_mkdirat(const struct syscall_args *a)
{
	return do_mkdirat((int)a->a[0], (const char *)a->a[1],
			  (uint32_t)a->a[2]);
}

long
sys_rmdir(const struct syscall_args *a)
{
	return do_rmdirat(AT_FDCWD, (const char *)a->a[0]);
}

long
sys_unlink(const struct syscall_args *a)
{
	return do_unlinkat(AT_FDCWD, (const char *)a->a[0]);
}

long
sys_unlinkat(const struct syscall_args *a)
{
	int flags = (int)a->a[2];

	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	if (flags & AT_REMOVEDIR)
		return do_rmdirat((int)a->a[0], (const char *)a->a[1]);
	return do_unlinkat((int)a->a[0], (const char *)a->a[1]);
}

long
sys_rename(const struct syscall_args *a)
{
	return do_renameat(AT_FDCWD, (const char *)a->a[0], AT_FDCWD,
			   (const char *)a->a[1], 0);
}

long
sys_renameat(const struct syscall_args *a)
{
	return do_renameat((int)a->a[0], (const char *)a->a[1], (int)a->a[2],
			   (const char *)a->a[3], 0);
}

long
sys_renameat2(const struct syscall_args *a)
{
	return do_renameat((int)a->a[0], (const char *)a->a[1], (int)a->a[2],
			   (const char *)a->a[3], (unsigned)a->a[4]);
}

long
sys_link(const struct syscall_args *a)
{
	return do_linkat(AT_FDCWD, (const char *)a->a[0], AT_FDCWD,
			 (const char *)a->a[1], 0);
}

long
sys_linkat(const struct syscall_args *a)
{
	return do_linkat((int)a->a[0], (const char *)a->a[1], (int)a->a[2],
			 (const char *)a->a[3], (int)a->a[4]);
}
