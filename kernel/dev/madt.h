/*
 * The MADT, ACPI's "Multiple APIC Description Table" (signature "APIC"):
 * the firmware's list of interrupt controllers. After its 36-byte header
 * and two fields of its own come variable-length entries, each starting
 * with a type byte and a length byte:
 *
 *   offset 0   36-byte SDT header ("APIC", length, checksum, ...)
 *         36   uint32 local APIC address (physical; type 5 may override)
 *         40   uint32 flags (bit 0: the PC's two 8259s are there too)
 *         44   entries:  +------+--------+---------------------------+
 *                        | type | length | type-specific fields ...  |
 *                        +------+--------+---------------------------+
 *
 *   type 0  processor local APIC   uid, APIC ID, flags (bit 0 enabled)
 *   type 1  I/O APIC               id, address, first GSI it serves
 *   type 2  interrupt override     bus IRQ -> GSI, polarity and trigger
 *   type 4  local APIC NMI         processor uid (0xff: all), flags, LINT#
 *   type 5  local APIC address     a 64-bit address replacing the one above
 *   type 9  processor local x2APIC 32-bit APIC ID and uid (IDs above 254)
 *   type 10 local x2APIC NMI       32-bit uid (~0: all), flags, LINT#
 *
 * madt_parse() reads only the bytes it is handed and calls nothing, so the
 * host unit tests (tests/unit/test_madt.c) build it on its own, like
 * acpi_aml.c. Keep it so: no printk, no hardware.
 */
#ifndef KERNEL_DEV_MADT_H
#define KERNEL_DEV_MADT_H

#include "kernel/lib/types.h"

#define MADT_MAX_CPUS	   16
#define MADT_MAX_IOAPICS   8
#define MADT_MAX_OVERRIDES 16
#define MADT_MAX_NMIS	   8

/* MADT .flags bit 0: dual 8259s are present (and must be masked if we
 * use the APIC). */
#define MADT_PCAT_COMPAT	(1u << 0)
/* A processor entry's flags: usable now, or could be brought online. */
#define MADT_CPU_ENABLED	(1u << 0)
#define MADT_CPU_ONLINE_CAPABLE (1u << 1)
/* A local APIC NMI entry's uid meaning "every processor". */
#define MADT_NMI_ALL_CPUS	0xff

/*
 * The MPS INTI flags of overrides and NMI entries: two 2-bit fields.
 *
 *   bits 1:0 polarity  00 as the bus says  01 active high  11 active low
 *   bits 3:2 trigger   00 as the bus says  01 edge         11 level
 *
 * (10 is reserved in both.) On the ISA bus "as the bus says" means edge
 * triggered, active high.
 */
#define MADT_INTI_POLARITY_MASK	   0x3
#define MADT_INTI_POLARITY_BUS	   0x0
#define MADT_INTI_POLARITY_HIGH	   0x1
#define MADT_INTI_POLARITY_LOW	   0x3
#define MADT_INTI_TRIGGER_SHIFT	   2
#define MADT_INTI_TRIGGER_MASK	   (0x3 << MADT_INTI_TRIGGER_SHIFT)
#define MADT_INTI_TRIGGER_BUS	   (0x0 << MADT_INTI_TRIGGER_SHIFT)
#define MADT_INTI_TRIGGER_EDGE	   (0x1 << MADT_INTI_TRIGGER_SHIFT)
#define MADT_INTI_TRIGGER_LEVEL	   (0x3 << MADT_INTI_TRIGGER_SHIFT)
#define MADT_INTI_RESERVED_PATTERN 0x2 /* in either field */

/* The only bus ACPI defines for overrides. */
#define MADT_BUS_ISA  0
/* The ISA IRQs an override may remap: the 8259 pair's 16 lines. */
#define MADT_ISA_IRQS 16

/* From a type-0 entry (8-bit uid and ID) or a type-9 one (32-bit). */
struct madt_cpu {
	uint32_t uid;	  /* ACPI processor UID, which NMI entries name */
	uint32_t apic_id; /* the local APIC's ID */
	uint32_t flags;	  /* MADT_CPU_* */
};

struct madt_ioapic {
	uint8_t id;
	uint32_t address;  /* physical address of its two registers */
	uint32_t gsi_base; /* the GSI its pin 0 delivers */
};

struct madt_override {
	uint8_t bus;	/* always MADT_BUS_ISA */
	uint8_t irq;	/* the bus IRQ: 0 is the PIT */
	uint32_t gsi;	/* where it arrives instead */
	uint16_t flags; /* MPS INTI polarity and trigger */
};

/* From a type-4 entry (8-bit uid) or a type-10 one (32-bit). */
struct madt_nmi {
	bool all_cpus;	/* uid was 0xff (type 4) or 0xffffffff (type 10) */
	uint32_t uid;	/* else: the processor's UID */
	uint16_t flags; /* MPS INTI polarity and trigger */
	uint8_t lint;	/* 0: LINT0, 1: LINT1 */
};

/* What madt_parse() found. Arrays hold the first MADT_MAX_* entries; the
 * counts go on counting past them, so nothing is lost silently. */
struct madt_info {
	uint64_t lapic_address; /* after any type-5 override */
	bool lapic_address_overridden;
	uint32_t flags; /* MADT_PCAT_COMPAT */

	size_t cpu_count;
	struct madt_cpu cpus[MADT_MAX_CPUS];
	size_t ioapic_count;
	struct madt_ioapic ioapics[MADT_MAX_IOAPICS];
	size_t override_count;
	struct madt_override overrides[MADT_MAX_OVERRIDES];
	size_t nmi_count;
	struct madt_nmi nmis[MADT_MAX_NMIS];

	/* The boot CPU (the APIC ID madt_parse() was given), wherever it is
	 * in the list: its UID picks its NMI entries. */
	uint32_t boot_apic_id;
	bool boot_cpu_listed;
	uint32_t boot_uid;

	size_t other_count; /* entries of types we do not use */
	size_t bad_count;   /* known types with a wrong length or value */
	bool truncated;	    /* an entry ran past the table's end: stopped */
};

/*
 * Parse the MADT in @table, @len bytes (a whole table, header included),
 * into @info. Returns 0, or -EINVAL when the header is unusable: wrong
 * signature, a length field that disagrees with @len or is too short, or
 * a bad checksum. A broken entry inside a sound table is counted
 * (bad_count, truncated) and the rest is still used. Never reads outside
 * table[0 .. len-1]. @boot_apic_id is the boot CPU's APIC ID: the first
 * processor entry with that ID gives info->boot_uid.
 */
int madt_parse(const uint8_t *table, size_t len, uint32_t boot_apic_id,
	       struct madt_info *info);

/* Where ISA IRQ @irq arrives, and how it signals. */
struct madt_route {
	uint32_t gsi;
	bool active_low; /* else active high */
	bool level;	 /* else edge triggered */
	bool overridden; /* an override entry said so */
	bool odd_flags;	 /* it used a reserved polarity/trigger code */
};

/*
 * Resolve ISA IRQ @irq through @info's overrides: an override for it wins;
 * otherwise the IRQ is identity-mapped (GSI = IRQ) with the ISA defaults,
 * edge triggered and active high. Returns 0, -EINVAL for an IRQ above 15,
 * or -EBUSY when there is no override and another IRQ was moved onto GSI
 * @irq (IRQ 2 when IRQ 0 -> GSI 2): that IRQ has no pin of its own.
 */
int madt_isa_route(const struct madt_info *info, unsigned irq,
		   struct madt_route *route);

/* Decode MPS INTI @flags for an ISA-bus source, as madt_isa_route does. */
void madt_inti_decode(uint16_t flags, struct madt_route *route);

#endif /* KERNEL_DEV_MADT_H */
