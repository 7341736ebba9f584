/*
 * A tree file's bytes. A file from the initramfs reads straight from the
 * archive (inode->data) until it is first changed; then, like every file
 * made since boot, it keeps its bytes in pages of its own:
 *
 *   inode->frames:  [0] [1] [2] [3] ... [frame_slots - 1]
 *                    |   |   0   |
 *                    v   v       v
 *                  page page   page      (0: a hole, which reads as zeros)
 *
 * Page n holds bytes [n * 4096, (n + 1) * 4096). A page is allocated when
 * a write first touches it, and freed when truncate cuts it off or the
 * inode goes. Pages are whole frames from the frame allocator, not
 * kmalloc blocks: a page is the unit the data comes and goes in, a frame
 * comes zeroed (a new page is a hole until written), and kmalloc would
 * put a 4096-byte object plus its header in two frames. The frames are
 * counted as FRAME_FILE, which /proc/meminfo shows as Shmem, Linux's name
 * for the pages of its tmpfs.
 *
 * The index frames[] is one flat array, grown by doubling: a write far
 * past the end costs 8 bytes of index per page of hole, and one too far
 * to index gives ENOSPC. All files together hold at most a limit of pages
 * (half of memory, set by vfs_init, as tmpfs's default), so that files
 * cannot take the memory the kernel needs to run: past it, or when no
 * frame is left, a write gives ENOSPC.
 *
 * Like the rest of the tree, this has no lock of its own: the kernel is
 * not preempted and one CPU runs it, so a system call changes the tree
 * alone (copying from user memory may fault a page in, but not sleep).
 */
#include "kernel/fs/vfs.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/string.h"
#include "kernel/syscall.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/memlayout.h"
#include "mm/uaccess.h"

#define NSEC_PER_SEC  1000000000ull
#define FILE_SIZE_MAX INT64_MAX /* Linux's MAX_LFS_FILESIZE on x86-64 */

static size_t pages_used, pages_limit = SIZE_MAX;
static const uint8_t zeros[PAGE_SIZE];

void
ramfs_data_set_limit(size_t pages)
{
	pages_limit = pages;
}

size_t
ramfs_data_limit(void)
{
	return pages_limit;
}

size_t
ramfs_data_pages(void)
{
	return pages_used;
}

static void
page_free(paddr_t pa)
{
	if (pa) {
		frame_put(pa);
		pages_used--;
	}
}

/* Room in the index for page @n; false when it cannot grow. */
static bool
index_reserve(struct inode *i, size_t n)
{
	if (n < i->frame_slots)
		return true;
	size_t slots = i->frame_slots ? i->frame_slots : 8;
	while (slots <= n) {
		if (slots > SIZE_MAX / 2 / sizeof(paddr_t))
			return false;
		slots *= 2;
	}
	paddr_t *frames = kzalloc(slots * sizeof(paddr_t));
	if (!frames)
		return false;
	if (i->frames)
		memcpy(frames, i->frames, i->frame_slots * sizeof(paddr_t));
	kfree(i->frames);
	i->frames = frames;
	i->frame_slots = slots;
	return true;
}

/* Page @n of the file, allocated (zeroed) if it is a hole; NULL when
 * out of pages. */
static uint8_t *
page_for_write(struct inode *i, size_t n)
{
	if (!index_reserve(i, n))
		return NULL;
	if (!i->frames[n]) {
		if (pages_used >= pages_limit)
			return NULL;
		paddr_t pa = frame_alloc(FRAME_FILE);
		if (!pa)
			return NULL;
		i->frames[n] = pa;
		pages_used++;
	}
	return phys_to_virt(i->frames[n]);
}

/* Page @n to read from: the zero page for a hole. */
static const uint8_t *
page_for_read(struct inode *i, size_t n)
{
	if (n < i->frame_slots && i->frames[n])
		return phys_to_virt(i->frames[n]);
	return zeros;
}

/* The first change to an initramfs file: copy its bytes into pages. */
static int
detach_from_archive(struct inode *i)
{
	const uint8_t *data = i->data;

	if (!data)
		return 0;
	for (uint64_t off = 0; off < i->size; off += PAGE_SIZE) {
		uint8_t *page = page_for_write(i, off / PAGE_SIZE);
		if (!page) {
			ramfs_data_free(i); /* still readable from data */
			return -ENOSPC;
		}
		memcpy(page, data + off,
		       MIN((uint64_t)PAGE_SIZE, i->size - off));
	}
	i->data = NULL;
	return 0;
}

static void
touch(struct inode *i)
{
	i->mtime = i->ctime = realtime_ns() / NSEC_PER_SEC;
}

long
ramfs_data_read(struct inode *i, uint64_t offset, void *buf, size_t size,
		bool user)
{
	if (offset >= i->size)
		return 0;
	size_t total = MIN(size, i->size - offset), done = 0;
	while (done < total) {
		uint64_t pos = offset + done;
		size_t in = pos % PAGE_SIZE;
		size_t n = MIN(total - done, PAGE_SIZE - in);
		const uint8_t *src =
			i->data ? i->data + pos
				: page_for_read(i, pos / PAGE_SIZE) + in;
		if (!user)
			memcpy((uint8_t *)buf + done, src, n);
		else if (copy_to_user((uint8_t *)buf + done, src, n))
			return done ? (long)done : -EFAULT;
		done += n;
	}
	return (long)done;
}

long
ramfs_data_write(struct inode *i, uint64_t offset, const void *buf, size_t size,
		 bool user)
{
	int err = 0;
	size_t done = 0;

	if (size == 0)
		return 0;
	if (offset >= FILE_SIZE_MAX || size > FILE_SIZE_MAX - offset)
		return -EFBIG;
	if ((err = detach_from_archive(i)))
		return err;
	while (done < size) {
		uint64_t pos = offset + done;
		size_t in = pos % PAGE_SIZE;
		size_t n = MIN(size - done, PAGE_SIZE - in);
		uint8_t *page = page_for_write(i, pos / PAGE_SIZE);
		if (!page) {
			err = -ENOSPC;
			break;
		}
		if (!user)
			memcpy(page + in, (const uint8_t *)buf + done, n);
		else if (copy_from_user(page + in, (const uint8_t *)buf + done,
					n)) {
			err = -EFAULT;
			break;
		}
		done += n;
	}
	if (done) {
		if (offset + done > i->size)
			i->size = offset + done;
		touch(i);
	}
	return done ? (long)done : err;
}

int
ramfs_data_truncate(struct inode *i, uint64_t size)
{
	if (size > FILE_SIZE_MAX)
		return -EFBIG;
	int err = detach_from_archive(i);
	if (err)
		return err;
	if (size < i->size) {
		/* Pages wholly past the end go; the rest of the last one is
		 * zeroed, so that growing again reads zeros there. */
		size_t keep =
			(size_t)ALIGN_UP(size, (uint64_t)PAGE_SIZE) / PAGE_SIZE;
		for (size_t n = keep; n < i->frame_slots; n++) {
			page_free(i->frames[n]);
			i->frames[n] = 0;
		}
		size_t in = size % PAGE_SIZE;
		if (in && keep - 1 < i->frame_slots && i->frames[keep - 1])
			memset((uint8_t *)phys_to_virt(i->frames[keep - 1]) +
				       in,
			       0, PAGE_SIZE - in);
	}
	i->size = size;
	touch(i);
	return 0;
}

void
ramfs_data_free(struct inode *i)
{
	for (size_t n = 0; n < i->frame_slots; n++)
		page_free(i->frames[n]);
	kfree(i->frames);
	i->frames = NULL;
	i->frame_slots = 0;
}

const uint8_t *
ramfs_data_bytes(struct inode *i, void **copy)
{
	*copy = NULL;
	if (i->data || i->size == 0)
		return i->data ? i->data : zeros;
	if (i->size > SIZE_MAX - 1 || !(*copy = kmalloc(i->size)))
		return NULL;
	ramfs_data_read(i, 0, *copy, i->size, false);
	return *copy;
}
