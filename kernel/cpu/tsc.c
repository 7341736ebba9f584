/*
 * TSC calibration and the nanosecond clock.
 *
 * The TSC counts at a rate nobody tells us, so we count it across a known
 * interval: 10 ms of the PIT's 1.193182 MHz clock. Converting ticks to
 * nanoseconds then needs ns = ticks * 10^9 / hz; to avoid a division on
 * every read we precompute a fixed-point factor once:
 *
 *   mult = (10^9 << 32) / hz        ns = (ticks * mult) >> 32
 *
 * with a 128-bit product, so nothing overflows for centuries of uptime.
 */
#include "kernel/cpu/tsc.h"
#include "kernel/cpu/x86.h"
#include "kernel/dev/pit.h"
#include "kernel/lib/printk.h"

#define NSEC_PER_SEC	      1000000000ull
#define CALIBRATION_MS	      10
#define CALIBRATION_PIT_COUNT (PIT_FREQUENCY_HZ * CALIBRATION_MS / 1000)
#define CALIBRATION_ROUNDS    3
#define FALLBACK_TSC_HZ	      1000000000ull /* a guess, if there is no PIT */

static uint64_t tsc_at_start;
static uint64_t tsc_rate;
static uint64_t ns_mult; /* 32.32 fixed point: ns per TSC tick */

void
clock_start(void)
{
	tsc_at_start = rdtsc();
}

/* Call with interrupts off: an interrupt inside the window would make the
 * measured interval too long. */
void
tsc_calibrate(void)
{
	uint64_t best = UINT64_MAX;

	/* The shortest of a few rounds: the one least disturbed by the
	 * emulator or SMM stealing time. */
	for (int i = 0; i < CALIBRATION_ROUNDS; i++) {
		uint64_t t0 = rdtsc();
		if (!pit_wait(CALIBRATION_PIT_COUNT))
			break;
		uint64_t cycles = rdtsc() - t0;
		if (cycles < best)
			best = cycles;
	}

	if (best == UINT64_MAX || best == 0) {
		tsc_rate = FALLBACK_TSC_HZ;
		pr_warn("tsc: no PIT to calibrate against; guessing 1 GHz\n");
	} else {
		tsc_rate = best * (1000 / CALIBRATION_MS);
	}
	ns_mult = (NSEC_PER_SEC << 32) / tsc_rate;
	pr_info("tsc: %llu.%03llu MHz\n",
		(unsigned long long)(tsc_rate / 1000000),
		(unsigned long long)(tsc_rate / 1000 % 1000));
}

uint64_t
clock_ns(void)
{
	if (!ns_mult)
		return 0;
	unsigned __int128 product =
		(unsigned __int128)(rdtsc() - tsc_at_start) * ns_mult;
	return (uint64_t)(product >> 32);
}

uint64_t
tsc_hz(void)
{
	return tsc_rate;
}
