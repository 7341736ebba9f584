/*
 * The in-memory file tree, unpacked from the initramfs, and changed
 * by the system calls: files and directories made, renamed and removed.
 *
 * Each cpio entry becomes an inode. File contents are not copied: an
 * inode's data points into the archive, which stays in memory (frame_init
 * keeps boot modules reserved), until the file is first changed
 * (kernel/fs/ramfs_data.c). Names of entries point into the archive
 * too; directories the archive implies without listing them ("a/b"
 * with no "a"), and every name made since, get names of their own.
 * Entries may arrive in any order and as "./x", "/x" or "x"
 * (kernel/fs/cpio.c makes them all "x").
 *
 * A directory lists its names in the order they were made (the
 * archive's order for the initramfs, which the build sorts), each with a
 * position that never changes, so that a listing goes on where it
 * stopped when names come and go meanwhile (vfs_readdir).
 *
 * An inode goes when it has no name left (nlink 0) and no user: an open
 * file or a working directory counts as one (tree_get, tree_put). So a
 * file unlinked while open stays readable and writable through its
 * descriptors, and its pages come back at the last close.
 *
 * There is no lock: the kernel is not preempted and one CPU runs it, so
 * each system call changes the tree alone, and an inode lent by a lookup
 * stays valid until the caller sleeps.
 *
 * Not yet: hard links from the archive. newc stores a hard-linked
 * file's data with its last name only, so its other names come out as
 * empty files.
 */
#include "kernel/fs/cpio.h"
#include "kernel/fs/vfs.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "kernel/syscall.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"

#define DIR_MODE_DEFAULT (S_IFDIR | 0755)
#define NSEC_PER_SEC	 1000000000ull

static struct inode *root;
static uint32_t next_ino = 1;

static void tree_get(struct inode *i);
static void tree_put(struct inode *i);

/* The tree's files and directories are counted; devices are not. */
static const struct inode_ops tree_iops = {
	.get = tree_get,
	.put = tree_put,
};

static struct inode *
inode_new(uint32_t mode)
{
	struct inode *i = kzalloc(sizeof(*i));

	if (i) {
		i->mode = mode;
		i->ino = next_ino++;
		i->nlink = S_ISDIR(mode) ? 2 : 1;
		i->next_pos = 2; /* 0 and 1 are "." and ".." */
		if (S_ISDIR(mode) || S_ISREG(mode))
			i->iops = &tree_iops;
	}
	return i;
}

/* The inode has no name and no user left. */
static void
inode_free(struct inode *i)
{
	ramfs_data_free(i);
	kfree(i);
}

static void
tree_get(struct inode *i)
{
	i->refs++;
}

static void
tree_put(struct inode *i)
{
	if (--i->refs == 0 && i->nlink == 0)
		inode_free(i);
}

static uint64_t
now(void)
{
	return realtime_ns() / NSEC_PER_SEC;
}

/* The entry called @name (of @len bytes) in directory @dir, or NULL;
 * in *link_out (if not NULL) the link that points at it. */
static struct dirent_k *
dir_find_link(struct inode *dir, const char *name, size_t len,
	      struct dirent_k ***link_out)
{
	for (struct dirent_k **link = &dir->entries; *link;
	     link = &(*link)->next) {
		struct dirent_k *d = *link;
		if (strlen(d->name) == len && memcmp(d->name, name, len) == 0) {
			if (link_out)
				*link_out = link;
			return d;
		}
	}
	return NULL;
}

static struct dirent_k *
dir_find(struct inode *dir, const char *name, size_t len)
{
	return dir_find_link(dir, name, len, NULL);
}

/* Add @child to @dir as @name (NUL-terminated, kept; kfree'd with the
 * entry if @own_name), after its other names. */
static int
dir_add_name(struct inode *dir, const char *name, bool own_name,
	     struct inode *child)
{
	struct dirent_k *d = kmalloc(sizeof(*d));
	struct dirent_k **link = &dir->entries;

	if (!d)
		return -ENOMEM;
	while (*link)
		link = &(*link)->next;
	*d = (struct dirent_k){ name, child, NULL, dir->next_pos++, own_name };
	*link = d;
	if (S_ISDIR(child->mode)) {
		child->parent = dir;
		child->name = name;
		dir->nlink++;
	}
	return 0;
}

static int
dir_add(struct inode *dir, const char *name, struct inode *child)
{
	return dir_add_name(dir, name, false, child);
}

/* Take the entry at *link out of its directory (the inode stays). */
static void
dir_remove(struct dirent_k **link)
{
	struct dirent_k *d = *link;

	*link = d->next;
	if (d->own_name)
		kfree((char *)d->name);
	kfree(d);
}

/* A copy of the first @len bytes of @name, NUL-terminated, or NULL. */
static char *
name_copy(const char *name, size_t len)
{
	char *copy = kmalloc(len + 1);

	if (copy) {
		memcpy(copy, name, len);
		copy[len] = '\0';
	}
	return copy;
}

/* A directory named by the first @len bytes of @name in @dir, made if
 * missing (with a copy of the name). */
static int
dir_make(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct dirent_k *d = dir_find(dir, name, len);

	if (d) {
		if (!S_ISDIR(d->inode->mode))
			return -ENOTDIR;
		*out = d->inode;
		return 0;
	}
	char *copy = name_copy(name, len);
	struct inode *sub = inode_new(DIR_MODE_DEFAULT);
	if (!copy || !sub) {
		kfree(copy);
		kfree(sub);
		return -ENOMEM;
	}
	*out = sub;
	return dir_add_name(dir, copy, true, sub);
}

struct unpack_stats {
	size_t files, dirs, devices, skipped;
};

/* One cpio entry: walk (making) its parent directories, then add it.
 * The cpio parser has removed leading "./" and "/" and refused ".."; an
 * archive made by hand may still hold "a//b", "a/./b" or "a/": empty and
 * "." components are skipped, as path lookup would. */
static int
unpack_entry(const struct cpio_entry *e, void *ctx)
{
	struct unpack_stats *stats = ctx;
	struct inode *dir = root;
	const char *name = e->name;
	size_t len;
	int err;

	for (;;) {
		while (*name == '/' ||
		       (name[0] == '.' && (name[1] == '/' || !name[1])))
			name++;
		len = 0;
		while (name[len] && name[len] != '/')
			len++;
		const char *rest = name + len;
		while (*rest == '/' ||
		       (rest[0] == '.' && (rest[1] == '/' || !rest[1])))
			rest++;
		if (!*rest)
			break; /* name[0..len) is the last component */
		err = dir_make(dir, name, len, &dir);
		if (err)
			return err;
		name = rest;
	}
	if (len == 0) /* the entry is only slashes and dots: the root */
		return 0;
	bool own_name = false;
	if (name[len]) {
		/* "a/" or "a/.": copy the last component, NUL-terminated. */
		char *copy = name_copy(name, len);
		if (!copy)
			return -ENOMEM;
		name = copy;
		own_name = true;
	}

	uint32_t type = e->mode & S_IFMT;
	struct dirent_k *old = dir_find(dir, name, strlen(name));
	if (type == S_IFDIR) {
		struct inode *sub;
		err = dir_make(dir, name, strlen(name), &sub);
		if (own_name)
			kfree((char *)name); /* dir_make made its own copy */
		if (!err) {
			sub->mode = e->mode; /* the archive's permissions */
			sub->mtime = sub->ctime = e->mtime;
			stats->dirs++;
		}
		return err;
	}
	if (type != S_IFREG) {
		/* Symbolic links, device nodes and the rest wait for the
		 * file-system work that gives them meaning. */
		pr_warn("initramfs: %s: this kind of file is not supported yet; skipped\n",
			e->name);
		stats->skipped++;
		if (own_name)
			kfree((char *)name);
		return 0;
	}
	if (old && !S_ISREG(old->inode->mode))
		return -EEXIST;
	struct inode *file = old ? old->inode : inode_new(e->mode);
	if (!file)
		return -ENOMEM;
	file->mode = e->mode;
	file->uid = e->uid;
	file->gid = e->gid;
	file->mtime = file->ctime = e->mtime;
	file->data = e->data;
	file->size = e->size;
	stats->files++;
	if (old) {
		if (own_name)
			kfree((char *)name);
		return 0;
	}
	return dir_add_name(dir, name, own_name, file);
}

int
vfs_init(const void *archive, size_t size)
{
	struct unpack_stats stats = { 0 };
	int err = 0;

	root = inode_new(DIR_MODE_DEFAULT);
	if (!root)
		return -ENOMEM;
	root->parent = root;
	root->name = "";
	if (archive) {
		const char *why = NULL;
		size_t where = 0;
		err = cpio_parse(archive, size, unpack_entry, &stats, &why,
				 &where);
		if (err == -EINVAL)
			pr_err("initramfs: damaged at byte %zu: %s; using what came before\n",
			       where, why);
		else if (err)
			pr_err("initramfs: cannot unpack (error %d)\n", err);
		pr_info("initramfs: %zu files, %zu directories (%zu skipped) from %zu bytes\n",
			stats.files, stats.dirs, stats.skipped, size);
	} else {
		pr_warn("initramfs: none given, so there are no programs to run\n");
	}
	struct inode *dev;
	if (dir_make(root, "dev", 3, &dev) != 0)
		return -ENOMEM;
	ramfs_data_set_limit(frame_stats().total / 2);
	return err;
}

struct inode *
vfs_root(void)
{
	return root;
}

int
vfs_add_device(const char *path, uint32_t rdev, const struct file_ops *ops)
{
	const char *slash = strchr(path + 1, '/');
	struct inode *dir;

	if (path[0] != '/' || !slash || strchr(slash + 1, '/'))
		return -EINVAL; /* only /dir/name */
	if (dir_make(root, path + 1, (size_t)(slash - path - 1), &dir))
		return -ENOMEM;
	struct inode *node = inode_new(S_IFCHR | 0666);
	if (!node)
		return -ENOMEM;
	node->rdev = rdev;
	node->ops = ops;
	return dir_add(dir, slash + 1, node);
}

int
vfs_mount(const char *name, struct inode *dir)
{
	struct dirent_k *d = dir_find(root, name, strlen(name));

	dir->parent = root;
	dir->name = name;
	if (!d)
		return dir_add(root, name, dir);
	/* An initramfs made from a real root has an empty /proc to mount
	 * on: the new directory takes its place, as a mount would. */
	if (!S_ISDIR(d->inode->mode) || d->inode->entries)
		return -EBUSY;
	d->inode = dir;
	return 0;
}

/* One step of a lookup: the entry @name (@len bytes) of directory @at. */
static int
lookup_step(struct inode *at, const char *name, size_t len, struct inode **out)
{
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	if (!S_ISDIR(at->mode))
		return -ENOTDIR;
	if (len == 1 && name[0] == '.') {
		*out = at;
	} else if (len == 2 && name[0] == '.' && name[1] == '.') {
		*out = at->parent;
	} else if (at->iops && at->iops->lookup) {
		/* A directory that makes its entries (/proc). */
		return at->iops->lookup(at, name, len, out);
	} else {
		struct dirent_k *d = dir_find(at, name, len);
		if (!d)
			return -ENOENT;
		*out = d->inode;
	}
	return 0;
}

/* Look up the first @size bytes of @path. */
static int
lookup_prefix(const char *path, size_t size, struct inode *cwd,
	      struct inode **out)
{
	const char *end = path + size;
	struct inode *at = path[0] == '/' ? root : cwd;

	while (path < end) {
		while (path < end && *path == '/')
			path++;
		if (path == end)
			break;
		size_t len = 0;
		while (path + len < end && path[len] != '/')
			len++;
		int err = lookup_step(at, path, len, &at);
		if (err)
			return err;
		path += len;
		/* "file/" names a directory that is not one. */
		if (path < end && !S_ISDIR(at->mode))
			return -ENOTDIR;
	}
	*out = at;
	return 0;
}

int
vfs_lookup(const char *path, struct inode *cwd, struct inode **out)
{
	return lookup_prefix(path, strlen(path), cwd, out);
}

int
vfs_lookup_in(struct inode *dir, const char *name, size_t len,
	      struct inode **out)
{
	return lookup_step(dir, name, len, out);
}

int
vfs_lookup_parent(const char *path, struct inode *cwd, struct inode **dir,
		  const char **name, size_t *len, bool *trailing)
{
	size_t end = strlen(path), start;

	*trailing = false;
	while (end > 0 && path[end - 1] == '/') {
		end--;
		*trailing = true;
	}
	for (start = end; start > 0 && path[start - 1] != '/';)
		start--;
	*name = path + start;
	*len = end - start;
	if (*len > NAME_MAX)
		return -ENAMETOOLONG;
	int err = lookup_prefix(path, start, cwd, dir);
	if (err)
		return err;
	return S_ISDIR((*dir)->mode) ? 0 : -ENOTDIR;
}

/* --- Changing the tree ---------------------------------------------------- */

/* May names be made or removed in @dir? Not in /proc, whose entries its
 * file system makes; not in a directory that has been removed. */
static int
dir_writable(struct inode *dir)
{
	if (dir->iops != &tree_iops)
		return -EPERM;
	if (dir->nlink == 0)
		return -ENOENT; /* as Linux: a removed directory takes no names */
	return 0;
}

/* @dir's contents changed. */
static void
dir_touch(struct inode *dir)
{
	dir->mtime = dir->ctime = now();
}

/* One name of @i is gone: the inode goes with the last, unless used. */
static void
inode_unlinked(struct inode *i)
{
	if (S_ISDIR(i->mode)) {
		i->nlink = 0;
		i->parent = i; /* its parent may go before it */
		i->name = "";
	} else {
		i->nlink--;
	}
	i->ctime = now();
	if (i->nlink == 0 && i->refs == 0 && i->iops == &tree_iops)
		inode_free(i);
}

int
vfs_create(struct inode *dir, const char *name, size_t len, uint32_t mode,
	   struct inode **out)
{
	int err = dir_writable(dir);

	if (err)
		return err;
	if (dir_find(dir, name, len))
		return -EEXIST;
	char *copy = name_copy(name, len);
	struct inode *i = inode_new(mode);
	if (!copy || !i || (err = dir_add_name(dir, copy, true, i))) {
		kfree(copy);
		kfree(i);
		return -ENOSPC; /* as tmpfs, when memory runs out */
	}
	i->mtime = i->ctime = now();
	dir_touch(dir);
	*out = i;
	return 0;
}

int
vfs_unlink(struct inode *dir, const char *name, size_t len)
{
	struct dirent_k **link;
	int err = dir_writable(dir);

	if (err)
		return err;
	struct dirent_k *d = dir_find_link(dir, name, len, &link);
	if (!d)
		return -ENOENT;
	struct inode *i = d->inode;
	if (S_ISDIR(i->mode))
		return -EISDIR;
	dir_remove(link);
	dir_touch(dir);
	inode_unlinked(i);
	return 0;
}

int
vfs_rmdir(struct inode *dir, const char *name, size_t len)
{
	struct dirent_k **link;
	int err = dir_writable(dir);

	if (err)
		return err;
	struct dirent_k *d = dir_find_link(dir, name, len, &link);
	if (!d)
		return -ENOENT;
	struct inode *i = d->inode;
	if (!S_ISDIR(i->mode))
		return -ENOTDIR;
	if (i->iops != &tree_iops)
		return -EBUSY; /* /proc: a mount point */
	if (i->entries)
		return -ENOTEMPTY;
	dir_remove(link);
	dir->nlink--;
	dir_touch(dir);
	inode_unlinked(i);
	return 0;
}

/* Is @dir @ancestor, or inside it? */
static bool
dir_within(struct inode *dir, struct inode *ancestor)
{
	for (;; dir = dir->parent) {
		if (dir == ancestor)
			return true;
		if (dir == root || dir->parent == dir)
			return false;
	}
}

/*
 * rename, in Linux's order of checks. Everything that can fail (the new
 * name's copy, its entry) is made before anything changes.
 */
int
vfs_rename(struct inode *old_dir, const char *old_name, size_t old_len,
	   struct inode *new_dir, const char *new_name, size_t new_len)
{
	struct dirent_k **old_link, **new_link;
	int err;

	if ((err = dir_writable(old_dir)) || (err = dir_writable(new_dir)))
		return err;
	struct dirent_k *od =
		dir_find_link(old_dir, old_name, old_len, &old_link);
	if (!od)
		return -ENOENT;
	struct inode *moved = od->inode;
	bool is_dir = S_ISDIR(moved->mode);
	if (is_dir && moved->iops != &tree_iops)
		return -EBUSY; /* /proc */
	if (is_dir && dir_within(new_dir, moved))
		return -EINVAL; /* into itself */
	struct dirent_k *nd =
		dir_find_link(new_dir, new_name, new_len, &new_link);
	struct inode *target = nd ? nd->inode : NULL;
	if (target == moved)
		return 0; /* the same file: nothing to do, as Linux */
	if (target) {
		if (is_dir && !S_ISDIR(target->mode))
			return -ENOTDIR;
		if (!is_dir && S_ISDIR(target->mode))
			return -EISDIR;
		if (S_ISDIR(target->mode) && target->iops != &tree_iops)
			return -EBUSY;
		if (target->entries)
			return -ENOTEMPTY;
	}
	char *copy = name_copy(new_name, new_len);
	struct dirent_k *entry = kmalloc(sizeof(*entry));
	if (!copy || !entry) {
		kfree(copy);
		kfree(entry);
		return -ENOSPC;
	}

	/* ---- Nothing fails from here on. ---- */
	if (target) {
		/* The new name's entry goes; the moved inode's comes. */
		dir_remove(new_link);
		if (is_dir)
			new_dir->nlink--;
		inode_unlinked(target);
		/* The old entry may have moved in the list: find it again. */
		od = dir_find_link(old_dir, old_name, old_len, &old_link);
	}
	dir_remove(old_link);
	if (is_dir)
		old_dir->nlink--;
	struct dirent_k **link = &new_dir->entries;
	while (*link)
		link = &(*link)->next;
	*entry = (struct dirent_k){ copy, moved, NULL, new_dir->next_pos++,
				    true };
	*link = entry;
	if (is_dir) {
		moved->parent = new_dir;
		moved->name = copy;
		new_dir->nlink++;
	}
	moved->ctime = now();
	dir_touch(old_dir);
	dir_touch(new_dir);
	return 0;
}

int
vfs_link(struct inode *inode, struct inode *dir, const char *name, size_t len)
{
	int err = dir_writable(dir);

	if (err)
		return err;
	if (S_ISDIR(inode->mode))
		return -EPERM;
	if (inode->iops != &tree_iops)
		return -EXDEV; /* /proc's files and devices */
	if (dir_find(dir, name, len))
		return -EEXIST;
	char *copy = name_copy(name, len);
	if (!copy || dir_add_name(dir, copy, true, inode)) {
		kfree(copy);
		return -ENOSPC;
	}
	inode->nlink++;
	inode->ctime = now();
	dir_touch(dir);
	return 0;
}

long
vfs_path_of(struct inode *dir, char *buf, size_t size)
{
	/* Walk up to the root, writing names from the end of buf. */
	size_t pos = size;

	if (dir->nlink == 0)
		return -ENOENT; /* removed: as Linux's getcwd */
	if (size == 0)
		return -ERANGE;
	buf[--pos] = '\0';
	for (struct inode *d = dir; d != root; d = d->parent) {
		size_t len = strlen(d->name);
		if (pos < len + 1)
			return -ERANGE;
		pos -= len;
		memcpy(buf + pos, d->name, len);
		buf[--pos] = '/';
	}
	if (dir == root) {
		if (pos < 1)
			return -ERANGE;
		buf[--pos] = '/';
	}
	size_t n = size - pos - 1;
	memmove(buf, buf + pos, n + 1);
	return (long)n;
}

bool
vfs_readdir(struct inode *dir, uint64_t *pos, struct vfs_dirent *out)
{
	struct inode *i;

	if (*pos <= 1) {
		i = *pos == 0 ? dir : dir->parent;
		strlcpy(out->name, *pos == 0 ? "." : "..", sizeof(out->name));
	} else if (dir->iops && dir->iops->readdir) {
		return dir->iops->readdir(dir, pos, out);
	} else {
		/* The tree's own: the first name at *pos or after it. */
		struct dirent_k *d = dir->entries;
		while (d && d->pos < *pos)
			d = d->next;
		if (!d)
			return false;
		i = d->inode;
		strlcpy(out->name, d->name, sizeof(out->name));
		*pos = d->pos;
	}
	out->ino = i->ino;
	out->mode = i->mode;
	(*pos)++;
	return true;
}
