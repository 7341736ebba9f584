/*
 * The in-kernel tests (ktest.c lists them). Each returns true on success
 * and explains a failure with ktest_fail().
 */
#ifndef KERNEL_TEST_TESTS_H
#define KERNEL_TEST_TESTS_H

#include "kernel/lib/types.h"

struct boot_info;

bool ktest_bootinfo(const struct boot_info *bi);
bool ktest_initramfs_module(const struct boot_info *bi);
bool ktest_trap_roundtrip(const struct boot_info *bi);
bool ktest_timer(const struct boot_info *bi);
bool ktest_acpi(const struct boot_info *bi);
bool ktest_fault(const struct boot_info *bi);
bool ktest_stack_overflow(const struct boot_info *bi);
bool ktest_reset(const struct boot_info *bi);

/* The function the fault test crashes in (external: see boot_tests.c). */
uint64_t ktest_fault_trigger(void);

#endif /* KERNEL_TEST_TESTS_H */
