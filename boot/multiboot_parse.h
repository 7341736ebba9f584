/*
 * Reading the boot loader's information into struct boot_info.
 */
#ifndef BOOT_MULTIBOOT_PARSE_H
#define BOOT_MULTIBOOT_PARSE_H

#include "boot/bootinfo.h"

/*
 * Parse the information a Multiboot1 or Multiboot2 loader left at physical
 * address @info_pa, as announced by @magic (the loader's EAX). Physical
 * address P is read at @phys_offset + P (the kernel passes the direct-map
 * base; unit tests pass a buffer). Every length and offset is checked
 * against the structure's own size, so a corrupt structure gives an error,
 * never a wild read.
 *
 * Returns 0, or -EINVAL with bi->error saying what was wrong.
 */
int multiboot_parse(uint32_t magic, paddr_t info_pa, uintptr_t phys_offset,
		    struct boot_info *bi);

/* Total bytes of usable RAM in the memory map. */
uint64_t boot_usable_memory(const struct boot_info *bi);

#endif /* BOOT_MULTIBOOT_PARSE_H */
