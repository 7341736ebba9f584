/*
 * Reading a cpio archive in the "newc" format: the initramfs.
 *
 * The boot loader hands Sprout the initramfs as one block of bytes, an
 * archive as `find . | cpio -o -H newc` writes it. cpio_parse() walks it
 * and hands each entry, already checked, to a callback; it copies nothing
 * and allocates nothing, so it runs before any allocator exists, and it
 * uses no other kernel code, so the host unit tests and the fuzzer
 * compile it as it is.
 */
#ifndef KERNEL_FS_CPIO_H
#define KERNEL_FS_CPIO_H

#include "kernel/lib/types.h"

#define CPIO_NEWC_MAGIC	    "070701" /* newc */
#define CPIO_NEWC_CRC_MAGIC "070702" /* newc with a checksum of the data */
#define CPIO_HEADER_SIZE    110	     /* the fixed ASCII header */
#define CPIO_TRAILER	    "TRAILER!!!"
#define CPIO_NAME_MAX	    4096 /* Linux's PATH_MAX, the NUL included */

/*
 * One entry, as cpio_parse() passes it to the callback. Every pointer
 * points into the archive, which must stay in place while they are used.
 */
struct cpio_entry {
	/*
	 * The path, normalised: any leading "./" and "/" are gone, so
	 * "./etc/passwd", "/etc/passwd" and "etc/passwd" all arrive as
	 * "etc/passwd". It never is "" or "." and has no ".." component.
	 * name[name_len] is the NUL that ends it.
	 */
	const char *name;
	size_t name_len;
	uint32_t mode; /* file type and permission bits, as st_mode */
	uint32_t uid, gid;
	uint32_t nlink;
	uint32_t ino;		       /* with dev_*, tells hard links apart */
	uint32_t dev_major, dev_minor; /* the device the file was on */
	uint32_t rdev_major, rdev_minor; /* a device node's own number */
	uint64_t mtime;			 /* seconds since 1970 */
	const uint8_t *data; /* the contents; a symlink's target (no NUL) */
	size_t size;
	size_t offset; /* where the entry's header starts in the archive */
};

/* The callback: return 0 to go on, anything else to stop the walk. */
typedef int (*cpio_visit_fn)(const struct cpio_entry *e, void *ctx);

/*
 * Walk the archive @archive[0..@size), calling @visit(entry, @ctx) for each
 * entry in archive order, up to the "TRAILER!!!" entry. @visit may be NULL
 * to only check the archive. Entries named ".", "./" or "/" (the root
 * itself, which `find .` lists first) are checked but not passed on.
 *
 * Several archives may follow one another, as Linux allows for its
 * initramfs: after a trailer, zero bytes are skipped, and if anything else
 * follows it must be another archive, starting on a 4-byte boundary. Zero
 * bytes at the very end (cpio pads to 512-byte blocks) are fine.
 *
 * Nothing in the archive is trusted: the parser never reads outside
 * @archive[0..@size), and an archive that is not entirely well formed
 * gives an error. Entries before the fault have been visited by then.
 *
 * Returns 0 after the last trailer; the first non-zero value @visit
 * returned; or -EINVAL with *@error (a static string) saying what is
 * wrong and *@error_offset the byte offset in the archive of the fault.
 * *@error is set to NULL otherwise. @error and @error_offset may be NULL.
 */
int cpio_parse(const void *archive, size_t size, cpio_visit_fn visit, void *ctx,
	       const char **error, size_t *error_offset);

#endif /* KERNEL_FS_CPIO_H */
