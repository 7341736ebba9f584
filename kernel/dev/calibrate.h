/*
 * Measuring how fast a counter counts (the TSC, the local APIC timer)
 * against a clock whose rate is known (the PIT, the ACPI PM timer), in a
 * way that a stalled CPU cannot fool. calibrate.c explains how.
 */
#ifndef KERNEL_DEV_CALIBRATE_H
#define KERNEL_DEV_CALIBRATE_H

#include "kernel/lib/types.h"

/*
 * A counter that rises steadily, modulo @mask + 1, read by @read. For a
 * reference, @hz is its known rate; for the counter being measured, 0.
 */
struct calibrate_clock {
	const char *name;
	uint64_t (*read)(void);
	uint64_t mask;
	uint64_t hz;
};

/*
 * Measure @counter's rate in Hz against @ref: the median of three rounds
 * of 10 ms each. Returns 0 if @ref has no rate, never reaches 10 ms, or
 * too many rounds are spoilt. Both must already be counting. Call with
 * interrupts off: an interrupt inside a paired reading spoils the round.
 */
uint64_t calibrate_rate(const struct calibrate_clock *counter,
			const struct calibrate_clock *ref);

#endif /* KERNEL_DEV_CALIBRATE_H */
