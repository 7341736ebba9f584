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
bool ktest_irq_controller(const struct boot_info *bi);
bool ktest_ioapic_irq(const struct boot_info *bi);
bool ktest_apic_timer(const struct boot_info *bi);
bool ktest_apic_stray_vector(const struct boot_info *bi);
bool ktest_fault(const struct boot_info *bi);
bool ktest_stack_overflow(const struct boot_info *bi);
bool ktest_reset(const struct boot_info *bi);
bool ktest_paging(const struct boot_info *bi);
bool ktest_address_spaces(const struct boot_info *bi);
bool ktest_mm_copy(const struct boot_info *bi);
bool ktest_cow(const struct boot_info *bi);
bool ktest_cow_three_way(const struct boot_info *bi);
bool ktest_cow_protection(const struct boot_info *bi);
bool ktest_device_map(const struct boot_info *bi);
bool ktest_high_memory(const struct boot_info *bi);
bool ktest_regions(const struct boot_info *bi);
bool ktest_uaccess(const struct boot_info *bi);
bool ktest_kmalloc_stress(const struct boot_info *bi);
bool ktest_ramfs_pages(const struct boot_info *bi);
bool ktest_ramfs_enospc(const struct boot_info *bi);
bool ktest_kstack_overflow(const struct boot_info *bi);
bool ktest_kmalloc_overflow(const struct boot_info *bi);
bool ktest_kmalloc_double_free(const struct boot_info *bi);
bool ktest_kmalloc_use_after_free(const struct boot_info *bi);
bool ktest_null_deref(const struct boot_info *bi);
bool ktest_bench_mm(const struct boot_info *bi);
bool ktest_threads_take_turns(const struct boot_info *bi);
bool ktest_wait_queue(const struct boot_info *bi);
bool ktest_sleep(const struct boot_info *bi);
bool ktest_kthread_lifetimes(const struct boot_info *bi);
bool ktest_illegal_transition(const struct boot_info *bi);
bool ktest_bench_switch(const struct boot_info *bi);
bool ktest_trace_demo(const struct boot_info *bi);

/* The function the fault test crashes in (external: see boot_tests.c). */
uint64_t ktest_fault_trigger(void);

#endif /* KERNEL_TEST_TESTS_H */
