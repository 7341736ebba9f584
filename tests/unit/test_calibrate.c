/*
 * Host tests of calibrate_rate() (kernel/dev/calibrate.c) on simulated
 * clocks: a counter at a known rate, PIT channel 2 as the reference, and
 * a simulated CPU that can be stalled at chosen moments, as a busy host
 * stalls QEMU's. The measured rate must come out right however the
 * stalls fall, or the measurement must say it could not be made.
 */
#include "kernel/dev/calibrate.h"
#include "tests/unit/unit.h"

#define NSEC_PER_SEC	 1000000000ull
#define PIT_HZ		 1193182
#define COUNTER_READ_NS	 20   /* an APIC register or rdtsc */
#define REF_READ_NS	 800  /* three port accesses, as QEMU does them */
#define SLOW_REF_READ_NS 6000 /* three ISA accesses on a slow chipset */
#define TOLERANCE_PER_1M 100  /* 0.01% */

/* The simulation: time, and what each clock shows at a time. */
static uint64_t now_ns;
static uint64_t counter_hz, counter_offset;
static uint64_t ref_reads, stall_every_ref_read, stall_ns;
static uint64_t window_start, windows_ended;
static bool stall_at_window_end, window_starting;
static uint64_t counter_reads, stall_once_at_counter_read, stall_once_ns;
static uint64_t ref_read_ns;
static uint64_t tolerance_per_1m;

static uint64_t
ticks_at(uint64_t ns, uint64_t hz)
{
	return (uint64_t)((unsigned __int128)ns * hz / NSEC_PER_SEC);
}

static uint64_t
sim_counter_read(void)
{
	now_ns += COUNTER_READ_NS;
	uint64_t v = counter_offset + ticks_at(now_ns, counter_hz);
	if (++counter_reads == stall_once_at_counter_read)
		now_ns += stall_once_ns;
	return v;
}

/* A stall just after the reference was read, before the counter is:
 * every so many reads, or (stall_at_window_end) at the moment the
 * reference says 10 ms have passed since a round began, in two rounds
 * out of three. */
static uint64_t
sim_ref_read(void)
{
	now_ns += ref_read_ns;
	uint64_t v = ticks_at(now_ns, PIT_HZ) & 0xffff;
	if (stall_every_ref_read && ++ref_reads % stall_every_ref_read == 0)
		now_ns += stall_ns;
	if (stall_at_window_end) {
		if (window_starting) {
			window_start = v;
			window_starting = false;
		} else if (((v - window_start) & 0xffff) >= PIT_HZ / 100) {
			if (windows_ended++ % 3 != 2)
				now_ns += stall_ns;
			window_starting = true;
		}
	}
	return v;
}

static const struct calibrate_clock pit = {
	.name = "the PIT",
	.read = sim_ref_read,
	.mask = 0xffff,
	.hz = PIT_HZ,
};

static void
sim_reset(uint64_t hz, uint64_t offset)
{
	now_ns = 12345678; /* anywhere: the PIT's count is not 0 at start */
	counter_hz = hz;
	counter_offset = offset;
	ref_reads = stall_every_ref_read = stall_ns = 0;
	stall_at_window_end = false;
	window_starting = true;
	windows_ended = 0;
	counter_reads = stall_once_at_counter_read = stall_once_ns = 0;
	ref_read_ns = REF_READ_NS;
	tolerance_per_1m = TOLERANCE_PER_1M;
}

static bool
close_to(uint64_t got, uint64_t want)
{
	uint64_t diff = got > want ? got - want : want - got;

	if (diff * 1000000 <= want * tolerance_per_1m)
		return true;
	printf("  measured %llu Hz, want %llu\n", (unsigned long long)got,
	       (unsigned long long)want);
	return false;
}

/* No stalls: an APIC timer at QEMU's 62.5 MHz, 32 bits wide. */
static void
steady_apic_timer(void)
{
	struct calibrate_clock apic = { "apic", sim_counter_read, 0xffffffff,
					0 };

	sim_reset(62500000, 0);
	CHECK(close_to(calibrate_rate(&apic, &pit), 62500000));
}

/* A 32-bit counter that wraps during the measurement. */
static void
counter_wraps(void)
{
	struct calibrate_clock apic = { "apic", sim_counter_read, 0xffffffff,
					0 };

	sim_reset(62500000,
		  0xffffffffull - 1000000 - ticks_at(12345678, 62500000));
	CHECK(close_to(calibrate_rate(&apic, &pit), 62500000));
}

/* The stall that broke "wait for the PIT, then read the counter": 1 ms
 * just after the PIT says 10 ms have passed, in two rounds of three.
 * Those rounds are refused (their last pair is split), and the good ones
 * give the right rate. */
static void
stall_at_the_end_refused(void)
{
	struct calibrate_clock tsc = { "tsc", sim_counter_read, ~0ull, 0 };

	sim_reset(2300000000ull, 123456789);
	stall_at_window_end = true;
	stall_ns = 1000000;
	CHECK(close_to(calibrate_rate(&tsc, &pit), 2300000000ull));
}

/* Stalls of 2 ms after every 7th reference read, anywhere in a round:
 * both clocks count through a stall between the pairs, so it does no
 * harm. */
static void
stalls_between_pairs_harmless(void)
{
	struct calibrate_clock apic = { "apic", sim_counter_read, 0xffffffff,
					0 };

	sim_reset(62500000, 0);
	stall_every_ref_read = 7;
	stall_ns = 2000000;
	CHECK(close_to(calibrate_rate(&apic, &pit), 62500000));
}

/* A stall after every reference read spoils every pair: no rate at all
 * rather than a wrong one. */
static void
always_stalled_gives_up(void)
{
	struct calibrate_clock tsc = { "tsc", sim_counter_read, ~0ull, 0 };

	sim_reset(2300000000ull, 0);
	stall_every_ref_read = 1;
	stall_ns = 100000;
	CHECK_INT(calibrate_rate(&tsc, &pit), 0);
}

/* One stall of 60 ms between the pairs of the first round: the PIT
 * wraps every 55 ms, so that round sees only 5 ms of it and comes out
 * far too high. The median of three leaves it out. */
static void
reference_wrap_outvoted(void)
{
	struct calibrate_clock tsc = { "tsc", sim_counter_read, ~0ull, 0 };

	sim_reset(2300000000ull, 0);
	stall_once_at_counter_read = 1000;
	stall_once_ns = 60000000;
	CHECK(close_to(calibrate_rate(&tsc, &pit), 2300000000ull));
}

/*
 * A crystal-clocked APIC timer (24 or 19.2 MHz, divided by 16: 1.5 or
 * 1.2 MHz) against a PIT whose reads take 6 us: a 10 ms round counts only
 * 12-15 thousand, and the two pairs take 12 us. They must not be taken
 * for stalls. 0.1%: at these rates one count is 0.008% of a round.
 */
static void
slow_crystal_apic_timer(void)
{
	static const uint64_t rates[] = { 24000000 / 16, 19200000 / 16 };

	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		struct calibrate_clock apic = { "apic", sim_counter_read,
						0xffffffff, 0 };
		sim_reset(rates[i], 0);
		ref_read_ns = SLOW_REF_READ_NS;
		tolerance_per_1m = 1000;
		CHECK(close_to(calibrate_rate(&apic, &pit), rates[i]));
	}
}

/* The TSC against the same slow PIT reads. */
static void
slow_pit_reads_tsc(void)
{
	struct calibrate_clock tsc = { "tsc", sim_counter_read, ~0ull, 0 };

	sim_reset(2300000000ull, 0);
	ref_read_ns = SLOW_REF_READ_NS;
	CHECK(close_to(calibrate_rate(&tsc, &pit), 2300000000ull));
}

/* A counter that never moves has no rate. */
static void
stopped_counter(void)
{
	struct calibrate_clock dead = { "dead", sim_counter_read, 0xffffffff,
					0 };

	sim_reset(0, 42);
	CHECK_INT(calibrate_rate(&dead, &pit), 0);
}

int
main(void)
{
	unit_suite = "calibrate";
	UNIT_RUN(steady_apic_timer);
	UNIT_RUN(counter_wraps);
	UNIT_RUN(stall_at_the_end_refused);
	UNIT_RUN(stalls_between_pairs_harmless);
	UNIT_RUN(always_stalled_gives_up);
	UNIT_RUN(reference_wrap_outvoted);
	UNIT_RUN(stopped_counter);
	UNIT_RUN(slow_crystal_apic_timer);
	UNIT_RUN(slow_pit_reads_tsc);
	return unit_failures;
}
