/*
 * panic: the kernel found one of its own invariants broken. It prints what
 * broke, the registers, a backtrace with function names, and a hint; then
 * halts or (panic=poweroff) powers the machine off, so a test never hangs.
 * Never for a user's mistake: those get an error code.
 */
#ifndef KERNEL_LIB_PANIC_H
#define KERNEL_LIB_PANIC_H

#include "kernel/lib/types.h"

struct trap_frame;

enum panic_action {
	PANIC_HALT,	/* stop, leaving the report on the screen */
	PANIC_POWEROFF, /* power off (QEMU exits) */
};

void panic_set_action(enum panic_action action);

/* Does not return. */
__noreturn void panic(const char *fmt, ...) __printf_like(1, 2);
/* A panic caused by a trap: also prints the trapped registers. Does not
 * return. */
__noreturn void panic_trap(const struct trap_frame *tf, const char *fmt, ...)
	__printf_like(2, 3);

#endif /* KERNEL_LIB_PANIC_H */
