/*
 * The 8254 Programmable Interval Timer: a 1.193182 MHz clock with three
 * counters. Channel 0 drives IRQ 0, the periodic timer tick where there is
 * no local APIC timer; channel 2 can be read while it runs, which is how
 * the TSC and the APIC timer are calibrated before interrupts work.
 */
#ifndef KERNEL_DEV_PIT_H
#define KERNEL_DEV_PIT_H

#include "kernel/dev/calibrate.h"
#include "kernel/dev/timer.h"
#include "kernel/lib/types.h"

#define PIT_FREQUENCY_HZ 1193182

/* Program channel 0 to interrupt HZ times a second and make it the tick
 * (timer.h): the path without an APIC. */
void pit_init(void);

/* Stop channel 0 (the APIC timer ticks instead): it waits for a count
 * that never comes, so IRQ 0 stays quiet. */
void pit_stop(void);

/* Raise IRQ 0 once, @count PIT periods from now (channel 0, one-shot),
 * for tests of the interrupt path. pit_stop() cancels it. */
void pit_oneshot_irq(uint16_t count);

/* Let channel 2 run free (pit_reference reads it). Returns false if it
 * does not count: no working PIT. */
bool pit_counter_start(void);

/* Channel 2 as a reference for calibrate_rate(), once
 * pit_counter_start() has said it counts. */
extern const struct calibrate_clock pit_reference;

#endif /* KERNEL_DEV_PIT_H */
