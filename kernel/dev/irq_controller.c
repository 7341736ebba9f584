/*
 * Which interrupt controllers, and which tick.
 *
 * The APIC path needs these, checked in this order: the command line
 * does not say noapic; the CPU has a local APIC (CPUID); the ACPI MADT
 * describes the controllers; it lists an IOAPIC we can use, and that
 * IOAPIC has pins for the keyboard's and COM1's IRQs. The APIC timer
 * must also have a known rate. If anything is missing we stay with the
 * 8259 pair, which every PC has emulated since 1981, and say why.
 *
 * The tick is a separate choice. The APIC path ticks with the APIC timer
 * if it keeps counting while the CPU idles (ARAT), else with the PIT
 * through the IOAPIC. The 8259 path ticks with the PIT. But some modern
 * chipsets gate the PIT off: so it is first checked to count at all, and
 * where it does not, the local APIC timer ticks instead if there is one;
 * if there is none, the kernel says loudly that nothing ticks.
 *
 * Either way the 8259s are remapped first (pic_init): until then they
 * would raise IRQ 0..7 on the CPU's exception vectors 8..15. On the APIC
 * path they are then masked completely, cascade line included.
 */
#include "kernel/dev/irq_controller.h"
#include "kernel/cpu/trap.h"
#include "kernel/dev/acpi.h"
#include "kernel/dev/ioapic.h"
#include "kernel/dev/lapic.h"
#include "kernel/dev/madt.h"
#include "kernel/dev/pic.h"
#include "kernel/dev/pit.h"
#include "kernel/dev/timer.h"
#include "kernel/lib/printk.h"

static bool using_apic;
static bool pit_counts;

/* Why the APIC path cannot be taken, or NULL if it can. Leaves the local
 * APIC and the IOAPICs programmed when it returns NULL. */
static const char *
apic_path_blocker(bool noapic, const struct madt_info *madt)
{
	if (noapic)
		return "noapic on the command line";
	if (!lapic_cpu_has())
		return "the CPU has no local APIC, CPUID.1:EDX bit 9 is clear";
	if (!madt)
		return "the ACPI tables have no usable MADT";
	if (madt->ioapic_count == 0)
		return "the MADT lists no IOAPIC";
	if (lapic_init(madt) != 0)
		return "the local APIC cannot be enabled";
	/* An IOAPIC entry names its destination in 8 bits (physical mode). */
	if (lapic_id() > IOAPIC_MAX_DEST_ID)
		return "the boot CPU's x2APIC ID does not fit an IOAPIC entry";
	if (ioapic_init(madt, (uint8_t)lapic_id()) != 0)
		return "no IOAPIC answers";
	/* The console's inputs must arrive, or the APIC path is worse than
	 * the 8259's. */
	if (!ioapic_can_route(IRQ_KEYBOARD))
		return "no IOAPIC serves the keyboard's IRQ 1";
	if (!ioapic_can_route(IRQ_COM1))
		return "no IOAPIC serves COM1's IRQ 4";
	if (lapic_timer_calibrate() != 0)
		return "no clock to calibrate the APIC timer against, and CPUID does not say its rate";
	return NULL;
}

/* The 8259 path's tick: the PIT, or where it does not count, the local
 * APIC timer beside the 8259 (@lapic_ok: in virtual-wire mode). */
static void
fallback_tick(bool lapic_ok)
{
	if (pit_counts) {
		pit_init();
		return;
	}
	if (lapic_ok && lapic_timer_calibrate() == 0) {
		pr_err("irq: the PIT does not count, so it cannot tick; the local APIC timer ticks instead, beside the 8259\n");
		lapic_timer_start(HZ);
		return;
	}
	pr_err("irq: nothing ticks: the PIT does not count and no local APIC timer can stand in; sleeps will never end. Enable the 8254 timer in the firmware setup, or boot without noapic\n");
}

/* The APIC path's tick: the APIC timer, unless it may stop while the CPU
 * idles and the PIT can tick through the IOAPIC instead. */
static void
apic_tick(void)
{
	const char *runs = lapic_timer_keeps_running();

	if (!runs && pit_counts && ioapic_can_route(IRQ_PIT)) {
		pr_warn("apic: no ARAT (CPUID.6:EAX bit 2): the APIC timer may stop while the CPU idles in a deep C-state; the PIT ticks, through the IOAPIC\n");
		pit_init();
		return;
	}
	if (runs)
		pr_info("apic: the timer counts on while the CPU idles (%s)\n",
			runs);
	else
		pr_warn("apic: no ARAT, and no PIT to tick instead: the APIC timer ticks, though it may stop while the CPU idles\n");
	pit_stop(); /* channel 0 is not the tick: keep IRQ 0 quiet */
	lapic_timer_start(HZ);
}

void
irq_controller_init(bool noapic)
{
	const char *why;

	pic_init(); /* IRQs off the exception vectors, on either path */
	pit_counts = pit_counter_start();
	if (!pit_counts)
		pr_warn("irq: the PIT does not count (gated off by the chipset?)\n");
	why = apic_path_blocker(noapic, acpi_madt());
	if (why) {
		pr_info("irq: no APIC: %s; using the 8259%s\n", why,
			pit_counts ? " and the PIT" : "");
		bool lapic_ok = lapic_init_virtual_wire(); /* LINT0: the 8259 */
		irq_set_chip(&pic_irq_chip);
		fallback_tick(lapic_ok);
		return;
	}
	pic_mask_all();
	pr_info("irq: 8259 masked (mask registers 0x%04x); devices through the IOAPIC\n",
		pic_masks());
	irq_set_chip(&ioapic_irq_chip);
	apic_tick();
	using_apic = true;
}

bool
irq_controller_uses_apic(void)
{
	return using_apic;
}

bool
irq_controller_pit_counts(void)
{
	return pit_counts;
}
