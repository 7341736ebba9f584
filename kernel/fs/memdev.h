/*
 * The memory devices: /dev/null and /dev/zero, Linux's character
 * devices 1,3 and 1,5 (drivers/char/mem.c there).
 *
 *   /dev/null   read: end of file at once    write: every byte taken
 *   /dev/zero   read: as many zero bytes     write: every byte taken
 *               as asked for
 *
 * Both are always ready for poll, and lseek on them does nothing but
 * return 0, as on Linux.
 */
#ifndef KERNEL_FS_MEMDEV_H
#define KERNEL_FS_MEMDEV_H

/* Create /dev/null and /dev/zero. */
int memdev_init(void);

#endif /* KERNEL_FS_MEMDEV_H */
