/*
 * The in-kernel test runner: a table of tests, run by name.
 */
#include "kernel/test/ktest.h"
#include "kernel/dev/power.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "kernel/test/tests.h"

struct ktest {
	const char *name;
	const char *group; /* "boot", or NULL: run only when named */
	bool (*run)(const struct boot_info *bi);
};

static const struct ktest tests[] = {
	{ "bootinfo", "boot", ktest_bootinfo },
	{ "initramfs-module", "boot", ktest_initramfs_module },
	{ "trap-roundtrip", "boot", ktest_trap_roundtrip },
	{ "timer", "boot", ktest_timer },
	{ "acpi", "boot", ktest_acpi },
	{ "irq-controller", "boot", ktest_irq_controller },
	{ "ioapic-irq", "boot", ktest_ioapic_irq },
	{ "apic-timer", "boot", ktest_apic_timer },
	{ "apic-stray-vector", NULL, ktest_apic_stray_vector },
	{ "fault", NULL, ktest_fault },
	{ "stack-overflow", NULL, ktest_stack_overflow },
	{ "reset", NULL, ktest_reset },
	{ "paging", "mm", ktest_paging },
	{ "address-spaces", "mm", ktest_address_spaces },
	{ "mm-copy", "mm", ktest_mm_copy },
	{ "cow", "mm", ktest_cow },
	{ "cow-three-way", "mm", ktest_cow_three_way },
	{ "cow-protection", "mm", ktest_cow_protection },
	{ "device-map", "mm", ktest_device_map },
	{ "high-memory", "mm", ktest_high_memory },
	{ "regions", "mm", ktest_regions },
	{ "uaccess", "mm", ktest_uaccess },
	{ "kmalloc-stress", "mm", ktest_kmalloc_stress },
	{ "ramfs-pages", "mm", ktest_ramfs_pages },
	{ "ramfs-enospc", "mm", ktest_ramfs_enospc },
	{ "kstack-overflow", NULL, ktest_kstack_overflow },
	{ "kmalloc-overflow", NULL, ktest_kmalloc_overflow },
	{ "kmalloc-double-free", NULL, ktest_kmalloc_double_free },
	{ "kmalloc-use-after-free", NULL, ktest_kmalloc_use_after_free },
	{ "null-deref", NULL, ktest_null_deref },
	{ "bench-mm", NULL, ktest_bench_mm },
	{ "take-turns", "sched", ktest_threads_take_turns },
	{ "wait-queue", "sched", ktest_wait_queue },
	{ "sleep", "sched", ktest_sleep },
	{ "kthread-lifetimes", "sched", ktest_kthread_lifetimes },
	{ "illegal-transition", NULL, ktest_illegal_transition },
	{ "bench-switch", NULL, ktest_bench_switch },
	{ "trace-demo", NULL, ktest_trace_demo },
};

bool
ktest_fail(const char *fmt, ...)
{
	va_list ap;

	printk(LOG_ERR, "  ");
	va_start(ap, fmt);
	vprintk(LOG_ERR, fmt, ap);
	va_end(ap);
	printk(LOG_ERR, "\n");
	return false;
}

bool
ktest_check(bool ok, const char *what)
{
	if (!ok)
		ktest_fail("check failed: %s", what);
	return ok;
}

/* Does the comma-separated @list contain @word? */
static bool
list_has(const char *list, const char *word)
{
	size_t len = strlen(word);

	while (*list) {
		if (strncmp(list, word, len) == 0 &&
		    (list[len] == ',' || list[len] == '\0'))
			return true;
		while (*list && *list != ',')
			list++;
		if (*list == ',')
			list++;
	}
	return false;
}

void
ktest_run(const char *list, const struct boot_info *bi)
{
	int passed = 0, failed = 0;

	for (size_t i = 0; i < ARRAY_SIZE(tests); i++) {
		const struct ktest *t = &tests[i];
		if (!list_has(list, t->name) &&
		    !(t->group && list_has(list, t->group)))
			continue;
		pr_info("test %s: running\n", t->name);
		bool ok = t->run(bi);
		pr_info("test %s: %s\n", t->name, ok ? "OK" : "FAILED");
		if (ok)
			passed++;
		else
			failed++;
	}
	if (passed + failed == 0)
		pr_err("ktest: no test matches '%s'\n", list);
	pr_info("ktest: %d passed, %d failed\n", passed, failed);
	power_off();
}
