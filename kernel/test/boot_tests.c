/*
 * The boot group of in-kernel tests, and the two deliberate crashes.
 */
#include "boot/bootinfo.h"
#include "boot/multiboot_parse.h"
#include "kernel/cpu/trap.h"
#include "kernel/cpu/tsc.h"
#include "kernel/cpu/x86.h"
#include "kernel/dev/acpi.h"
#include "kernel/dev/pit.h"
#include "kernel/dev/power.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "kernel/test/ktest.h"
#include "kernel/test/tests.h"
#include "mm/memlayout.h"

#define MIB		      (1024ull * 1024)
#define MIN_EXPECTED_RAM      (16 * MIB)
#define CPIO_NEWC_MAGIC	      "070701"
#define TIMER_TEST_TICKS      10
#define NSEC_PER_MSEC	      1000000ull
#define TIMER_TEST_GIVE_UP_NS (5000 * NSEC_PER_MSEC)

/* An address no page table maps in kernel mode: the user half, which has
 * no user process yet. */
#define KTEST_UNMAPPED_ADDRESS 0x0000600000000000ull

bool
ktest_bootinfo(const struct boot_info *bi)
{
	uint64_t usable = boot_usable_memory(bi);

	if (bi->mmap_count == 0)
		return ktest_fail("no memory map");
	if (usable < MIN_EXPECTED_RAM)
		return ktest_fail("only %llu KiB usable",
				  (unsigned long long)(usable / 1024));
	/* The loader must have passed our own command line. */
	if (!strstr(bi->cmdline, "test="))
		return ktest_fail("command line '%s' lacks test=", bi->cmdline);
	/* The kernel image must lie in usable memory. */
	for (size_t i = 0; i < bi->mmap_count; i++) {
		const struct boot_mmap_entry *e = &bi->mmap[i];
		if (e->type == BOOT_MEM_USABLE && e->base <= KERNEL_PHYS_LOAD &&
		    e->base + e->length > KERNEL_PHYS_LOAD)
			return true;
	}
	return ktest_fail("the kernel's load address is not in usable memory");
}

bool
ktest_initramfs_module(const struct boot_info *bi)
{
	if (bi->module_count == 0)
		return ktest_fail("no boot module (the initramfs)");
	const struct boot_module *m = &bi->modules[0];
	if (m->end - m->start < 6)
		return ktest_fail("module 0 is %llu bytes",
				  (unsigned long long)(m->end - m->start));
	if (m->end > EARLY_DIRECT_MAP_SIZE)
		return ktest_fail("module 0 lies above 4 GiB");
	if (memcmp(phys_to_virt(m->start), CPIO_NEWC_MAGIC, 6) != 0)
		return ktest_fail(
			"module 0 does not start with a cpio newc header");
	return true;
}

/* The breakpoint handler edits the frame: the change must reach the
 * interrupted code, and nothing else may change. */
static volatile int breakpoint_hits;

static void
ktest_breakpoint_handler(struct trap_frame *tf)
{
	breakpoint_hits++;
	tf->rax = 0x5350524f5554ull; /* "SPROUT" */
}

bool
ktest_trap_roundtrip(const struct boot_info *bi)
{
	uint64_t saved[8], rax = 0;
	trap_handler_t old;

	(void)bi;
	old = trap_set_handler(VECTOR_BREAKPOINT, ktest_breakpoint_handler);
	__asm__ volatile("mov $0x1008, %%r8\n\t"
			 "mov $0x1009, %%r9\n\t"
			 "mov $0x1010, %%r10\n\t"
			 "mov $0x1011, %%r11\n\t"
			 "mov $0x1012, %%r12\n\t"
			 "mov $0x1013, %%r13\n\t"
			 "mov $0x1014, %%r14\n\t"
			 "mov $0x1015, %%r15\n\t"
			 "int3\n\t"
			 "mov %%r8, 0(%1)\n\t"
			 "mov %%r9, 8(%1)\n\t"
			 "mov %%r10, 16(%1)\n\t"
			 "mov %%r11, 24(%1)\n\t"
			 "mov %%r12, 32(%1)\n\t"
			 "mov %%r13, 40(%1)\n\t"
			 "mov %%r14, 48(%1)\n\t"
			 "mov %%r15, 56(%1)"
			 : "+a"(rax)
			 : "r"(saved)
			 : "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
			   "memory");
	trap_set_handler(VECTOR_BREAKPOINT, old);

	if (breakpoint_hits != 1)
		return ktest_fail("breakpoint handler ran %d times",
				  breakpoint_hits);
	if (rax != 0x5350524f5554ull)
		return ktest_fail("rax is %llx: the frame edit was lost",
				  (unsigned long long)rax);
	static const uint64_t want[8] = { 0x1008, 0x1009, 0x1010, 0x1011,
					  0x1012, 0x1013, 0x1014, 0x1015 };
	for (int i = 0; i < 8; i++)
		if (saved[i] != want[i])
			return ktest_fail("r%d is %llx after the trap", i + 8,
					  (unsigned long long)saved[i]);
	return true;
}

/* Ten timer ticks must arrive, and the TSC clock must agree with the PIT
 * about how long they took (a loose check: emulators are noisy). */
bool
ktest_timer(const struct boot_info *bi)
{
	(void)bi;
	if (!interrupts_enabled())
		return ktest_fail("interrupts are off");
	uint64_t start_ns = clock_ns();
	uint64_t first = timer_ticks();
	/* Start on a tick boundary so the count is of whole periods. */
	while (timer_ticks() == first)
		if (clock_ns() - start_ns > TIMER_TEST_GIVE_UP_NS)
			return ktest_fail("no timer tick in 5 s");
		else
			cpu_halt();
	uint64_t t0 = clock_ns(), target = timer_ticks() + TIMER_TEST_TICKS;
	while (timer_ticks() < target) {
		if (clock_ns() - t0 > TIMER_TEST_GIVE_UP_NS)
			return ktest_fail(
				"only %llu ticks in 5 s",
				(unsigned long long)(timer_ticks() - first));
		cpu_halt();
	}
	uint64_t ms = (clock_ns() - t0) / NSEC_PER_MSEC;
	uint64_t expected = TIMER_TEST_TICKS * 1000 / HZ;
	pr_info("  %d ticks took %llu ms by the TSC clock (expected %llu)\n",
		TIMER_TEST_TICKS, (unsigned long long)ms,
		(unsigned long long)expected);
	if (ms < expected * 8 / 10 || ms > expected * 10)
		return ktest_fail("the TSC and PIT disagree");
	return true;
}

bool
ktest_acpi(const struct boot_info *bi)
{
	const struct acpi_power_info *p = acpi_power_info();

	(void)bi;
	if (!p)
		return ktest_fail("no usable ACPI tables");
	if (!p->pm1a_cnt)
		return ktest_fail("no PM1a control block");
	return true;
}

/* Deliberate crash 1: a read from an unmapped address. The panic report
 * must name ktest_fault_trigger. It is external (declared in tests.h) and
 * noinline, so the compiler keeps it whole under its own name rather than
 * inlining it or making a specialised copy (".isra.0"); the address sits
 * in a volatile variable so it cannot be folded in either. */
static volatile uint64_t *volatile ktest_fault_address =
	(volatile uint64_t *)KTEST_UNMAPPED_ADDRESS;

__attribute__((noinline)) uint64_t
ktest_fault_trigger(void)
{
	return *ktest_fault_address;
}

bool
ktest_fault(const struct boot_info *bi)
{
	(void)bi;
	pr_info("  reading from %#llx, which is not mapped\n",
		KTEST_UNMAPPED_ADDRESS);
	ktest_fault_trigger();
	return ktest_fail("the read did not fault");
}

/* Deliberate crash 2: point the stack at unmapped memory and push. The
 * page fault cannot push its frame there either, which makes it a double
 * fault; that one runs on its own IST stack and reports. */
bool
ktest_stack_overflow(const struct boot_info *bi)
{
	(void)bi;
	pr_info("  moving the stack to %#llx and pushing\n",
		KTEST_UNMAPPED_ADDRESS);
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "pushq $0"
			 :
			 : "r"(KTEST_UNMAPPED_ADDRESS)
			 : "memory");
	return ktest_fail("the push did not fault");
}

/* Reset the machine. Under QEMU with -no-reboot, a reset ends QEMU, which
 * the harness sees; any fallback message means the first method failed. */
bool
ktest_reset(const struct boot_info *bi)
{
	(void)bi;
	power_reset();
}
