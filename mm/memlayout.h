/*
 * The kernel's view of the virtual address space (see docs/boot.md).
 *
 * A 64-bit virtual address has 48 meaningful bits; bits 63..48 must copy
 * bit 47 ("canonical" form). That splits the space into two halves with a
 * hole between them:
 *
 *   0x0000000000000000 +--------------------------+
 *                      | user half (per process)  |  PML4 entries 0..255
 *   0x00007fffffffffff +--------------------------+
 *                      |   non-canonical hole     |  any access faults (#GP)
 *   0xffff800000000000 +--------------------------+
 *                      | direct map of physical   |  PML4 entry 256:
 *                      | memory: phys P lives at  |  phys P is at
 *                      | DIRECT_MAP_BASE + P      |  DIRECT_MAP_BASE + P
 *   0xffffc00000000000 +--------------------------+
 *                      | kernel stacks + guards   |
 *   0xffffe00000000000 +--------------------------+
 *                      | device memory: APIC      |  kernel_map_device(),
 *                      | registers, framebuffers  |  uncached or WC
 *   0xffffffff80000000 +--------------------------+
 *                      | kernel image (text, data)|  PML4 entry 511,
 *                      | phys 1 MiB at +1 MiB     |  PDPT entry 510
 *   0xffffffffffffffff +--------------------------+
 *
 * During boot only the first 4 GiB of physical memory are in the direct
 * map (EARLY_DIRECT_MAP_SIZE); the memory manager extends it to all RAM.
 *
 * This header is included from assembly too, so it holds only #defines
 * outside the __ASSEMBLER__ guard.
 */
#ifndef MM_MEMLAYOUT_H
#define MM_MEMLAYOUT_H

#define KERNEL_VMA	      0xffffffff80000000 /* virtual base of the kernel image */
#define KERNEL_PHYS_LOAD      0x100000 /* the image loads at 1 MiB physical */
#define DIRECT_MAP_BASE	      0xffff800000000000 /* phys 0 in the direct map */
#define EARLY_DIRECT_MAP_SIZE 0x100000000 /* 4 GiB mapped by boot/entry.S */

#define PAGE_SIZE	4096
#define LARGE_PAGE_SIZE 0x200000 /* 2 MiB: one page-directory entry */

#define KSTACK_BASE	 0xffffc00000000000 /* kernel stacks (mm/kstack.c) */
#define KSTACK_PAGES	 4
#define KSTACK_SIZE	 (KSTACK_PAGES * PAGE_SIZE)
#define KSTACK_SLOT_SIZE (KSTACK_SIZE + PAGE_SIZE) /* the stack, its guard */
#define KSTACK_SLOTS	 4096 /* stacks that can exist at once */

#define DEVICE_MAP_BASE \
	0xffffe00000000000 /* device memory (kernel_map_device) */
#define DEVICE_MAP_SIZE 0x0000001000000000 /* 64 GiB of window */

#define USER_END 0x0000800000000000 /* first address past the user half */

#ifndef __ASSEMBLER__
#include "kernel/lib/types.h"

/* Where user mappings may go: not the first 64 KiB (a null pointer
 * plus an offset must fault), and not the last page of the user half,
 * as on Linux: a syscall instruction at its very end would leave RCX
 * non-canonical, and the kernel's way back would fault in ring 0. */
#define USER_MIN     0x10000ull
#define USER_MAP_END (USER_END - PAGE_SIZE)

#ifdef UNIT_TEST
/* Host unit tests simulate physical memory with a buffer. */
extern uintptr_t unit_test_phys_base;
#define PHYS_BASE unit_test_phys_base
#else
#define PHYS_BASE DIRECT_MAP_BASE
#endif

/* Where the kernel can touch physical address @pa. */
static inline void *
phys_to_virt(paddr_t pa)
{
	return (void *)(pa + PHYS_BASE);
}

/* The physical address behind a direct-map pointer. */
static inline paddr_t
virt_to_phys(const void *va)
{
	return (vaddr_t)va - PHYS_BASE;
}

/* The physical address of a symbol in the kernel image. */
static inline paddr_t
kernel_image_phys(const void *va)
{
	return (vaddr_t)va - KERNEL_VMA;
}
#endif /* __ASSEMBLER__ */

#endif /* MM_MEMLAYOUT_H */
