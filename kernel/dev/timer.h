/*
 * The tick: HZ interrupts a second from whichever timer drives it, the
 * PIT's channel 0 (through the 8259) or the local APIC's own timer (see
 * kernel/dev/irq_controller.c for the choice). Both call timer_tick();
 * everything that counts ticks or runs on them asks here, not the chip.
 */
#ifndef KERNEL_DEV_TIMER_H
#define KERNEL_DEV_TIMER_H

#include "kernel/lib/types.h"

/* Timer interrupts per second. 100 keeps emulated machines light; a tick
 * is 10 ms. */
#define HZ 100

/* One tick happened. Called from the tick source's interrupt handler. */
void timer_tick(void);

/* Call @fn on every tick, from the interrupt (the scheduler's tick). */
void timer_set_tick_handler(void (*fn)(void));

/* Ticks since the tick source started. */
uint64_t timer_ticks(void);

/* What drives the tick ("PIT", "local APIC timer"), for messages and
 * tests; NULL before a source is started. */
void timer_set_source(const char *name);
const char *timer_source(void);

#endif /* KERNEL_DEV_TIMER_H */
