/*
 * TSC calibration and the nanosecond clock.
 *
 * The TSC counts at a rate nobody tells us, so we count it across a known
 * interval: 10 ms of the PIT's 1.193182 MHz clock. calibrate_rate() reads
 * the PIT between two reads of the TSC at each end of the interval, so
 * that the emulator (or SMM firmware) stalling us at the wrong moment
 * cannot inflate the rate. Waiting for the PIT to run out and then
 * reading the TSC could: on a busy host it measured the TSC 4% fast.
 *
 * Converting ticks to nanoseconds then needs ns = ticks * 10^9 / hz; to
 * avoid a division on every read we precompute a fixed-point factor once:
 *
 *   mult = (10^9 << 32) / hz        ns = (ticks * mult) >> 32
 *
 * with a 128-bit product, so nothing overflows for centuries of uptime.
 */
#include "kernel/cpu/tsc.h"
#include "kernel/cpu/x86.h"
#include "kernel/dev/calibrate.h"
#include "kernel/dev/pit.h"
#include "kernel/lib/printk.h"

#define NSEC_PER_SEC	1000000000ull
#define FALLBACK_TSC_HZ 1000000000ull /* a guess, if there is no PIT */

static uint64_t tsc_at_start;
static uint64_t tsc_rate;
static bool tsc_rate_measured;
static uint64_t ns_mult; /* 32.32 fixed point: ns per TSC tick */

void
clock_start(void)
{
	tsc_at_start = rdtsc();
}

/* Call with interrupts off (calibrate_rate() says why). */
void
tsc_calibrate(void)
{
	static const struct calibrate_clock tsc = {
		.name = "the TSC",
		.read = rdtsc,
		.mask = ~0ull, /* 64 bits: it never wraps */
	};

	if (!pit_counter_start()) {
		tsc_rate = FALLBACK_TSC_HZ;
		pr_warn("tsc: no PIT to calibrate against; guessing 1 GHz\n");
	} else if (!(tsc_rate = calibrate_rate(&tsc, &pit_reference))) {
		tsc_rate = FALLBACK_TSC_HZ;
		pr_warn("tsc: every measurement against the PIT was spoilt; guessing 1 GHz\n");
	} else {
		tsc_rate_measured = true;
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

bool
tsc_measured(void)
{
	return tsc_rate_measured;
}
