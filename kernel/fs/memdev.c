/*
 * /dev/null and /dev/zero (memdev.h): a file that swallows what is
 * written to it, one that is empty, and one that is endless zeros.
 */
#include "kernel/fs/memdev.h"
#include "kernel/fs/pipe.h"
#include "kernel/fs/vfs.h"
#include "kernel/lib/errno.h"
#include "mm/uaccess.h"

#define MEM_MAJOR  1 /* Linux's numbers: /dev/null is 1,3, /dev/zero 1,5 */
#define NULL_MINOR 3
#define ZERO_MINOR 5
#define ZERO_CHUNK 4096

static const uint8_t zeros[ZERO_CHUNK];

static long
null_read(struct file *f, void *user_buf, size_t size)
{
	(void)f, (void)user_buf, (void)size;
	return 0; /* end of file, always */
}

/* Both devices take every byte, and look at none of them. */
static long
mem_write(struct file *f, const void *user_buf, size_t size)
{
	(void)f, (void)user_buf;
	return (long)size;
}

/* Zeros, a chunk at a time; a fault after some bytes returns those. */
static long
zero_read(struct file *f, void *user_buf, size_t size)
{
	size_t done = 0;

	(void)f;
	while (done < size) {
		size_t n = MIN(size - done, (size_t)ZERO_CHUNK);
		if (copy_to_user((uint8_t *)user_buf + done, zeros, n))
			return done ? (long)done : -EFAULT;
		done += n;
	}
	return (long)done;
}

static unsigned
mem_poll(struct file *f)
{
	(void)f;
	return POLLIN | POLLOUT; /* never a wait, either way */
}

/* There is no position to move: Linux answers 0 and keeps none. */
static long
mem_lseek(struct file *f, int64_t offset, int whence)
{
	(void)offset, (void)whence;
	f->offset = 0;
	return 0;
}

static const struct file_ops null_ops = {
	.read = null_read,
	.write = mem_write,
	.poll = mem_poll,
	.lseek = mem_lseek,
};

static const struct file_ops zero_ops = {
	.read = zero_read,
	.write = mem_write,
	.poll = mem_poll,
	.lseek = mem_lseek,
};

int
memdev_init(void)
{
	int err = vfs_add_device("/dev/null", MEM_MAJOR << 8 | NULL_MINOR,
				 &null_ops);

	if (!err)
		err = vfs_add_device("/dev/zero", MEM_MAJOR << 8 | ZERO_MINOR,
				     &zero_ops);
	return err;
}
