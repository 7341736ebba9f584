/*
 * GDT and TSS set-up (the selector layout is drawn in segments.h).
 *
 * A code or data descriptor, 8 bytes:
 *
 *   63    56 55   52 51   48 47          40 39        16 15         0
 *  +--------+-------+-------+--------------+------------+------------+
 *  |base hi | flags | lim hi| access byte  |  base lo   |  limit lo  |
 *  +--------+-------+-------+--------------+------------+------------+
 *  flags: G (4 KiB granularity), D/B (32-bit), L (64-bit code)
 *  access: P (present), DPL (ring, 2 bits), S (code/data), type
 *
 * In long mode base and limit are ignored for code and data; what matters
 * is P, DPL, the type, and L.
 */
#include "kernel/cpu/gdt.h"
#include "kernel/cpu/trap.h"
#include "kernel/lib/string.h"

#define DESC_PRESENT		(1ull << 47)
#define DESC_DPL3		(3ull << 45)
#define DESC_CODE_DATA		(1ull << 44) /* S: a code or data segment */
#define DESC_EXECUTABLE		(1ull << 43)
#define DESC_RW			(1ull << 41) /* readable code / writable data */
#define DESC_LONG		(1ull << 53) /* L: 64-bit code */
#define DESC_32BIT		(1ull << 54) /* D/B: 32-bit segment */
#define DESC_GRAN_4K		(1ull << 55)
#define DESC_LIMIT_MAX		0x000f00000000ffffull
#define DESC_TYPE_TSS_AVAILABLE (0x9ull << 40)

#define KERNEL_CODE \
	(DESC_PRESENT | DESC_CODE_DATA | DESC_EXECUTABLE | DESC_RW | DESC_LONG)
#define KERNEL_DATA                                                            \
	(DESC_PRESENT | DESC_CODE_DATA | DESC_RW | DESC_GRAN_4K | DESC_32BIT | \
	 DESC_LIMIT_MAX)
#define USER32_CODE                                                           \
	((KERNEL_CODE & ~DESC_LONG) | DESC_DPL3 | DESC_32BIT | DESC_GRAN_4K | \
	 DESC_LIMIT_MAX)
#define USER_DATA (KERNEL_DATA | DESC_DPL3)
#define USER_CODE (KERNEL_CODE | DESC_DPL3)

#define IST_STACK_SIZE 16384

static uint64_t gdt[GDT_ENTRIES];
static struct tss tss;

/* Separate stacks for faults that cannot trust the current stack: a double
 * fault is often a kernel stack overflow; an NMI or machine check can
 * arrive at any instruction, even one that is switching stacks. */
static uint8_t ist_stacks[3][IST_STACK_SIZE] __aligned(16);

static void
gdt_set_tss(void)
{
	uint64_t base = (uint64_t)&tss;
	uint64_t limit = sizeof(tss) - 1;

	/* A system descriptor is 16 bytes: the usual 8, whose base holds the
	 * low 32 bits of the address, then the high 32 bits. */
	gdt[TSS_SELECTOR / 8] = DESC_PRESENT | DESC_TYPE_TSS_AVAILABLE |
				(limit & 0xffff) | ((base & 0xffffff) << 16) |
				((base >> 24 & 0xff) << 56);
	gdt[TSS_SELECTOR / 8 + 1] = base >> 32;
}

void
gdt_init(void)
{
	gdt[0] = 0;
	gdt[KERNEL_CS / 8] = KERNEL_CODE;
	gdt[KERNEL_DS / 8] = KERNEL_DATA;
	gdt[USER32_CS / 8] = USER32_CODE;
	gdt[USER_DS / 8] = USER_DATA;
	gdt[USER_CS / 8] = USER_CODE;

	memset(&tss, 0, sizeof(tss));
	tss.ist[IST_DOUBLE_FAULT - 1] =
		(uint64_t)&ist_stacks[0][IST_STACK_SIZE];
	tss.ist[IST_NMI - 1] = (uint64_t)&ist_stacks[1][IST_STACK_SIZE];
	tss.ist[IST_MACHINE_CHECK - 1] =
		(uint64_t)&ist_stacks[2][IST_STACK_SIZE];
	tss.iomap_base = sizeof(tss);
	gdt_set_tss();

	struct {
		uint16_t limit;
		uint64_t base;
	} __packed pointer = { sizeof(gdt) - 1, (uint64_t)gdt };

	/* Load the table, then every segment register: CS by a far return
	 * (there is no "mov to cs"), the others directly, then the TSS. */
	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "mov %2, %%ds\n\t"
			 "mov %2, %%es\n\t"
			 "mov %2, %%ss\n\t"
			 "ltr %w3"
			 :
			 : "m"(pointer), "i"(KERNEL_CS), "r"(KERNEL_DS),
			   "r"(TSS_SELECTOR)
			 : "rax", "memory");
}

void
tss_set_kernel_stack(uint64_t rsp0)
{
	tss.rsp[0] = rsp0;
}
