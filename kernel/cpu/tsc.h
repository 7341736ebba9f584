/*
 * The boot clock: nanoseconds since the kernel started, read from the CPU's
 * time-stamp counter (TSC), whose rate is measured against the PIT at boot.
 */
#ifndef KERNEL_CPU_TSC_H
#define KERNEL_CPU_TSC_H

#include "kernel/lib/types.h"

/* Remember "time zero". Call first thing in kmain. */
void clock_start(void);
/* Measure the TSC rate. Until then clock_ns() returns 0. */
void tsc_calibrate(void);
/* Nanoseconds since clock_start(). */
uint64_t clock_ns(void);
/* The TSC rate in Hz, 0 before calibration; a guess without a PIT. */
uint64_t tsc_hz(void);
/* Was tsc_hz() measured (against the PIT), rather than guessed? */
bool tsc_measured(void);

#endif /* KERNEL_CPU_TSC_H */
