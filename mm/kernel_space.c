/*
 * Building the kernel's page tables.
 *
 * Every address space shares the kernel half (PML4 entries 256..511). To
 * make sharing automatic, the 256 page-directory-pointer tables below
 * those entries are allocated here, once; a new address space copies the
 * 256 entries (kernel_space_new_root), so a kernel mapping added later,
 * anywhere in the kernel half, appears in every address space at once.
 *
 * The kernel image, mapped with 4 KiB pages so each section gets its own
 * permissions (W^X: nothing is both writable and executable):
 *
 *   .text    r-x   code
 *   .rodata  r--   constants, the symbol table
 *   .data    rw-   NX
 *   .bss     rw-   NX
 *   .boot    not mapped: the 32-bit entry code is never needed again
 */
#include "mm/kernel_space.h"
#include "boot/bootinfo.h"
#include "kernel/cpu/x86.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/printk.h"
#include "mm/frame.h"
#include "mm/memlayout.h"
#include "mm/paging.h"

#define CPUID_STRUCTURED_FEATURES 7
#define CPUID_7_EBX_SMEP	  (1 << 7)
#define CPUID_7_EBX_SMAP	  (1 << 20)
#define GIB			  (1ull << 30)

extern const char __text_start[], __text_end[];
extern const char __rodata_start[], __rodata_end[];
extern const char __data_start[], __bss_end[];

paddr_t kernel_root;
bool cpu_has_smap;

/*
 * Memory types. A page's type is picked by three of its PTE bits, which
 * index the page attribute table (PAT, an MSR of eight types):
 *
 *   index = PAT(bit 7) << 2 | PCD(bit 4) << 1 | PWT(bit 3)
 *
 *   index  power-on type      Sprout's type
 *   0      write-back         write-back       RAM: everything else
 *   1      write-through      write-combining  framebuffers (PWT)
 *   2      uncached-minus     uncached-minus
 *   3      uncached           uncached         device registers (PCD|PWT)
 *   4-7    as 0-3             as 0-3
 *
 * Only entry 1 changes. The firmware's MTRRs usually make device memory
 * below 4 GiB uncached anyway (so the direct map's write-back alias of
 * it is harmless), but a framebuffer drawn through uncached memory is
 * slow, and one above 4 GiB has no MTRR to rely on.
 */
#define PAT_WRITE_COMBINING 0x01
#define PAT_SPROUT	    0x0007040600070106ull /* entry 1: 0x04 -> 0x01 */
#define PTE_WC		    PTE_WRITE_THROUGH
#define PTE_UC		    (PTE_CACHE_DISABLE | PTE_WRITE_THROUGH)

static bool have_wc; /* the PAT holds write-combining */
static vaddr_t device_next = DEVICE_MAP_BASE; /* the window's free part */

static pte_t *
root_table(void)
{
	return phys_to_virt(kernel_root);
}

/* Map [start, end) of the kernel image at its linked address. */
static void
map_image_section(const char *start, const char *end, pte_t flags)
{
	for (vaddr_t va = (vaddr_t)start; va < (vaddr_t)end; va += PAGE_SIZE)
		if (paging_map(kernel_root, va, va - KERNEL_VMA, flags))
			panic("paging: cannot map the kernel image at %#llx",
			      (unsigned long long)va);
}

/* The end of the direct map: all RAM, and at least 4 GiB so that the
 * devices below 4 GiB (the local APIC, framebuffers) are reachable. */
static paddr_t
direct_map_end(const struct boot_info *bi)
{
	paddr_t end = 4 * GIB;

	for (size_t i = 0; i < bi->mmap_count; i++)
		if (bi->mmap[i].type == BOOT_MEM_USABLE)
			end = MAX(end, bi->mmap[i].base + bi->mmap[i].length);
	return ALIGN_UP(end, LARGE_PAGE_SIZE);
}

static void
cpu_protection_init(void)
{
	struct cpuid_regs max = cpuid(0, 0);
	uint32_t features = 0;

	if (rdmsr(MSR_EFER) & EFER_NXE)
		pte_nx = PTE_NX;
	if (max.eax >= CPUID_STRUCTURED_FEATURES)
		features = cpuid(CPUID_STRUCTURED_FEATURES, 0).ebx;
	/* SMEP: the kernel may not execute user pages. SMAP: the kernel may
	 * not touch user pages except inside uaccess windows (stac/clac). */
	uint64_t cr4 = read_cr4();
	if (features & CPUID_7_EBX_SMEP)
		cr4 |= CR4_SMEP;
	if (features & CPUID_7_EBX_SMAP) {
		cr4 |= CR4_SMAP;
		cpu_has_smap = true;
	}
	write_cr4(cr4);
	pr_info("cpu: NX %s, SMEP %s, SMAP %s\n", pte_nx ? "on" : "absent",
		features & CPUID_7_EBX_SMEP ? "on" : "absent",
		cpu_has_smap ? "on" : "absent");
}

/*
 * Does [@pa, @pa + @len) overlap anything the memory map lists (RAM,
 * ACPI tables, firmware areas)? What it does not list, below 4 GiB, is
 * where the PCI devices are: the LAPIC, the IOAPIC, framebuffers. The
 * direct map covers those holes uncached, so no write-back mapping of
 * a device exists for the CPU to cache or prefetch from, whatever the
 * firmware's MTRRs say; drivers map them with kernel_map_device.
 */
static bool
in_memory_map(const struct boot_info *bi, paddr_t pa, uint64_t len)
{
	for (size_t i = 0; i < bi->mmap_count; i++) {
		const struct boot_mmap_entry *e = &bi->mmap[i];
		if (e->base < pa + len && pa < e->base + e->length)
			return true;
	}
	return false;
}

/* Make PAT entry 1 write-combining, before any page uses it. */
static void
pat_init(void)
{
	if (!(cpuid(1, 0).edx & CPUID_1_EDX_PAT))
		return; /* PWT alone then means write-through: still coherent */
	wrmsr(MSR_PAT, PAT_SPROUT);
	have_wc = true;
}

void
kernel_space_init(const struct boot_info *bi)
{
	cpu_protection_init();
	pat_init();

	kernel_root = frame_alloc(FRAME_PAGE_TABLE);
	if (!kernel_root)
		panic("paging: no memory for the kernel's page tables");
	for (int i = PML4_KERNEL_FIRST; i < PT_ENTRIES; i++) {
		paddr_t pdpt = frame_alloc(FRAME_PAGE_TABLE);
		if (!pdpt)
			panic("paging: no memory for the kernel's page tables");
		root_table()[i] = pdpt | PTE_PRESENT | PTE_WRITABLE;
	}

	paddr_t end = direct_map_end(bi);
	size_t holes = 0;
	for (paddr_t pa = 0; pa < end; pa += LARGE_PAGE_SIZE) {
		pte_t type = 0; /* write-back: RAM */
		if (!in_memory_map(bi, pa, LARGE_PAGE_SIZE)) {
			type = PTE_UC;
			holes++;
		}
		if (paging_map_large(kernel_root, DIRECT_MAP_BASE + pa, pa,
				     PTE_WRITABLE | pte_nx | type))
			panic("paging: cannot build the direct map");
	}

	map_image_section(__text_start, __text_end, 0);
	map_image_section(__rodata_start, __rodata_end, pte_nx);
	map_image_section(__data_start, __bss_end, PTE_WRITABLE | pte_nx);

	/* The switch: from here on the boot tables, the identity map and
	 * the kernel's low alias are gone. */
	write_cr3(kernel_root);
	frame_release_high();
	pr_info("paging: direct map of %llu MiB at %#llx (%zu MiB of holes uncached); kernel text r-x, rodata r--, data rw-; page 0 unmapped\n",
		(unsigned long long)(end >> 20),
		(unsigned long long)DIRECT_MAP_BASE,
		holes * (LARGE_PAGE_SIZE >> 20));
}

void *
kernel_map_device(paddr_t pa, size_t len, enum device_cache cache)
{
	paddr_t first = ALIGN_DOWN(pa, PAGE_SIZE);
	paddr_t end = ALIGN_UP(pa + len, PAGE_SIZE);
	pte_t flags = PTE_WRITABLE | pte_nx | PTE_GLOBAL;
	vaddr_t window_end = DEVICE_MAP_BASE + DEVICE_MAP_SIZE;

	/* The mapping and the guard page after it must fit in what is left
	 * of the window (device_next never passes window_end). A range
	 * that wraps around the top of the address space has end < first. */
	if (len == 0 || end < first ||
	    end - first > window_end - device_next - PAGE_SIZE)
		return NULL;
	flags |= (cache == DEVICE_WRITE_COMBINING && have_wc) ? PTE_WC : PTE_UC;
	vaddr_t base = device_next;
	for (paddr_t p = first; p < end; p += PAGE_SIZE) {
		if (paging_map(kernel_root, base + (p - first), p, flags) == 0)
			continue;
		/* Out of page-table frames: take back what was mapped, so
		 * the window stays usable for a smaller request. */
		for (paddr_t q = first; q < p; q += PAGE_SIZE) {
			paging_unmap(kernel_root, base + (q - first), NULL);
			tlb_flush_page(base + (q - first));
		}
		return NULL;
	}
	device_next += end - first + PAGE_SIZE; /* a guard page between */
	return (void *)(base + (pa - first));
}

paddr_t
kernel_space_new_root(void)
{
	paddr_t root = frame_alloc(FRAME_PAGE_TABLE);

	if (!root)
		return 0;
	pte_t *entries = phys_to_virt(root);
	for (int i = PML4_KERNEL_FIRST; i < PT_ENTRIES; i++)
		entries[i] = root_table()[i];
	return root;
}

void
kernel_space_switch(paddr_t root)
{
	if (read_cr3() != root)
		write_cr3(root);
}

void
tlb_flush_page(vaddr_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

void
tlb_flush_all(void)
{
	write_cr3(read_cr3());
}
