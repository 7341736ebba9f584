/*
 * Which mode to drive the local APIC in, decided from IA32_APIC_BASE and
 * from whether the firmware has locked x2APIC mode on. A pure function,
 * so that the host unit tests (tests/unit/test_lapic_mode.c) can give it
 * every state: QEMU's TCG has no x2APIC, so no boot test can.
 *
 * IA32_APIC_BASE bits 11 (EN) and 10 (EXTD) give four states, and the
 * SDM allows only these moves between them (any other write is a #GP):
 *
 *          disabled (EN=0, EXTD=0)
 *           ^   |   ^
 *           |   v   |
 *       xAPIC ----> x2APIC
 *   (EN=1, EXTD=0)  (EN=1, EXTD=1)
 *
 * x2APIC back to xAPIC must go through disabled. EN=0, EXTD=1 is invalid.
 * On parts that lock x2APIC (IA32_XAPIC_DISABLE_STATUS bit 0, "legacy
 * xAPIC disabled"), IA32_APIC_BASE cannot leave x2APIC at all: the APIC
 * must then be driven through its x2APIC MSRs.
 */
#ifndef KERNEL_DEV_LAPIC_MODE_H
#define KERNEL_DEV_LAPIC_MODE_H

#include "kernel/lib/types.h"

enum lapic_mode {
	LAPIC_MODE_NONE,   /* cannot be used: see plan->why */
	LAPIC_MODE_XAPIC,  /* registers in memory */
	LAPIC_MODE_X2APIC, /* registers as MSRs 0x800 + offset / 16 */
};

#define LAPIC_PLAN_MAX_WRITES 2

/* What to do: write these values to IA32_APIC_BASE, in order; the APIC
 * is then in @mode. */
struct lapic_mode_plan {
	enum lapic_mode mode;
	unsigned write_count;
	uint64_t writes[LAPIC_PLAN_MAX_WRITES];
	const char *why; /* for LAPIC_MODE_NONE: what is wrong */
};

/*
 * Plan the way from IA32_APIC_BASE value @apic_base to a usable APIC:
 * xAPIC where allowed (going through "disabled" when the firmware left
 * x2APIC on), x2APIC as it is when @x2apic_locked. Every other bit of
 * @apic_base (the address, BSP) is kept in each write.
 */
void lapic_mode_plan(uint64_t apic_base, bool x2apic_locked,
		     struct lapic_mode_plan *plan);

#endif /* KERNEL_DEV_LAPIC_MODE_H */
