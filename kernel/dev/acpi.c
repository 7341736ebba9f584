/*
 * ACPI table discovery: follow RSDP -> RSDT/XSDT -> FADT -> DSDT and keep
 * what power-off and reset need (struct acpi_power_info, in acpi.h).
 *
 * Firmware tables are often wrong in small ways, so nothing here panics:
 * a table with a bad checksum, an odd length or an address we cannot reach
 * is reported by name and skipped, and we carry on with what is left.
 * Everything is read through the direct map, which during boot covers only
 * the first 4 GiB of physical memory; tables above that are refused.
 */
#include "kernel/dev/acpi.h"
#include "boot/bootinfo.h"
#include "kernel/dev/lapic.h"
#include "kernel/dev/madt.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/format.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "mm/memlayout.h"

/*
 * The Root System Description Pointer: the one structure we must find by
 * searching, since it says where everything else is. ACPI 1.0 defined the
 * first 20 bytes; ACPI 2.0 added the rest, with a second checksum.
 */
struct acpi_rsdp {
	char signature[8]; /* "RSD PTR " */
	uint8_t checksum;  /* makes the first 20 bytes sum to 0 */
	char oem_id[6];
	uint8_t revision;   /* 0: ACPI 1.0; 2: ACPI 2.0 and later */
	uint32_t rsdt_addr; /* physical address of the RSDT */
	/* ACPI 2.0 and later only: */
	uint32_t length;      /* of the whole RSDP */
	uint64_t xsdt_addr;   /* physical address of the XSDT */
	uint8_t ext_checksum; /* makes all @length bytes sum to 0 */
	uint8_t reserved[3];
} __packed;
_Static_assert(sizeof(struct acpi_rsdp) == 36, "ACPI 2.0 RSDP is 36 bytes");

#define ACPI_RSDP_SIGNATURE	"RSD PTR "
#define ACPI_RSDP_V1_LEN	20 /* the ACPI 1.0 part, covered by .checksum */
#define ACPI_RSDP_XSDT_REVISION 2  /* first revision with an XSDT */
#define ACPI_RSDP_ALIGN		16 /* the BIOS puts it on a paragraph boundary */
#define ACPI_RSDP_MAX_LEN	1024 /* room for growth past today's 36 bytes */
_Static_assert(offsetof(struct acpi_rsdp, length) == ACPI_RSDP_V1_LEN,
	       "ACPI 1.0 RSDP is 20 bytes");

/* Every table after the RSDP starts with this header. */
struct acpi_sdt_header {
	char signature[4]; /* "FACP", "DSDT", "APIC", ... */
	uint32_t length;   /* of the whole table, header included */
	uint8_t revision;
	uint8_t checksum; /* makes all @length bytes sum to 0 */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __packed;
_Static_assert(sizeof(struct acpi_sdt_header) == 36, "SDT header is 36 bytes");

#define ACPI_SIG_LEN	     4
#define ACPI_SIG_RSDT	     "RSDT" /* root table, 32-bit entries */
#define ACPI_SIG_XSDT	     "XSDT" /* root table, 64-bit entries */
#define ACPI_SIG_FADT	     "FACP" /* the FADT's signature is not "FADT" */
#define ACPI_SIG_DSDT	     "DSDT"
#define ACPI_SIG_SSDT	     "SSDT"
#define ACPI_SIG_MADT	     "APIC" /* the MADT's signature is not "MADT" */
#define ACPI_RSDT_ENTRY_SIZE 4
#define ACPI_XSDT_ENTRY_SIZE 8

/*
 * Far beyond any real table, yet small enough that a corrupt length cannot
 * send the checksum loop sweeping through gigabytes of device memory.
 */
#define ACPI_TABLE_MAX_LEN (16u << 20)

/* Generic Address Structure: a register in memory, I/O or PCI space. */
struct acpi_gas {
	uint8_t space_id; /* enum acpi_gas_space */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
} __packed;
_Static_assert(sizeof(struct acpi_gas) == 12, "GAS is 12 bytes");

/*
 * The Fixed ACPI Description Table, in its ACPI 6 layout. Older revisions
 * are prefixes of it: revision 1 (ACPI 1.0) stops after .flags at 116
 * bytes, revision 3 (ACPI 2.0/3.0) after .x_gpe1_blk at 244. We copy the
 * table into a zeroed struct, so absent fields read as 0, "not present".
 */
struct acpi_fadt {
	struct acpi_sdt_header header;
	uint32_t firmware_ctrl;
	uint32_t dsdt; /* 32-bit physical address of the DSDT */
	uint8_t reserved0;
	uint8_t preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;    /* I/O port for SMI commands, 0 if none */
	uint8_t acpi_enable; /* write to smi_cmd: firmware -> OS */
	uint8_t acpi_disable;
	uint8_t s4bios_req;
	uint8_t pstate_cnt;
	uint32_t pm1a_evt_blk;
	uint32_t pm1b_evt_blk;
	uint32_t pm1a_cnt_blk; /* I/O port of PM1a_CNT */
	uint32_t pm1b_cnt_blk; /* I/O port of PM1b_CNT, 0 if none */
	uint32_t pm2_cnt_blk;
	uint32_t pm_tmr_blk;
	uint32_t gpe0_blk;
	uint32_t gpe1_blk;
	uint8_t pm1_evt_len;
	uint8_t pm1_cnt_len;
	uint8_t pm2_cnt_len;
	uint8_t pm_tmr_len;
	uint8_t gpe0_blk_len;
	uint8_t gpe1_blk_len;
	uint8_t gpe1_base;
	uint8_t cst_cnt;
	uint16_t p_lvl2_lat;
	uint16_t p_lvl3_lat;
	uint16_t flush_size;
	uint16_t flush_stride;
	uint8_t duty_offset;
	uint8_t duty_width;
	uint8_t day_alrm;
	uint8_t mon_alrm;
	uint8_t century;
	uint16_t iapc_boot_arch;
	uint8_t reserved1;
	uint32_t flags; /* ACPI_FADT_* below */
	/* ACPI 1.0 ends here. */
	struct acpi_gas reset_reg; /* write reset_value here to reset */
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t minor_version;
	uint64_t x_firmware_ctrl;
	uint64_t x_dsdt; /* 64-bit DSDT address; wins if non-zero */
	struct acpi_gas x_pm1a_evt_blk;
	struct acpi_gas x_pm1b_evt_blk;
	struct acpi_gas x_pm1a_cnt_blk; /* wins over pm1a_cnt_blk if set */
	struct acpi_gas x_pm1b_cnt_blk;
	struct acpi_gas x_pm2_cnt_blk;
	struct acpi_gas x_pm_tmr_blk;
	struct acpi_gas x_gpe0_blk;
	struct acpi_gas x_gpe1_blk;
	/* ACPI 2.0 and 3.0 end here. */
	struct acpi_gas sleep_control_reg;
	struct acpi_gas sleep_status_reg;
	uint64_t hypervisor_vendor_id;
} __packed;
_Static_assert(sizeof(struct acpi_fadt) == 276, "ACPI 6 FADT is 276 bytes");

/* Spot checks against the offsets the spec's FADT table gives. */
_Static_assert(offsetof(struct acpi_fadt, pm1a_cnt_blk) == 64, "FADT layout");
_Static_assert(offsetof(struct acpi_fadt, flags) == 112, "FADT layout");
_Static_assert(offsetof(struct acpi_fadt, x_dsdt) == 140, "FADT layout");
_Static_assert(offsetof(struct acpi_fadt, x_pm1a_cnt_blk) == 172,
	       "FADT layout");

#define ACPI_FADT_V1_LEN 116 /* the shortest FADT: ACPI 1.0's */
_Static_assert(offsetof(struct acpi_fadt, reset_reg) == ACPI_FADT_V1_LEN,
	       "ACPI 1.0 FADT is 116 bytes");
#define ACPI_FADT_RESET_REVISION 2	    /* RESET_REG appeared here */
#define ACPI_FADT_RESET_REG_SUP	 (1u << 10) /* .flags: reset_reg is valid */
#define ACPI_FADT_HW_REDUCED	 (1u << 20) /* .flags: no fixed hardware */
#define ACPI_FADT_TMR_VAL_EXT	 (1u << 8)  /* .flags: 32-bit PM timer */
#define ACPI_PM_TIMER_LEN	 4	    /* .pm_tmr_len of a PM timer */

#define IO_PORT_MAX 0xffff /* x86 I/O space is 64 KiB */

/*
 * Where a legacy BIOS leaves the RSDP: in the first KiB of the Extended
 * BIOS Data Area, whose real-mode segment the BIOS Data Area keeps at
 * 0x40E, or in the BIOS read-only area 0xE0000-0xFFFFF.
 */
#define BDA_EBDA_SEGMENT	0x40e
#define EBDA_SCAN_LEN		1024
#define EBDA_LIMIT		0xa0000 /* the EBDA sits just below the VGA hole */
#define REAL_MODE_SEGMENT_SHIFT 4
#define BIOS_AREA_START		0xe0000
#define BIOS_AREA_END		0x100000

/* The root table: the RSDT or XSDT, whichever we trust. */
struct acpi_root {
	const struct acpi_sdt_header *table;
	size_t entry_size; /* ACPI_RSDT_ENTRY_SIZE or ACPI_XSDT_ENTRY_SIZE */
	size_t count;
};

/* An RSDP we found and checked. */
struct acpi_rsdp_found {
	struct acpi_rsdp rsdp; /* a copy, zero-padded past what was there */
	bool xsdt_ok;	       /* revision >= 2 and the 2.0 part checks out */
};

static struct acpi_power_info acpi_info;
static bool acpi_info_valid;
static struct madt_info madt_info;
static bool madt_info_valid;

/* Does the 4-character signature at @sig equal @want? */
static bool
acpi_sig_eq(const char *sig, const char *want)
{
	return memcmp(sig, want, ACPI_SIG_LEN) == 0;
}

/* A signature as printable characters, for messages about bad tables. */
static void
acpi_sig_printable(const char *sig, char out[ACPI_SIG_LEN + 1])
{
	for (size_t i = 0; i < ACPI_SIG_LEN; i++)
		out[i] = (sig[i] >= ' ' && sig[i] <= '~') ? sig[i] : '?';
	out[ACPI_SIG_LEN] = '\0';
}

/* Can we read [@pa, @pa + @len) through the boot-time direct map? */
static bool
acpi_phys_range_mapped(paddr_t pa, uint64_t len)
{
	return pa < EARLY_DIRECT_MAP_SIZE && len <= EARLY_DIRECT_MAP_SIZE - pa;
}

const char *
acpi_gas_space_name(uint8_t space_id)
{
	switch (space_id) {
	case ACPI_GAS_SPACE_MEMORY:
		return "memory space";
	case ACPI_GAS_SPACE_IO:
		return "I/O space";
	case ACPI_GAS_SPACE_PCI:
		return "PCI configuration space";
	default:
		return "an unusual address space";
	}
}

/*
 * Check an RSDP candidate at @p, of which @avail bytes may be read, and
 * copy it into @found. Returns 0 when the ACPI 1.0 part is sound; then
 * found->xsdt_ok says whether the 2.0 part (and so the XSDT) can be used.
 */
static int
acpi_rsdp_check(const uint8_t *p, size_t avail, const char *where,
		struct acpi_rsdp_found *found)
{
	struct acpi_rsdp *r = &found->rsdp;
	uint32_t length;

	memset(found, 0, sizeof(*found));
	if (avail < ACPI_RSDP_V1_LEN ||
	    memcmp(p, ACPI_RSDP_SIGNATURE, sizeof(r->signature)) != 0)
		return -ENOENT;
	if (!acpi_checksum_ok(p, ACPI_RSDP_V1_LEN)) {
		pr_warn("acpi: RSDP %s has a bad checksum; ignored\n", where);
		return -EINVAL;
	}
	memcpy(r, p, MIN(avail, sizeof(*r)));
	if (r->revision < ACPI_RSDP_XSDT_REVISION)
		return 0;

	/* ACPI 2.0: the extended checksum covers r->length bytes. */
	length = avail >= sizeof(*r) ? r->length : 0;
	if (length < sizeof(*r) || length > avail) {
		pr_warn("acpi: RSDP %s: rev %u but its 2.0 part is not all there; using the RSDT\n",
			where, r->revision);
		return 0;
	}
	if (!acpi_checksum_ok(p, length)) {
		pr_warn("acpi: RSDP %s has a bad extended checksum; using the RSDT\n",
			where);
		return 0;
	}
	found->xsdt_ok = true;
	return 0;
}

/* Look for the RSDP on the 16-byte boundaries of [@start, @start + @len). */
static int
acpi_rsdp_scan_range(paddr_t start, size_t len, struct acpi_rsdp_found *found)
{
	char where[32];

	for (paddr_t pa = start; pa + ACPI_RSDP_V1_LEN <= start + len;
	     pa += ACPI_RSDP_ALIGN) {
		const uint8_t *p = phys_to_virt(pa);

		if (memcmp(p, ACPI_RSDP_SIGNATURE,
			   sizeof(found->rsdp.signature)) != 0)
			continue;
		/* The bytes after it are RAM or ROM below 4 GiB: mapped. */
		ksnprintf(where, sizeof(where), "at 0x%lx", pa);
		if (acpi_rsdp_check(p, ACPI_RSDP_MAX_LEN, where, found) == 0)
			return 0;
	}
	return -ENOENT;
}

/* Find the RSDP the way a legacy-BIOS machine expects us to. */
static int
acpi_rsdp_scan(struct acpi_rsdp_found *found)
{
	const uint16_t *ebda_segment = phys_to_virt(BDA_EBDA_SEGMENT);
	paddr_t ebda = (paddr_t)*ebda_segment << REAL_MODE_SEGMENT_SHIFT;

	/* Under UEFI the BDA may hold anything: only trust a sane EBDA. */
	if (ebda != 0 && ebda + EBDA_SCAN_LEN <= EBDA_LIMIT &&
	    acpi_rsdp_scan_range(ebda, EBDA_SCAN_LEN, found) == 0)
		return 0;
	return acpi_rsdp_scan_range(BIOS_AREA_START,
				    BIOS_AREA_END - BIOS_AREA_START, found);
}

/* Find the RSDP: the boot loader's copy first, else the BIOS areas. */
static int
acpi_rsdp_find(const struct boot_info *bi, struct acpi_rsdp_found *found)
{
	if (bi != NULL && bi->rsdp_len > 0) {
		size_t len = MIN(bi->rsdp_len, sizeof(bi->rsdp));

		if (acpi_rsdp_check(bi->rsdp, len, "from the boot loader",
				    found) == 0)
			return 0;
		pr_warn("acpi: boot loader's RSDP unusable; searching the BIOS areas\n");
	}
	return acpi_rsdp_scan(found);
}

/*
 * Check the table at physical address @pa, which should have signature
 * @sig: reachable, plausible length, correct checksum. On success point
 * *table at it (through the direct map) and return 0.
 */
static int
acpi_table_get(paddr_t pa, const char *sig,
	       const struct acpi_sdt_header **table)
{
	const struct acpi_sdt_header *h;
	char found_sig[ACPI_SIG_LEN + 1];

	if (pa == 0)
		return -ENOENT;
	if (!acpi_phys_range_mapped(pa, sizeof(*h))) {
		pr_warn("acpi: %s at 0x%lx lies beyond the first 4 GiB; ignored\n",
			sig, pa);
		return -ERANGE;
	}
	h = phys_to_virt(pa);
	if (!acpi_sig_eq(h->signature, sig)) {
		acpi_sig_printable(h->signature, found_sig);
		pr_warn("acpi: expected %s at 0x%lx but found \"%s\"; ignored\n",
			sig, pa, found_sig);
		return -EINVAL;
	}
	if (h->length < sizeof(*h) || h->length > ACPI_TABLE_MAX_LEN) {
		pr_warn("acpi: %s at 0x%lx has implausible length %u; ignored\n",
			sig, pa, h->length);
		return -EINVAL;
	}
	if (!acpi_phys_range_mapped(pa, h->length)) {
		pr_warn("acpi: %s at 0x%lx (%u bytes) lies beyond the first 4 GiB; ignored\n",
			sig, pa, h->length);
		return -ERANGE;
	}
	if (!acpi_checksum_ok(h, h->length)) {
		pr_warn("acpi: %s at 0x%lx has a bad checksum; ignored\n", sig,
			pa);
		return -EINVAL;
	}
	*table = h;
	return 0;
}

/* Open the RSDT or XSDT at @pa as the root table. */
static int
acpi_root_open(paddr_t pa, bool xsdt, struct acpi_root *root)
{
	const char *sig = xsdt ? ACPI_SIG_XSDT : ACPI_SIG_RSDT;
	int err;

	err = acpi_table_get(pa, sig, &root->table);
	if (err)
		return err;
	root->entry_size = xsdt ? ACPI_XSDT_ENTRY_SIZE : ACPI_RSDT_ENTRY_SIZE;
	root->count =
		(root->table->length - sizeof(*root->table)) / root->entry_size;
	return 0;
}

/* The physical address in entry @i of the root table. */
static paddr_t
acpi_root_entry(const struct acpi_root *root, size_t i)
{
	/* XSDT entries sit at offset 36 + 8i: not 8-byte aligned. */
	const uint8_t *p =
		(const uint8_t *)(root->table + 1) + i * root->entry_size;
	uint64_t addr64;
	uint32_t addr32;

	if (root->entry_size == ACPI_XSDT_ENTRY_SIZE) {
		memcpy(&addr64, p, sizeof(addr64));
		return addr64;
	}
	memcpy(&addr32, p, sizeof(addr32));
	return addr32;
}

/*
 * Find the next table with signature @sig listed in the root table,
 * starting at entry *next and leaving *next just past the one returned,
 * so that repeated calls walk every match (there can be many SSDTs). Only
 * a table whose signature matches is checksummed: the others are not ours.
 */
static int
acpi_root_find(const struct acpi_root *root, const char *sig, size_t *next,
	       const struct acpi_sdt_header **table)
{
	while (*next < root->count) {
		paddr_t pa = acpi_root_entry(root, (*next)++);
		const struct acpi_sdt_header *h;

		if (pa == 0)
			continue;
		if (!acpi_phys_range_mapped(pa, sizeof(*h))) {
			pr_warn("acpi: a table at 0x%lx lies beyond the first 4 GiB; ignored\n",
				pa);
			continue;
		}
		h = phys_to_virt(pa);
		if (!acpi_sig_eq(h->signature, sig))
			continue;
		if (acpi_table_get(pa, sig, table) == 0)
			return 0;
	}
	return -ENOENT;
}

/* Choose the root table: the XSDT when ACPI 2.0 offers a sound one. */
static int
acpi_root_choose(const struct acpi_rsdp_found *found, struct acpi_root *root,
		 bool *used_xsdt)
{
	if (found->xsdt_ok && found->rsdp.xsdt_addr != 0) {
		if (acpi_root_open(found->rsdp.xsdt_addr, true, root) == 0) {
			*used_xsdt = true;
			return 0;
		}
		pr_warn("acpi: falling back from the XSDT to the RSDT\n");
	}
	*used_xsdt = false;
	if (found->rsdp.rsdt_addr == 0) {
		pr_warn("acpi: the RSDP names no usable root table\n");
		return -ENOENT;
	}
	return acpi_root_open(found->rsdp.rsdt_addr, false, root);
}

/*
 * The I/O port of a PM1 control block. ACPI 2.0 added a 64-bit GAS form
 * (@gas) beside the 32-bit port (@port32); the GAS wins when it is filled
 * in, but we can only drive it when it is in I/O space, so otherwise we
 * fall back to the 32-bit field. Returns 0 when there is no block.
 */
static uint16_t
acpi_pm1_port(const struct acpi_gas *gas, uint32_t port32, const char *name)
{
	if (gas->address != 0) {
		if (gas->space_id == ACPI_GAS_SPACE_IO &&
		    gas->address <= IO_PORT_MAX)
			return (uint16_t)gas->address;
		pr_warn("acpi: X_%s is 0x%lx in %s, which we cannot drive; using %s_BLK\n",
			name, gas->address, acpi_gas_space_name(gas->space_id),
			name);
	}
	if (port32 > IO_PORT_MAX) {
		pr_warn("acpi: %s_BLK 0x%x is not an I/O port; ignored\n", name,
			port32);
		return 0;
	}
	return (uint16_t)port32;
}

/* Pull what power.c needs out of the FADT into @info. */
static int
acpi_fadt_parse(const struct acpi_sdt_header *table,
		struct acpi_power_info *info)
{
	struct acpi_fadt fadt;

	if (table->length < ACPI_FADT_V1_LEN) {
		pr_warn("acpi: FACP is %u bytes, shorter than ACPI 1.0's %u; ignored\n",
			table->length, ACPI_FADT_V1_LEN);
		return -EINVAL;
	}
	/* Copy what is there; fields of later revisions stay 0. */
	memset(&fadt, 0, sizeof(fadt));
	memcpy(&fadt, table, MIN((size_t)table->length, sizeof(fadt)));

	info->fadt_revision = fadt.header.revision;
	info->hw_reduced = fadt.flags & ACPI_FADT_HW_REDUCED;
	info->pm1a_cnt = acpi_pm1_port(&fadt.x_pm1a_cnt_blk, fadt.pm1a_cnt_blk,
				       "PM1a_CNT");
	info->pm1b_cnt = acpi_pm1_port(&fadt.x_pm1b_cnt_blk, fadt.pm1b_cnt_blk,
				       "PM1b_CNT");

	if (fadt.smi_cmd > IO_PORT_MAX) {
		pr_warn("acpi: SMI_CMD 0x%x is not an I/O port; ignored\n",
			fadt.smi_cmd);
	} else {
		info->smi_cmd = (uint16_t)fadt.smi_cmd;
		info->acpi_enable = fadt.acpi_enable;
	}

	/* RESET_REG is only meaningful when the firmware says it is. */
	if (fadt.header.revision >= ACPI_FADT_RESET_REVISION &&
	    (fadt.flags & ACPI_FADT_RESET_REG_SUP) &&
	    fadt.reset_reg.address != 0) {
		info->has_reset_reg = true;
		info->reset_space = fadt.reset_reg.space_id;
		info->reset_addr = fadt.reset_reg.address;
		info->reset_value = fadt.reset_value;
	}

	/* The PM timer: a free-running 3.579545 MHz counter, a second
	 * clock for calibrating the others where the PIT is missing. */
	if (fadt.pm_tmr_len == ACPI_PM_TIMER_LEN && !info->hw_reduced) {
		info->pm_timer = acpi_pm1_port(&fadt.x_pm_tmr_blk,
					       fadt.pm_tmr_blk, "PM_TMR");
		info->pm_timer_32bit = fadt.flags & ACPI_FADT_TMR_VAL_EXT;
	}

	info->dsdt = fadt.x_dsdt != 0 ? fadt.x_dsdt : fadt.dsdt;
	return 0;
}

/* Look for \_S5 in one DSDT or SSDT; report a malformed one. */
static int
acpi_table_find_s5(const struct acpi_sdt_header *table,
		   struct acpi_power_info *info)
{
	const uint8_t *aml = (const uint8_t *)(table + 1);
	size_t len = table->length - sizeof(*table);
	char sig[ACPI_SIG_LEN + 1];
	int err;

	err = acpi_aml_find_s5(aml, len, &info->slp_typa, &info->slp_typb);
	if (err == -EINVAL) {
		acpi_sig_printable(table->signature, sig);
		pr_warn("acpi: %s defines \\_S5 in a form we cannot decode\n",
			sig);
	}
	if (err == 0)
		info->s5_found = true;
	return err;
}

/*
 * Find the S5 sleep types: in the DSDT, where every firmware we know of
 * puts them, else in the SSDTs, which the spec allows too.
 */
static int
acpi_s5_find(const struct acpi_root *root, struct acpi_power_info *info)
{
	const struct acpi_sdt_header *table;
	size_t next = 0;

	if (acpi_table_get(info->dsdt, ACPI_SIG_DSDT, &table) == 0 &&
	    acpi_table_find_s5(table, info) == 0)
		return 0;
	while (acpi_root_find(root, ACPI_SIG_SSDT, &next, &table) == 0)
		if (acpi_table_find_s5(table, info) == 0)
			return 0;
	return -ENOENT;
}

/* The MADT in one line: what the interrupt code will have to work with. */
static void
acpi_madt_print(const struct madt_info *m)
{
	char ioapics[96] = "no IOAPIC";
	size_t used = 0;
	size_t shown = MIN(m->ioapic_count, (size_t)MADT_MAX_IOAPICS);

	for (size_t i = 0; i < shown && used < sizeof(ioapics); i++)
		used += (size_t)ksnprintf(
			ioapics + used, sizeof(ioapics) - used,
			"%sIOAPIC %u at 0x%x (GSI base %u)", i ? ", " : "",
			m->ioapics[i].id, m->ioapics[i].address,
			m->ioapics[i].gsi_base);
	pr_info("acpi: MADT: local APIC at 0x%lx%s, %zu CPU%s, %s, %zu override%s, %zu local NMI%s%s\n",
		m->lapic_address,
		m->lapic_address_overridden ? " (64-bit entry)" : "",
		m->cpu_count, m->cpu_count == 1 ? "" : "s", ioapics,
		m->override_count, m->override_count == 1 ? "" : "s",
		m->nmi_count, m->nmi_count == 1 ? "" : "s",
		m->flags & MADT_PCAT_COMPAT ? ", 8259s present" : "");
	for (size_t i = 0; i < MIN(m->cpu_count, (size_t)MADT_MAX_CPUS); i++)
		pr_info("acpi: MADT: CPU uid %u, APIC ID %u%s\n",
			m->cpus[i].uid, m->cpus[i].apic_id,
			m->cpus[i].flags & MADT_CPU_ENABLED ? ""
							    : " (not enabled)");
	if (m->bad_count || m->truncated)
		pr_warn("acpi: MADT: %zu malformed entr%s skipped%s\n",
			m->bad_count, m->bad_count == 1 ? "y" : "ies",
			m->truncated ? "; the list ends in a truncated entry"
				     : "");
}

/* Find and parse the MADT: the interrupt controllers (irq.c reads it). */
static void
acpi_madt_find(const struct acpi_root *root)
{
	const struct acpi_sdt_header *table;
	size_t next = 0;

	madt_info_valid = false;
	while (acpi_root_find(root, ACPI_SIG_MADT, &next, &table) == 0) {
		if (madt_parse((const uint8_t *)table, table->length,
			       lapic_cpuid_apic_id(), &madt_info) == 0) {
			madt_info_valid = true;
			acpi_madt_print(&madt_info);
			return;
		}
		pr_warn("acpi: an APIC table (MADT) is malformed; ignored\n");
	}
	pr_warn("acpi: no MADT: no APIC interrupt routing\n");
}

/* The one-line summary acpi_init() promises. */
static void
acpi_print_summary(const struct acpi_power_info *info)
{
	char pm1b[32] = "";
	char s5[48];
	char reset[64];

	if (info->pm1b_cnt != 0)
		ksnprintf(pm1b, sizeof(pm1b), ", PM1b_CNT 0x%x",
			  info->pm1b_cnt);

	if (info->s5_found)
		ksnprintf(s5, sizeof(s5), "S5 SLP_TYP a=%u b=%u",
			  info->slp_typa, info->slp_typb);
	else
		ksnprintf(s5, sizeof(s5), "no \\_S5 (cannot power off)");

	if (!info->has_reset_reg)
		ksnprintf(reset, sizeof(reset), "no reset register");
	else if (info->reset_space == ACPI_GAS_SPACE_IO)
		ksnprintf(reset, sizeof(reset), "reset via 0x%lx",
			  info->reset_addr);
	else
		ksnprintf(reset, sizeof(reset), "reset register 0x%lx in %s",
			  info->reset_addr,
			  acpi_gas_space_name(info->reset_space));

	pr_info("acpi: RSDP rev %u (%s), FADT rev %u, PM1a_CNT 0x%x%s, %s, %s\n",
		info->rsdp_revision, info->used_xsdt ? "XSDT" : "RSDT",
		info->fadt_revision, info->pm1a_cnt, pm1b, s5, reset);
}

int
acpi_init(const struct boot_info *bi)
{
	struct acpi_rsdp_found found;
	struct acpi_root root;
	struct acpi_power_info info;
	const struct acpi_sdt_header *fadt;
	size_t next = 0;
	bool parsed = false;

	acpi_info_valid = false;
	madt_info_valid = false;
	memset(&info, 0, sizeof(info));

	if (acpi_rsdp_find(bi, &found) != 0) {
		pr_warn("acpi: no RSDP found; no ACPI power-off or reset\n");
		return -ENODEV;
	}
	info.rsdp_revision = found.rsdp.revision;

	if (acpi_root_choose(&found, &root, &info.used_xsdt) != 0) {
		pr_warn("acpi: no usable RSDT or XSDT; no ACPI power-off\n");
		return -ENOENT;
	}

	/* The interrupt controllers do not depend on the FADT: first. */
	acpi_madt_find(&root);

	/* Take the first FADT that checks out; a broken one is skipped. */
	while (!parsed &&
	       acpi_root_find(&root, ACPI_SIG_FADT, &next, &fadt) == 0)
		parsed = acpi_fadt_parse(fadt, &info) == 0;
	if (!parsed) {
		pr_warn("acpi: no usable FACP (FADT); no ACPI power-off\n");
		return -ENOENT;
	}

	if (info.hw_reduced)
		pr_warn("acpi: hardware-reduced ACPI: no PM1 control block, so no power-off through it\n");
	else if (info.pm1a_cnt == 0)
		pr_warn("acpi: the FADT names no PM1a control block\n");

	acpi_s5_find(&root, &info);

	info.found = true;
	acpi_info = info;
	acpi_info_valid = true;
	acpi_print_summary(&acpi_info);
	return 0;
}

const struct acpi_power_info *
acpi_power_info(void)
{
	return acpi_info_valid ? &acpi_info : NULL;
}

const struct madt_info *
acpi_madt(void)
{
	return madt_info_valid ? &madt_info : NULL;
}
