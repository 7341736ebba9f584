/*
 * Touching user memory from the kernel, safely.
 *
 * A user pointer may be anything: unmapped, in the kernel half, or close
 * enough to the end of the user half that pointer + length wraps. These
 * functions check the range first (user half only, no wrap-around), then
 * copy in a way that can fault: the fault handler looks the faulting
 * instruction up in the exception table and resumes at its fixup, which
 * makes the function return -EFAULT. A bad pointer from a process is
 * therefore an error code, never a kernel crash.
 *
 * On CPUs with SMAP the kernel cannot touch user pages at all, except
 * inside these functions, which open a window with stac and close it with
 * clac.
 */
#ifndef MM_UACCESS_H
#define MM_UACCESS_H

#include "kernel/lib/types.h"

/* Is [addr, addr + size) inside the user half, without wrapping? */
bool uaccess_range_ok(vaddr_t addr, size_t size);

/* Copy @size bytes; 0, or -EFAULT if any byte was not accessible. */
int copy_from_user(void *dst, const void *user_src, size_t size);
int copy_to_user(void *user_dst, const void *src, size_t size);

/* Copy a NUL-terminated string of at most @size bytes, NUL included.
 * Returns its length (without the NUL); @size if no NUL came within @size
 * bytes (dst is then not terminated); -EFAULT on a bad address. */
long strncpy_from_user(char *dst, const char *user_src, size_t size);

/* The exception table: where to resume after a fault at @rip, or 0. */
uint64_t uaccess_fixup(uint64_t rip);

#endif /* MM_UACCESS_H */
