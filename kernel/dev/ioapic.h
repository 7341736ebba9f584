/*
 * The I/O APIC: the chip that collects device interrupt lines and sends
 * each one, as a message, to a local APIC with a vector. Its input pins
 * are numbered machine-wide as Global System Interrupts (GSIs): an IOAPIC
 * whose MADT entry says "GSI base 24" serves GSI 24 on its pin 0.
 *
 * It has just two registers in memory, a selector and a window:
 *
 *   base + 0x00  IOREGSEL  write the number of an internal register
 *   base + 0x10  IOWIN     then read or write that register here
 *
 * Internal registers: 0x00 ID, 0x01 version (bits 23:16: pins - 1), and
 * from 0x10 one 64-bit redirection entry per pin, as two halves:
 *
 *   63     56 55          17 16 15 14 13 12 11 10  8 7        0
 *  +---------+--------------+--+--+--+--+--+--+-----+----------+
 *  | dest ID |   reserved   |M |TM|RI|PP|DS|DM|mode | vector   |
 *  +---------+--------------+--+--+--+--+--+--+-----+----------+
 *   M  masked                 TM trigger: 0 edge, 1 level
 *   RI remote IRR (level: the APIC has it in service)
 *   PP polarity: 0 active high, 1 active low
 *   DS delivery status        DM destination mode: 0 physical APIC ID
 *   mode 000: fixed, deliver the vector
 */
#ifndef KERNEL_DEV_IOAPIC_H
#define KERNEL_DEV_IOAPIC_H

#include "kernel/cpu/trap.h"
#include "kernel/lib/types.h"

struct madt_info;

#define IOAPIC_REDIR_MASKED	(1ull << 16)
#define IOAPIC_REDIR_LEVEL	(1ull << 15)
#define IOAPIC_REDIR_ACTIVE_LOW (1ull << 13)
#define IOAPIC_REDIR_VECTOR	0xffull
#define IOAPIC_REDIR_DEST_SHIFT 56

/* The IOAPICs as an interrupt controller for irq_register() (trap.h):
 * ISA IRQ n goes to VECTOR_IOAPIC_BASE + n, through the MADT's overrides;
 * EOI goes to the local APIC. */
extern const struct irq_chip ioapic_irq_chip;

/*
 * Map every IOAPIC the MADT lists, mask all of their pins, and aim future
 * routes at local APIC @dest_apic_id. Prints each IOAPIC and each
 * interrupt source override. Returns 0, or -ENODEV when no IOAPIC could
 * be used.
 */
int ioapic_init(const struct madt_info *madt, uint8_t dest_apic_id);

/* Does an IOAPIC that answered serve a pin for ISA IRQ @irq, after its
 * override? Only after ioapic_init(). */
bool ioapic_can_route(unsigned irq);

/* The highest APIC ID an entry's 8-bit destination field can name. */
#define IOAPIC_MAX_DEST_ID 0xff

/* The redirection entry of GSI @gsi, for tests; false if no IOAPIC
 * serves it. */
bool ioapic_read_gsi(uint32_t gsi, uint64_t *entry);

#endif /* KERNEL_DEV_IOAPIC_H */
