/*
 * The Global Descriptor Table and the Task State Segment.
 *
 * In long mode segments are almost gone: code and data descriptors only
 * say "ring 0 or ring 3, 64-bit code". The TSS is still essential: it
 * holds the stack pointer the CPU switches to when an interrupt arrives in
 * user mode (RSP0), and the Interrupt Stack Table (IST): known-good stacks
 * for faults that must not trust the current one.
 */
#ifndef KERNEL_CPU_GDT_H
#define KERNEL_CPU_GDT_H

#include "kernel/cpu/segments.h"
#include "kernel/lib/types.h"

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3]; /* stack for entering ring 0, 1, 2 */
	uint64_t reserved1;
	uint64_t ist[7]; /* IST1..IST7, chosen per vector in the IDT */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base; /* past the limit: no I/O permission bitmap */
} __packed;
_Static_assert(sizeof(struct tss) == 104, "TSS layout is fixed by the CPU");

/* Load the GDT and the TSS, and reload CS, DS, ES and SS (FS and GS keep
 * their bases in MSRs; their selectors stay 0). */
void gdt_init(void);

/* The stack the CPU switches to on an interrupt from user mode. */
void tss_set_kernel_stack(uint64_t rsp0);

#endif /* KERNEL_CPU_GDT_H */
