/*
 * Power-off and reset: the last things the kernel does.
 *
 * Power-off has one proper way on a PC: ACPI sleep state S5. acpi.c found
 * the PM1 control ports and the S5 sleep-type values; here we write them.
 *
 * Reset has no single way that works everywhere, so we go down a list of
 * them, from the one the firmware recommends to the one that always works:
 *
 *   1. the FADT's RESET_REG      what ACPI says this machine wants
 *   2. port 0xCF9                the chipset's reset control register
 *   3. the 8042 command 0xFE     the keyboard controller's reset line
 *   4. a triple fault            the CPU gives up and the board resets it
 *
 * Both may run from a panic, with no timer and nothing else working, so
 * they disable interrupts, poll, and bound every wait by a loop count.
 */
#include "kernel/dev/power.h"
#include "kernel/cpu/io.h"
#include "kernel/cpu/x86.h"
#include "kernel/dev/acpi.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/printk.h"

/*
 * Delays, counted in port accesses because we may have no timer. On real
 * chipsets one access to these legacy ports takes about a microsecond; in
 * an emulator it is faster, but there whatever we wait for happens at once.
 */
#define POWER_SETTLE_IO_WAITS	1000000 /* ~1 s for the board to act */
#define POWER_ACPI_ENABLE_POLLS 3000000 /* ~3 s, what ACPICA allows SMM */
#define POWER_KBC_POLLS		100000	/* ~0.1 s for the 8042 to listen */

/*
 * The Reset Control Register at port 0xCF9, found on Intel chipsets since
 * the PIIX (QEMU's pc and q35 both have it) and on most AMD ones. Reset
 * starts on a 0 -> 1 edge of RST_CPU; SYS_RST picks a full board reset
 * over a mere CPU INIT. It shares no bytes with the PCI ports 0xCF8/0xCFC.
 */
#define RESET_CONTROL_PORT    0xcf9
#define RESET_CONTROL_SYS_RST (1u << 1)
#define RESET_CONTROL_RST_CPU (1u << 2)

/* The 8042 keyboard controller, wired to the CPU's reset line since 1984. */
#define KBC_STATUS_PORT	      0x64
#define KBC_COMMAND_PORT      0x64
#define KBC_STATUS_INPUT_FULL (1u << 1) /* it has not taken our last byte */
#define KBC_CMD_PULSE_RESET   0xfe	/* pulse output line 0: reset */

/* What lidt loads: a 16-bit limit and a 64-bit base. */
struct power_idt_pointer {
	uint16_t limit;
	uint64_t base;
} __packed;
_Static_assert(sizeof(struct power_idt_pointer) == 10,
	       "lidt reads 10 bytes in long mode");

/* Give the hardware time to act on the write we just made. */
static void
power_settle(void)
{
	for (uint32_t i = 0; i < POWER_SETTLE_IO_WAITS; i++)
		io_wait();
}

/*
 * Make sure the OS, not the firmware's System Management Mode code, owns
 * the ACPI hardware (SCI_EN set), as the spec requires before we write a
 * sleep state. A legacy BIOS such as SeaBIOS leaves it with SMM; UEFI
 * firmware usually hands it over already. Returns 0 or -ETIMEDOUT.
 */
static int
power_acpi_claim(const struct acpi_power_info *acpi)
{
	if (inw(acpi->pm1a_cnt) & ACPI_PM1_CNT_SCI_EN)
		return 0;
	/* No SMI command means the hardware is always in ACPI mode. */
	if (acpi->smi_cmd == 0 || acpi->acpi_enable == 0)
		return 0;

	outb(acpi->smi_cmd, acpi->acpi_enable);
	for (uint32_t i = 0; i < POWER_ACPI_ENABLE_POLLS; i++) {
		if (inw(acpi->pm1a_cnt) & ACPI_PM1_CNT_SCI_EN)
			return 0;
		cpu_relax();
	}
	pr_warn("power: the firmware did not hand over ACPI (SCI_EN stays 0); trying anyway\n");
	return -ETIMEDOUT;
}

/*
 * Put @slp_typ into the SLP_TYP field of the PM1 control register at
 * @port, keeping its other bits, and set SLP_EN if @enable:
 *
 *   15  14  13      12 ... 10   9 ... 1   0
 *   [ rsvd | SLP_EN | SLP_TYP  | others  | SCI_EN ]
 */
static void
power_pm1_write(uint16_t port, uint8_t slp_typ, bool enable)
{
	uint16_t value = inw(port);

	value &= ~(ACPI_PM1_CNT_SLP_TYP_MASK | ACPI_PM1_CNT_SLP_EN);
	value |= (uint16_t)(slp_typ << ACPI_PM1_CNT_SLP_TYP_SHIFT);
	if (enable)
		value |= ACPI_PM1_CNT_SLP_EN;
	outw(port, value);
}

/*
 * Enter S5 through the PM1 control registers. Returns only on failure:
 * -ENODEV when the ACPI tables did not give us what we need, -ETIMEDOUT
 * when we wrote it all and are still running.
 */
static int
power_acpi_off(const struct acpi_power_info *acpi)
{
	if (acpi == NULL) {
		pr_err("power: no ACPI tables (acpi_init failed or never ran)\n");
		return -ENODEV;
	}
	if (acpi->pm1a_cnt == 0) {
		pr_err("power: the FADT gives no PM1a control port\n");
		return -ENODEV;
	}
	if (!acpi->s5_found) {
		pr_err("power: no \\_S5 sleep type in the ACPI tables\n");
		return -ENODEV;
	}

	power_acpi_claim(acpi);

	/*
	 * A machine may split the PM1 register over two chips, PM1a and
	 * PM1b, each with its own SLP_TYP value. Like ACPICA, set the types
	 * first and SLP_EN last, so no chip starts sleeping on a half-made
	 * setting.
	 */
	power_pm1_write(acpi->pm1a_cnt, acpi->slp_typa, false);
	if (acpi->pm1b_cnt != 0)
		power_pm1_write(acpi->pm1b_cnt, acpi->slp_typb, false);
	power_pm1_write(acpi->pm1a_cnt, acpi->slp_typa, true);
	if (acpi->pm1b_cnt != 0)
		power_pm1_write(acpi->pm1b_cnt, acpi->slp_typb, true);

	power_settle();
	return -ETIMEDOUT;
}

static void (*shutdown_hooks[POWER_HOOKS_MAX])(void);

void
power_on_shutdown(void (*fn)(void))
{
	for (int i = 0; i < POWER_HOOKS_MAX; i++)
		if (!shutdown_hooks[i]) {
			shutdown_hooks[i] = fn;
			return;
		}
	pr_err("power: more than %d shutdown hooks\n", POWER_HOOKS_MAX);
}

__noreturn void
power_off(void)
{
	interrupts_disable();
	for (int i = 0; i < POWER_HOOKS_MAX; i++)
		if (shutdown_hooks[i])
			shutdown_hooks[i]();
	pr_info("power: off\n");
	power_acpi_off(acpi_power_info());
	pr_err("power: ACPI power-off did not work; halting\n");
	cpu_halt_forever();
}

/*
 * Step 1: the reset register the FADT names (ACPI 2.0 and later). It is
 * the firmware's own answer, so it comes first, but ACPI 1.0 tables (QEMU
 * pc's, for one) have none. We only drive it in I/O space: a memory-space
 * one would need a mapping, and that is more machinery than a last resort
 * should trust. Returns only if the machine is still running.
 */
static int
power_reset_acpi(const struct acpi_power_info *acpi)
{
	if (acpi == NULL || !acpi->has_reset_reg)
		return -ENODEV;
	if (acpi->reset_space != ACPI_GAS_SPACE_IO) {
		pr_warn("power: the ACPI reset register 0x%lx is in %s, not I/O space; skipping it\n",
			acpi->reset_addr,
			acpi_gas_space_name(acpi->reset_space));
		return -ENODEV;
	}
	if (acpi->reset_addr > UINT16_MAX) {
		pr_warn("power: ACPI reset port 0x%lx does not exist; skipping it\n",
			acpi->reset_addr);
		return -ENODEV;
	}

	outb((uint16_t)acpi->reset_addr, acpi->reset_value);
	power_settle();
	pr_warn("power: ACPI reset register 0x%lx did not reset\n",
		acpi->reset_addr);
	return -ETIMEDOUT;
}

/*
 * Step 2: the chipset's Reset Control Register, for machines whose FADT
 * does not name it (or names it wrongly). Write SYS_RST alone first, so
 * that the second write makes a clean 0 -> 1 edge on RST_CPU.
 */
static int
power_reset_cf9(void)
{
	outb(RESET_CONTROL_PORT, RESET_CONTROL_SYS_RST);
	io_wait();
	outb(RESET_CONTROL_PORT, RESET_CONTROL_SYS_RST | RESET_CONTROL_RST_CPU);
	power_settle();
	pr_warn("power: port 0x%x did not reset\n", RESET_CONTROL_PORT);
	return -ETIMEDOUT;
}

/*
 * Step 3: the 8042 keyboard controller drives the CPU's reset line, a
 * trick from the IBM AT that most chipsets still emulate. Machines without
 * a legacy controller read 0xFF from the status port, so "input buffer
 * full" never clears; the bounded wait gives up on those.
 */
static int
power_reset_kbc(void)
{
	uint32_t i;

	for (i = 0; i < POWER_KBC_POLLS; i++) {
		if (!(inb(KBC_STATUS_PORT) & KBC_STATUS_INPUT_FULL))
			break;
		cpu_relax();
	}
	if (i == POWER_KBC_POLLS) {
		pr_warn("power: no keyboard controller answers; skipping it\n");
		return -ENODEV;
	}

	outb(KBC_COMMAND_PORT, KBC_CMD_PULSE_RESET);
	power_settle();
	pr_warn("power: the keyboard controller did not reset\n");
	return -ETIMEDOUT;
}

/*
 * Step 4: load an IDT with no entries and raise an exception. The CPU
 * cannot deliver int3, nor the #GP that failure raises, nor the double
 * fault after that: a triple fault, which puts the CPU in shutdown, and
 * every PC board answers that by resetting it.
 */
static __noreturn void
power_reset_triple_fault(void)
{
	static const struct power_idt_pointer empty_idt = { 0, 0 };

	pr_warn("power: resetting with a triple fault\n");
	__asm__ volatile("lidt %0\n\tint3" : : "m"(empty_idt) : "memory");
	cpu_halt_forever();
}

__noreturn void
power_reset(void)
{
	pr_info("power: reset\n");
	interrupts_disable();
	power_reset_acpi(acpi_power_info());
	power_reset_cf9();
	power_reset_kbc();
	power_reset_triple_fault();
}
