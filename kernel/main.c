/*
 * kmain: where the kernel begins, in C. boot/entry.S calls it in 64-bit
 * mode, in the higher half, on the boot stack, with interrupts off.
 *
 * Read it as a table of contents: one line per subsystem, in the order
 * each depends on the one before.
 */
#include "boot/bootinfo.h"
#include "boot/multiboot_parse.h"
#include "kernel/cmdline.h"
#include "kernel/cpu/fpu.h"
#include "kernel/cpu/gdt.h"
#include "kernel/cpu/percpu.h"
#include "kernel/cpu/trap.h"
#include "kernel/cpu/tsc.h"
#include "kernel/cpu/x86.h"
#include "kernel/dev/acpi.h"
#include "kernel/dev/console.h"
#include "kernel/dev/irq_controller.h"
#include "kernel/dev/power.h"
#include "kernel/fs/memdev.h"
#include "kernel/fs/procfs.h"
#include "kernel/fs/tty.h"
#include "kernel/fs/vfs.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/printk.h"
#include "kernel/proc/exec.h"
#include "kernel/proc/process.h"
#include "kernel/syscall.h"
#include "kernel/test/ktest.h"
#include "mm/fault.h"
#include "mm/frame.h"
#include "mm/kernel_space.h"
#include "mm/memlayout.h"
#include "sched/sched.h"
#include "sched/trace.h"

#ifndef SPROUT_VERSION
#error "the Makefile passes -DSPROUT_VERSION"
#endif

#define STRINGIFY_VALUE(x) #x
#define STRINGIFY(x)	   STRINGIFY_VALUE(x)
#ifdef __clang__
#define COMPILER_NAME                                      \
	"clang " STRINGIFY(__clang_major__) "." STRINGIFY( \
		__clang_minor__) "." STRINGIFY(__clang_patchlevel__)
#else
#define COMPILER_NAME "gcc " __VERSION__
#endif

void kmain(uint32_t magic, paddr_t info_pa) __noreturn;

static struct boot_info boot_info;
static struct boot_options boot_options;

/* The boot information is unusable: say so wherever anyone might look. */
static __noreturn void
boot_fail(uint32_t magic, const char *why)
{
	boot_info.vga_text = true; /* harmless if there is no text mode */
	console_init(&boot_info);
	pr_emerg("Sprout %s: cannot start: %s\n", SPROUT_VERSION, why);
	pr_emerg("EAX was %#x; Multiboot1 loaders pass %#x, Multiboot2 %#x.\n",
		 magic, 0x2badb002, 0x36d76289);
	pr_emerg(
		"Boot Sprout with GRUB (multiboot2) or qemu -kernel. Halted.\n");
	cpu_halt_forever();
}

static void
cmdline_report(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(LOG_WARN, fmt, ap);
	va_end(ap);
	printk(LOG_WARN, "\n");
}

static const char *
mem_type_name(uint32_t type)
{
	switch (type) {
	case BOOT_MEM_USABLE:
		return "usable";
	case BOOT_MEM_ACPI_RECLAIMABLE:
		return "ACPI data";
	case BOOT_MEM_ACPI_NVS:
		return "ACPI NVS";
	case BOOT_MEM_BAD:
		return "bad RAM";
	default:
		return "reserved";
	}
}

static void
boot_info_print(const struct boot_info *bi)
{
	static const char *const fb_names[] = { "none", "RGB", "VGA text",
						"indexed" };

	pr_info("boot: %s via Multiboot%d, command line '%s'\n",
		bi->loader[0] ? bi->loader : "unknown loader",
		bi->protocol == BOOT_MULTIBOOT2 ? 2 : 1, bi->cmdline);
	pr_info("memory map:\n");
	for (size_t i = 0; i < bi->mmap_count; i++) {
		const struct boot_mmap_entry *e = &bi->mmap[i];
		pr_info("  0x%012llx-0x%012llx %s\n",
			(unsigned long long)e->base,
			(unsigned long long)(e->base + e->length - 1),
			mem_type_name(e->type));
	}
	pr_info("memory: %llu MiB usable in %zu regions\n",
		(unsigned long long)(boot_usable_memory(bi) >> 20),
		bi->mmap_count);
	for (size_t i = 0; i < bi->module_count; i++)
		pr_info("module %zu: %#llx-%#llx (%llu bytes) '%s'\n", i,
			(unsigned long long)bi->modules[i].start,
			(unsigned long long)bi->modules[i].end,
			(unsigned long long)(bi->modules[i].end -
					     bi->modules[i].start),
			bi->modules[i].string);
	if (bi->module_count == 0)
		pr_warn("boot: no initramfs: no boot module was given (qemu -initrd, GRUB module2)\n");
	if (bi->fb.type != BOOT_FB_NONE)
		pr_info("screen: %s %ux%u, %u bpp, at %#llx\n",
			fb_names[bi->fb.type], bi->fb.width, bi->fb.height,
			bi->fb.bpp, (unsigned long long)bi->fb.addr);
	unsigned con = console_present();
	pr_info("console:%s%s%s\n", con & CONSOLE_SERIAL ? " COM1" : "",
		con & CONSOLE_VGA ? " VGA-text" : "",
		con & CONSOLE_FB ? " framebuffer" : "");
	if (!(con & CONSOLE_SERIAL)) /* common on laptops; worth knowing */
		pr_warn("console: no serial port: COM1 failed its loopback test\n");
	if (bi->dropped)
		pr_warn("boot: %zu memory-map or module entries did not fit and were dropped\n",
			bi->dropped);
}

/* Apply the command-line words that belong to this stage of boot. */
static void
boot_options_apply(const struct boot_options *o)
{
	if (o->loglevel >= 0)
		printk_set_level(o->loglevel);
	if (o->console_mask != ~0u) {
		if (!(o->console_mask & console_present()))
			pr_warn("console: none of the chosen consoles exists; keeping all\n");
		else
			console_select(o->console_mask);
	}
	panic_set_action(o->panic_poweroff ? PANIC_POWEROFF : PANIC_HALT);
}

/* Where init is looked for without init=, in Linux's order. */
static const char *const init_paths[] = { "/sbin/init", "/etc/init",
					  "/bin/init", "/bin/sh" };

/* Run @path as init: argv is the path and the words after "--". Returns
 * only if it could not be started. */
static int
start_init(const char *path)
{
	const char *argv[CMDLINE_INIT_ARGS_MAX + 2];
	static const char *const envp[] = { "HOME=/", "TERM=linux",
					    "PATH=/sbin:/bin", NULL };
	size_t n = 0;

	argv[n++] = path;
	for (size_t i = 0; i < boot_options.init_argc; i++)
		argv[n++] = boot_options.init_argv[i];
	argv[n] = NULL;
	int err = exec_first_program(path, argv, envp);
	pr_err("init: cannot run %s (error %d)\n", path, -err);
	return err;
}

/*
 * The first kernel thread, tid 1. It runs the tests the command line
 * asks for, or becomes the first user process: it gets the console as
 * fds 0, 1 and 2 and execs init, which makes it process 1, the ancestor
 * of every other process.
 */
static void
kernel_init(void *arg)
{
	(void)arg;
	if (boot_options.tests)
		ktest_run(boot_options.tests, &boot_info); /* powers off */

	if (process_become_user())
		panic("init: no console for the first process");
	if (boot_options.init) {
		start_init(boot_options.init);
		panic("init: %s could not be started; check init= on the command line",
		      boot_options.init);
	}
	for (size_t i = 0; i < ARRAY_SIZE(init_paths); i++)
		if (start_init(init_paths[i]) != -ENOENT)
			break;
	panic("no init found: tried /sbin/init, /etc/init, /bin/init and /bin/sh; pass init=PATH on the command line");
}

/* The initramfs: the first boot module, unpacked into the file tree. */
static void
initramfs_unpack(void)
{
	if (boot_info.module_count == 0) {
		vfs_init(NULL, 0);
		return;
	}
	const struct boot_module *m = &boot_info.modules[0];
	vfs_init(phys_to_virt(m->start), m->end - m->start);
}

void
kmain(uint32_t magic, paddr_t info_pa)
{
	/* One step per line, its comment in one column. */
	/* clang-format off */
	percpu_init_boot();                     /* GS: this CPU's data */
	clock_start();                          /* time zero for timestamps */
	console_init_early();                   /* serial: the earliest news */
	if (multiboot_parse(magic, info_pa, DIRECT_MAP_BASE, &boot_info))
		boot_fail(magic, boot_info.error);
	console_init(&boot_info);               /* the screen: VGA text or pixels */

	pr_info("Sprout %s (x86-64), compiled by %s\n", SPROUT_VERSION,
		COMPILER_NAME);
	cmdline_parse(boot_info.cmdline, &boot_options, cmdline_report);
	boot_options_apply(&boot_options);      /* loglevel, console, panic */
	tsc_calibrate();                        /* the clock for timestamps */

	gdt_init();                             /* segments, TSS, IST stacks */
	trap_init();                            /* the IDT: exceptions, IRQs */
	boot_info_print(&boot_info);            /* memory map, modules, screen */
	frame_init(&boot_info, EARLY_DIRECT_MAP_SIZE); /* free RAM, by frame */
	kernel_space_init(&boot_info);          /* direct map, W^X kernel */
	console_map();                          /* the framebuffer, mapped WC */
	fault_init();                           /* page faults, stack guards */
	frame_stats_print("frame");             /* the counters, once */
	acpi_init(&boot_info);                  /* tables: interrupts, power */
	irq_controller_init(boot_options.noapic); /* APIC or 8259; the tick */
	sched_init(boot_options.sched,          /* kmain becomes the idle task */
		   boot_options.quantum_ms);
	if (boot_options.trace_sched)
		trace_enable();                 /* trace=sched */
	initramfs_unpack();                     /* the file tree */
	tty_init();                             /* /dev/console: keys in */
	memdev_init();                          /* /dev/null, /dev/zero */
	procfs_init();                          /* /proc: processes as files */
	syscall_init();                         /* the syscall instruction */
	fpu_init();                             /* SSE, for user programs */
	process_init();                         /* user faults, signals */
	if (!kthread_create("kinit", kernel_init, NULL))
		panic("cannot create the first kernel thread");
	interrupts_enable();
	/* clang-format on */

	sched_idle_loop(); /* does not return */
}
