/*
 * The virtual file system: inodes, open files and descriptor tables.
 *
 *   process                 descriptor table        open file          inode
 *   task->files ---------> struct files  fd 0 ---> struct file ---> struct inode
 *                                        fd 1 --/   (offset, flags)   (type, size,
 *                                        fd 2 -/                       data or
 *                                        fd 3 ---> struct file --->    children)
 *
 * An inode is a file, a directory or a device. An open file is one
 * opening of it, with its own offset; descriptors (and, after fork, other
 * processes' descriptors) may share one. A descriptor table belongs to
 * a process (shared by threads later, copied by fork). Open files and
 * tables are reference counted: the last close frees them.
 *
 * Everything lives in memory: the tree is unpacked from the initramfs at
 * boot (kernel/fs/ramfs.c) and is writable, like Linux's tmpfs: files
 * and directories are made, written, renamed and removed there, and a
 * written file keeps its bytes in pages (kernel/fs/ramfs_data.c). Its
 * inodes are counted (inode_get, inode_put): an inode goes when its
 * last name and its last user (an open file, a working directory) have.
 * One directory is different: /proc (kernel/fs/procfs.c) makes its
 * entries when they are looked up and its files' text when they are
 * read. Its inodes belong to processes, which come and go, and are
 * counted too. Devices live for ever.
 */
#ifndef KERNEL_FS_VFS_H
#define KERNEL_FS_VFS_H

#include "kernel/lib/spinlock.h"
#include "kernel/lib/types.h"

/* st_mode: Linux's file types and permission bits. */
#define S_IFMT	    0170000
#define S_IFDIR	    0040000
#define S_IFCHR	    0020000
#define S_IFREG	    0100000
#define S_IFLNK	    0120000
#define S_IFIFO	    0010000
#define S_ISDIR(m)  (((m)&S_IFMT) == S_IFDIR)
#define S_ISREG(m)  (((m)&S_IFMT) == S_IFREG)
#define S_ISCHR(m)  (((m)&S_IFMT) == S_IFCHR)
#define S_ISFIFO(m) (((m)&S_IFMT) == S_IFIFO)

/* open() flags: Linux's values. */
#define O_ACCMODE   03
#define O_RDONLY    00
#define O_WRONLY    01
#define O_RDWR	    02
#define O_CREAT	    0100
#define O_EXCL	    0200
#define O_NOCTTY    0400
#define O_TRUNC	    01000
#define O_APPEND    02000
#define O_NONBLOCK  04000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW  0400000
#define O_CLOEXEC   02000000

#define PATH_MAX 4096 /* bytes in a path, NUL included */
#define NAME_MAX 255  /* bytes in one component */
#define FDS_MAX	 64   /* descriptors per process */

struct file;
struct inode;
struct pipe;

/* What a device (or a kind of file) does when read, written, asked. The
 * buffers are user pointers. */
struct file_ops {
	long (*read)(struct file *f, void *user_buf, size_t size);
	long (*write)(struct file *f, const void *user_buf, size_t size);
	long (*ioctl)(struct file *f, unsigned long request, uint64_t arg);
	/* The last reference to an open file is gone (a pipe end closes). */
	void (*release)(struct file *f);
	/* Readiness for poll: POLLIN, POLLOUT, POLLHUP, POLLERR bits. */
	unsigned (*poll)(struct file *f);
	/* lseek on a device; without it, devices and pipes say -ESPIPE. */
	long (*lseek)(struct file *f, int64_t offset, int whence);
};

/*
 * A directory whose entries its file system makes when asked (/proc),
 * and inodes that are freed when nothing uses them any more. Inodes
 * without these operations (the initramfs tree, devices, pipes) are
 * neither: their entries are a list, and they are never counted.
 */
struct vfs_dirent;
struct inode_ops {
	/* The entry @name (@len bytes, no NUL) of directory @dir into
	 * *out; -ENOENT if there is none. The inode is lent, not given:
	 * it stays valid until the caller sleeps; an open file or a
	 * working directory that keeps it takes a reference. */
	int (*lookup)(struct inode *dir, const char *name, size_t len,
		      struct inode **out);
	/* The first entry at position *pos or after it into *out, and in
	 * *pos the position after it; false when there are no more.
	 * Positions are the file system's own numbers, from 2 (0 and 1
	 * are "." and ".."), so that a listing resumes where it stopped
	 * even when entries come and go meanwhile. */
	bool (*readdir)(struct inode *dir, uint64_t *pos,
			struct vfs_dirent *out);
	/* One more, one fewer long-lived user of the inode. */
	void (*get)(struct inode *inode);
	void (*put)(struct inode *inode);
};

/* One entry of a directory listing (vfs_readdir). */
struct vfs_dirent {
	char name[NAME_MAX + 1];
	uint32_t ino;
	uint32_t mode; /* of the inode it names: only the type bits count */
};

/* One name in a directory. */
struct dirent_k {
	const char *name;
	struct inode *inode;
	struct dirent_k *next; /* in the order they were made */
	uint64_t pos;	       /* its place in a listing (vfs_readdir) */
	bool own_name;	       /* name was kmalloc'd: kfree it with the entry */
};

struct inode {
	uint32_t mode; /* type and permissions */
	uint32_t ino;
	uint32_t nlink, uid, gid;
	uint32_t rdev;	/* devices: major << 8 | minor */
	uint64_t mtime; /* seconds since 1970: the contents changed */
	uint64_t ctime; /* the same: the inode changed (names, size) */
	uint64_t size;
	const uint8_t *data;	  /* a file's bytes in the initramfs, until
				     it is first changed; then NULL */
	paddr_t *frames;	  /* a changed file's pages, by page number;
				     0 is a hole (kernel/fs/ramfs_data.c) */
	size_t frame_slots;	  /* entries in frames[] */
	uint32_t refs;		  /* tree inodes: open files, working
				     directories (inode_get, inode_put) */
	struct dirent_k *entries; /* a directory's names */
	uint64_t next_pos;	  /* a directory's next entry's pos */
	struct inode *parent;	  /* a directory's "..": the root's is itself */
	const char *name;	  /* a directory's own name, for getcwd */
	const struct file_ops *ops;   /* devices, pipes, /proc's files */
	struct pipe *pipe;	      /* a pipe's buffer (kernel/fs/pipe.c) */
	const struct inode_ops *iops; /* made on demand, counted: /proc */
	void *private;		      /* its file system's own */
};

struct file {
	uint32_t refcount;
	int flags; /* O_ACCMODE and status flags from open */
	struct inode *inode;
	uint64_t offset; /* bytes; for directories, the next entry's
			    position (vfs_readdir) */
	void *private;	 /* its file system's own (/proc: the text read) */
};

/* The working directory of a process (threads share it: CLONE_FS). */
struct fs_info {
	uint32_t refcount;
	struct inode *cwd;
};

struct files {
	uint32_t refcount;
	struct spinlock lock;
	struct file *fd[FDS_MAX];
	uint64_t cloexec; /* bit n: close fd n on execve */
};

/* --- The tree (kernel/fs/ramfs.c) --------------------------------------- */

/* Unpack the initramfs (a cpio newc archive) into the tree; without one
 * (archive NULL) the tree holds only /dev. Returns 0 or -EINVAL after
 * reporting what is wrong with the archive (the tree then holds what was
 * read before the damage, and /dev). */
int vfs_init(const void *archive, size_t size);
struct inode *vfs_root(void);
/* Add a device node at @path (its directory must exist). */
int vfs_add_device(const char *path, uint32_t rdev, const struct file_ops *ops);

/* Put directory @dir, whose entries its own file system makes, in the
 * root as @name (/proc). It covers an empty directory of that name
 * from the initramfs; 0, -EBUSY if the name is taken by anything else,
 * -ENOMEM. */
int vfs_mount(const char *name, struct inode *dir);

/* Find @path (a kernel string), relative to @cwd unless it starts with
 * '/'. 0, -ENOENT, -ENOTDIR, -ENAMETOOLONG. The inode found is lent
 * (see inode_ops.lookup). */
int vfs_lookup(const char *path, struct inode *cwd, struct inode **out);
/* The absolute path of directory @dir into @buf; its length without the
 * NUL, or -ERANGE if @size is too small. */
long vfs_path_of(struct inode *dir, char *buf, size_t size);
/* The entry of directory @dir at position *pos or after it ("." is 0,
 * ".." 1) into *out, and in *pos the position of the next; false at the
 * end (getdents64). */
bool vfs_readdir(struct inode *dir, uint64_t *pos, struct vfs_dirent *out);

/* An open file or a working directory keeps @inode: count it, for the
 * inodes that are counted (iops->get), and let it go. */
static inline void
inode_get(struct inode *inode)
{
	if (inode->iops && inode->iops->get)
		inode->iops->get(inode);
}

static inline void
inode_put(struct inode *inode)
{
	if (inode->iops && inode->iops->put)
		inode->iops->put(inode);
}

/*
 * Changing the tree. @dir is a directory, @name (@len bytes, no NUL)
 * one name in it, which is never "", "." or ".." (the system calls
 * sort those out). All return 0 or -errno as Linux's calls do.
 * vfs_lookup_parent splits a path into the directory that holds its
 * last component, and the component: "a/b/" gives a/ and "b" with
 * *trailing set; "/" gives the root and "" (len 0).
 */
int vfs_lookup_parent(const char *path, struct inode *cwd, struct inode **dir,
		      const char **name, size_t *len, bool *trailing);
/* The entry @name of @dir, lent as vfs_lookup's; -ENOENT. */
int vfs_lookup_in(struct inode *dir, const char *name, size_t len,
		  struct inode **out);
/* A new file (S_IFREG) or directory (S_IFDIR) @name in @dir, lent. */
int vfs_create(struct inode *dir, const char *name, size_t len, uint32_t mode,
	       struct inode **out);
int vfs_unlink(struct inode *dir, const char *name, size_t len);
int vfs_rmdir(struct inode *dir, const char *name, size_t len);
int vfs_rename(struct inode *old_dir, const char *old_name, size_t old_len,
	       struct inode *new_dir, const char *new_name, size_t new_len);
/* Another name for file @inode. */
int vfs_link(struct inode *inode, struct inode *dir, const char *name,
	     size_t len);

/* --- A file's bytes (kernel/fs/ramfs_data.c) ----------------------------- */

/* Copy between a tree file at @offset and @buf, which is user memory if
 * @user, else kernel memory. They return the bytes copied (a short count
 * when a fault or a full memory stopped them midway), or -errno:
 * -EFAULT, -ENOSPC (no page for the data), -EFBIG. Holes read as
 * zeros. A write changes mtime and ctime. */
long ramfs_data_read(struct inode *i, uint64_t offset, void *buf, size_t size,
		     bool user);
long ramfs_data_write(struct inode *i, uint64_t offset, const void *buf,
		      size_t size, bool user);
/* Make the file @size bytes long: new bytes are a hole, cut pages are
 * freed. 0, -ENOSPC, -EFBIG. */
int ramfs_data_truncate(struct inode *i, uint64_t size);
/* Free every page of the file (its last name and user are gone). */
void ramfs_data_free(struct inode *i);
/* The file's bytes in one piece (execve): the archive's, or a copy in
 * *copy that the caller kfrees. NULL when out of memory. */
const uint8_t *ramfs_data_bytes(struct inode *i, void **copy);
/* The most pages all files may hold together; Linux's tmpfs takes half
 * of memory by default, and so does vfs_init. */
void ramfs_data_set_limit(size_t pages);
size_t ramfs_data_limit(void);
size_t ramfs_data_pages(void); /* pages held by files now */

/* --- Open files and descriptor tables (kernel/fs/file.c) ----------------- */

/* A new open file for @inode, or NULL when out of memory. */
struct file *file_open(struct inode *inode, int flags);
void file_get(struct file *f);
void file_put(struct file *f);

struct files *files_create(void);
struct files *files_copy(struct files *src); /* fork */
void files_put(struct files *files);
/* Install @f at the lowest free descriptor (taking over the caller's
 * reference); the descriptor, or -EMFILE. */
int fd_install(struct files *files, struct file *f, bool cloexec);
/* The same, at the lowest free descriptor >= @min (fcntl F_DUPFD). */
int fd_install_from(struct files *files, struct file *f, int min, bool cloexec);
/* Install @f at exactly @fd, closing what was there (dup2). */
int fd_install_at(struct files *files, struct file *f, int fd, bool cloexec);
/* The open file behind @fd, with a reference the caller drops with
 * file_put; NULL for a bad descriptor. */
struct file *fd_get(struct files *files, int fd);
int fd_close(struct files *files, int fd);
/* execve: close every descriptor marked close-on-exec. */
void files_close_on_exec(struct files *files);

struct fs_info *fs_info_create(struct inode *cwd);
struct fs_info *fs_info_copy(struct fs_info *src);
void fs_info_get(struct fs_info *fs);
void fs_info_put(struct fs_info *fs);

/* Copy a path from user memory into @buf (PATH_MAX bytes): 0, -EFAULT,
 * -ENAMETOOLONG, or -ENOENT for an empty path. */
int path_from_user(char *buf, const char *user_path);
/* The directory a path in an *at call starts from: the working
 * directory for AT_FDCWD or an absolute path, else @dirfd's (EBADF,
 * ENOTDIR). Lent, as vfs_lookup's (kernel/fs/fs_syscalls.c). */
int fs_at_directory(int dirfd, const char *path, struct inode **dir);

#endif /* KERNEL_FS_VFS_H */
