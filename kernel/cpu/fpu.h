/*
 * The floating-point and SSE registers of user programs.
 *
 * The kernel itself never uses them (it is compiled with
 * -mgeneral-regs-only), but every user program does: musl copies memory
 * with SSE. So each user task keeps its own 512-byte FXSAVE image, saved
 * when it leaves the CPU and restored when it returns. Eager switching:
 * simple and correct, at the cost of two instructions per switch.
 */
#ifndef KERNEL_CPU_FPU_H
#define KERNEL_CPU_FPU_H

#include "kernel/lib/types.h"

#define FPU_STATE_SIZE 512

struct fpu_state {
	uint8_t bytes[FPU_STATE_SIZE];
} __aligned(16);

/* Switch the FPU and SSE on (CR0, CR4) and record the clean state. */
void fpu_init(void);

/* Save the live registers into @s, or load them from it. */
static inline void
fpu_save(struct fpu_state *s)
{
	__asm__ volatile("fxsave64 %0" : "=m"(*s));
}

static inline void
fpu_restore(const struct fpu_state *s)
{
	__asm__ volatile("fxrstor64 %0" : : "m"(*s));
}

/* Put the state a freshly started program gets into @s. */
void fpu_reset(struct fpu_state *s);

#endif /* KERNEL_CPU_FPU_H */
