/*
 * Frame-pointer backtraces. With -fno-omit-frame-pointer every function
 * starts with "push %rbp; mov %rsp, %rbp", so each stack frame begins with
 * the caller's saved RBP and, above it, the return address:
 *
 *   higher addresses
 *   | ...                 |
 *   | return address      |  <- rbp + 8   (where the caller resumes)
 *   | caller's saved rbp  |  <- rbp       (link to the caller's frame)
 *   | this function's     |
 *   | locals              |
 *   lower addresses
 *
 * Following the chain of saved RBPs visits every caller. The chain ends
 * where boot/entry.S set RBP to 0. The trap entry code pushes a fake frame
 * so the walk continues from a handler into the interrupted code.
 */
#include "kernel/lib/backtrace.h"
#include "kernel/lib/printk.h"
#include "mm/memlayout.h"

#define BACKTRACE_MAX_FRAMES 32

/* The generated symbol table (tools/ksyms.py), sorted by address. */
struct ksym {
	uint64_t addr;
	uint32_t name; /* offset into ksyms_names */
	uint32_t reserved;
};
extern const uint64_t ksyms_count;
extern const struct ksym ksyms_table[];
extern const char ksyms_names[];
extern const char __text_start[], __text_end[];
extern const char __image_phys_start[], __kernel_end[];

const char *
ksym_lookup(uint64_t addr, uint64_t *offset)
{
	uint64_t lo = 0, hi = ksyms_count;

	if (addr < (uint64_t)__text_start || addr >= (uint64_t)__text_end)
		return NULL;
	/* Binary search for the last symbol at or below addr. */
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (ksyms_table[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (ksyms_count == 0 || ksyms_table[lo].addr > addr)
		return NULL;
	*offset = addr - ksyms_table[lo].addr;
	return &ksyms_names[ksyms_table[lo].name];
}

static void
backtrace_print_one(uint64_t addr)
{
	uint64_t offset;
	const char *name = ksym_lookup(addr, &offset);

	if (name)
		printk(LOG_EMERG, "  [<%016llx>] %s+0x%llx\n",
		       (unsigned long long)addr, name,
		       (unsigned long long)offset);
	else
		printk(LOG_EMERG, "  [<%016llx>] ?\n",
		       (unsigned long long)addr);
}

/* The stack that the walk started on: frames further up the chain must
 * be on it too. */
static uint64_t stack_low, stack_high;

/* Only follow RBP values that point into memory known to be mapped: the
 * stack the walk started on. A corrupted chain must not fault inside the
 * panic handler. */
static bool
backtrace_frame_ok(uint64_t rbp)
{
	return rbp % 8 == 0 && rbp >= stack_low && rbp + 16 <= stack_high;
}

/* Find the stack around @sp: a kernel stack slot (without its guard
 * page), or the kernel image, whose .bss holds the boot and IST stacks. */
static void
backtrace_find_stack(uint64_t sp)
{
	uint64_t image_start = KERNEL_VMA + (uint64_t)__image_phys_start;

	if (sp >= KSTACK_BASE &&
	    sp < KSTACK_BASE + (uint64_t)KSTACK_SLOTS * KSTACK_SLOT_SIZE) {
		uint64_t slot = KSTACK_BASE + (sp - KSTACK_BASE) /
						      KSTACK_SLOT_SIZE *
						      KSTACK_SLOT_SIZE;
		stack_low = slot + PAGE_SIZE;
		stack_high = slot + KSTACK_SLOT_SIZE;
	} else {
		stack_low = image_start;
		stack_high = (uint64_t)__kernel_end;
	}
}

static bool
is_kernel_text(uint64_t addr)
{
	return addr >= (uint64_t)__text_start && addr < (uint64_t)__text_end;
}

void
backtrace_print(uint64_t rip, uint64_t rbp, uint64_t rsp)
{
	printk(LOG_EMERG, "Backtrace:\n");
	/* The chain lives on the stack rbp points into. */
	backtrace_find_stack(rbp ? rbp : rsp);
	backtrace_print_one(rip);
	/* A leaf function (one that calls nothing) gets no frame from the
	 * compiler, so its caller is not in the RBP chain; its return
	 * address is then on top of the stack. Show it, marked '?', as
	 * Linux does: it is a guess, though usually right. */
	if (rsp && backtrace_frame_ok(rsp) &&
	    is_kernel_text(*(const uint64_t *)rsp) &&
	    (!backtrace_frame_ok(rbp) ||
	     ((const uint64_t *)rbp)[1] != *(const uint64_t *)rsp)) {
		uint64_t offset, addr = *(const uint64_t *)rsp - 1;
		const char *name = ksym_lookup(addr, &offset);
		printk(LOG_EMERG, "  [<%016llx>] ? %s+0x%llx\n",
		       (unsigned long long)addr, name ? name : "?",
		       (unsigned long long)offset);
	}
	uint64_t previous = 0;
	int repeats = 0;
	for (int i = 0; i < BACKTRACE_MAX_FRAMES && backtrace_frame_ok(rbp);
	     i++) {
		const uint64_t *frame = (const uint64_t *)rbp;
		uint64_t return_address = frame[1];

		if (!is_kernel_text(return_address))
			break;
		/* The return address is the instruction after the call;
		 * minus one lands inside the call, in the right function
		 * even when the call was a function's last instruction.
		 * Deep recursion prints its frame once, with a count. */
		if (return_address == previous) {
			repeats++;
		} else {
			if (repeats)
				printk(LOG_EMERG,
				       "  ... the line above %d more times\n",
				       repeats);
			repeats = 0;
			backtrace_print_one(return_address - 1);
		}
		previous = return_address;
		if (frame[0] <= rbp) /* stacks grow down: callers are higher */
			break;
		rbp = frame[0];
	}
	if (repeats)
		printk(LOG_EMERG, "  ... the line above %d more times\n",
		       repeats);
}
