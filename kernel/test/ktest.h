/*
 * In-kernel tests, chosen with the test= command-line word:
 *
 *   test=boot            the boot group: boot info, initramfs module,
 *                        trap round trip, timer, ACPI, the interrupt
 *                        controllers, an IRQ through the IOAPIC, the
 *                        APIC timer's calibration
 *   test=fault           a deliberate page fault in kernel code: the panic
 *                        report must name ktest_fault_trigger
 *   test=stack-overflow  a fault with no usable stack: must end in a
 *                        reported double fault, not a triple fault
 *   test=reset           reset the machine (power_reset)
 *   test=mm              the memory group: page tables, 1000 address
 *                        spaces, fork-style copy, device mappings, RAM
 *                        above 4 GiB, regions, uaccess, kmalloc stress,
 *                        the file tree's pages and ENOSPC;
 *                        each checks no frame is lost
 *   test=kstack-overflow, kmalloc-overflow, kmalloc-double-free,
 *        kmalloc-use-after-free, null-deref
 *                        deliberate bugs the kernel must catch and name
 *   test=bench-mm        time frame, kmalloc and map operations (make
 *                        bench runs it in QEMU's counting mode)
 *
 * The table in ktest.c lists every test and its group.
 *
 * Each test prints "test NAME: OK" or "test NAME: FAILED", the run ends
 * with "ktest: N passed, M failed", and the machine powers off.
 * tests/run.py boots QEMU with these words and reads the lines.
 */
#ifndef KERNEL_TEST_KTEST_H
#define KERNEL_TEST_KTEST_H

#include "kernel/lib/types.h"

struct boot_info;

/* Run the tests named in @list (comma-separated). Does not return: powers
 * off at the end. */
__noreturn void ktest_run(const char *list, const struct boot_info *bi);

/* For tests: complain about one failed check and return false. */
bool ktest_fail(const char *fmt, ...) __printf_like(1, 2);
/* For tests: @ok, saying "check failed: @what" when it is false. */
bool ktest_check(bool ok, const char *what);

#endif /* KERNEL_TEST_KTEST_H */
