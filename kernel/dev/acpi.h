/*
 * ACPI table discovery, just enough to switch the machine off and reset it.
 *
 * Sprout has no AML interpreter. It follows the table chain the firmware
 * left in memory (see docs/power.md),
 *
 *   RSDP -> RSDT or XSDT -> FADT ("FACP") -> DSDT -> the \_S5 package,
 *                        -> MADT ("APIC"): the interrupt controllers
 *
 * and keeps the handful of numbers that power.c needs: the PM1 control
 * ports, the sleep-type values for the soft-off state S5, the SMI command
 * that hands the chipset from the firmware to us, and the reset register.
 * The MADT goes to madt_parse() (madt.h) and on to the interrupt code.
 *
 * acpi_checksum_ok() and acpi_aml_find_s5() live in acpi_aml.c and touch
 * nothing but the bytes they are given, so the host unit tests can build
 * them on their own; that is why this header includes only types.h.
 */
#ifndef KERNEL_DEV_ACPI_H
#define KERNEL_DEV_ACPI_H

#include "kernel/lib/types.h"

struct boot_info;
struct madt_info;

/* Address-space IDs of a Generic Address Structure (GAS). */
enum acpi_gas_space {
	ACPI_GAS_SPACE_MEMORY = 0, /* memory-mapped register */
	ACPI_GAS_SPACE_IO = 1,	   /* x86 I/O port */
	ACPI_GAS_SPACE_PCI = 2,	   /* PCI configuration space */
};

/* PM1 control register bits (ACPI spec, "PM1 Control Registers"). */
#define ACPI_PM1_CNT_SCI_EN	   (1u << 0) /* set: the OS, not SMM, owns ACPI */
#define ACPI_PM1_CNT_SLP_TYP_SHIFT 10	     /* 3-bit sleep type, from \_Sx */
#define ACPI_PM1_CNT_SLP_TYP_MASK  (7u << ACPI_PM1_CNT_SLP_TYP_SHIFT)
#define ACPI_PM1_CNT_SLP_EN	   (1u << 13) /* write 1: enter that sleep state */

/* The largest value the 3-bit SLP_TYP field can hold. */
#define ACPI_SLP_TYP_MAX 7

/* What acpi_init() learned; power.c reads it. */
struct acpi_power_info {
	bool found;	       /* the FADT was read: every field is valid */
	uint8_t rsdp_revision; /* 0 for ACPI 1.0, 2 and up for 2.0+ */
	bool used_xsdt;	       /* the table list came from the XSDT */
	uint8_t fadt_revision; /* 1 on ACPI 1.0 firmware, 3+ later */
	bool hw_reduced;       /* HW_REDUCED_ACPI: no PM1 blocks at all */

	uint16_t pm1a_cnt;   /* PM1a control I/O port; 0 if none */
	uint16_t pm1b_cnt;   /* PM1b control I/O port; 0 if none */
	uint16_t smi_cmd;    /* SMI command port; 0: no hand-over needed */
	uint8_t acpi_enable; /* byte to write there to enter ACPI mode */

	bool s5_found;	  /* \_S5 was decoded: slp_typ[ab] are valid */
	uint8_t slp_typa; /* SLP_TYP for PM1a_CNT in state S5 */
	uint8_t slp_typb; /* SLP_TYP for PM1b_CNT in state S5 */

	bool has_reset_reg;  /* the FADT names a reset register */
	uint8_t reset_space; /* enum acpi_gas_space of that register */
	uint64_t reset_addr; /* its port, address or PCI location */
	uint8_t reset_value; /* the byte to write there */

	paddr_t dsdt; /* physical address of the DSDT, 0 if none */

	/* Not power, but the FADT is where it lives: the ACPI PM timer. */
	uint16_t pm_timer;   /* its I/O port; 0 if none */
	bool pm_timer_32bit; /* counts 32 bits, else 24 */
};

/*
 * Find the ACPI tables, fill in the power information and parse the MADT
 * (acpi_madt()). Call it once, after printk works; it only reads memory
 * (it writes no register). Returns
 * 0 when the FADT was found (even if \_S5 was not: check s5_found),
 * -ENODEV without an RSDP, -ENOENT without a usable root table or FADT.
 */
int acpi_init(const struct boot_info *bi);

/* What acpi_init() found, or NULL if it failed or has not run. */
const struct acpi_power_info *acpi_power_info(void);

/* The parsed MADT (kernel/dev/madt.h), or NULL if there was none. */
const struct madt_info *acpi_madt(void);

/* "memory space", "I/O space", ...: for messages about registers. */
const char *acpi_gas_space_name(uint8_t space_id);

/* Do the @len bytes at @table add up to 0 modulo 256, as every ACPI
 * structure's checksum field arranges? */
bool acpi_checksum_ok(const void *table, size_t len);

/*
 * Find "Name(_S5, Package() { SLP_TYPa, SLP_TYPb, ... })" in the AML byte
 * stream @aml of @len bytes (a DSDT or SSDT without its 36-byte header) and
 * store its first two elements. Returns 0, -ENOENT when there is no _S5
 * definition, or -EINVAL when there is one but it cannot be decoded. Never
 * reads outside aml[0 .. len-1].
 */
int acpi_aml_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa,
		     uint8_t *slp_typb);

#endif /* KERNEL_DEV_ACPI_H */
