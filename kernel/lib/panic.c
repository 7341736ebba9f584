/*
 * The panic report. Its shape, for a page fault:
 *
 *   PANIC: page fault
 *     error 0x0 (read of a not-present page, in kernel mode), cr2 0x...
 *     rip ffffffff80104a1c <ktest_fault_trigger+0xc>
 *     rax ... (all registers)
 *   Backtrace:
 *     [<ffffffff80104a1c>] ktest_fault_trigger+0xc
 *     [<ffffffff80104b20>] ktest_run_one+0x30
 *     ...
 *   Try: ...
 */
#include "kernel/lib/panic.h"
#include "kernel/cpu/trap.h"
#include "kernel/cpu/x86.h"
#include "kernel/dev/console.h"
#include "kernel/dev/power.h"
#include "kernel/lib/backtrace.h"
#include "kernel/lib/format.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/spinlock.h"

static enum panic_action panic_action = PANIC_HALT;
static int panicking;

void
panic_set_action(enum panic_action action)
{
	panic_action = action;
}

static void
panic_print_registers(const struct trap_frame *tf)
{
	uint64_t offset;
	const char *where = ksym_lookup(tf->rip, &offset);

	if (tf->vector == VECTOR_PAGE_FAULT) {
		uint64_t e = tf->error_code;
		printk(LOG_EMERG,
		       "  error 0x%llx (%s%s of a %s page, in %s mode), cr2 0x%016llx\n",
		       (unsigned long long)e,
		       e & PF_RESERVED ? "reserved-bit " : "",
		       e & PF_FETCH   ? "instruction fetch"
		       : e & PF_WRITE ? "write"
				      : "read",
		       e & PF_PRESENT ? "protected" : "not-present",
		       e & PF_USER ? "user" : "kernel",
		       (unsigned long long)read_cr2());
	} else {
		printk(LOG_EMERG, "  vector %llu, error code 0x%llx\n",
		       (unsigned long long)tf->vector,
		       (unsigned long long)tf->error_code);
	}
	printk(LOG_EMERG, "  rip %016llx <%s+0x%llx>  cs %llx  rflags %llx\n",
	       (unsigned long long)tf->rip, where ? where : "?",
	       where ? (unsigned long long)offset : 0ull,
	       (unsigned long long)tf->cs, (unsigned long long)tf->rflags);
	printk(LOG_EMERG, "  rsp %016llx  ss %llx\n",
	       (unsigned long long)tf->rsp, (unsigned long long)tf->ss);
	printk(LOG_EMERG, "  rax %016llx  rbx %016llx  rcx %016llx\n",
	       (unsigned long long)tf->rax, (unsigned long long)tf->rbx,
	       (unsigned long long)tf->rcx);
	printk(LOG_EMERG, "  rdx %016llx  rsi %016llx  rdi %016llx\n",
	       (unsigned long long)tf->rdx, (unsigned long long)tf->rsi,
	       (unsigned long long)tf->rdi);
	printk(LOG_EMERG, "  rbp %016llx  r8  %016llx  r9  %016llx\n",
	       (unsigned long long)tf->rbp, (unsigned long long)tf->r8,
	       (unsigned long long)tf->r9);
	printk(LOG_EMERG, "  r10 %016llx  r11 %016llx  r12 %016llx\n",
	       (unsigned long long)tf->r10, (unsigned long long)tf->r11,
	       (unsigned long long)tf->r12);
	printk(LOG_EMERG, "  r13 %016llx  r14 %016llx  r15 %016llx\n",
	       (unsigned long long)tf->r13, (unsigned long long)tf->r14,
	       (unsigned long long)tf->r15);
	printk(LOG_EMERG, "  cr0 %016llx  cr3 %016llx  cr4 %016llx\n",
	       (unsigned long long)read_cr0(), (unsigned long long)read_cr3(),
	       (unsigned long long)read_cr4());
}

static __noreturn void
panic_finish(void)
{
	printk(LOG_EMERG,
	       "Try: read the backtrace from the top; 'make gdb' and a breakpoint\n"
	       "     on the first function named lets you step to the fault.\n");
	if (panic_action == PANIC_POWEROFF)
		power_off();
	printk(LOG_EMERG,
	       "panic: halted (boot with panic=poweroff to power off instead)\n");
	cpu_halt_forever();
}

/* Common start of both kinds of panic. Returns false if we are already
 * panicking: a fault inside the panic report itself. */
static bool
panic_begin(void)
{
	interrupts_disable();
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST))
		return false;
	printk_force_unlock();
	console_panic(); /* the screen too, even mid-drawing or before fb_map */
	return true;
}

static void
panic_print_reason(const char *fmt, va_list ap)
{
	char reason[256];

	kvsnprintf(reason, sizeof(reason), fmt, ap);
	printk(LOG_EMERG, "PANIC: %s\n", reason);
}

void
panic(const char *fmt, ...)
{
	va_list ap;

	if (!panic_begin())
		cpu_halt_forever();
	va_start(ap, fmt);
	panic_print_reason(fmt, ap);
	va_end(ap);
	/* Start the walk in panic() itself: the first line names panic and
	 * the next its caller, the code that found the broken invariant. */
	backtrace_print((uint64_t)panic, (uint64_t)__builtin_frame_address(0),
			0);
	panic_finish();
}

void
panic_trap(const struct trap_frame *tf, const char *fmt, ...)
{
	va_list ap;

	if (!panic_begin())
		cpu_halt_forever();
	va_start(ap, fmt);
	panic_print_reason(fmt, ap);
	va_end(ap);
	panic_print_registers(tf);
	backtrace_print(tf->rip, tf->rbp, (tf->cs & 3) ? 0 : tf->rsp);
	panic_finish();
}

void
spin_lock_recursion(struct spinlock *lock)
{
	panic("spinlock '%s': taken again by the CPU that holds it",
	      lock->name);
}
