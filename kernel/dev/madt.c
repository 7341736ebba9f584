/*
 * The MADT parser: bytes in, struct madt_info out (see madt.h for the
 * table's layout). Firmware tables are written by people, so every length
 * is checked before it is trusted, and a broken entry is counted and
 * skipped rather than believed.
 *
 * Fields are read a byte at a time (little-endian, as ACPI is): entries
 * are packed one after the other, so a 32-bit field may sit at any
 * address, and a byte-wise read is the portable way to say so.
 */
#include "kernel/dev/madt.h"
#include "kernel/dev/acpi.h"
#include "kernel/lib/errno.h"

#define MADT_SIGNATURE	 "APIC"
#define SDT_HEADER_LEN	 36
#define SDT_LENGTH_AT	 4 /* offset of the header's uint32 length */
#define MADT_LAPIC_AT	 36
#define MADT_FLAGS_AT	 40
#define MADT_ENTRIES_AT	 44
#define ENTRY_HEADER_LEN 2 /* type, length */

/* Entry types, and the length each must have (ACPI 6.5, 5.2.12). */
enum madt_entry_type {
	MADT_TYPE_LAPIC = 0,
	MADT_TYPE_IOAPIC = 1,
	MADT_TYPE_OVERRIDE = 2,
	MADT_TYPE_NMI_SOURCE = 3,
	MADT_TYPE_LAPIC_NMI = 4,
	MADT_TYPE_LAPIC_ADDRESS = 5,
	MADT_TYPE_X2APIC = 9,
	MADT_TYPE_X2APIC_NMI = 0xa,
};
#define MADT_LAPIC_LEN	       8
#define MADT_IOAPIC_LEN	       12
#define MADT_OVERRIDE_LEN      10
#define MADT_LAPIC_NMI_LEN     6
#define MADT_LAPIC_ADDRESS_LEN 12
#define MADT_X2APIC_LEN	       16
#define MADT_X2APIC_NMI_LEN    12
#define MADT_X2APIC_ALL_CPUS   0xffffffffu /* type 0xa's "every processor" */
#define MADT_LINT_MAX	       1	   /* LINT0 and LINT1 */

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t
get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* A processor, from a type-0 or a type-9 entry. The boot CPU's UID is
 * kept apart, so that it is known even beyond the array. */
static void
madt_add_cpu(struct madt_info *info, uint32_t uid, uint32_t apic_id,
	     uint32_t flags)
{
	if (info->cpu_count < MADT_MAX_CPUS)
		info->cpus[info->cpu_count] = (struct madt_cpu){
			.uid = uid,
			.apic_id = apic_id,
			.flags = flags,
		};
	info->cpu_count++;
	if (apic_id == info->boot_apic_id && !info->boot_cpu_listed) {
		info->boot_cpu_listed = true;
		info->boot_uid = uid;
	}
}

static void
madt_add_nmi(struct madt_info *info, bool all_cpus, uint32_t uid,
	     uint16_t flags, uint8_t lint)
{
	if (info->nmi_count < MADT_MAX_NMIS)
		info->nmis[info->nmi_count] = (struct madt_nmi){
			.all_cpus = all_cpus,
			.uid = uid,
			.flags = flags,
			.lint = lint,
		};
	info->nmi_count++;
}

/* One entry, @e, whose @len bytes all lie inside the table. Returns false
 * when it is malformed. */
static bool
madt_entry(const uint8_t *e, uint8_t len, struct madt_info *info)
{
	switch (e[0]) {
	case MADT_TYPE_LAPIC:
		if (len < MADT_LAPIC_LEN)
			return false;
		madt_add_cpu(info, e[2], e[3], get32(e + 4));
		return true;
	case MADT_TYPE_X2APIC:
		/* 2 reserved bytes, then the 32-bit ID, flags and UID. */
		if (len < MADT_X2APIC_LEN)
			return false;
		madt_add_cpu(info, get32(e + 12), get32(e + 4), get32(e + 8));
		return true;
	case MADT_TYPE_IOAPIC:
		if (len < MADT_IOAPIC_LEN)
			return false;
		if (info->ioapic_count < MADT_MAX_IOAPICS)
			info->ioapics[info->ioapic_count] =
				(struct madt_ioapic){
					.id = e[2],
					.address = get32(e + 4),
					.gsi_base = get32(e + 8),
				};
		info->ioapic_count++;
		return true;
	case MADT_TYPE_OVERRIDE:
		/* Only ISA IRQs can be overridden; anything else is junk. */
		if (len < MADT_OVERRIDE_LEN || e[2] != MADT_BUS_ISA ||
		    e[3] >= MADT_ISA_IRQS)
			return false;
		if (info->override_count < MADT_MAX_OVERRIDES)
			info->overrides[info->override_count] =
				(struct madt_override){
					.bus = e[2],
					.irq = e[3],
					.gsi = get32(e + 4),
					.flags = get16(e + 8),
				};
		info->override_count++;
		return true;
	case MADT_TYPE_LAPIC_NMI:
		if (len < MADT_LAPIC_NMI_LEN || e[5] > MADT_LINT_MAX)
			return false;
		madt_add_nmi(info, e[2] == MADT_NMI_ALL_CPUS, e[2],
			     get16(e + 3), e[5]);
		return true;
	case MADT_TYPE_X2APIC_NMI:
		/* Flags, the 32-bit UID, the LINT number, 3 reserved. */
		if (len < MADT_X2APIC_NMI_LEN || e[8] > MADT_LINT_MAX)
			return false;
		madt_add_nmi(info, get32(e + 4) == MADT_X2APIC_ALL_CPUS,
			     get32(e + 4), get16(e + 2), e[8]);
		return true;
	case MADT_TYPE_LAPIC_ADDRESS:
		if (len < MADT_LAPIC_ADDRESS_LEN)
			return false;
		info->lapic_address = get64(e + 4);
		info->lapic_address_overridden = true;
		return true;
	default:
		/* NMI sources, GIC entries, ...: not ours. */
		info->other_count++;
		return true;
	}
}

int
madt_parse(const uint8_t *table, size_t len, uint32_t boot_apic_id,
	   struct madt_info *info)
{
	*info = (struct madt_info){ .boot_apic_id = boot_apic_id };
	if (len < MADT_ENTRIES_AT)
		return -EINVAL;
	for (size_t i = 0; i < 4; i++)
		if (table[i] != (uint8_t)MADT_SIGNATURE[i])
			return -EINVAL;
	/* The table must say exactly how long it is, and add up. */
	if (get32(table + SDT_LENGTH_AT) != len ||
	    !acpi_checksum_ok(table, len))
		return -EINVAL;

	/* A type-5 entry later replaces this 32-bit address. */
	info->lapic_address = get32(table + MADT_LAPIC_AT);
	info->flags = get32(table + MADT_FLAGS_AT);

	size_t off = MADT_ENTRIES_AT;
	while (off < len) {
		if (len - off < ENTRY_HEADER_LEN) {
			info->truncated = true;
			break;
		}
		uint8_t elen = table[off + 1];
		/* Below 2 we would never move on; past the end we would
		 * read what is not ours. Neither leaves a way to find the
		 * next entry, so stop. */
		if (elen < ENTRY_HEADER_LEN || elen > len - off) {
			info->truncated = true;
			break;
		}
		if (!madt_entry(table + off, elen, info))
			info->bad_count++;
		off += elen;
	}
	return 0;
}

void
madt_inti_decode(uint16_t flags, struct madt_route *route)
{
	unsigned polarity = flags & MADT_INTI_POLARITY_MASK;
	unsigned trigger = flags & MADT_INTI_TRIGGER_MASK;

	/* ISA's own conventions, for "as the bus says" and the reserved
	 * code alike; the caller may warn about the latter. */
	route->active_low = polarity == MADT_INTI_POLARITY_LOW;
	route->level = trigger == MADT_INTI_TRIGGER_LEVEL;
	route->odd_flags = polarity == MADT_INTI_RESERVED_PATTERN ||
			   trigger == MADT_INTI_RESERVED_PATTERN
					      << MADT_INTI_TRIGGER_SHIFT;
}

int
madt_isa_route(const struct madt_info *info, unsigned irq,
	       struct madt_route *route)
{
	size_t n = MIN(info->override_count, (size_t)MADT_MAX_OVERRIDES);

	if (irq >= MADT_ISA_IRQS)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		const struct madt_override *o = &info->overrides[i];
		if (o->irq != irq)
			continue;
		route->gsi = o->gsi;
		madt_inti_decode(o->flags, route);
		route->overridden = true;
		return 0;
	}
	/* No override: identity, unless another IRQ took that GSI. */
	for (size_t i = 0; i < n; i++)
		if (info->overrides[i].gsi == irq)
			return -EBUSY;
	*route = (struct madt_route){ .gsi = irq };
	return 0;
}
