/*
 * Choosing the interrupt controllers and the tick at boot: the local
 * APIC, the IOAPIC and the APIC timer where the machine has them, else
 * the 8259 pair and the PIT (docs/interrupts.md).
 */
#ifndef KERNEL_DEV_IRQ_CONTROLLER_H
#define KERNEL_DEV_IRQ_CONTROLLER_H

#include "kernel/lib/types.h"

/*
 * Set up the interrupt controllers and start the tick; say which path was
 * taken and why. @noapic (the command-line word) forces the 8259 path.
 * After acpi_init() (it reads the MADT) and tsc_calibrate(); before any
 * irq_register() and before interrupts are enabled.
 */
void irq_controller_init(bool noapic);

/* Is the APIC path in use? */
bool irq_controller_uses_apic(void);

/* Did the PIT count when probed at boot? (Some chipsets gate it off.) */
bool irq_controller_pit_counts(void);

#endif /* KERNEL_DEV_IRQ_CONTROLLER_H */
