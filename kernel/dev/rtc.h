/*
 * The PC's battery-backed clock (CMOS real-time clock): the date and
 * time at boot, which CLOCK_REALTIME counts on from.
 */
#ifndef KERNEL_DEV_RTC_H
#define KERNEL_DEV_RTC_H

#include "kernel/lib/types.h"

/* Read the clock: seconds since 1970-01-01 00:00 UTC (the clock is taken
 * to be UTC, as in QEMU). 0 if it reads as nonsense. */
uint64_t rtc_read_unix_time(void);

/* Days since 1970-01-01 of a date (host-testable arithmetic). */
int64_t rtc_days_from_civil(int64_t year, unsigned month, unsigned day);

#endif /* KERNEL_DEV_RTC_H */
