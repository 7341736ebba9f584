/*
 * The Interrupt Descriptor Table and the C side of every trap.
 *
 * An IDT entry (a "gate", 16 bytes) tells the CPU where to go for one
 * vector: the handler's address, the code segment, which IST stack to
 * switch to (0: none), and the gate type. Sprout uses interrupt gates
 * only, which clear IF on entry: a handler is never interrupted halfway
 * through saving the frame.
 */
#include "kernel/cpu/trap.h"
#include "kernel/cpu/segments.h"
#include "kernel/dev/lapic.h"
#include "kernel/dev/pic.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/printk.h"
#include "mm/kernel_space.h"

#include <stddef.h>

/* The layout trap_entry.S builds and iretq consumes. */
_Static_assert(offsetof(struct trap_frame, r15) == 0, "trap frame");
_Static_assert(offsetof(struct trap_frame, rax) == 112, "trap frame");
_Static_assert(offsetof(struct trap_frame, vector) == TF_VECTOR, "trap frame");
_Static_assert(offsetof(struct trap_frame, error_code) == TF_ERROR_CODE,
	       "trap frame");
_Static_assert(offsetof(struct trap_frame, rip) == TF_RIP, "trap frame");
_Static_assert(offsetof(struct trap_frame, cs) == TF_CS, "trap frame");
_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "trap frame");
/* vector_is_irq() takes the two IRQ ranges as one. */
_Static_assert(VECTOR_IRQ_BASE + IRQ_COUNT == VECTOR_IOAPIC_BASE,
	       "the 8259 and IOAPIC ranges are adjacent");

#define GATE_INTERRUPT 0xe /* type: 64-bit interrupt gate */
#define GATE_PRESENT   0x80
#define GATE_DPL3      0x60 /* ring 3 may raise it with an int instruction */

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;	   /* bits 0-2: IST slot, 0 = stay on this stack */
	uint8_t type_attr; /* present, DPL, gate type */
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __packed;
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate layout");

/* Stub addresses, from trap_entry.S: one for every vector. */
extern const uint64_t trap_stub_table[VECTOR_COUNT];

static struct idt_gate idt[VECTOR_COUNT] __aligned(16);
/* Exceptions and the local APIC's own vectors; not the IRQ ranges. */
static trap_handler_t vector_handlers[VECTOR_COUNT];
static trap_handler_t irq_handlers[IRQ_COUNT];
static const struct irq_chip *irq_chip_in_use = &pic_irq_chip;
static volatile uint64_t spurious_irqs;

static const char *const exception_names[VECTOR_EXCEPTIONS] = {
	[0] = "divide error",
	[1] = "debug",
	[2] = "non-maskable interrupt",
	[3] = "breakpoint",
	[4] = "overflow",
	[5] = "bound range exceeded",
	[6] = "invalid opcode",
	[7] = "device not available",
	[8] = "double fault",
	[9] = "coprocessor segment overrun",
	[10] = "invalid TSS",
	[11] = "segment not present",
	[12] = "stack-segment fault",
	[13] = "general protection fault",
	[14] = "page fault",
	[16] = "x87 floating-point error",
	[17] = "alignment check",
	[18] = "machine check",
	[19] = "SIMD floating-point error",
	[20] = "virtualization exception",
	[21] = "control protection",
	[28] = "hypervisor injection",
	[29] = "VMM communication",
	[30] = "security exception",
};

/* Is @vector in one of the two ISA IRQ ranges, the 8259s' or the
 * IOAPIC's? */
static bool
vector_is_irq(uint64_t vector)
{
	return vector >= VECTOR_IRQ_BASE &&
	       vector < VECTOR_IOAPIC_BASE + IRQ_COUNT;
}

const char *
trap_name(unsigned vector)
{
	return vector < VECTOR_EXCEPTIONS ? exception_names[vector] : NULL;
}

static void
idt_set_gate(unsigned vector, uint64_t handler, unsigned ist)
{
	idt[vector] = (struct idt_gate){
		.offset_low = handler & 0xffff,
		.selector = KERNEL_CS,
		.ist = (uint8_t)ist,
		.type_attr = GATE_PRESENT | GATE_INTERRUPT,
		.offset_mid = (handler >> 16) & 0xffff,
		.offset_high = (uint32_t)(handler >> 32),
	};
}

void
trap_init(void)
{
	/* The exceptions, both IRQ ranges and the APIC timer; then the
	 * local APIC's last two. Other vectors stay absent: nothing raises
	 * them, and "int N" from user mode on one faults as it should. */
	for (unsigned v = 0; v <= VECTOR_LAPIC_TIMER; v++)
		idt_set_gate(v, trap_stub_table[v], 0);
	idt_set_gate(VECTOR_LAPIC_ERROR, trap_stub_table[VECTOR_LAPIC_ERROR],
		     0);
	idt_set_gate(VECTOR_LAPIC_SPURIOUS,
		     trap_stub_table[VECTOR_LAPIC_SPURIOUS], 0);

	/* User programs may execute int3 and into: a breakpoint must reach
	 * them as SIGTRAP, not as a protection fault. */
	idt[VECTOR_BREAKPOINT].type_attr |= GATE_DPL3;
	idt[VECTOR_OVERFLOW].type_attr |= GATE_DPL3;

	/* These three run on their own known-good stacks (see gdt.c). */
	idt_set_gate(VECTOR_DOUBLE_FAULT, trap_stub_table[VECTOR_DOUBLE_FAULT],
		     IST_DOUBLE_FAULT);
	idt_set_gate(VECTOR_NMI, trap_stub_table[VECTOR_NMI], IST_NMI);
	idt_set_gate(VECTOR_MACHINE_CHECK,
		     trap_stub_table[VECTOR_MACHINE_CHECK], IST_MACHINE_CHECK);

	struct {
		uint16_t limit;
		uint64_t base;
	} __packed pointer = { sizeof(idt) - 1, (uint64_t)idt };
	__asm__ volatile("lidt %0" : : "m"(pointer));
}

trap_handler_t
trap_set_handler(unsigned vector, trap_handler_t handler)
{
	trap_handler_t old;

	if (vector >= VECTOR_COUNT || vector_is_irq(vector))
		panic("trap: vector %u is not an exception or an APIC vector",
		      vector);
	old = vector_handlers[vector];
	vector_handlers[vector] = handler;
	return old;
}

void
irq_set_chip(const struct irq_chip *chip)
{
	irq_chip_in_use = chip;
}

const struct irq_chip *
irq_chip(void)
{
	return irq_chip_in_use;
}

int
irq_register(enum irq irq, trap_handler_t handler)
{
	int err;

	irq_handlers[irq] = handler;
	err = irq_chip_in_use->unmask(irq);
	if (err)
		pr_warn("irq: the %s cannot deliver IRQ %u (error %d)\n",
			irq_chip_in_use->name, irq, -err);
	return err;
}

void
irq_unregister(enum irq irq)
{
	irq_chip_in_use->mask(irq);
	irq_handlers[irq] = NULL;
}

uint64_t
irq_spurious_count(void)
{
	return spurious_irqs;
}

void
irq_count_spurious(void)
{
	spurious_irqs++;
}

static void
irq_dispatch(struct trap_frame *tf)
{
	const struct irq_chip *chip = irq_chip_in_use;
	unsigned vector = (unsigned)tf->vector;

	/* The range of the controller we do not use: on the APIC path, the
	 * masked 8259s' spurious IRQ 7 or 15, which the local APIC did not
	 * mark in service and which must not get an EOI there. But the local
	 * APIC can deliver these vectors too (a firmware's timer on 0x20,
	 * left pending): then its in-service bit is set, and without an EOI
	 * it would stay set, blocking every vector of its priority class
	 * and below for good. */
	if (vector < chip->vector_base ||
	    vector >= chip->vector_base + IRQ_COUNT) {
		if (lapic_in_service(vector))
			lapic_eoi();
		spurious_irqs++;
		return;
	}
	unsigned irq = vector - chip->vector_base;
	if (chip->spurious && chip->spurious(irq)) {
		spurious_irqs++;
		return;
	}
	/* Edge: acknowledge first, since a handler that switches tasks (the
	 * timer) may not come back here for a long time. Level: the line is
	 * still asserted until the handler has served the device, and an
	 * EOI now would deliver it again at once; so EOI after. */
	bool eoi_after = chip->level && chip->level(irq);
	if (!eoi_after)
		chip->eoi(irq);
	if (irq_handlers[irq])
		irq_handlers[irq](tf);
	if (eoi_after)
		chip->eoi(irq);
}

static user_exception_fn user_exception_handler;
static trap_handler_t user_return_handler;

void
trap_set_user_handlers(user_exception_fn on_exception, trap_handler_t on_return)
{
	user_exception_handler = on_exception;
	user_return_handler = on_return;
}

void
trap_user_exception(struct trap_frame *tf, uint64_t addr)
{
	if (!user_exception_handler)
		panic_trap(tf, "user-mode %s with no process to kill",
			   trap_name((unsigned)tf->vector));
	user_exception_handler(tf, addr);
}

void
trap_user_return_work(struct trap_frame *tf)
{
	if (user_return_handler)
		user_return_handler(tf);
}

void
trap_dispatch(struct trap_frame *tf)
{
	bool from_user = tf->cs & 3;

	/* An interrupt in the middle of a copy to or from user memory
	 * comes with the SMAP window open (RFLAGS.AC): shut it for the
	 * handler. iretq gives the interrupted copy its flags back. */
	if (cpu_has_smap)
		__asm__ volatile("clac" ::: "memory");
	if (vector_is_irq(tf->vector)) {
		irq_dispatch(tf);
	} else if (tf->vector < VECTOR_COUNT && vector_handlers[tf->vector]) {
		vector_handlers[tf->vector](tf);
	} else if (from_user) {
		/* A user program's fault: its own business, not a kernel
		 * bug. It dies by a signal. */
		trap_user_exception(tf, 0);
	} else {
		/* No one claimed it: in the kernel, that is a kernel bug. */
		panic_trap(tf, "%s",
			   trap_name((unsigned)tf->vector)
				   ? trap_name((unsigned)tf->vector)
				   : "unknown exception");
	}
	if (from_user)
		trap_user_return_work(tf);
}
