/*
 * Host tests of lapic_mode_plan() (kernel/dev/lapic_mode.c): from each
 * state the firmware can leave IA32_APIC_BASE in, the writes that reach
 * a usable APIC, every one of them a move the SDM allows.
 */
#include "kernel/cpu/x86_defs.h"
#include "kernel/dev/lapic_mode.h"
#include "tests/unit/unit.h"

#define BASE_ADDR 0xfee00000ull
#define EN	  ((uint64_t)APIC_BASE_ENABLE)
#define EXTD	  ((uint64_t)APIC_BASE_X2APIC)
#define BSP	  ((uint64_t)APIC_BASE_BSP)

static struct lapic_mode_plan plan;

/* Is @from -> @to a move IA32_APIC_BASE accepts (lapic_mode.h)? */
static bool
move_allowed(uint64_t from, uint64_t to)
{
	bool en0 = from & EN, x0 = from & EXTD, en1 = to & EN, x1 = to & EXTD;

	if (!en1 && x1)
		return false; /* the invalid state */
	if (en0 && x0 && en1 && !x1)
		return false; /* x2APIC -> xAPIC directly */
	if (!en0 && en1 && x1)
		return false; /* disabled -> x2APIC directly */
	return true;
}

/* Every write in the plan is allowed, and the address and BSP bit are
 * kept in each. */
static bool
plan_is_legal(uint64_t start)
{
	uint64_t state = start;

	for (unsigned i = 0; i < plan.write_count; i++) {
		if (!move_allowed(state, plan.writes[i]))
			return false;
		if ((plan.writes[i] & ~(EN | EXTD)) != (start & ~(EN | EXTD)))
			return false;
		state = plan.writes[i];
	}
	return true;
}

/* The state after the plan's writes. */
static uint64_t
plan_end(uint64_t start)
{
	return plan.write_count ? plan.writes[plan.write_count - 1] : start;
}

/* SeaBIOS and OVMF: xAPIC on. Nothing to write. */
static void
xapic_left_on(void)
{
	lapic_mode_plan(BASE_ADDR | BSP | EN, false, &plan);
	CHECK_INT(plan.mode, LAPIC_MODE_XAPIC);
	CHECK_INT(plan.write_count, 0);
}

/* Disabled: one write, the enable bit. */
static void
disabled(void)
{
	uint64_t start = BASE_ADDR | BSP;

	lapic_mode_plan(start, false, &plan);
	CHECK_INT(plan.mode, LAPIC_MODE_XAPIC);
	CHECK_INT(plan.write_count, 1);
	CHECK(plan_is_legal(start));
	CHECK_INT(plan_end(start), BASE_ADDR | BSP | EN);
}

/* The bug this replaced: x2APIC on, unlocked. The way back goes through
 * disabled and must end enabled. */
static void
x2apic_unlocked_goes_back_to_xapic(void)
{
	uint64_t start = BASE_ADDR | BSP | EN | EXTD;

	lapic_mode_plan(start, false, &plan);
	CHECK_INT(plan.mode, LAPIC_MODE_XAPIC);
	CHECK_INT(plan.write_count, 2);
	CHECK(plan_is_legal(start));
	CHECK_INT(plan.writes[0], BASE_ADDR | BSP);
	CHECK_INT(plan_end(start), BASE_ADDR | BSP | EN);
}

/* x2APIC locked on: no write at all (any would #GP); driven as is. */
static void
x2apic_locked_stays(void)
{
	lapic_mode_plan(BASE_ADDR | BSP | EN | EXTD, true, &plan);
	CHECK_INT(plan.mode, LAPIC_MODE_X2APIC);
	CHECK_INT(plan.write_count, 0);
}

/* Locked, yet not in x2APIC mode: the two disagree, so hands off. */
static void
locked_but_not_x2apic_refused(void)
{
	lapic_mode_plan(BASE_ADDR | BSP, true, &plan);
	CHECK_INT(plan.mode, LAPIC_MODE_NONE);
	CHECK_INT(plan.write_count, 0);
	CHECK(plan.why != NULL);
	lapic_mode_plan(BASE_ADDR | BSP | EN, true, &plan);
	CHECK_INT(plan.mode, LAPIC_MODE_NONE);
	CHECK_INT(plan.write_count, 0);
}

/* Every start state, locked or not: a legal plan that ends where it
 * says, never in the invalid state. */
static void
every_state_legal(void)
{
	for (uint64_t bits = 0; bits < 4; bits++)
		for (int locked = 0; locked < 2; locked++) {
			uint64_t start = 0x123456000ull | (bits & 1 ? EN : 0) |
					 (bits & 2 ? EXTD : 0);
			lapic_mode_plan(start, locked, &plan);
			CHECK(plan_is_legal(start));
			if (plan.mode == LAPIC_MODE_XAPIC)
				CHECK_INT(plan_end(start) & (EN | EXTD), EN);
			if (plan.mode == LAPIC_MODE_X2APIC)
				CHECK_INT(plan_end(start) & (EN | EXTD),
					  EN | EXTD);
			if (locked)
				CHECK_INT(plan.write_count, 0);
		}
}

int
main(void)
{
	unit_suite = "lapic_mode";
	UNIT_RUN(xapic_left_on);
	UNIT_RUN(disabled);
	UNIT_RUN(x2apic_unlocked_goes_back_to_xapic);
	UNIT_RUN(x2apic_locked_stays);
	UNIT_RUN(locked_but_not_x2apic_refused);
	UNIT_RUN(every_state_legal);
	return unit_failures;
}
