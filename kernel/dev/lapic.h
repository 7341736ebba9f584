/*
 * The local APIC: the interrupt controller inside each CPU. It takes
 * interrupts from the IOAPIC (as messages), from its own timer and from
 * its two local pins LINT0 and LINT1, and hands the CPU one vector at a
 * time, highest priority first, until the handler writes EOI.
 *
 * Sprout drives it in xAPIC mode: 4 KiB of registers in memory (at
 * 0xfee00000 on PCs), each 32 bits wide on a 16-byte boundary. x2APIC
 * mode (the same registers as MSRs) is not needed for one CPU, so a
 * firmware that left it on is undone; only where the firmware has locked
 * it on are the registers reached as MSRs instead (lapic_mode.h).
 */
#ifndef KERNEL_DEV_LAPIC_H
#define KERNEL_DEV_LAPIC_H

#include "kernel/lib/types.h"

struct madt_info;

/* Register offsets (Intel SDM vol. 3, "Local APIC Register Address Map"). */
#define LAPIC_ID	    0x020 /* bits 31:24: this APIC's ID */
#define LAPIC_VERSION	    0x030 /* bits 23:16: number of LVTs - 1 */
#define LAPIC_TPR	    0x080 /* task priority: block classes below */
#define LAPIC_EOI	    0x0b0 /* write 0: end of interrupt */
#define LAPIC_SVR	    0x0f0 /* spurious vector and software enable */
#define LAPIC_ISR	    0x100 /* in service: 8 registers, 32 vectors each */
#define LAPIC_ISR_STRIDE    0x10
#define LAPIC_ESR	    0x280 /* error status */
#define LAPIC_LVT_CMCI	    0x2f0 /* corrected machine-check interrupt */
#define LAPIC_ICR_LOW	    0x300 /* interrupt command: writing it sends */
#define LAPIC_ICR_HIGH	    0x310 /* (xAPIC) destination in bits 31:24 */
#define LAPIC_SELF_IPI	    0x3f0 /* x2APIC only: MSR 0x83f */
#define LAPIC_LVT_TIMER	    0x320
#define LAPIC_LVT_THERMAL   0x330
#define LAPIC_LVT_PERF	    0x340 /* performance-counter overflow */
#define LAPIC_LVT_LINT0	    0x350
#define LAPIC_LVT_LINT1	    0x360
#define LAPIC_LVT_ERROR	    0x370
#define LAPIC_TIMER_INITIAL 0x380 /* writing it starts the count */
#define LAPIC_TIMER_CURRENT 0x390 /* counts down to 0 */
#define LAPIC_TIMER_DIVIDE  0x3e0 /* the bus clock divided by ... */

#define LAPIC_SVR_ENABLE  (1u << 8)  /* software enable */
#define LAPIC_ICR_ASSERT  (1u << 14) /* level: assert (always, for fixed) */
#define LAPIC_ICR_TO_SELF (1u << 18) /* destination shorthand 01: self */

/*
 * A Local Vector Table entry: how one local source is delivered.
 *
 *   31     18 17 16 15 14 13 12 11 10  8 7        0
 *  +---------+-----+--+--+--+--+--+-----+----------+
 *  |         |timer|M |TM|RI|PP|DS|mode | vector   |
 *  +---------+-----+--+--+--+--+--+-----+----------+
 *   timer mode (timer only): 00 one-shot, 01 periodic, 10 TSC deadline
 *   M  masked        TM trigger: 1 level (LINT only, fixed delivery)
 *   RI remote IRR    PP pin polarity: 1 active low (LINT only)
 *   DS delivery status (read only)
 *   mode (not for the timer or error entries):
 *      000 fixed (the vector), 100 NMI, 111 ExtINT (ask the 8259)
 */
#define LAPIC_LVT_MASKED     (1u << 16)
#define LAPIC_LVT_LEVEL	     (1u << 15)
#define LAPIC_LVT_ACTIVE_LOW (1u << 13)
#define LAPIC_LVT_NMI	     (4u << 8)
#define LAPIC_LVT_EXTINT     (7u << 8)
#define LAPIC_LVT_PERIODIC   (1u << 17)
#define LAPIC_LVT_VECTOR     0xffu

/* Does the CPU have a local APIC (CPUID.1:EDX bit 9)? Without one,
 * IA32_APIC_BASE does not even exist. */
bool lapic_cpu_has(void);

/* The boot CPU's APIC ID as CPUID tells it, without touching the APIC
 * (for madt_parse(), which runs before the APIC is taken over). */
uint32_t lapic_cpuid_apic_id(void);

/*
 * Take over the local APIC for the APIC path: enable it (IA32_APIC_BASE,
 * then the SVR), map its registers uncached, and program every LVT: the
 * timer, the error entry and the performance/thermal/CMCI entries masked
 * or on our vectors, LINT0 and LINT1 masked unless the MADT names one as
 * the NMI line. Returns 0, or -ENODEV (no usable APIC) or -ENOMEM.
 */
int lapic_init(const struct madt_info *madt);

/*
 * The path without an IOAPIC: put the local APIC, if the CPU has an
 * enabled one, in "virtual wire" mode, where LINT0 passes the 8259's
 * interrupts through (ExtINT) and LINT1 is the NMI pin, and everything
 * else is masked. The firmware usually leaves it so; we make sure.
 * Returns true if it did (and the APIC timer can then be used), false
 * when there is no enabled local APIC.
 */
bool lapic_init_virtual_wire(void);

/* End of interrupt, for every vector the local APIC delivered. */
void lapic_eoi(void);

/* This CPU's local APIC ID (32 bits in x2APIC mode). Only after
 * lapic_init(). */
uint32_t lapic_id(void);

/* Is @vector marked in service at the local APIC (its ISR bit)? False
 * when no local APIC has been taken over. */
bool lapic_in_service(unsigned vector);

/* Interrupt this CPU on @vector through its own local APIC, as a device
 * would (tests). Only after the APIC has been taken over. */
void lapic_send_self_ipi(uint8_t vector);

/* Read register @reg (LAPIC_*). Only after lapic_init(), for tests. */
uint32_t lapic_read(unsigned reg);

/* The clocks the APIC timer can be measured against. */
enum lapic_reference {
	LAPIC_REF_PIT,	    /* PIT channel 2, running free */
	LAPIC_REF_PM_TIMER, /* the ACPI PM timer, 3.579545 MHz */
	LAPIC_REF_TSC,	    /* the TSC, itself measured against the PIT */
};

/*
 * Measure the timer's count rate (after its divider) against @ref, with
 * the timer masked (calibrate.c explains how). Returns the rate in Hz, or 0
 * when that clock does not answer. Stops the tick: see
 * lapic_timer_restart(). Call with interrupts off.
 */
uint64_t lapic_timer_measure(enum lapic_reference ref);

/*
 * Find the timer's rate: measured against the PIT, or the ACPI PM timer
 * where the PIT is gated off (some modern chipsets), or the TSC if that
 * was measured; else as CPUID leaf 0x15 or 0x16 states it. Returns 0, or
 * -ENODEV when none of these gives a rate.
 */
int lapic_timer_calibrate(void);

/* The rate in Hz (0 before), and how it was found ("calibrated against
 * the PIT"). */
uint64_t lapic_timer_hz(void);
const char *lapic_timer_how(void);

/* Why the timer goes on counting while the CPU idles in a deep C-state
 * (ARAT, or a hypervisor's timer), or NULL if it may stop there. */
const char *lapic_timer_keeps_running(void);

/* The tick source's name, as timer_source() reports it. */
#define LAPIC_TIMER_SOURCE "local APIC timer"

/* Interrupt @hz times a second on VECTOR_LAPIC_TIMER and make that the
 * tick (timer.h). After lapic_timer_calibrate(). */
void lapic_timer_start(unsigned hz);

/* Start the tick again after lapic_timer_measure() stopped it (tests);
 * nothing if the APIC timer is not the tick. */
void lapic_timer_restart(void);

/* Was lapic_timer_start() called: is the APIC timer the tick? */
bool lapic_timer_ticking(void);

#endif /* KERNEL_DEV_LAPIC_H */
