/*
 * Backtraces and symbol lookup.
 *
 * The kernel carries its own symbol table (tools/ksyms.py writes it at
 * build time from a first link; see the Makefile), so a panic can name
 * functions without a debugger.
 */
#ifndef KERNEL_LIB_BACKTRACE_H
#define KERNEL_LIB_BACKTRACE_H

#include "kernel/lib/types.h"

/* The function containing @addr and the offset into it, or NULL when
 * @addr is not in the kernel's code. */
const char *ksym_lookup(uint64_t addr, uint64_t *offset);

/* Print "  [<address>] function+0xoffset" for @rip and then for each
 * return address found by following the saved frame pointers from @rbp.
 * @rsp (0 if unknown) is the stack pointer at @rip: for a trap in a leaf
 * function, the caller's address is found there. */
void backtrace_print(uint64_t rip, uint64_t rbp, uint64_t rsp);

#endif /* KERNEL_LIB_BACKTRACE_H */
