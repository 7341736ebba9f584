/*
 * Per-CPU data, reached through the GS segment base.
 *
 * Each CPU has a struct cpu; its GS base register (MSR_GS_BASE) points at
 * it while the CPU runs kernel code, so "gs:0" is this CPU's own struct,
 * whichever CPU runs the instruction. In user mode GS belongs to the
 * program; the entry code swaps the two bases with swapgs (the kernel's
 * waits in MSR_KERNEL_GS_BASE meanwhile).
 *
 * There is no global "current task": it is this_cpu()->current.
 */
#ifndef KERNEL_CPU_PERCPU_H
#define KERNEL_CPU_PERCPU_H

/* Offsets used by assembly (checked in percpu.c). */
#define CPU_SELF	 0
#define CPU_CURRENT	 8
#define CPU_KERNEL_STACK 16
#define CPU_USER_RSP	 24

#ifndef __ASSEMBLER__
#include "kernel/lib/types.h"

struct task;

struct cpu {
	struct cpu *self;      /* gs:0, so this_cpu() is one load */
	struct task *current;  /* the task running on this CPU */
	uint64_t kernel_stack; /* top of current's kernel stack */
	uint64_t user_rsp;     /* scratch for the syscall entry */
	int id;		       /* 0, 1, ... */
	struct task *idle;     /* runs when nothing else can */
	bool need_resched;     /* switch at the next chance */
	int irq_depth;	       /* nesting of interrupt handlers */
	struct task *dead;     /* exited, to be freed after the switch */
};

#define CPUS_MAX 8

/* Point this CPU's GS base at its struct cpu. First thing in kmain: the
 * spinlocks read it. */
void percpu_init_boot(void);

static inline struct cpu *
this_cpu(void)
{
	struct cpu *c;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(c));
	return c;
}

static inline struct task *
current_task(void)
{
	return this_cpu()->current;
}
#endif /* __ASSEMBLER__ */

#endif /* KERNEL_CPU_PERCPU_H */
