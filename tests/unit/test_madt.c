/*
 * Host tests of the MADT parser (kernel/dev/madt.c) and of the ISA IRQ
 * routing it feeds: tables like QEMU's, the 64-bit address override, the
 * x2APIC entries, the boot CPU's UID found anywhere in the list, and
 * broken ones: bad checksums, lying lengths, truncated and garbage
 * entries.
 *
 * Tables are built entry by entry with the helpers below, which fix the
 * length and checksum at the end (a test that wants them wrong spoils
 * them afterwards). Every parse runs on an exact-size heap copy, so that
 * AddressSanitizer stops the test at the first byte read past the end.
 */
#include <stdlib.h>

#include "kernel/dev/madt.h"
#include "kernel/lib/errno.h"
#include "tests/unit/unit.h"

#define LAPIC_DEFAULT  0xfee00000u
#define IOAPIC_DEFAULT 0xfec00000u
#define TABLE_MAX      1024

struct table {
	uint8_t b[TABLE_MAX];
	size_t len;
};

static void
put(struct table *t, const uint8_t *bytes, size_t n)
{
	CHECK(t->len + n <= TABLE_MAX);
	memcpy(t->b + t->len, bytes, n);
	t->len += n;
}

static void
put32_at(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Header and the two MADT fields; entries follow. */
static void
table_start(struct table *t, uint32_t lapic, uint32_t flags)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->b, "APIC", 4);
	t->b[8] = 4; /* revision */
	memcpy(t->b + 10, "SPROUT", 6);
	put32_at(t->b + 36, lapic);
	put32_at(t->b + 40, flags);
	t->len = 44;
}

/* Set the length field and make the bytes add up to 0. */
static void
table_finish(struct table *t)
{
	uint8_t sum = 0;

	put32_at(t->b + 4, (uint32_t)t->len);
	t->b[9] = 0;
	for (size_t i = 0; i < t->len; i++)
		sum += t->b[i];
	t->b[9] = (uint8_t)-sum;
}

static void
add_cpu(struct table *t, uint8_t uid, uint8_t apic_id, uint32_t flags)
{
	uint8_t e[8] = { 0, 8, uid, apic_id };
	put32_at(e + 4, flags);
	put(t, e, sizeof(e));
}

static void
add_ioapic(struct table *t, uint8_t id, uint32_t addr, uint32_t gsi_base)
{
	uint8_t e[12] = { 1, 12, id, 0 };
	put32_at(e + 4, addr);
	put32_at(e + 8, gsi_base);
	put(t, e, sizeof(e));
}

static void
add_override(struct table *t, uint8_t irq, uint32_t gsi, uint16_t flags)
{
	uint8_t e[10] = { 2, 10, MADT_BUS_ISA, irq };
	put32_at(e + 4, gsi);
	e[8] = (uint8_t)flags;
	e[9] = (uint8_t)(flags >> 8);
	put(t, e, sizeof(e));
}

static void
add_lapic_nmi(struct table *t, uint8_t uid, uint16_t flags, uint8_t lint)
{
	uint8_t e[6] = {
		4, 6, uid, (uint8_t)flags, (uint8_t)(flags >> 8), lint
	};
	put(t, e, sizeof(e));
}

/* The MADT QEMU 7.2 builds for one CPU on machine pc. */
static void
qemu_pc_table(struct table *t)
{
	table_start(t, LAPIC_DEFAULT, MADT_PCAT_COMPAT);
	add_cpu(t, 0, 0, MADT_CPU_ENABLED);
	add_ioapic(t, 0, IOAPIC_DEFAULT, 0);
	add_override(t, 0, 2, 0);
	add_override(t, 5, 5, 0xd);
	add_override(t, 9, 9, 0xd);
	add_override(t, 10, 10, 0xd);
	add_override(t, 11, 11, 0xd);
	add_lapic_nmi(t, MADT_NMI_ALL_CPUS, 0, 1);
	table_finish(t);
}

static void
add_x2apic_cpu(struct table *t, uint32_t x2apic_id, uint32_t flags,
	       uint32_t uid)
{
	uint8_t e[16] = { 9, 16, 0, 0 };
	put32_at(e + 4, x2apic_id);
	put32_at(e + 8, flags);
	put32_at(e + 12, uid);
	put(t, e, sizeof(e));
}

static void
add_x2apic_nmi(struct table *t, uint32_t uid, uint16_t flags, uint8_t lint)
{
	uint8_t e[12] = { 0xa, 12, (uint8_t)flags, (uint8_t)(flags >> 8) };
	put32_at(e + 4, uid);
	e[8] = lint;
	put(t, e, sizeof(e));
}

static struct madt_info info;
static uint32_t boot_apic_id; /* what parse() says the boot CPU's ID is */

/* madt_parse() on an exact-size heap copy of @t's first @len bytes. */
static int
parse_len(const struct table *t, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	int err;

	CHECK(copy != NULL);
	if (copy == NULL)
		return -ENOMEM;
	memcpy(copy, t->b, len);
	memset(&info, 0xa5, sizeof(info)); /* parse must reset it all */
	err = madt_parse(copy, len, boot_apic_id, &info);
	free(copy);
	return err;
}

static int
parse(const struct table *t)
{
	return parse_len(t, t->len);
}

static void
qemu_table(void)
{
	struct table t;

	qemu_pc_table(&t);
	CHECK_INT(parse(&t), 0);
	CHECK_INT(info.lapic_address, LAPIC_DEFAULT);
	CHECK(!info.lapic_address_overridden);
	CHECK_INT(info.flags, MADT_PCAT_COMPAT);
	CHECK_INT(info.cpu_count, 1);
	CHECK_INT(info.cpus[0].apic_id, 0);
	CHECK_INT(info.cpus[0].flags, MADT_CPU_ENABLED);
	CHECK_INT(info.ioapic_count, 1);
	CHECK_INT(info.ioapics[0].id, 0);
	CHECK_INT(info.ioapics[0].address, IOAPIC_DEFAULT);
	CHECK_INT(info.ioapics[0].gsi_base, 0);
	CHECK_INT(info.override_count, 5);
	CHECK_INT(info.overrides[0].irq, 0);
	CHECK_INT(info.overrides[0].gsi, 2);
	CHECK_INT(info.overrides[4].irq, 11);
	CHECK_INT(info.overrides[4].flags, 0xd);
	CHECK_INT(info.nmi_count, 1);
	CHECK_INT(info.nmis[0].uid, MADT_NMI_ALL_CPUS);
	CHECK_INT(info.nmis[0].lint, 1);
	CHECK(info.nmis[0].all_cpus);
	CHECK(info.boot_cpu_listed);
	CHECK_INT(info.boot_uid, 0);
	CHECK_INT(info.other_count, 0);
	CHECK_INT(info.bad_count, 0);
	CHECK(!info.truncated);
}

/* Two CPUs, two IOAPICs (the second from GSI 24), a 64-bit address. */
static void
bigger_machine(void)
{
	struct table t;
	uint8_t addr64[12] = { 5, 12, 0, 0 };

	table_start(&t, LAPIC_DEFAULT, 0);
	add_cpu(&t, 0, 0, MADT_CPU_ENABLED);
	add_cpu(&t, 1, 2, MADT_CPU_ONLINE_CAPABLE);
	add_ioapic(&t, 4, IOAPIC_DEFAULT, 0);
	add_ioapic(&t, 5, IOAPIC_DEFAULT + 0x1000, 24);
	put32_at(addr64 + 4, 0x00000000u);
	put32_at(addr64 + 8, 0x1u); /* 0x1_0000_0000 */
	put(&t, addr64, sizeof(addr64));
	add_lapic_nmi(&t, 1, 0xf, 0);
	table_finish(&t);

	CHECK_INT(parse(&t), 0);
	CHECK_INT(info.lapic_address, 0x100000000ull);
	CHECK(info.lapic_address_overridden);
	CHECK_INT(info.flags, 0);
	CHECK_INT(info.cpu_count, 2);
	CHECK_INT(info.cpus[1].uid, 1);
	CHECK_INT(info.cpus[1].apic_id, 2);
	CHECK_INT(info.cpus[1].flags, MADT_CPU_ONLINE_CAPABLE);
	CHECK_INT(info.ioapic_count, 2);
	CHECK_INT(info.ioapics[1].id, 5);
	CHECK_INT(info.ioapics[1].gsi_base, 24);
	CHECK_INT(info.nmis[0].uid, 1);
	CHECK_INT(info.nmis[0].flags, 0xf);
	CHECK_INT(info.nmis[0].lint, 0);
}

static void
bad_headers(void)
{
	struct table t;

	qemu_pc_table(&t);
	t.b[50] ^= 1; /* one flipped bit: the checksum catches it */
	CHECK_INT(parse(&t), -EINVAL);

	qemu_pc_table(&t);
	memcpy(t.b, "APIX", 4);
	table_finish(&t);
	CHECK_INT(parse(&t), -EINVAL);

	/* The length field says more than we were given ... */
	qemu_pc_table(&t);
	CHECK_INT(parse_len(&t, t.len - 1), -EINVAL);
	/* ... or less. */
	qemu_pc_table(&t);
	t.len += 4;
	CHECK_INT(parse_len(&t, t.len), -EINVAL);

	/* Too short to hold the MADT's own fields, even if it adds up. */
	table_start(&t, LAPIC_DEFAULT, 0);
	t.len = 40;
	table_finish(&t);
	CHECK_INT(parse(&t), -EINVAL);
	CHECK_INT(parse_len(&t, 0), -EINVAL);

	/* No entries at all is a sound, if useless, table. */
	table_start(&t, LAPIC_DEFAULT, 0);
	table_finish(&t);
	CHECK_INT(parse(&t), 0);
	CHECK_INT(info.cpu_count, 0);
	CHECK_INT(info.ioapic_count, 0);
	CHECK(!info.truncated);
}

/* An entry that runs past the end: keep what came before, stop there. */
static void
truncated_entries(void)
{
	struct table t;

	table_start(&t, LAPIC_DEFAULT, 0);
	add_cpu(&t, 0, 0, MADT_CPU_ENABLED);
	add_ioapic(&t, 0, IOAPIC_DEFAULT, 0);
	t.len -= 3; /* the IOAPIC entry says 12 but 9 bytes are left */
	table_finish(&t);
	CHECK_INT(parse(&t), 0);
	CHECK_INT(info.cpu_count, 1);
	CHECK_INT(info.ioapic_count, 0);
	CHECK(info.truncated);

	/* A lone type byte with no room for its length. */
	table_start(&t, LAPIC_DEFAULT, 0);
	add_cpu(&t, 0, 0, MADT_CPU_ENABLED);
	put(&t, (const uint8_t[]){ 1 }, 1);
	table_finish(&t);
	CHECK_INT(parse(&t), 0);
	CHECK_INT(info.cpu_count, 1);
	CHECK(info.truncated);
}

/* Length 0 or 1 would never move on: the parser must stop, not spin. */
static void
zero_length_entry(void)
{
	struct table t;

	for (uint8_t bad = 0; bad < 2; bad++) {
		table_start(&t, LAPIC_DEFAULT, 0);
		add_cpu(&t, 0, 0, MADT_CPU_ENABLED);
		put(&t, (const uint8_t[]){ 0, bad, 0, 0, 0, 0, 0, 0 }, 8);
		add_ioapic(&t, 0, IOAPIC_DEFAULT, 0);
		table_finish(&t);
		CHECK_INT(parse(&t), 0);
		CHECK_INT(info.cpu_count, 1);
		CHECK_INT(info.ioapic_count, 0);
		CHECK(info.truncated);
	}
}

/* Known types with a wrong length or value are skipped and counted; the
 * entries after them still count. Unknown types are simply not ours. */
static void
garbage_entries(void)
{
	struct table t;

	table_start(&t, LAPIC_DEFAULT, 0);
	/* An IOAPIC entry 8 bytes long: too short to hold its GSI base. */
	put(&t, (const uint8_t[]){ 1, 8, 0, 0, 0, 0, 0xc0, 0xfe }, 8);
	/* An override on bus 1, which does not exist. */
	put(&t, (const uint8_t[]){ 2, 10, 1, 0, 2, 0, 0, 0, 0, 0 }, 10);
	/* An override for IRQ 16, which no ISA bus has. */
	put(&t, (const uint8_t[]){ 2, 10, 0, 16, 2, 0, 0, 0, 0, 0 }, 10);
	/* A local APIC NMI on LINT2, which no local APIC has. */
	add_lapic_nmi(&t, MADT_NMI_ALL_CPUS, 0, 2);
	/* A type-5 entry too short for its 64-bit address. */
	put(&t, (const uint8_t[]){ 5, 8, 0, 0, 1, 2, 3, 4 }, 8);
	/* x2APIC entries one byte short, and a LINT2 in type 0xa. */
	put(&t,
	    (const uint8_t[]){ 9, 15, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0 },
	    15);
	put(&t, (const uint8_t[]){ 0xa, 11, 0, 0, 1, 0, 0, 0, 1, 0, 0 }, 11);
	add_x2apic_nmi(&t, 0xffffffffu, 0, 2);
	/* Types we do not use: an NMI source (3) and a made-up one. */
	put(&t, (const uint8_t[]){ 3, 8, 0, 0, 9, 0, 0, 0 }, 8);
	put(&t, (const uint8_t[]){ 0x7f, 3, 0xff }, 3);
	/* A longer-than-needed CPU entry (a future revision): fine. */
	put(&t, (const uint8_t[]){ 0, 10, 3, 7, 1, 0, 0, 0, 0xee, 0xee }, 10);
	add_ioapic(&t, 2, IOAPIC_DEFAULT, 0);
	table_finish(&t);

	CHECK_INT(parse(&t), 0);
	CHECK_INT(info.bad_count, 8);
	CHECK_INT(info.other_count, 2);
	CHECK_INT(info.override_count, 0);
	CHECK_INT(info.nmi_count, 0);
	CHECK(!info.lapic_address_overridden);
	CHECK_INT(info.lapic_address, LAPIC_DEFAULT);
	CHECK_INT(info.cpu_count, 1);
	CHECK_INT(info.cpus[0].uid, 3);
	CHECK_INT(info.cpus[0].apic_id, 7);
	CHECK_INT(info.ioapic_count, 1);
	CHECK_INT(info.ioapics[0].id, 2);
	CHECK(!info.truncated);
}

/* Types 9 and 0xa: a CPU with a 32-bit APIC ID and UID, and its NMI. */
static void
x2apic_entries(void)
{
	struct table t;

	table_start(&t, LAPIC_DEFAULT, 0);
	add_cpu(&t, 0, 0, MADT_CPU_ENABLED);
	add_x2apic_cpu(&t, 0x1234, MADT_CPU_ENABLED, 0x10001);
	add_x2apic_nmi(&t, 0x10001, 0xd, 1);
	add_x2apic_nmi(&t, 0xffffffffu, 0, 0);
	add_lapic_nmi(&t, MADT_NMI_ALL_CPUS, 0, 1);
	table_finish(&t);

	boot_apic_id = 0x1234;
	CHECK_INT(parse(&t), 0);
	boot_apic_id = 0;
	CHECK_INT(info.cpu_count, 2);
	CHECK_INT(info.cpus[1].apic_id, 0x1234);
	CHECK_INT(info.cpus[1].uid, 0x10001);
	CHECK_INT(info.cpus[1].flags, MADT_CPU_ENABLED);
	CHECK(info.boot_cpu_listed);
	CHECK_INT(info.boot_uid, 0x10001);
	CHECK_INT(info.nmi_count, 3);
	CHECK(!info.nmis[0].all_cpus);
	CHECK_INT(info.nmis[0].uid, 0x10001);
	CHECK_INT(info.nmis[0].flags, 0xd);
	CHECK_INT(info.nmis[0].lint, 1);
	CHECK(info.nmis[1].all_cpus);
	CHECK_INT(info.nmis[1].lint, 0);
	CHECK(info.nmis[2].all_cpus); /* type 4's 0xff */
	CHECK_INT(info.other_count, 0);
	CHECK_INT(info.bad_count, 0);
}

/* The boot CPU listed after the array is full: its UID is still known,
 * so an NMI entry naming that UID can be matched. Not listed: no UID. */
static void
boot_cpu_beyond_the_array(void)
{
	struct table t;

	table_start(&t, LAPIC_DEFAULT, 0);
	for (int i = 0; i < MADT_MAX_CPUS + 4; i++)
		add_cpu(&t, (uint8_t)(100 + i), (uint8_t)i, MADT_CPU_ENABLED);
	add_lapic_nmi(&t, 100 + MADT_MAX_CPUS + 2, 0, 1);
	table_finish(&t);

	boot_apic_id = MADT_MAX_CPUS + 2;
	CHECK_INT(parse(&t), 0);
	CHECK_INT(info.cpu_count, MADT_MAX_CPUS + 4);
	CHECK(info.boot_cpu_listed);
	CHECK_INT(info.boot_uid, 100 + MADT_MAX_CPUS + 2);
	CHECK_INT(info.nmis[0].uid, info.boot_uid);

	boot_apic_id = 200;
	CHECK_INT(parse(&t), 0);
	CHECK(!info.boot_cpu_listed);
	boot_apic_id = 0;
}

/* More entries than the arrays hold: the counts still tell the truth. */
static void
more_than_fits(void)
{
	struct table t;

	table_start(&t, LAPIC_DEFAULT, 0);
	for (int i = 0; i < MADT_MAX_CPUS + 3; i++)
		add_cpu(&t, (uint8_t)i, (uint8_t)i, MADT_CPU_ENABLED);
	for (int i = 0; i < MADT_MAX_OVERRIDES + 1; i++)
		add_override(&t, (uint8_t)(i % MADT_ISA_IRQS), 20, 0);
	table_finish(&t);
	CHECK_INT(parse(&t), 0);
	CHECK_INT(info.cpu_count, MADT_MAX_CPUS + 3);
	CHECK_INT(info.cpus[MADT_MAX_CPUS - 1].apic_id, MADT_MAX_CPUS - 1);
	CHECK_INT(info.override_count, MADT_MAX_OVERRIDES + 1);
}

static void
isa_routes(void)
{
	struct table t;
	struct madt_route r;

	qemu_pc_table(&t);
	CHECK_INT(parse(&t), 0);

	/* The PIT: IRQ 0 arrives at GSI 2, ISA defaults. */
	CHECK_INT(madt_isa_route(&info, 0, &r), 0);
	CHECK_INT(r.gsi, 2);
	CHECK(r.overridden);
	CHECK(!r.level);
	CHECK(!r.active_low);

	/* The keyboard and COM1: no override, identity, edge, high. */
	CHECK_INT(madt_isa_route(&info, 1, &r), 0);
	CHECK_INT(r.gsi, 1);
	CHECK(!r.overridden);
	CHECK(!r.level && !r.active_low && !r.odd_flags);
	CHECK_INT(madt_isa_route(&info, 4, &r), 0);
	CHECK_INT(r.gsi, 4);

	/* The SCI: level triggered, active high (flags 0xd). */
	CHECK_INT(madt_isa_route(&info, 9, &r), 0);
	CHECK_INT(r.gsi, 9);
	CHECK(r.level);
	CHECK(!r.active_low);

	/* GSI 2 belongs to IRQ 0 now: IRQ 2 has nowhere to go. */
	CHECK_INT(madt_isa_route(&info, 2, &r), -EBUSY);
	CHECK_INT(madt_isa_route(&info, 16, &r), -EINVAL);
}

static void
inti_flags(void)
{
	struct madt_route r;

	madt_inti_decode(0x0, &r); /* as the bus says: ISA edge, high */
	CHECK(!r.level && !r.active_low && !r.odd_flags);
	madt_inti_decode(0x5, &r); /* edge, active high, spelled out */
	CHECK(!r.level && !r.active_low && !r.odd_flags);
	madt_inti_decode(0xf, &r); /* level, active low: a PCI-style line */
	CHECK(r.level && r.active_low && !r.odd_flags);
	madt_inti_decode(0x3, &r); /* edge by the bus, active low */
	CHECK(!r.level && r.active_low);
	madt_inti_decode(0x2, &r); /* reserved polarity */
	CHECK(r.odd_flags && !r.active_low);
	madt_inti_decode(0x8, &r); /* reserved trigger */
	CHECK(r.odd_flags && !r.level);
}

int
main(void)
{
	unit_suite = "madt";
	UNIT_RUN(qemu_table);
	UNIT_RUN(bigger_machine);
	UNIT_RUN(bad_headers);
	UNIT_RUN(truncated_entries);
	UNIT_RUN(zero_length_entry);
	UNIT_RUN(garbage_entries);
	UNIT_RUN(x2apic_entries);
	UNIT_RUN(boot_cpu_beyond_the_array);
	UNIT_RUN(more_than_fits);
	UNIT_RUN(isa_routes);
	UNIT_RUN(inti_flags);
	return unit_failures;
}
