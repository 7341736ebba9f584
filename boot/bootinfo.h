/*
 * struct boot_info: what the boot loader told us, in one shape.
 *
 * GRUB speaks Multiboot2 and QEMU's -kernel speaks Multiboot1; the two
 * describe the same things (memory map, command line, modules, screen, ACPI)
 * in different layouts. boot/multiboot.c reads either into this structure,
 * copying every string, so that nothing after it needs to know which
 * protocol was used or to keep the loader's memory alive.
 */
#ifndef BOOT_BOOTINFO_H
#define BOOT_BOOTINFO_H

#include "kernel/lib/types.h"

#define BOOT_MMAP_MAX	 128
#define BOOT_MODULES_MAX 16
#define BOOT_CMDLINE_MAX 1024
#define BOOT_STRING_MAX	 64
#define BOOT_RSDP_MAX	 36 /* an ACPI 2.0 RSDP; version 1 uses the first 20 */

enum boot_protocol {
	BOOT_MULTIBOOT1 = 1,
	BOOT_MULTIBOOT2 = 2,
};

/* Memory-map entry types: the values both Multiboot versions use. */
enum boot_mem_type {
	BOOT_MEM_USABLE = 1,
	BOOT_MEM_RESERVED = 2,
	BOOT_MEM_ACPI_RECLAIMABLE = 3,
	BOOT_MEM_ACPI_NVS = 4,
	BOOT_MEM_BAD = 5,
};

struct boot_mmap_entry {
	paddr_t base;
	uint64_t length;
	uint32_t type; /* enum boot_mem_type; other values mean reserved */
};

struct boot_module {
	paddr_t start;		      /* first byte */
	paddr_t end;		      /* one past the last byte */
	char string[BOOT_STRING_MAX]; /* the loader's words for it */
};

enum boot_fb_type {
	BOOT_FB_NONE = 0,     /* the loader told us of no screen */
	BOOT_FB_RGB = 1,      /* a linear framebuffer of pixels */
	BOOT_FB_EGA_TEXT = 2, /* 80x25 VGA text at 0xb8000 */
	BOOT_FB_INDEXED = 3,  /* a palette framebuffer */
};

struct boot_framebuffer {
	enum boot_fb_type type;
	paddr_t addr;
	uint32_t pitch; /* bytes per line */
	uint32_t width, height;
	uint8_t bpp;
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct boot_info {
	enum boot_protocol protocol;
	char loader[BOOT_STRING_MAX];	/* "GRUB 2.06", "qemu", or "" */
	char cmdline[BOOT_CMDLINE_MAX]; /* without the kernel's own path */

	struct boot_mmap_entry mmap[BOOT_MMAP_MAX];
	size_t mmap_count;

	struct boot_module modules[BOOT_MODULES_MAX];
	size_t module_count;

	struct boot_framebuffer fb;
	bool vga_text; /* VGA text mode at 0xb8000 can be used */

	uint8_t rsdp[BOOT_RSDP_MAX]; /* a copy of the ACPI RSDP, if given */
	size_t rsdp_len;	     /* 0 when the loader gave none */

	paddr_t info_start, info_end; /* the loader's structure: keep it */
	size_t dropped;	   /* entries lost because a table above was full */
	const char *error; /* why parsing failed, when it did */
};

#endif /* BOOT_BOOTINFO_H */
