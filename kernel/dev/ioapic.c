/*
 * The IOAPICs: routing ISA IRQs to vectors (ioapic.h draws the entry).
 *
 * An ISA IRQ is not always the GSI of the same number. The MADT's
 * interrupt source overrides say where it went instead: on nearly every
 * PC the PIT's IRQ 0 arrives at GSI 2, because the chipset wires the
 * PIT's output to IOAPIC pin 2, where the 8259 cascade used to be. An
 * override also says how the line signals: ISA lines are edge triggered
 * and active high, but the ACPI SCI, for one, is often level triggered.
 * madt_isa_route() resolves all that; this file writes the result.
 */
#include "kernel/dev/ioapic.h"
#include "kernel/dev/lapic.h"
#include "kernel/dev/madt.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/printk.h"
#include "mm/kernel_space.h"

#define IOAPIC_REGSEL	    0x00 /* byte offsets of the two registers */
#define IOAPIC_WINDOW	    0x10
#define IOAPIC_MMIO_SIZE    0x20
#define IOAPIC_REG_VERSION  0x01
#define IOAPIC_REG_REDIRECT 0x10	/* + 2 * pin: low half; + 1: high */
#define IOAPIC_PINS_SHIFT   16		/* in the version register */
#define IOAPIC_NOT_THERE    0xffffffffu /* what unclaimed MMIO reads */

struct ioapic {
	volatile uint32_t *regs;
	uint8_t id;
	uint32_t gsi_base;
	unsigned pins;
};

static struct ioapic ioapics[MADT_MAX_IOAPICS];
static size_t ioapic_count;
static const struct madt_info *ioapic_madt;
static uint8_t ioapic_dest;
static bool isa_level[MADT_ISA_IRQS]; /* as routed by ioapic_unmask_isa() */

static uint32_t
ioapic_read(const struct ioapic *io, uint32_t reg)
{
	io->regs[IOAPIC_REGSEL / sizeof(uint32_t)] = reg;
	return io->regs[IOAPIC_WINDOW / sizeof(uint32_t)];
}

static void
ioapic_write(const struct ioapic *io, uint32_t reg, uint32_t value)
{
	io->regs[IOAPIC_REGSEL / sizeof(uint32_t)] = reg;
	io->regs[IOAPIC_WINDOW / sizeof(uint32_t)] = value;
}

static uint64_t
ioapic_read_entry(const struct ioapic *io, unsigned pin)
{
	uint32_t low = ioapic_read(io, IOAPIC_REG_REDIRECT + 2 * pin);
	uint32_t high = ioapic_read(io, IOAPIC_REG_REDIRECT + 2 * pin + 1);
	return (uint64_t)high << 32 | low;
}

/* Write an entry so that no half-written state is ever live: mask the
 * low half first, write the high half, then the low half for real. */
static void
ioapic_write_entry(const struct ioapic *io, unsigned pin, uint64_t entry)
{
	ioapic_write(io, IOAPIC_REG_REDIRECT + 2 * pin,
		     (uint32_t)IOAPIC_REDIR_MASKED);
	ioapic_write(io, IOAPIC_REG_REDIRECT + 2 * pin + 1,
		     (uint32_t)(entry >> 32));
	ioapic_write(io, IOAPIC_REG_REDIRECT + 2 * pin, (uint32_t)entry);
}

/* The IOAPIC serving @gsi, and the pin there; NULL if none does. */
static const struct ioapic *
ioapic_for_gsi(uint32_t gsi, unsigned *pin)
{
	for (size_t i = 0; i < ioapic_count; i++) {
		const struct ioapic *io = &ioapics[i];
		if (gsi >= io->gsi_base && gsi - io->gsi_base < io->pins) {
			*pin = gsi - io->gsi_base;
			return io;
		}
	}
	return NULL;
}

static const char *
route_words(const struct madt_route *r)
{
	if (r->level)
		return r->active_low ? "level, low" : "level, high";
	return r->active_low ? "edge, low" : "edge, high";
}

/* Where ISA IRQ @irq goes: its IOAPIC and pin, and how it signals. */
static const struct ioapic *
ioapic_isa_pin(unsigned irq, struct madt_route *route, unsigned *pin)
{
	const struct ioapic *io;

	if (madt_isa_route(ioapic_madt, irq, route) != 0)
		return NULL;
	io = ioapic_for_gsi(route->gsi, pin);
	return io;
}

static int
ioapic_unmask_isa(unsigned irq)
{
	struct madt_route route;
	unsigned pin;
	const struct ioapic *io = ioapic_isa_pin(irq, &route, &pin);

	if (!io)
		return -ENXIO;
	uint64_t entry = (uint64_t)ioapic_dest << IOAPIC_REDIR_DEST_SHIFT |
			 (VECTOR_IOAPIC_BASE + irq);
	if (route.level)
		entry |= IOAPIC_REDIR_LEVEL;
	if (route.active_low)
		entry |= IOAPIC_REDIR_ACTIVE_LOW;
	ioapic_write_entry(io, pin, entry);
	isa_level[irq] = route.level;
	pr_info("irq: IRQ %u -> GSI %u (IOAPIC %u pin %u, %s) -> vector %u\n",
		irq, route.gsi, io->id, pin, route_words(&route),
		VECTOR_IOAPIC_BASE + irq);
	return 0;
}

static void
ioapic_mask_isa(unsigned irq)
{
	struct madt_route route;
	unsigned pin;
	const struct ioapic *io = ioapic_isa_pin(irq, &route, &pin);

	if (io)
		ioapic_write_entry(io, pin,
				   ioapic_read_entry(io, pin) |
					   IOAPIC_REDIR_MASKED);
}

/* Every IOAPIC-routed interrupt is finished at the local APIC; for a
 * level-triggered one the local APIC passes the EOI on to the IOAPIC. */
static void
ioapic_eoi(unsigned irq)
{
	(void)irq;
	lapic_eoi();
}

static bool
ioapic_isa_level(unsigned irq)
{
	return irq < MADT_ISA_IRQS && isa_level[irq];
}

const struct irq_chip ioapic_irq_chip = {
	.name = "IOAPIC",
	.vector_base = VECTOR_IOAPIC_BASE,
	.unmask = ioapic_unmask_isa,
	.mask = ioapic_mask_isa,
	.spurious = NULL, /* the local APIC has its own spurious vector */
	.eoi = ioapic_eoi,
	.level = ioapic_isa_level,
};

/* Map the IOAPIC of MADT entry @m; mask all its pins. */
static int
ioapic_add(const struct madt_ioapic *m)
{
	struct ioapic *io = &ioapics[ioapic_count];
	uint32_t version;

	io->regs = kernel_map_device(m->address, IOAPIC_MMIO_SIZE,
				     DEVICE_UNCACHED);
	if (!io->regs) {
		pr_warn("ioapic: cannot map IOAPIC %u at 0x%x\n", m->id,
			m->address);
		return -ENOMEM;
	}
	version = ioapic_read(io, IOAPIC_REG_VERSION);
	if (version == IOAPIC_NOT_THERE) {
		pr_warn("ioapic: nothing answers at 0x%x (IOAPIC %u); ignored\n",
			m->address, m->id);
		return -ENODEV;
	}
	io->id = m->id;
	io->gsi_base = m->gsi_base;
	io->pins = ((version >> IOAPIC_PINS_SHIFT) & 0xff) + 1;
	for (unsigned pin = 0; pin < io->pins; pin++)
		ioapic_write_entry(io, pin, IOAPIC_REDIR_MASKED);
	ioapic_count++;
	pr_info("ioapic: IOAPIC %u at 0x%x, version 0x%x, GSI %u-%u, all masked\n",
		io->id, m->address, version & 0xff, io->gsi_base,
		io->gsi_base + io->pins - 1);
	return 0;
}

/* Say where each override sends its ISA IRQ. */
static void
ioapic_print_overrides(const struct madt_info *madt)
{
	size_t n = MIN(madt->override_count, (size_t)MADT_MAX_OVERRIDES);

	for (size_t i = 0; i < n; i++) {
		struct madt_route route;
		unsigned irq = madt->overrides[i].irq;

		if (madt_isa_route(madt, irq, &route) != 0)
			continue;
		pr_info("irq: IRQ %u -> GSI %u (%s)%s%s\n", irq, route.gsi,
			route_words(&route),
			route.odd_flags
				? " [reserved flag bits: taken as ISA's]"
				: "",
			ioapic_for_gsi(route.gsi, &(unsigned){ 0 })
				? ""
				: " [no IOAPIC serves that GSI]");
	}
}

int
ioapic_init(const struct madt_info *madt, uint8_t dest_apic_id)
{
	size_t n = MIN(madt->ioapic_count, (size_t)MADT_MAX_IOAPICS);

	ioapic_madt = madt;
	ioapic_dest = dest_apic_id;
	ioapic_count = 0;
	if (madt->ioapic_count > MADT_MAX_IOAPICS)
		pr_warn("ioapic: the MADT lists %zu IOAPICs; only the first %d are used\n",
			madt->ioapic_count, MADT_MAX_IOAPICS);
	for (size_t i = 0; i < n; i++)
		ioapic_add(&madt->ioapics[i]);
	if (ioapic_count == 0)
		return -ENODEV;
	ioapic_print_overrides(madt);
	return 0;
}

bool
ioapic_can_route(unsigned irq)
{
	struct madt_route route;
	unsigned pin;

	return ioapic_isa_pin(irq, &route, &pin) != NULL;
}

bool
ioapic_read_gsi(uint32_t gsi, uint64_t *entry)
{
	unsigned pin;
	const struct ioapic *io = ioapic_for_gsi(gsi, &pin);

	if (!io)
		return false;
	*entry = ioapic_read_entry(io, pin);
	return true;
}
