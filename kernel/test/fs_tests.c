/*
 * In-kernel tests of the file tree's memory (in the test=mm group): a
 * file's pages come on demand and all come back, from truncate, from
 * unlink, and from the last close of a file unlinked while open; and
 * a write past the tree's limit gives ENOSPC, not a panic. Counting
 * frames and heap objects before and after is exact here, which
 * /proc/meminfo on Linux, the user tests' oracle, is not.
 */
#include "kernel/fs/vfs.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/string.h"
#include "kernel/test/ktest.h"
#include "kernel/test/tests.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/memlayout.h"

#define FILE_PAGES 256 /* 1 MiB */

static uint8_t page_buf[PAGE_SIZE];

struct fs_usage {
	size_t free_frames, file_frames, objects;
};

static struct fs_usage
fs_usage_now(void)
{
	struct frame_stats s = frame_stats();

	return (struct fs_usage){ s.free, s.by_use[FRAME_FILE],
				  kmalloc_stats().objects };
}

static bool
fs_usage_same(struct fs_usage before, const char *what)
{
	struct fs_usage after = fs_usage_now();

	if (after.free_frames != before.free_frames ||
	    after.file_frames != before.file_frames ||
	    after.objects != before.objects)
		return ktest_fail(
			"%s: free frames %zu -> %zu, file frames %zu -> %zu, kmalloc objects %zu -> %zu",
			what, before.free_frames, after.free_frames,
			before.file_frames, after.file_frames, before.objects,
			after.objects);
	return true;
}

static size_t
file_frames(void)
{
	return frame_stats().by_use[FRAME_FILE];
}

bool
ktest_ramfs_pages(const struct boot_info *bi)
{
	struct fs_usage before = fs_usage_now();
	struct inode *root = vfs_root(), *file, *dir;
	uint8_t byte;

	(void)bi;
	if (vfs_create(root, "ktest-file", 10, S_IFREG | 0644, &file) ||
	    vfs_create(root, "ktest-dir", 9, S_IFDIR | 0755, &dir))
		return ktest_fail("cannot make a file and a directory");
	inode_get(file); /* as an open file does */
	for (int n = 0; n < FILE_PAGES; n++) {
		memset(page_buf, n, sizeof(page_buf));
		if (ramfs_data_write(file, (uint64_t)n * PAGE_SIZE, page_buf,
				     PAGE_SIZE, false) != PAGE_SIZE)
			return ktest_fail("write of page %d failed", n);
	}
	if (file_frames() != before.file_frames + FILE_PAGES)
		return ktest_fail("%zu file frames for %d pages written",
				  file_frames() - before.file_frames,
				  FILE_PAGES);
	/* One byte far past the end: one page more, the rest a hole. */
	if (ramfs_data_write(file, 64 * FILE_PAGES * PAGE_SIZE, "x", 1,
			     false) != 1 ||
	    file_frames() != before.file_frames + FILE_PAGES + 1)
		return ktest_fail("a write past the end took more than a page");
	if (ramfs_data_read(file, 2 * FILE_PAGES * PAGE_SIZE, &byte, 1,
			    false) != 1 ||
	    byte != 0)
		return ktest_fail("a hole does not read as zero");
	/* Truncate to 10.5 pages: 11 stay, and the tail of the last is
	 * zero. */
	if (ramfs_data_truncate(file, 10 * PAGE_SIZE + PAGE_SIZE / 2) ||
	    file_frames() != before.file_frames + 11)
		return ktest_fail("truncate kept %zu pages, want 11",
				  file_frames() - before.file_frames);
	if (ramfs_data_read(file, 10 * PAGE_SIZE + 1, &byte, 1, false) != 1 ||
	    byte != 10)
		return ktest_fail("truncate lost data it should keep");
	/* Renamed into the directory and unlinked there while "open": the
	 * pages stay until the last user lets go. */
	if (vfs_rename(root, "ktest-file", 10, dir, "f", 1) ||
	    vfs_unlink(dir, "f", 1))
		return ktest_fail("rename or unlink failed");
	if (file->nlink != 0 || file_frames() != before.file_frames + 11)
		return ktest_fail("an unlinked open file lost its pages");
	inode_put(file);
	if (file_frames() != before.file_frames)
		return ktest_fail("the last close left %zu pages",
				  file_frames() - before.file_frames);
	if (vfs_rmdir(root, "ktest-dir", 9))
		return ktest_fail("rmdir failed");
	return fs_usage_same(before, "ramfs-pages");
}

bool
ktest_ramfs_enospc(const struct boot_info *bi)
{
	struct fs_usage before = fs_usage_now();
	struct inode *file;
	size_t limit = ramfs_data_limit();

	(void)bi;
	if (vfs_create(vfs_root(), "ktest-full", 10, S_IFREG | 0644, &file))
		return ktest_fail("cannot make a file");
	/* Room for 4 pages: a write of 8 stops after 4, the next fails. */
	ramfs_data_set_limit(ramfs_data_pages() + 4);
	long first = 0, second = 0;
	for (int n = 0; n < 8 && first >= 0; n++) {
		long got = ramfs_data_write(file, (uint64_t)n * PAGE_SIZE,
					    page_buf, PAGE_SIZE, false);
		if (got < 0) {
			second = got;
			break;
		}
		first += got;
	}
	ramfs_data_set_limit(limit);
	if (first != 4 * PAGE_SIZE || second != -ENOSPC)
		return ktest_fail(
			"wrote %ld bytes then got %ld, want %d and %d", first,
			second, 4 * PAGE_SIZE, -ENOSPC);
	if (vfs_unlink(vfs_root(), "ktest-full", 10))
		return ktest_fail("unlink failed");
	return fs_usage_same(before, "ramfs-enospc");
}
