/*
 * In-kernel tests of the interrupt controllers, in the boot group. Each
 * reads the chips themselves rather than trusting what the kernel meant
 * to program. On the 8259 path (noapic, or no APIC) they check that path
 * instead, or say there is nothing to check.
 */
#include "kernel/cpu/trap.h"
#include "kernel/cpu/tsc.h"
#include "kernel/cpu/x86.h"
#include "kernel/dev/acpi.h"
#include "kernel/dev/ioapic.h"
#include "kernel/dev/irq_controller.h"
#include "kernel/dev/lapic.h"
#include "kernel/dev/madt.h"
#include "kernel/dev/pic.h"
#include "kernel/dev/pit.h"
#include "kernel/dev/timer.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "kernel/test/ktest.h"
#include "kernel/test/tests.h"

#define PIC_ALL_MASKED	       0xffff
#define NSEC_PER_MSEC	       1000000ull
#define IRQ_TEST_WAIT_NS       (1000 * NSEC_PER_MSEC)
#define IRQ_TEST_SETTLE_NS     (30 * NSEC_PER_MSEC)
#define IRQ_TEST_PIT_COUNT     (PIT_FREQUENCY_HZ / 1000) /* 1 ms */
#define RATE_TOLERANCE_PERCENT 3

/* The IOAPIC entry of ISA IRQ @irq must be unmasked on its vector. */
static bool
check_isa_entry_live(unsigned irq, const char *what)
{
	struct madt_route route;
	uint64_t entry;

	if (madt_isa_route(acpi_madt(), irq, &route) != 0 ||
	    !ioapic_read_gsi(route.gsi, &entry))
		return ktest_fail("%s (IRQ %u) has no IOAPIC pin", what, irq);
	pr_info("  IRQ %u (%s): GSI %u, entry %#llx\n", irq, what, route.gsi,
		(unsigned long long)entry);
	if (entry & IOAPIC_REDIR_MASKED)
		return ktest_fail("%s's IOAPIC entry is masked", what);
	if ((entry & IOAPIC_REDIR_VECTOR) != VECTOR_IOAPIC_BASE + irq)
		return ktest_fail(
			"%s's IOAPIC entry has vector %llu, not %u", what,
			(unsigned long long)(entry & IOAPIC_REDIR_VECTOR),
			VECTOR_IOAPIC_BASE + irq);
	if (!!(entry & IOAPIC_REDIR_LEVEL) != route.level ||
	    !!(entry & IOAPIC_REDIR_ACTIVE_LOW) != route.active_low)
		return ktest_fail(
			"%s's trigger or polarity differs from the MADT's",
			what);
	return true;
}

static bool
tick_is(const char *source)
{
	return timer_source() && strcmp(timer_source(), source) == 0;
}

/* The 8259 path: the pair delivers, IRQ 0 is open, the PIT ticks; or,
 * where the PIT does not count, the local APIC timer. */
static bool
check_pic_path(void)
{
	uint16_t masks = pic_masks();

	pr_info("  the 8259 path: mask registers 0x%04x, tick from the %s\n",
		masks, timer_source() ? timer_source() : "(nothing)");
	if (irq_chip() != &pic_irq_chip)
		return ktest_fail("IRQs are not delivered by the 8259");
	if (!irq_controller_pit_counts())
		return tick_is(LAPIC_TIMER_SOURCE) ||
		       ktest_fail("no PIT, and the APIC timer does not tick");
	if (masks & (1u << IRQ_PIT))
		return ktest_fail("IRQ 0, the tick, is masked at the 8259");
	if (!tick_is("PIT"))
		return ktest_fail("the tick does not come from the PIT");
	return true;
}

/* Which controllers deliver what, read back from the chips. */
bool
ktest_irq_controller(const struct boot_info *bi)
{
	uint32_t svr, lvt, lint0;
	uint64_t entry;
	struct madt_route pit;

	(void)bi;
	if (!irq_controller_uses_apic())
		return check_pic_path();

	if (irq_chip() != &ioapic_irq_chip)
		return ktest_fail("the APIC path, but IRQs go through the %s",
				  irq_chip()->name);
	/* The 8259s must not deliver anything: every line masked. */
	if (pic_masks() != PIC_ALL_MASKED)
		return ktest_fail(
			"the 8259 mask registers read 0x%04x, not 0xffff",
			pic_masks());
	svr = lapic_read(LAPIC_SVR);
	lvt = lapic_read(LAPIC_LVT_TIMER);
	lint0 = lapic_read(LAPIC_LVT_LINT0);
	pr_info("  8259 masks 0x%04x; local APIC SVR %#x, timer LVT %#x, LINT0 %#x\n",
		pic_masks(), svr, lvt, lint0);
	if (!(svr & LAPIC_SVR_ENABLE) ||
	    (svr & LAPIC_LVT_VECTOR) != VECTOR_LAPIC_SPURIOUS)
		return ktest_fail(
			"the local APIC is not enabled on our spurious vector");
	/* LINT0 is the 8259's way in (ExtINT): it must be shut. */
	if (!(lint0 & LAPIC_LVT_MASKED) &&
	    (lint0 & LAPIC_LVT_EXTINT) == LAPIC_LVT_EXTINT)
		return ktest_fail("LINT0 still passes the 8259 through");
	/* The console's two inputs are routed. */
	if (!check_isa_entry_live(IRQ_KEYBOARD, "keyboard") ||
	    !check_isa_entry_live(IRQ_COM1, "COM1"))
		return false;
	if (!ioapic_can_route(IRQ_KEYBOARD) || !ioapic_can_route(IRQ_COM1) ||
	    ioapic_can_route(IRQ_CASCADE))
		return ktest_fail("ioapic_can_route() disagrees with the MADT");

	/* No ARAT: the PIT ticks through the IOAPIC, the APIC timer rests. */
	if (!lapic_timer_keeps_running() && tick_is("PIT")) {
		if (!(lvt & LAPIC_LVT_MASKED))
			return ktest_fail(
				"the PIT ticks, but the APIC timer is unmasked");
		return check_isa_entry_live(IRQ_PIT, "the PIT");
	}
	if ((lvt & LAPIC_LVT_MASKED) || !(lvt & LAPIC_LVT_PERIODIC) ||
	    (lvt & LAPIC_LVT_VECTOR) != VECTOR_LAPIC_TIMER)
		return ktest_fail("the APIC timer is not periodic on vector %u",
				  VECTOR_LAPIC_TIMER);
	if (!tick_is(LAPIC_TIMER_SOURCE))
		return ktest_fail("the tick does not come from the APIC timer");
	/* The PIT's line is not open. */
	if (madt_isa_route(acpi_madt(), IRQ_PIT, &pit) != 0 ||
	    !ioapic_read_gsi(pit.gsi, &entry))
		return ktest_fail("IRQ 0 has no IOAPIC pin");
	if (!(entry & IOAPIC_REDIR_MASKED))
		return ktest_fail(
			"IRQ 0 (GSI %u) is open though the APIC timer ticks",
			pit.gsi);
	return true;
}

static volatile unsigned irq_test_hits;
static volatile uint64_t irq_test_vector;

static void
ktest_irq0_handler(struct trap_frame *tf)
{
	irq_test_hits++;
	irq_test_vector = tf->vector;
}

/*
 * An interrupt goes the whole way: PIT channel 0 fires once, its IRQ 0
 * must reach the IOAPIC at the GSI the override names (2 on QEMU, not 0),
 * and arrive here on vector 48, exactly once (edge triggered).
 */
bool
ktest_ioapic_irq(const struct boot_info *bi)
{
	(void)bi;
	if (!irq_controller_uses_apic()) {
		pr_info("  the 8259 path: IRQ 0 is the tick, which the timer test checks\n");
		return true;
	}
	if (!interrupts_enabled())
		return ktest_fail("interrupts are off");
	if (!irq_controller_pit_counts()) {
		pr_info("  the PIT does not count: nothing to fire\n");
		return true;
	}
	if (tick_is("PIT")) {
		pr_info("  the PIT is the tick, on vector %u: the timer test counts it\n",
			VECTOR_IOAPIC_BASE + IRQ_PIT);
		return true;
	}

	irq_test_hits = 0;
	irq_test_vector = 0;
	if (irq_register(IRQ_PIT, ktest_irq0_handler) != 0)
		return ktest_fail("cannot route IRQ 0");
	pit_oneshot_irq(IRQ_TEST_PIT_COUNT);
	uint64_t t0 = clock_ns();
	while (!irq_test_hits && clock_ns() - t0 < IRQ_TEST_WAIT_NS)
		cpu_halt(); /* the APIC tick wakes us if IRQ 0 does not */
	uint64_t waited_us = (clock_ns() - t0) / 1000;
	/* Long enough for a second interrupt to show, if one were coming. */
	while (clock_ns() - t0 < waited_us * 1000 + IRQ_TEST_SETTLE_NS)
		cpu_halt();
	irq_unregister(IRQ_PIT);
	pit_stop();

	pr_info("  PIT one-shot: %u interrupt%s on vector %llu after %llu us\n",
		irq_test_hits, irq_test_hits == 1 ? "" : "s",
		(unsigned long long)irq_test_vector,
		(unsigned long long)waited_us);
	if (irq_test_hits == 0)
		return ktest_fail("IRQ 0 never arrived through the IOAPIC");
	if (irq_test_hits != 1)
		return ktest_fail("one edge, %u interrupts", irq_test_hits);
	if (irq_test_vector != VECTOR_IOAPIC_BASE + IRQ_PIT)
		return ktest_fail("IRQ 0 came on vector %llu, not %u",
				  (unsigned long long)irq_test_vector,
				  VECTOR_IOAPIC_BASE + IRQ_PIT);
	return true;
}

/* Is @got within RATE_TOLERANCE_PERCENT of @want? */
static bool
rate_close(uint64_t got, uint64_t want)
{
	uint64_t diff = got > want ? got - want : want - got;

	return diff * 100 <= want * RATE_TOLERANCE_PERCENT;
}

static void
print_mhz(const char *what, uint64_t hz)
{
	pr_info("  %s: %llu.%03llu MHz\n", what,
		(unsigned long long)(hz / 1000000),
		(unsigned long long)(hz / 1000 % 1000));
}

/*
 * The APIC timer's boot calibration agrees with two other clocks: the
 * ACPI PM timer (the fallback where there is no PIT) and the TSC. Each
 * measurement stops the tick for 30 ms; it is restarted after.
 */
bool
ktest_apic_timer(const struct boot_info *bi)
{
	uint64_t boot_rate, pm_rate, tsc_rate, flags;
	const struct acpi_power_info *acpi = acpi_power_info();
	bool have_pm = acpi && acpi->pm_timer;

	(void)bi;
	if (!irq_controller_uses_apic()) {
		pr_info("  the 8259 path: no APIC timer to check\n");
		return true;
	}
	boot_rate = lapic_timer_hz();
	if (lapic_timer_ticking() &&
	    lapic_read(LAPIC_TIMER_INITIAL) != boot_rate / HZ)
		return ktest_fail("the timer's initial count is %u, not %llu",
				  lapic_read(LAPIC_TIMER_INITIAL),
				  (unsigned long long)(boot_rate / HZ));

	flags = irq_save();
	pm_rate = have_pm ? lapic_timer_measure(LAPIC_REF_PM_TIMER) : 0;
	tsc_rate = tsc_measured() ? lapic_timer_measure(LAPIC_REF_TSC) : 0;
	lapic_timer_restart();
	irq_restore(flags);

	pr_info("  at boot: %s\n", lapic_timer_how());
	print_mhz("at boot", boot_rate);
	if (have_pm)
		print_mhz("now, against the ACPI PM timer", pm_rate);
	if (tsc_measured())
		print_mhz("now, against the TSC", tsc_rate);
	if (have_pm && !rate_close(pm_rate, boot_rate))
		return ktest_fail("the PM timer disagrees by more than %d%%",
				  RATE_TOLERANCE_PERCENT);
	if (tsc_measured() && !rate_close(tsc_rate, boot_rate))
		return ktest_fail("the TSC disagrees by more than %d%%",
				  RATE_TOLERANCE_PERCENT);
	return true;
}

/*
 * A vector in the 8259's range (32..47) that the local APIC delivers, as
 * a firmware timer left pending on 0x20 would: it is in service at the
 * local APIC, so the dispatcher must send it an EOI, or its in-service
 * bit stays set and blocks its priority class and every lower one.
 */
bool
ktest_apic_stray_vector(const struct boot_info *bi)
{
	(void)bi;
	if (!irq_controller_uses_apic()) {
		pr_info("  the 8259 path: vectors 32..47 are the 8259's own\n");
		return true;
	}
	if (!interrupts_enabled())
		return ktest_fail("interrupts are off");

	uint64_t before = irq_spurious_count();
	lapic_send_self_ipi(VECTOR_IRQ_BASE);
	uint64_t t0 = clock_ns();
	while (irq_spurious_count() == before &&
	       clock_ns() - t0 < IRQ_TEST_WAIT_NS)
		cpu_relax();
	pr_info("  self-IPI on vector %u: %s; in service after: %s\n",
		VECTOR_IRQ_BASE,
		irq_spurious_count() != before ? "arrived" : "never arrived",
		lapic_in_service(VECTOR_IRQ_BASE) ? "yes" : "no");
	if (irq_spurious_count() == before)
		return ktest_fail("the self-IPI on vector %u never arrived",
				  VECTOR_IRQ_BASE);
	if (lapic_in_service(VECTOR_IRQ_BASE))
		return ktest_fail("vector %u is still in service: no EOI",
				  VECTOR_IRQ_BASE);
	return true;
}
