/*
 * What a page fault means depends on who faulted and where:
 *
 *   user mode, in a region that allows the access  -> map a zeroed page,
 *                                                     or copy a page
 *                                                     shared by fork
 *                                                     (mm_fault decides)
 *   user mode, anything else                       -> the process's error:
 *                                                     SIGSEGV (kernel/proc)
 *   kernel, in uaccess code, on a user address     -> as for user mode;
 *                                                     if not resolvable,
 *                                                     -EFAULT via fixup
 *   kernel, in a kernel stack's guard page         -> panic: overflow
 *   kernel, anywhere else                          -> panic: kernel bug
 *
 * A stack overflow usually shows up as a double fault instead: the CPU
 * cannot push the page fault's frame on a stack that has run out, so it
 * raises #DF, which has its own stack (IST). The double-fault handler
 * asks the same question: was CR2 in a guard page?
 */
#include "mm/fault.h"
#include "kernel/cpu/trap.h"
#include "kernel/cpu/x86.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/printk.h"
#include "mm/address_space.h"
#include "mm/kstack.h"
#include "mm/memlayout.h"
#include "mm/uaccess.h"

static void
page_fault_handler(struct trap_frame *tf)
{
	vaddr_t addr = read_cr2();
	bool user = tf->cs & 3;
	uint64_t fixup = user ? 0 : uaccess_fixup(tf->rip);
	struct mm *mm = mm_active();
	int owner;

	/* Demand paging, for the process itself or for uaccess on its
	 * behalf. The kernel's own accesses to user memory outside uaccess
	 * are bugs, not page-ins. */
	if (addr < USER_END && mm && (user || fixup) &&
	    mm_fault(mm, addr, tf->error_code) == 0)
		return;
	if (user) {
		trap_user_exception(tf, addr); /* the process dies: SIGSEGV */
		return;
	}
	if (fixup) {
		tf->rip = fixup;
		return;
	}
	if (kstack_guard_hit(addr, &owner))
		panic_trap(tf, "kernel stack overflow in task %d", owner);
	panic_trap(tf, "page fault");
}

static void
double_fault_handler(struct trap_frame *tf)
{
	int owner;

	if (kstack_guard_hit(read_cr2(), &owner))
		panic_trap(tf,
			   "kernel stack overflow in task %d (double fault)",
			   owner);
	panic_trap(tf, "double fault");
}

void
fault_init(void)
{
	trap_set_handler(VECTOR_PAGE_FAULT, page_fault_handler);
	trap_set_handler(VECTOR_DOUBLE_FAULT, double_fault_handler);
}
