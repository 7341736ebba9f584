/*
 * The local APIC: enabling it, its vector table, EOI, and its timer.
 *
 * Firmware leaves the local APIC in different states (SeaBIOS: SVR 0x1ff,
 * LINT0 ExtINT; OVMF: spurious vector 0x0f, a masked periodic timer on
 * vector 0x20), so nothing is assumed: the SVR and every LVT entry are
 * written explicitly.
 *
 * The timer counts down from an initial count at the bus clock divided by
 * a power of two. Nobody tells us the bus clock (QEMU's is 1 GHz, so with
 * divide-by-16 the timer counts at 62.5 MHz; real machines differ), so it
 * is measured at boot against a clock whose rate is known: PIT channel 2,
 * left running free, or the ACPI PM timer (3.579545 MHz, named in the
 * FADT) where the chipset gates the PIT off. calibrate_rate() does the
 * measuring, with paired readings that a stalled CPU cannot fool.
 *
 * Why not against the TSC first? Its rate is itself only a measurement
 * against the PIT, so its error would be added to ours; and where there
 * is no PIT it is a guess. It is the third choice, after the PIT and the
 * PM timer; what CPUID says of the clocks is the last (lapic_timer_calibrate).
 *
 * The registers are reached in one of two ways (lapic_mode.h): in memory
 * (xAPIC, the usual case) or as MSRs (x2APIC, only where the firmware has
 * locked that mode on). lapic_read() and lapic_write() hide which.
 */
#include "kernel/dev/lapic.h"
#include "kernel/cpu/io.h"
#include "kernel/cpu/trap.h"
#include "kernel/cpu/tsc.h"
#include "kernel/cpu/x86.h"
#include "kernel/dev/acpi.h"
#include "kernel/dev/calibrate.h"
#include "kernel/dev/lapic_mode.h"
#include "kernel/dev/madt.h"
#include "kernel/dev/pit.h"
#include "kernel/dev/timer.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/format.h"
#include "kernel/lib/printk.h"
#include "mm/kernel_space.h"

#define LAPIC_MMIO_SIZE	      4096
#define LAPIC_ID_SHIFT	      24
#define LAPIC_MAX_LVT_SHIFT   16 /* in LAPIC_VERSION */
#define LAPIC_LVT_HAS_PERF    4	 /* max LVT index with this entry ... */
#define LAPIC_LVT_HAS_THERMAL 5
#define LAPIC_LVT_HAS_CMCI    6
#define LAPIC_TIMER_DIVIDE_16 0x3 /* the divide register's odd encoding */
#define LAPIC_TIMER_DIVISOR   16
#define LAPIC_TIMER_MAX_COUNT 0xffffffffu
#define LAPIC_TPR_ACCEPT_ALL  0
#define LAPIC_ERROR_REPORTS   5 /* say so this many times, then count */

#define REFERENCE_PROBE_READS 1000
#define PM_TIMER_HZ	      3579545
#define PM_TIMER_MASK_24      0xffffffu
#define PM_TIMER_MASK_32      0xffffffffu

static volatile uint32_t *lapic_regs;
static enum lapic_mode lapic_mode = LAPIC_MODE_NONE;
static uint64_t timer_rate;   /* counts per second, after the divider */
static const char *timer_how; /* "calibrated against the PIT", ... */
static char timer_how_buf[80];
static uint64_t lapic_errors;
static unsigned timer_hz_started;

bool
lapic_cpu_has(void)
{
	return cpuid(1, 0).edx & CPUID_1_EDX_APIC;
}

uint32_t
lapic_cpuid_apic_id(void)
{
	/* Leaf 0xb gives all 32 bits where it exists (x2APIC-capable
	 * CPUs); leaf 1 the 8-bit initial ID everywhere. */
	if (cpuid(0, 0).eax >= CPUID_LEAF_TOPOLOGY &&
	    cpuid(CPUID_LEAF_TOPOLOGY, 0).ebx != 0)
		return cpuid(CPUID_LEAF_TOPOLOGY, 0).edx;
	return cpuid(1, 0).ebx >> CPUID_1_EBX_APIC_ID_SHIFT;
}

/* x2APIC: register offset 0xXY0 is MSR 0x80XY. */
static uint32_t
x2apic_msr(unsigned reg)
{
	return MSR_X2APIC_BASE + (reg >> 4);
}

uint32_t
lapic_read(unsigned reg)
{
	if (lapic_mode == LAPIC_MODE_X2APIC)
		return (uint32_t)rdmsr(x2apic_msr(reg));
	return lapic_regs[reg / sizeof(uint32_t)];
}

static void
lapic_write(unsigned reg, uint32_t value)
{
	if (lapic_mode == LAPIC_MODE_X2APIC) {
		wrmsr(x2apic_msr(reg), value);
		return;
	}
	/* Uncached memory: the store reaches the APIC in program order. */
	lapic_regs[reg / sizeof(uint32_t)] = value;
}

void
lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

uint32_t
lapic_id(void)
{
	/* x2APIC: all 32 bits are the ID; xAPIC: the top 8. */
	if (lapic_mode == LAPIC_MODE_X2APIC)
		return lapic_read(LAPIC_ID);
	return lapic_read(LAPIC_ID) >> LAPIC_ID_SHIFT;
}

bool
lapic_in_service(unsigned vector)
{
	if (lapic_mode == LAPIC_MODE_NONE)
		return false;
	uint32_t isr = lapic_read(LAPIC_ISR + LAPIC_ISR_STRIDE * (vector / 32));
	return isr & (1u << (vector % 32));
}

void
lapic_send_self_ipi(uint8_t vector)
{
	if (lapic_mode == LAPIC_MODE_X2APIC) {
		wrmsr(x2apic_msr(LAPIC_SELF_IPI), vector);
		return;
	}
	/* Fixed delivery, edge, to "self": writing the low half sends. */
	lapic_write(LAPIC_ICR_LOW,
		    vector | LAPIC_ICR_ASSERT | LAPIC_ICR_TO_SELF);
}

/* The local APIC signals an interrupt it then could not deliver (the
 * source went away): no EOI, as the SDM says for this vector. */
static void
lapic_spurious_interrupt(struct trap_frame *tf)
{
	(void)tf;
	irq_count_spurious();
}

/* Something went wrong inside the APIC: an illegal vector, a message
 * that was not accepted. The ESR latches it on a write. */
static void
lapic_error_interrupt(struct trap_frame *tf)
{
	(void)tf;
	lapic_write(LAPIC_ESR, 0);
	uint32_t esr = lapic_read(LAPIC_ESR);
	if (lapic_errors++ < LAPIC_ERROR_REPORTS)
		pr_warn("apic: local APIC error, ESR 0x%x\n", esr);
	lapic_eoi();
}

/* The tick. EOI first: the tick may lead to a task switch on the way
 * out, and the next tick must not wait for that task. */
static void
lapic_timer_interrupt(struct trap_frame *tf)
{
	(void)tf;
	lapic_eoi();
	timer_tick();
}

/*
 * Has the firmware locked the APIC in x2APIC mode? Only a CPU with
 * IA32_ARCH_CAPABILITIES (CPUID.7.0:EDX bit 29) whose bit 21 says so has
 * IA32_XAPIC_DISABLE_STATUS to ask; on any other, reading it would #GP.
 */
static bool
lapic_x2apic_locked(void)
{
	if (cpuid(0, 0).eax < 7 ||
	    !(cpuid(7, 0).edx & CPUID_7_EDX_ARCH_CAPABILITIES))
		return false;
	if (!(rdmsr(MSR_ARCH_CAPABILITIES) & ARCH_CAP_XAPIC_DISABLE_STATUS))
		return false;
	return rdmsr(MSR_XAPIC_DISABLE_STATUS) & XAPIC_LEGACY_DISABLED;
}

/*
 * Switch the APIC on in IA32_APIC_BASE: xAPIC mode, or x2APIC where the
 * firmware locked it (lapic_mode_plan() decides). Returns the mode, or
 * LAPIC_MODE_NONE when the APIC cannot be used; sets *pa to the xAPIC
 * registers' physical address.
 */
static enum lapic_mode
lapic_enable_msr(paddr_t *pa)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);
	struct lapic_mode_plan plan;

	lapic_mode_plan(base, lapic_x2apic_locked(), &plan);
	if (plan.mode == LAPIC_MODE_NONE) {
		pr_warn("apic: %s\n", plan.why);
		return LAPIC_MODE_NONE;
	}
	for (unsigned i = 0; i < plan.write_count; i++)
		wrmsr(MSR_APIC_BASE, plan.writes[i]);
	base = rdmsr(MSR_APIC_BASE);
	bool x2apic = base & APIC_BASE_X2APIC;
	if (!(base & APIC_BASE_ENABLE) ||
	    x2apic != (plan.mode == LAPIC_MODE_X2APIC)) {
		pr_warn("apic: IA32_APIC_BASE will not enable the local APIC (reads 0x%lx)\n",
			base);
		return LAPIC_MODE_NONE;
	}
	*pa = (paddr_t)(base & APIC_BASE_ADDR_MASK);
	return plan.mode;
}

/* The number of the last LVT entry this APIC has (3 on the oldest). */
static unsigned
lapic_max_lvt(void)
{
	return (lapic_read(LAPIC_VERSION) >> LAPIC_MAX_LVT_SHIFT) & 0xff;
}

/* Mask the entries this kernel never uses, as far as this APIC has them. */
static void
lapic_mask_unused_lvts(void)
{
	unsigned max_lvt = lapic_max_lvt();

	if (max_lvt >= LAPIC_LVT_HAS_PERF)
		lapic_write(LAPIC_LVT_PERF, LAPIC_LVT_MASKED);
	if (max_lvt >= LAPIC_LVT_HAS_THERMAL)
		lapic_write(LAPIC_LVT_THERMAL, LAPIC_LVT_MASKED);
	if (max_lvt >= LAPIC_LVT_HAS_CMCI)
		lapic_write(LAPIC_LVT_CMCI, LAPIC_LVT_MASKED);
}

/* Map, enable, and start from a quiet APIC: everything masked. */
static int
lapic_take_over(const char *why)
{
	paddr_t pa = 0;
	enum lapic_mode mode = lapic_enable_msr(&pa);

	if (mode == LAPIC_MODE_NONE)
		return -ENODEV;
	if (mode == LAPIC_MODE_XAPIC && !lapic_regs) {
		lapic_regs =
			kernel_map_device(pa, LAPIC_MMIO_SIZE, DEVICE_UNCACHED);
		if (!lapic_regs) {
			pr_warn("apic: cannot map the local APIC at 0x%lx (%s)\n",
				pa, why);
			return -ENOMEM;
		}
	}
	lapic_mode = mode;
	trap_set_handler(VECTOR_LAPIC_SPURIOUS, lapic_spurious_interrupt);
	trap_set_handler(VECTOR_LAPIC_ERROR, lapic_error_interrupt);

	/* The spurious vector first, with the APIC enabled, so that even a
	 * spurious interrupt during the rest lands on a vector we handle. */
	lapic_write(LAPIC_SVR, VECTOR_LAPIC_SPURIOUS | LAPIC_SVR_ENABLE);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | VECTOR_LAPIC_TIMER);
	lapic_write(LAPIC_TIMER_INITIAL, 0); /* stopped */
	lapic_write(LAPIC_LVT_LINT0, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LAPIC_LVT_MASKED);
	lapic_mask_unused_lvts();
	/* The ESR latches on a write; two clear what the firmware left. */
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_LVT_ERROR, VECTOR_LAPIC_ERROR);
	lapic_write(LAPIC_TPR, LAPIC_TPR_ACCEPT_ALL);
	/* Whatever the firmware left in service is not ours to finish. */
	lapic_eoi();
	return 0;
}

/* Is MADT NMI entry @nmi meant for this CPU? */
static bool
lapic_nmi_is_ours(const struct madt_info *madt, const struct madt_nmi *nmi)
{
	if (nmi->all_cpus)
		return true;
	/* The boot CPU's UID was noted while parsing, by the APIC ID that
	 * CPUID gives, wherever its entry was. */
	if (madt->boot_cpu_listed)
		return nmi->uid == madt->boot_uid;
	/* Not found so: firmware may have changed the APIC's ID register. */
	for (size_t i = 0; i < MIN(madt->cpu_count, (size_t)MADT_MAX_CPUS); i++)
		if (madt->cpus[i].apic_id == lapic_id())
			return nmi->uid == madt->cpus[i].uid;
	return false;
}

/* Program LINT0 and LINT1 as NMI pins where the MADT says so. */
static void
lapic_program_nmis(const struct madt_info *madt, const char *lint_state[2])
{
	size_t n = MIN(madt->nmi_count, (size_t)MADT_MAX_NMIS);

	for (size_t i = 0; i < n; i++) {
		const struct madt_nmi *nmi = &madt->nmis[i];
		struct madt_route how;

		if (!lapic_nmi_is_ours(madt, nmi))
			continue;
		/* NMI delivery is always edge triggered; only the pin's
		 * polarity matters. */
		madt_inti_decode(nmi->flags, &how);
		lapic_write(
			nmi->lint ? LAPIC_LVT_LINT1 : LAPIC_LVT_LINT0,
			LAPIC_LVT_NMI |
				(how.active_low ? LAPIC_LVT_ACTIVE_LOW : 0));
		lint_state[nmi->lint] = "NMI";
	}
}

int
lapic_init(const struct madt_info *madt)
{
	const char *lint_state[2] = { "masked", "masked" };
	paddr_t base;
	int err;

	if (!lapic_cpu_has())
		return -ENODEV;
	base = (paddr_t)(rdmsr(MSR_APIC_BASE) & APIC_BASE_ADDR_MASK);
	if (madt->lapic_address != base)
		pr_warn("apic: the MADT says the local APIC is at 0x%lx, the CPU says 0x%lx; using the CPU's\n",
			madt->lapic_address, base);
	err = lapic_take_over("APIC path");
	if (err)
		return err;
	lapic_program_nmis(madt, lint_state);
	pr_info("apic: local APIC ID %u at 0x%lx (%s), version 0x%x, %u LVT entries; LINT0 %s, LINT1 %s\n",
		lapic_id(),
		(paddr_t)(rdmsr(MSR_APIC_BASE) & APIC_BASE_ADDR_MASK),
		lapic_mode == LAPIC_MODE_X2APIC
			? "x2APIC, locked on by the firmware"
			: "xAPIC",
		lapic_read(LAPIC_VERSION) & 0xff, lapic_max_lvt() + 1,
		lint_state[0], lint_state[1]);
	return 0;
}

bool
lapic_init_virtual_wire(void)
{
	/* Globally disabled: then the pins reach the CPU as in a PC
	 * without an APIC. */
	if (!lapic_cpu_has())
		return false;
	if (!(rdmsr(MSR_APIC_BASE) & APIC_BASE_ENABLE))
		return false;
	if (lapic_take_over("virtual wire"))
		return false;
	lapic_write(LAPIC_LVT_LINT0, LAPIC_LVT_EXTINT);
	lapic_write(LAPIC_LVT_LINT1, LAPIC_LVT_NMI);
	pr_info("apic: local APIC in virtual-wire mode: LINT0 passes the 8259 through\n");
	return true;
}

static uint16_t pm_timer_port;

static uint64_t
pm_timer_read(void)
{
	return inl(pm_timer_port);
}

/* Does the counter read by @read move at all? A missing device reads
 * the same all-ones forever. */
static bool
reference_moves(uint64_t (*read)(void))
{
	uint64_t first = read();

	for (int i = 0; i < REFERENCE_PROBE_READS; i++)
		if (read() != first)
			return true;
	return false;
}

/* Start @ref counting, or say it cannot: false if it does not exist. */
static bool
reference_open(enum lapic_reference ref, struct calibrate_clock *clock)
{
	const struct acpi_power_info *acpi = acpi_power_info();

	switch (ref) {
	case LAPIC_REF_PIT:
		*clock = pit_reference;
		return pit_counter_start();
	case LAPIC_REF_PM_TIMER:
		if (!acpi || !acpi->pm_timer)
			return false;
		pm_timer_port = acpi->pm_timer;
		*clock = (struct calibrate_clock){
			.name = "the ACPI PM timer",
			.read = pm_timer_read,
			.mask = acpi->pm_timer_32bit ? PM_TIMER_MASK_32
						     : PM_TIMER_MASK_24,
			.hz = PM_TIMER_HZ,
		};
		return reference_moves(pm_timer_read);
	case LAPIC_REF_TSC:
		*clock = (struct calibrate_clock){ .name = "the TSC",
						   .read = rdtsc,
						   .mask = ~0ull,
						   .hz = tsc_hz() };
		return tsc_measured(); /* a guessed rate would mislead */
	}
	return false;
}

/* The APIC timer as a rising count (it counts down from the top). */
static uint64_t
apic_counted(void)
{
	return LAPIC_TIMER_MAX_COUNT - lapic_read(LAPIC_TIMER_CURRENT);
}

uint64_t
lapic_timer_measure(enum lapic_reference ref)
{
	static const struct calibrate_clock apic_timer = {
		.name = "the APIC timer",
		.read = apic_counted,
		.mask = LAPIC_TIMER_MAX_COUNT,
	};
	struct calibrate_clock clock;
	uint64_t rate;

	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | VECTOR_LAPIC_TIMER);
	lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_TIMER_DIVIDE_16);
	if (!reference_open(ref, &clock))
		return 0;
	/* One-shot from the top, for all the rounds: at QEMU's 62.5 MHz it
	 * runs out after 68 s, and the rounds take tens of milliseconds. */
	lapic_write(LAPIC_TIMER_INITIAL, LAPIC_TIMER_MAX_COUNT);
	rate = calibrate_rate(&apic_timer, &clock);
	lapic_write(LAPIC_TIMER_INITIAL, 0);
	return rate;
}

/*
 * The timer's rate from what CPUID says rather than from a measurement:
 * leaf 0x15's core crystal clock (ECX, in Hz), which drives the APIC
 * timer on Intel parts since Skylake, else leaf 0x16's bus clock (ECX,
 * in MHz), which drove it before. 0 if the CPU says neither. Divided
 * like the timer.
 */
static uint64_t
lapic_timer_rate_from_cpuid(const char **leaf)
{
	uint32_t max_leaf = cpuid(0, 0).eax;
	uint64_t hz;

	if (max_leaf >= CPUID_LEAF_CRYSTAL &&
	    (hz = cpuid(CPUID_LEAF_CRYSTAL, 0).ecx) != 0) {
		*leaf = "0x15, the core crystal clock";
		return hz / LAPIC_TIMER_DIVISOR;
	}
	if (max_leaf >= CPUID_LEAF_FREQUENCY &&
	    (hz = (cpuid(CPUID_LEAF_FREQUENCY, 0).ecx & 0xffff) * 1000000ull)) {
		*leaf = "0x16, the bus clock";
		return hz / LAPIC_TIMER_DIVISOR;
	}
	return 0;
}

/*
 * The order: measurements first, against the clock whose rate is most
 * certain (the PIT, then the ACPI PM timer); then against the TSC, if
 * that was itself measured (only the rounds against the PIT failed);
 * and last what CPUID says, which is a nominal figure, and one that a
 * hypervisor may pass through from the host though its virtual APIC
 * timer counts at another rate.
 */
int
lapic_timer_calibrate(void)
{
	static const struct {
		enum lapic_reference ref;
		const char *how;
	} refs[] = {
		{ LAPIC_REF_PIT, "calibrated against the PIT" },
		{ LAPIC_REF_PM_TIMER, "calibrated against the ACPI PM timer" },
		{ LAPIC_REF_TSC, "calibrated against the TSC" },
	};
	const char *leaf;

	for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
		timer_rate = lapic_timer_measure(refs[i].ref);
		if (timer_rate) {
			timer_how = refs[i].how;
			return 0;
		}
		pr_warn("apic: the APIC timer cannot be %s\n", refs[i].how);
	}
	timer_rate = lapic_timer_rate_from_cpuid(&leaf);
	if (timer_rate) {
		ksnprintf(timer_how_buf, sizeof(timer_how_buf),
			  "not measured: CPUID leaf %s", leaf);
		timer_how = timer_how_buf;
		return 0;
	}
	timer_how = NULL;
	return -ENODEV;
}

uint64_t
lapic_timer_hz(void)
{
	return timer_rate;
}

const char *
lapic_timer_how(void)
{
	return timer_how;
}

const char *
lapic_timer_keeps_running(void)
{
	if (cpuid(0, 0).eax >= CPUID_LEAF_THERMAL &&
	    (cpuid(CPUID_LEAF_THERMAL, 0).eax & CPUID_6_EAX_ARAT))
		return "ARAT, CPUID.6:EAX bit 2";
	/* A virtual APIC timer is a timer of the host's: a guest's hlt
	 * never stops it (KVM sets ARAT for its guests for that reason;
	 * QEMU's qemu64 model just does not say so). */
	if (cpuid(1, 0).ecx & CPUID_1_ECX_HYPERVISOR)
		return "a hypervisor's virtual timer, which idling does not stop";
	return NULL;
}

/* Periodic at @hz on VECTOR_LAPIC_TIMER; returns the initial count. */
static uint64_t
lapic_timer_program(unsigned hz)
{
	uint64_t count = timer_rate / hz;

	if (count > LAPIC_TIMER_MAX_COUNT)
		count = LAPIC_TIMER_MAX_COUNT;
	/* Mode and vector first: writing the initial count starts it. */
	lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_TIMER_DIVIDE_16);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_PERIODIC | VECTOR_LAPIC_TIMER);
	lapic_write(LAPIC_TIMER_INITIAL, (uint32_t)count);
	timer_hz_started = hz;
	return count;
}

void
lapic_timer_restart(void)
{
	if (timer_hz_started)
		lapic_timer_program(timer_hz_started);
}

bool
lapic_timer_ticking(void)
{
	return timer_hz_started != 0;
}

void
lapic_timer_start(unsigned hz)
{
	trap_set_handler(VECTOR_LAPIC_TIMER, lapic_timer_interrupt);
	uint64_t count = lapic_timer_program(hz);
	timer_set_source(LAPIC_TIMER_SOURCE);
	pr_info("apic: timer %lu.%03lu MHz (bus clock / %d, %s), tick %u Hz (count %lu)\n",
		timer_rate / 1000000, timer_rate / 1000 % 1000,
		LAPIC_TIMER_DIVISOR, timer_how, hz, count);
}
