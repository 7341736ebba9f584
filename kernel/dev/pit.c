/*
 * PIT channel 0 as the periodic tick (without an APIC) or a one-shot test
 * interrupt; channel 2 running free, as the reference clock that the TSC
 * and the APIC timer are measured against (calibrate.c).
 */
#include "kernel/dev/pit.h"
#include "kernel/cpu/io.h"
#include "kernel/cpu/trap.h"
#include "kernel/dev/pic.h"
#include "kernel/lib/printk.h"

#define PIT_CHANNEL0	    0x40
#define PIT_CHANNEL2	    0x42
#define PIT_COMMAND	    0x43
/* Command byte: channel (bits 7-6), access lobyte then hibyte (5-4),
 * mode (3-1), binary counting (0). */
#define PIT_CMD_CH0_RATE    0x34 /* channel 0, lo/hi, mode 2: rate generator */
#define PIT_CMD_CH0_ONESHOT 0x30 /* channel 0, lo/hi, mode 0: one-shot */
#define PIT_CMD_CH2_ONESHOT 0xb0 /* channel 2, lo/hi, mode 0: one-shot */
#define PIT_CMD_CH2_LATCH   0x80 /* channel 2: latch the count for reading */
#define PIT_COUNTER_FULL    0xffff
#define PIT_PROBE_READS	    1000
/* Port 0x61, "system control port B": gate and output of channel 2. */
#define PORT_B		    0x61
#define PORT_B_CH2_GATE	    0x01
#define PORT_B_SPEAKER	    0x02

static void
pit_tick(struct trap_frame *tf)
{
	(void)tf;
	timer_tick();
}

void
pit_init(void)
{
	uint16_t divisor = (PIT_FREQUENCY_HZ + HZ / 2) / HZ;

	outb(PIT_COMMAND, PIT_CMD_CH0_RATE);
	outb(PIT_CHANNEL0, divisor & 0xff);
	outb(PIT_CHANNEL0, divisor >> 8);
	irq_register(IRQ_PIT, pit_tick);
	timer_set_source("PIT");
	pr_info("pit: %d Hz (divisor %u)\n", HZ, divisor);
}

void
pit_stop(void)
{
	/* Mode 0 holds OUT low from the command until a count is loaded:
	 * without one, the counter never starts and never interrupts. */
	outb(PIT_COMMAND, PIT_CMD_CH0_ONESHOT);
}

void
pit_oneshot_irq(uint16_t count)
{
	/* Mode 0: OUT goes low now and high when the count runs out; that
	 * rising edge is IRQ 0. It stays high, so there is just one. */
	outb(PIT_COMMAND, PIT_CMD_CH0_ONESHOT);
	outb(PIT_CHANNEL0, count & 0xff);
	outb(PIT_CHANNEL0, count >> 8);
}

/* Channel 2's count of PIT periods since pit_counter_start(), modulo
 * 2^16 (it wraps every 55 ms). */
static uint16_t
pit_counter_read(void)
{
	/* In mode 0 the counter goes on from 0 to 0xffff and down again,
	 * so the negated count rises steadily, modulo 2^16. */
	outb(PIT_COMMAND, PIT_CMD_CH2_LATCH);
	uint16_t count = inb(PIT_CHANNEL2);
	count |= (uint16_t)(inb(PIT_CHANNEL2) << 8);
	return (uint16_t)-count;
}

bool
pit_counter_start(void)
{
	uint8_t port_b = inb(PORT_B) & ~(PORT_B_CH2_GATE | PORT_B_SPEAKER);

	outb(PORT_B, port_b);
	outb(PIT_COMMAND, PIT_CMD_CH2_ONESHOT);
	outb(PIT_CHANNEL2, PIT_COUNTER_FULL & 0xff);
	outb(PIT_CHANNEL2, PIT_COUNTER_FULL >> 8);
	outb(PORT_B, port_b | PORT_B_CH2_GATE);
	/* A PIT counts every 838 ns; one that never moves is not there
	 * (or is gated off by the chipset). */
	uint16_t first = pit_counter_read();
	for (int i = 0; i < PIT_PROBE_READS; i++)
		if (pit_counter_read() != first)
			return true;
	return false;
}

static uint64_t
pit_reference_read(void)
{
	return pit_counter_read();
}

const struct calibrate_clock pit_reference = {
	.name = "the PIT",
	.read = pit_reference_read,
	.mask = PIT_COUNTER_FULL,
	.hz = PIT_FREQUENCY_HZ,
};
