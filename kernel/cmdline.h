/*
 * The kernel command line: words like "init=/bin/sh loglevel=7 -- -v".
 *
 *   init=PATH             the first program (default /sbin/init)
 *   console=LIST          serial,vga,fb: where messages go (default: all)
 *   quantum=MS            round-robin time slice, 1..1000 ms
 *   sched=NAME            scheduling policy (default rr)
 *   loglevel=N            show messages up to level N, 0..7 (default 6)
 *   trace=sched           record every task state change
 *   panic=poweroff|halt   what a panic does at the end (default halt)
 *   test=LIST             run in-kernel tests (kernel/test/), then power off
 *   noapic                use the 8259 and the PIT even where there is an
 *                         APIC (docs/interrupts.md)
 *   -- ARGS               everything after goes to init as its argv
 *
 * A word that does not parse, or that nobody knows, is reported once and
 * ignored: a typo must not stop the machine from booting.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include "boot/bootinfo.h"
#include "kernel/lib/types.h"

#define CMDLINE_INIT_ARGS_MAX  16
#define CMDLINE_DEFAULT_INIT   "/sbin/init"
#define CMDLINE_DEFAULT_SCHED  "rr"
#define CMDLINE_QUANTUM_MAX_MS 1000

struct boot_options {
	const char *init;      /* NULL: try the default path */
	unsigned console_mask; /* CONSOLE_* bits; ~0u: all that exist */
	unsigned quantum_ms;   /* 0: the policy's default */
	const char *sched;
	int loglevel;
	bool trace_sched;
	bool panic_poweroff;
	const char *tests; /* comma-separated test names, or NULL */
	bool noapic;	   /* the 8259 and the PIT, not the APICs */
	const char *init_argv[CMDLINE_INIT_ARGS_MAX];
	size_t init_argc;
	/* The words above point into this copy of the command line. */
	char storage[BOOT_CMDLINE_MAX];
};

/* How problems are reported: printk in the kernel, a buffer in tests. */
typedef void (*cmdline_report_fn)(const char *fmt, ...) __printf_like(1, 2);

/* Parse @text into @opts (defaults first). Bad words go to @report and
 * are ignored. Returns the number of words reported. */
int cmdline_parse(const char *text, struct boot_options *opts,
		  cmdline_report_fn report);

#endif /* KERNEL_CMDLINE_H */
