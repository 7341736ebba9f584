/*
 * Which interrupt controllers, and which tick.
 *
 * The APIC path needs four things, checked in this order: the command
 * line does not say noapic; the CPU has a local APIC (CPUID); the ACPI
 * MADT describes the controllers; and it lists an IOAPIC we can use. The
 * APIC timer must also be measurable against some clock. If anything is
 * missing we stay with the 8259 pair and the PIT, which every PC has
 * emulated since 1981, and say why.
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
	if (lapic_timer_calibrate() != 0)
		return "neither the PIT nor the ACPI PM timer can calibrate the APIC timer";
	return NULL;
}

void
irq_controller_init(bool noapic)
{
	const char *why;

	pic_init(); /* IRQs off the exception vectors, on either path */
	why = apic_path_blocker(noapic, acpi_madt());
	if (why) {
		pr_info("irq: no APIC: %s; using the 8259 and the PIT\n", why);
		lapic_init_virtual_wire(); /* LINT0 must pass the 8259 on */
		irq_set_chip(&pic_irq_chip);
		pit_init();
		return;
	}
	pic_mask_all();
	pr_info("irq: 8259 masked (mask registers 0x%04x); devices through the IOAPIC\n",
		pic_masks());
	irq_set_chip(&ioapic_irq_chip);
	pit_stop(); /* channel 0 is not the tick: keep IRQ 0 quiet */
	lapic_timer_start(HZ);
	using_apic = true;
}

bool
irq_controller_uses_apic(void)
{
	return using_apic;
}
