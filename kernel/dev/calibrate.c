/*
 * Measuring one counter against another.
 *
 * Nobody tells the kernel how fast the TSC or the local APIC timer
 * count, so each is counted across 10 ms of a reference clock whose rate
 * is known: PIT channel 2, or the ACPI PM timer.
 *
 * The obvious way, "read the counter, wait until the reference says
 * 10 ms have passed, read the counter again", has a weakness. If the CPU
 * is stalled just after the reference says "now" (the emulator's thread
 * descheduled on a busy host, or SMM firmware on real hardware), the
 * counter counts on through the stall before we read it, and the rate
 * comes out too high: on a busy host the APIC timer measured 74.5 MHz
 * instead of 62.5, and the TSC 4% fast.
 *
 * So each end of the interval is a *paired reading*: the reference read
 * between two reads of the counter, with the middle of those two taken
 * as the counter's value at the moment the reference was read. If the
 * two counter reads are far apart, a stall split the pair, and the round
 * is taken again. A stall anywhere else does no harm, since both clocks
 * go on counting through it:
 *
 *   counter     c0 c1 ......................................... c2 c3
 *   reference      r0 ......................................... r1
 *                  |<------------ >= 10 ms by the reference --->|
 *   rate = (mid(c2, c3) - mid(c0, c1)) * reference_hz / (r1 - r0)
 *
 * Three good rounds, and the median of them: a round fooled by a stall
 * so long that the reference wrapped (PIT channel 2 does every 55 ms)
 * cannot move it.
 */
#include "kernel/dev/calibrate.h"

#define CALIBRATE_MS	     10
#define CALIBRATE_ROUNDS     3	/* good rounds wanted ... */
#define CALIBRATE_TRIES	     12 /* ... out of at most this many */
/*
 * How wide the two pairs of a round may be together: 1/200 of the round,
 * 50 us of 10 ms. A PIT read is three ISA port accesses, 3 to 6 us on
 * real chipsets, so two pairs take up to 12 us, more than the 1/1000
 * (10 us) once allowed: every round could be refused. The stalls this
 * check is for last hundreds of microseconds or more. Each pair's middle
 * is within half its width of the truth, and both ends err the same way,
 * so the rate stays well within 0.25%. The divider of the counter does
 * not matter here: width and round scale together.
 */
#define CALIBRATE_SLACK	     200
#define CALIBRATE_POLL_LIMIT 10000000
#define MS_PER_SEC	     1000

/* One reading of both clocks. @width is how far the counter moved while
 * the reference was read: large if a stall struck right there. */
struct paired_reading {
	uint64_t counter; /* the middle of the two counter reads */
	uint64_t width;
	uint64_t ref;
};

static struct paired_reading
read_pair(const struct calibrate_clock *counter,
	  const struct calibrate_clock *ref)
{
	uint64_t before = counter->read();
	uint64_t r = ref->read();
	uint64_t after = counter->read();
	uint64_t width = (after - before) & counter->mask;

	return (struct paired_reading){
		.counter = (before + width / 2) & counter->mask,
		.width = width,
		.ref = r & ref->mask,
	};
}

/*
 * One round: a paired reading now and another once CALIBRATE_MS has
 * passed by @ref. Returns the rate, or 0 if a stall split either pair.
 */
static uint64_t
measure_round(const struct calibrate_clock *counter,
	      const struct calibrate_clock *ref)
{
	uint64_t window = ref->hz * CALIBRATE_MS / MS_PER_SEC;
	struct paired_reading start = read_pair(counter, ref);
	struct paired_reading end = start;
	uint64_t ref_elapsed = 0;

	for (long i = 0; i < CALIBRATE_POLL_LIMIT && ref_elapsed < window;
	     i++) {
		end = read_pair(counter, ref);
		ref_elapsed = (end.ref - start.ref) & ref->mask;
	}
	uint64_t counted = (end.counter - start.counter) & counter->mask;
	if (ref_elapsed < window || counted == 0 ||
	    (start.width + end.width) * CALIBRATE_SLACK > counted)
		return 0;
	/* Only a stall of hours could overflow the product; refuse it too. */
	if (counted > UINT64_MAX / ref->hz)
		return 0;
	return counted * ref->hz / ref_elapsed;
}

/* The median of @n values, which it sorts in place. */
static uint64_t
median(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

uint64_t
calibrate_rate(const struct calibrate_clock *counter,
	       const struct calibrate_clock *ref)
{
	uint64_t rates[CALIBRATE_ROUNDS];
	int n = 0;

	if (!ref->hz)
		return 0;
	for (int tries = 0; tries < CALIBRATE_TRIES && n < CALIBRATE_ROUNDS;
	     tries++) {
		uint64_t rate = measure_round(counter, ref);
		if (rate)
			rates[n++] = rate;
	}
	if (n < CALIBRATE_ROUNDS)
		return 0;
	return median(rates, n);
}
