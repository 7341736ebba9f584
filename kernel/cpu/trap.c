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

/* Stub addresses, from trap_entry.S. */
extern const uint64_t trap_stub_table[VECTOR_IRQ_BASE + IRQ_COUNT];

static struct idt_gate idt[VECTOR_COUNT] __aligned(16);
static trap_handler_t exception_handlers[VECTOR_EXCEPTIONS];
static trap_handler_t irq_handlers[IRQ_COUNT];
static uint64_t spurious_irqs;

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
	for (unsigned v = 0; v < VECTOR_IRQ_BASE + IRQ_COUNT; v++)
		idt_set_gate(v, trap_stub_table[v], 0);

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

	if (vector >= VECTOR_EXCEPTIONS)
		panic("trap: no exception vector %u", vector);
	old = exception_handlers[vector];
	exception_handlers[vector] = handler;
	return old;
}

void
irq_register(enum irq irq, trap_handler_t handler)
{
	irq_handlers[irq] = handler;
	pic_unmask(irq);
}

uint64_t
irq_spurious_count(void)
{
	return spurious_irqs;
}

static void
irq_dispatch(struct trap_frame *tf)
{
	unsigned irq = (unsigned)tf->vector - VECTOR_IRQ_BASE;

	if (irq == IRQ_SPURIOUS_MASTER || irq == IRQ_SPURIOUS_SLAVE) {
		if (!pic_irq_is_real(irq)) {
			spurious_irqs++;
			/* The master did raise the cascade line for a
			 * spurious IRQ 15, so it wants its EOI. */
			if (irq == IRQ_SPURIOUS_SLAVE)
				pic_end_of_interrupt(0);
			return;
		}
	}
	/* Acknowledge first: a handler that switches tasks (the timer,
	 * later) may not come back here for a long time. */
	pic_end_of_interrupt(irq);
	if (irq_handlers[irq])
		irq_handlers[irq](tf);
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
	if (tf->vector >= VECTOR_IRQ_BASE &&
	    tf->vector < VECTOR_IRQ_BASE + IRQ_COUNT) {
		irq_dispatch(tf);
	} else if (tf->vector < VECTOR_EXCEPTIONS &&
		   exception_handlers[tf->vector]) {
		exception_handlers[tf->vector](tf);
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
