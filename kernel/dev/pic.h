/*
 * The two 8259 Programmable Interrupt Controllers of the PC: 16 IRQ lines,
 * the second chip chained into line 2 of the first.
 */
#ifndef KERNEL_DEV_PIC_H
#define KERNEL_DEV_PIC_H

#include "kernel/cpu/trap.h"
#include "kernel/lib/types.h"

/* The pair as an interrupt controller for irq_register() (trap.h). */
extern const struct irq_chip pic_irq_chip;

/* Remap IRQ 0..15 to vectors 32..47 (away from the CPU's exceptions) and
 * mask every line but the cascade. Done on either path: even a pair we
 * do not use must not raise exception vectors. */
void pic_init(void);
/* Mask all 16 lines, the cascade too: the APIC path. */
void pic_mask_all(void);
/* The two mask registers: the master's in bits 0-7, the slave's 8-15. */
uint16_t pic_masks(void);

#endif /* KERNEL_DEV_PIC_H */
