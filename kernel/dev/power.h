/*
 * Switching the machine off and resetting it (see docs/power.md).
 *
 * Both use what acpi_init() found when it ran, and fall back to older
 * tricks when ACPI cannot do the job. Neither returns: if every way
 * fails, the CPU halts with interrupts off.
 */
#ifndef KERNEL_DEV_POWER_H
#define KERNEL_DEV_POWER_H

#include "kernel/lib/types.h"

/* Run @fn just before power_off switches the machine off (the scheduler
 * writes its trace then). At most POWER_HOOKS_MAX of them. */
#define POWER_HOOKS_MAX 4
void power_on_shutdown(void (*fn)(void));

/* Enter ACPI sleep state S5, "soft off". Halts if that does not work. */
__noreturn void power_off(void);

/* Reset the machine, trying each known way in turn. */
__noreturn void power_reset(void);

#endif /* KERNEL_DEV_POWER_H */
