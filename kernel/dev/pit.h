/*
 * The 8254 Programmable Interval Timer: a 1.193182 MHz clock with three
 * counters. Channel 0 drives IRQ 0, the periodic timer tick; channel 2 can
 * be polled, which is how the TSC is calibrated before interrupts work.
 */
#ifndef KERNEL_DEV_PIT_H
#define KERNEL_DEV_PIT_H

#include "kernel/lib/types.h"

#define PIT_FREQUENCY_HZ 1193182

/* Timer interrupts per second. 100 keeps emulated machines light; a tick
 * is 10 ms. */
#define HZ 100

/* Program channel 0 to interrupt HZ times a second and count the ticks. */
void pit_init(void);

/* Call @fn on every tick, from the interrupt (the scheduler's tick). */
void pit_set_tick_handler(void (*fn)(void));

/* Ticks since pit_init(). */
uint64_t pit_ticks(void);

/* Busy-wait for @count PIT periods on channel 2 (at most 65535, about
 * 55 ms). Returns false if the counter never finished: no working PIT. */
bool pit_wait(uint16_t count);

#endif /* KERNEL_DEV_PIT_H */
