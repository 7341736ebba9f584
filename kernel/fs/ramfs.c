/*
 * The in-memory file tree, unpacked from the initramfs.
 *
 * Each cpio entry becomes an inode. File contents are not copied: an
 * inode's data points into the archive, which stays in memory (frame_init
 * keeps boot modules reserved). Names of entries point into the archive
 * too; only directories the archive implies without listing them ("a/b"
 * with no "a") get names of their own. Entries may arrive in any order
 * and as "./x", "/x" or "x" (kernel/fs/cpio.c makes them all "x").
 *
 * Not yet: hard links. newc stores a hard-linked file's data with its
 * last name only, so its other names come out as empty files.
 */
#include "kernel/fs/cpio.h"
#include "kernel/fs/vfs.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "mm/kmalloc.h"

#define DIR_MODE_DEFAULT (S_IFDIR | 0755)

static struct inode *root;
static uint32_t next_ino = 1;

static struct inode *
inode_new(uint32_t mode)
{
	struct inode *i = kzalloc(sizeof(*i));

	if (i) {
		i->mode = mode;
		i->ino = next_ino++;
		i->nlink = S_ISDIR(mode) ? 2 : 1;
	}
	return i;
}

/* The entry called @name (of @len bytes) in directory @dir, or NULL. */
static struct dirent_k *
dir_find(struct inode *dir, const char *name, size_t len)
{
	for (struct dirent_k *d = dir->entries; d; d = d->next)
		if (strlen(d->name) == len && memcmp(d->name, name, len) == 0)
			return d;
	return NULL;
}

/* Add @child to @dir as @name (NUL-terminated, kept), in name order. */
static int
dir_add(struct inode *dir, const char *name, struct inode *child)
{
	struct dirent_k *d = kmalloc(sizeof(*d));
	struct dirent_k **link = &dir->entries;

	if (!d)
		return -ENOMEM;
	while (*link && strcmp((*link)->name, name) < 0)
		link = &(*link)->next;
	*d = (struct dirent_k){ name, child, *link };
	*link = d;
	if (S_ISDIR(child->mode)) {
		child->parent = dir;
		child->name = name;
		dir->nlink++;
	}
	return 0;
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
	char *copy = kmalloc(len + 1);
	struct inode *sub = inode_new(DIR_MODE_DEFAULT);
	if (!copy || !sub) {
		kfree(copy);
		kfree(sub);
		return -ENOMEM;
	}
	memcpy(copy, name, len);
	copy[len] = '\0';
	*out = sub;
	return dir_add(dir, copy, sub);
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
	if (name[len]) {
		/* "a/" or "a/.": copy the last component, NUL-terminated. */
		char *copy = kmalloc(len + 1);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, name, len);
		copy[len] = '\0';
		name = copy;
	}

	uint32_t type = e->mode & S_IFMT;
	struct dirent_k *old = dir_find(dir, name, strlen(name));
	if (type == S_IFDIR) {
		struct inode *sub;
		err = dir_make(dir, name, strlen(name), &sub);
		if (!err) {
			sub->mode = e->mode; /* the archive's permissions */
			sub->mtime = e->mtime;
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
		return 0;
	}
	struct inode *file = old ? old->inode : inode_new(e->mode);
	if (!file)
		return -ENOMEM;
	if (old && !S_ISREG(old->inode->mode))
		return -EEXIST;
	file->mode = e->mode;
	file->uid = e->uid;
	file->gid = e->gid;
	file->mtime = e->mtime;
	file->data = e->data;
	file->size = e->size;
	stats->files++;
	return old ? 0 : dir_add(dir, name, file);
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

int
vfs_lookup(const char *path, struct inode *cwd, struct inode **out)
{
	struct inode *at = path[0] == '/' ? root : cwd;

	while (*path) {
		while (*path == '/')
			path++;
		if (!*path)
			break;
		size_t len = 0;
		while (path[len] && path[len] != '/')
			len++;
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		if (!S_ISDIR(at->mode))
			return -ENOTDIR;
		if (len == 1 && path[0] == '.') {
			/* stay */
		} else if (len == 2 && path[0] == '.' && path[1] == '.') {
			at = at->parent;
		} else if (at->iops && at->iops->lookup) {
			/* A directory that makes its entries (/proc). */
			int err = at->iops->lookup(at, path, len, &at);
			if (err)
				return err;
		} else {
			struct dirent_k *d = dir_find(at, path, len);
			if (!d)
				return -ENOENT;
			at = d->inode;
		}
		path += len;
		/* "file/" names a directory that is not one. */
		if (*path == '/' && !S_ISDIR(at->mode))
			return -ENOTDIR;
	}
	*out = at;
	return 0;
}

long
vfs_path_of(struct inode *dir, char *buf, size_t size)
{
	/* Walk up to the root, writing names from the end of buf. */
	size_t pos = size;

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
		/* The tree's own: position n is the (n - 2)th name. */
		struct dirent_k *d = dir->entries;
		for (uint64_t n = 2; d && n < *pos; n++)
			d = d->next;
		if (!d)
			return false;
		i = d->inode;
		strlcpy(out->name, d->name, sizeof(out->name));
	}
	out->ino = i->ino;
	out->mode = i->mode;
	(*pos)++;
	return true;
}
