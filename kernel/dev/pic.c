/*
 * 8259 PIC programming. The BIOS leaves IRQ 0-7 on vectors 8-15, which in
 * protected mode are CPU exceptions (8 is the double fault!), so the first
 * job is to move them. Initialisation is a fixed dance of four "ICW"
 * bytes per chip.
 */
#include "kernel/dev/pic.h"
#include "kernel/cpu/io.h"
#include "kernel/cpu/trap.h"

#define PIC1_COMMAND 0x20
#define PIC1_DATA    0x21
#define PIC2_COMMAND 0xa0
#define PIC2_DATA    0xa1

#define ICW1_INIT	   0x10 /* start initialisation */
#define ICW1_ICW4	   0x01 /* an ICW4 byte will follow */
#define ICW3_SLAVE_ON_IRQ2 0x04 /* master: a slave hangs on line 2 */
#define ICW3_CASCADE_ID	   0x02 /* slave: your cascade identity is 2 */
#define ICW4_8086	   0x01 /* 8086 mode, not 8080 */
#define OCW2_EOI	   0x20 /* non-specific end of interrupt */
#define OCW3_READ_ISR	   0x0b /* next read of the command port: ISR */

void
pic_init(void)
{
	outb(PIC1_COMMAND, ICW1_INIT | ICW1_ICW4);
	io_wait();
	outb(PIC2_COMMAND, ICW1_INIT | ICW1_ICW4);
	io_wait();
	outb(PIC1_DATA, VECTOR_IRQ_BASE); /* ICW2: vector base */
	io_wait();
	outb(PIC2_DATA, VECTOR_IRQ_BASE + 8);
	io_wait();
	outb(PIC1_DATA, ICW3_SLAVE_ON_IRQ2);
	io_wait();
	outb(PIC2_DATA, ICW3_CASCADE_ID);
	io_wait();
	outb(PIC1_DATA, ICW4_8086);
	io_wait();
	outb(PIC2_DATA, ICW4_8086);
	io_wait();

	/* Everything masked except the cascade line; drivers unmask their
	 * own line when they are ready for it. */
	outb(PIC1_DATA, (uint8_t) ~(1 << IRQ_CASCADE));
	outb(PIC2_DATA, 0xff);
}

static void
pic_unmask(unsigned irq)
{
	uint16_t port = irq < 8 ? PIC1_DATA : PIC2_DATA;

	outb(port, inb(port) & ~(1 << (irq % 8)));
}

void
pic_mask_all(void)
{
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}

uint16_t
pic_masks(void)
{
	return (uint16_t)(inb(PIC1_DATA) | inb(PIC2_DATA) << 8);
}

static void
pic_mask(unsigned irq)
{
	uint16_t port = irq < 8 ? PIC1_DATA : PIC2_DATA;

	outb(port, inb(port) | (1 << (irq % 8)));
}

/* Acknowledge @irq so the PIC can send the next one. */
static void
pic_end_of_interrupt(unsigned irq)
{
	if (irq >= 8)
		outb(PIC2_COMMAND, OCW2_EOI);
	outb(PIC1_COMMAND, OCW2_EOI);
}

/* A spurious IRQ 7 (or 15) arrives when a line drops before the CPU
 * acknowledges it: the PIC then reports its lowest-priority line, but the
 * In-Service Register shows nothing is being serviced there. */
static bool
pic_irq_is_real(unsigned irq)
{
	uint16_t port = irq < 8 ? PIC1_COMMAND : PIC2_COMMAND;

	outb(port, OCW3_READ_ISR);
	return inb(port) & (1 << (irq % 8));
}

/* The struct irq_chip view of the pair. */
static int
pic_chip_unmask(unsigned irq)
{
	pic_unmask(irq);
	return 0;
}

static bool
pic_chip_spurious(unsigned irq)
{
	if (irq != IRQ_SPURIOUS_MASTER && irq != IRQ_SPURIOUS_SLAVE)
		return false;
	if (pic_irq_is_real(irq))
		return false;
	/* The master did raise the cascade line for a spurious IRQ 15, so
	 * it wants its EOI; a spurious IRQ 7 gets none. */
	if (irq == IRQ_SPURIOUS_SLAVE)
		pic_end_of_interrupt(IRQ_PIT);
	return true;
}

const struct irq_chip pic_irq_chip = {
	.name = "8259",
	.vector_base = VECTOR_IRQ_BASE,
	.unmask = pic_chip_unmask,
	.mask = pic_mask,
	.spurious = pic_chip_spurious,
	.eoi = pic_end_of_interrupt,
};
