/*
 * The kernel's half of every address space: the direct map of physical
 * memory, the kernel image with per-section permissions, the kernel
 * stacks. Built once at boot; every process's PML4 shares it.
 */
#ifndef MM_KERNEL_SPACE_H
#define MM_KERNEL_SPACE_H

#include "kernel/lib/types.h"

struct boot_info;

/* The kernel's own PML4 (physical), loaded in CR3 by kernel_space_init. */
extern paddr_t kernel_root;

/* CPU protection features found by kernel_space_init. */
extern bool cpu_has_smap;

/* Replace the boot page tables: map all RAM at DIRECT_MAP_BASE, the
 * kernel image with 4 KiB pages and its own permissions, and nothing at
 * the bottom of the address space, so a null pointer faults. Switches on
 * NX, SMEP and SMAP where the CPU has them. */
void kernel_space_init(const struct boot_info *bi);

/* How the CPU may cache a device's memory. */
enum device_cache {
	DEVICE_UNCACHED,	/* registers: every access reaches the device */
	DEVICE_WRITE_COMBINING, /* framebuffers: writes are merged in bursts */
};

/* Map [@pa, @pa + @len) of device memory (anywhere in the physical
 * address space, even above all RAM) into the kernel half, and return
 * where @pa appears; NULL when the window is full or memory runs out.
 * Mappings last forever: devices found at boot stay. */
void *kernel_map_device(paddr_t pa, size_t len, enum device_cache cache);

/* A new PML4 with an empty user half and the shared kernel half, or 0. */
paddr_t kernel_space_new_root(void);

/* Load @root into CR3 unless it is loaded already. */
void kernel_space_switch(paddr_t root);

#endif /* MM_KERNEL_SPACE_H */
