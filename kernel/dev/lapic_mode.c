/*
 * The local APIC's mode: from what the firmware left in IA32_APIC_BASE to
 * what Sprout drives (lapic_mode.h draws the states). No hardware here.
 */
#include "kernel/dev/lapic_mode.h"
#include "kernel/cpu/x86_defs.h"

#define MODE_BITS ((uint64_t)(APIC_BASE_ENABLE | APIC_BASE_X2APIC))

static void
plan_write(struct lapic_mode_plan *plan, uint64_t value)
{
	plan->writes[plan->write_count++] = value;
}

void
lapic_mode_plan(uint64_t apic_base, bool x2apic_locked,
		struct lapic_mode_plan *plan)
{
	uint64_t others = apic_base & ~MODE_BITS;
	bool enabled = apic_base & APIC_BASE_ENABLE;
	bool x2apic = apic_base & APIC_BASE_X2APIC;

	*plan = (struct lapic_mode_plan){ .mode = LAPIC_MODE_XAPIC };
	if (x2apic_locked) {
		/* Nothing may be written: take it as the firmware left it. */
		if (enabled && x2apic)
			plan->mode = LAPIC_MODE_X2APIC;
		else {
			plan->mode = LAPIC_MODE_NONE;
			plan->why =
				"x2APIC is locked on, but IA32_APIC_BASE says the APIC is not in x2APIC mode";
		}
		return;
	}
	if (enabled && !x2apic)
		return; /* xAPIC already: nothing to write */
	if (enabled && x2apic)
		plan_write(plan, others); /* x2APIC -> disabled */
	/* disabled (or the invalid EXTD-only state, taken as disabled) ->
	 * xAPIC */
	plan_write(plan, others | APIC_BASE_ENABLE);
}
