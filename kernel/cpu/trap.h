/*
 * Traps: exceptions (the CPU objecting to an instruction), hardware
 * interrupts (IRQs) and, later, system calls all arrive as a struct
 * trap_frame on the kernel stack, built by kernel/cpu/trap_entry.S.
 *
 * The frame, from high addresses (pushed first) to low (pushed last):
 *
 *          +------------------+
 *          | ss               |  \
 *          | rsp              |   |
 *          | rflags           |   | pushed by the CPU
 *          | cs               |   |
 *          | rip              |  /
 *          | error_code       |  by the CPU for some vectors, else 0 by
 *          |                  |  the vector stub so the frame is uniform
 *          | vector           |  by the vector stub
 *          | rax ... r15      |  by trap_entry_common (15 registers)
 *   rsp -> +------------------+  <- struct trap_frame *
 *
 * The struct lists fields from low to high address, so its order is the
 * reverse of the push order. The offsets used by assembly are checked with
 * _Static_assert in trap.c.
 */
#ifndef KERNEL_CPU_TRAP_H
#define KERNEL_CPU_TRAP_H

/* Vectors */
#define VECTOR_DIVIDE_ERROR	  0
#define VECTOR_DEBUG		  1
#define VECTOR_NMI		  2
#define VECTOR_BREAKPOINT	  3
#define VECTOR_OVERFLOW		  4
#define VECTOR_DOUBLE_FAULT	  8
#define VECTOR_GENERAL_PROTECTION 13
#define VECTOR_PAGE_FAULT	  14
#define VECTOR_MACHINE_CHECK	  18
#define VECTOR_EXCEPTIONS	  32 /* 0..31 are reserved for the CPU */
#define VECTOR_IRQ_BASE		  32 /* the 8259 PICs are remapped here */
#define IRQ_COUNT		  16 /* ISA IRQ lines, 0..15 */
#define VECTOR_IOAPIC_BASE	  48 /* the IOAPIC sends ISA IRQ n to 48 + n */
#define VECTOR_LAPIC_TIMER	  64 /* the local APIC timer: the tick */
#define VECTOR_LAPIC_ERROR	  0xfe /* the local APIC reports an error */
#define VECTOR_LAPIC_SPURIOUS	  0xff /* low 4 bits all 1s, for old APICs */
#define VECTOR_COUNT		  256
#define VECTOR_SYSCALL		  0x80 /* in the frame of a system call (not in the IDT) */

/* Page-fault error-code bits, as the CPU pushes them. */
#define PF_PRESENT  (1 << 0) /* 0: page not present; 1: protection */
#define PF_WRITE    (1 << 1) /* the access was a write */
#define PF_USER	    (1 << 2) /* in user mode */
#define PF_RESERVED (1 << 3) /* a reserved bit was set in an entry */
#define PF_FETCH    (1 << 4) /* an instruction fetch */

/* Interrupt stack table slots (kernel/cpu/gdt.c sets up the stacks). */
#define IST_DOUBLE_FAULT  1
#define IST_NMI		  2
#define IST_MACHINE_CHECK 3

/* Offsets of trap_frame fields used by assembly. */
#define TF_VECTOR     120
#define TF_ERROR_CODE 128
#define TF_RIP	      136
#define TF_CS	      144
#define TF_SIZE	      176

#ifndef __ASSEMBLER__
#include "kernel/lib/types.h"

struct trap_frame {
	/* pushed by trap_entry_common, last push first */
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	/* pushed by the vector stub */
	uint64_t vector;
	uint64_t error_code;
	/* pushed by the CPU */
	uint64_t rip, cs, rflags, rsp, ss;
};

/*
 * The vectors, and who raises them:
 *
 *     0..31   CPU exceptions
 *    32..47   the 8259s' IRQ 0..15; on the APIC path the 8259s are masked
 *             and only a spurious IRQ 7 or 15 could still come here
 *    48..63   ISA IRQ 0..15 routed by the IOAPIC (the APIC path)
 *    64       the local APIC timer
 *   254, 255  the local APIC's error and spurious-interrupt vectors
 *
 * The two controllers use separate ranges so that a stray 8259 interrupt
 * can never be mistaken for a device's, and be acknowledged at the wrong
 * chip. See docs/interrupts.md.
 */

/* IRQ lines of the PC's ISA bus, as the two 8259 PICs number them. */
enum irq {
	IRQ_PIT = 0,
	IRQ_KEYBOARD = 1,
	IRQ_CASCADE = 2,
	IRQ_COM1 = 4,
	IRQ_SPURIOUS_MASTER = 7,
	IRQ_SPURIOUS_SLAVE = 15,
};

typedef void (*trap_handler_t)(struct trap_frame *tf);

/* Load the IDT. */
void trap_init(void);

/*
 * An interrupt controller that delivers ISA IRQs: the 8259 pair (pic.c)
 * or the IOAPIC with the local APIC (ioapic.c). Exactly one is in use;
 * irq_register() and the dispatcher go through it and never name a chip.
 */
struct irq_chip {
	const char *name;
	unsigned vector_base; /* ISA IRQ n arrives on vector_base + n */
	/* Route @irq to its vector and let it through: 0 or -errno. */
	int (*unmask)(unsigned irq);
	void (*mask)(unsigned irq);
	/* NULL, or true when IRQ @irq was spurious: the chip has done what
	 * it needs, the IRQ gets no EOI and no handler. */
	bool (*spurious)(unsigned irq);
	/* End of interrupt: the chip may deliver the next one. */
	void (*eoi)(unsigned irq);
	/* NULL, or true when IRQ @irq is level triggered: its EOI comes
	 * after its handler, which therefore must not switch tasks. */
	bool (*level)(unsigned irq);
};

/* Deliver ISA IRQs through @chip from now on. Before the first call it
 * is the 8259 pair. Call with interrupts off, before any irq_register. */
void irq_set_chip(const struct irq_chip *chip);
/* The chip in use. */
const struct irq_chip *irq_chip(void);

/* Send IRQ @irq to @handler and let it through at the controller in use.
 * Returns 0, or -errno when the controller cannot deliver that IRQ. */
int irq_register(enum irq irq, trap_handler_t handler);
/* Mask IRQ @irq again and forget its handler. */
void irq_unregister(enum irq irq);

/* Replace the handler of exception @vector, or of a vector the local
 * APIC raises itself (64 and up; that handler sends its own EOI). NULL:
 * back to the default, which panics in kernel mode. Returns the previous
 * handler. */
trap_handler_t trap_set_handler(unsigned vector, trap_handler_t handler);

/* Called by trap_entry_common with the frame it built. */
void trap_dispatch(struct trap_frame *tf);

/* The name of exception @vector ("page fault"), or NULL. */
const char *trap_name(unsigned vector);

/* Count of interrupts raised for no reason: the 8259's IRQ 7 and 15
 * noise, the masked 8259 on the APIC path, the local APIC's spurious
 * vector. */
uint64_t irq_spurious_count(void);
/* Count one more: for the local APIC's spurious vector. */
void irq_count_spurious(void);

/*
 * User mode. kernel/proc registers two handlers: what becomes of a user
 * exception nobody resolved (the process dies by a signal), and the work
 * done on every return to user mode (switch if the slice is used up; die
 * if killed). mm/fault.c passes unresolved user page faults on with
 * trap_user_exception(); @addr is the faulting address (CR2) for those.
 */
typedef void (*user_exception_fn)(struct trap_frame *tf, uint64_t addr);
void trap_set_user_handlers(user_exception_fn on_exception,
			    trap_handler_t on_return);
void trap_user_exception(struct trap_frame *tf, uint64_t addr);
void trap_user_return_work(struct trap_frame *tf);

/* Load every register from @tf and iret to it: how a new process first
 * enters user mode. Does not return. */
__noreturn void trap_return(struct trap_frame *tf);
#endif /* __ASSEMBLER__ */

#endif /* KERNEL_CPU_TRAP_H */
