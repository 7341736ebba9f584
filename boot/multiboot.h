/*
 * The two Multiboot specifications, as far as Sprout uses them.
 *
 * Multiboot1 (QEMU -kernel, GRUB "multiboot"): the loader hands over one
 * fixed structure (struct mb1_info) whose flags say which fields are valid.
 * Multiboot2 (GRUB "multiboot2"): the loader hands over a list of tagged
 * records (struct mb2_tag), each 8-byte aligned, ending with a tag of type 0.
 *
 * Both leave the CPU in 32-bit protected mode, paging off, with the magic
 * number in EAX and the physical address of the information in EBX.
 */
#ifndef BOOT_MULTIBOOT_H
#define BOOT_MULTIBOOT_H

/* Header magics: what the kernel image carries for the loader to find. */
#define MB1_HEADER_MAGIC 0x1badb002
#define MB2_HEADER_MAGIC 0xe85250d6
/* Boot magics: what the loader leaves in EAX. */
#define MB1_BOOT_MAGIC	 0x2badb002
#define MB2_BOOT_MAGIC	 0x36d76289

/* Multiboot1 header flags. */
#define MB1_HEADER_PAGE_ALIGN  (1 << 0) /* modules on page boundaries */
#define MB1_HEADER_MEMORY_INFO (1 << 1) /* we want the memory map */
#define MB1_HEADER_ADDRESS_FIELDS \
	(1 << 16) /* load by the a.out-kludge fields */

/* Multiboot2 header tags. */
#define MB2_ARCH_I386		    0 /* 32-bit protected-mode entry */
#define MB2_HEADER_TAG_END	    0
#define MB2_HEADER_TAG_INFO_REQUEST 1
#define MB2_HEADER_TAG_FRAMEBUFFER  5
#define MB2_HEADER_TAG_OPTIONAL	    1 /* tag flag: boot even if unsupported */

/* Multiboot1 info flags: which fields of struct mb1_info are valid. */
#define MB1_INFO_MEMORY	     (1 << 0)
#define MB1_INFO_CMDLINE     (1 << 2)
#define MB1_INFO_MODULES     (1 << 3)
#define MB1_INFO_MMAP	     (1 << 6)
#define MB1_INFO_LOADER_NAME (1 << 9)
#define MB1_INFO_FRAMEBUFFER (1 << 12)

/* Multiboot2 info tag types. */
#define MB2_TAG_END	      0
#define MB2_TAG_CMDLINE	      1
#define MB2_TAG_LOADER_NAME   2
#define MB2_TAG_MODULE	      3
#define MB2_TAG_BASIC_MEMINFO 4
#define MB2_TAG_MMAP	      6
#define MB2_TAG_FRAMEBUFFER   8
#define MB2_TAG_ACPI_OLD      14 /* a copy of the ACPI 1.0 RSDP */
#define MB2_TAG_ACPI_NEW      15 /* a copy of the ACPI 2.0+ RSDP */

/* Framebuffer types, the same numbers in both versions. */
#define MB_FB_TYPE_INDEXED  0
#define MB_FB_TYPE_RGB	    1
#define MB_FB_TYPE_EGA_TEXT 2

#ifndef __ASSEMBLER__
#include "kernel/lib/types.h"

struct mb1_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper; /* KiB below 1 MiB, KiB above 1 MiB */
	uint32_t boot_device;
	uint32_t cmdline; /* physical address of a C string */
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
	uint32_t vbe_control_info, vbe_mode_info;
	uint16_t vbe_mode, vbe_interface_seg, vbe_interface_off,
		vbe_interface_len;
	uint64_t framebuffer_addr;
	uint32_t framebuffer_pitch, framebuffer_width, framebuffer_height;
	uint8_t framebuffer_bpp, framebuffer_type;
	uint8_t color_info[6]; /* RGB: red pos, size, green pos, size, ... */
} __packed;
_Static_assert(sizeof(struct mb1_info) == 116, "Multiboot1 info layout");
_Static_assert(offsetof(struct mb1_info, color_info) == 110,
	       "Multiboot1 colour layout: bytes 110-115");

/* One Multiboot1 memory-map entry. Note: @size counts the bytes after it,
 * so the next entry starts at (char *)entry + entry->size + 4. */
struct mb1_mmap_entry {
	uint32_t size;
	uint64_t base;
	uint64_t length;
	uint32_t type;
} __packed;
_Static_assert(sizeof(struct mb1_mmap_entry) == 24, "Multiboot1 mmap entry");

struct mb1_module {
	uint32_t start, end; /* physical, end is one past the last byte */
	uint32_t string;     /* physical address of a C string */
	uint32_t reserved;
} __packed;

/* Multiboot2: a fixed 8-byte head, then tags. */
struct mb2_info_head {
	uint32_t total_size; /* bytes, including this head */
	uint32_t reserved;
} __packed;

struct mb2_tag {
	uint32_t type;
	uint32_t size; /* bytes, including this head; next tag is 8-aligned */
} __packed;

struct mb2_tag_string { /* CMDLINE, LOADER_NAME */
	struct mb2_tag head;
	char string[];
} __packed;

struct mb2_tag_module {
	struct mb2_tag head;
	uint32_t start, end;
	char string[];
} __packed;

struct mb2_tag_basic_meminfo {
	struct mb2_tag head;
	uint32_t mem_lower, mem_upper;
} __packed;

struct mb2_tag_mmap {
	struct mb2_tag head;
	uint32_t entry_size;	/* at least sizeof(struct mb2_mmap_entry) */
	uint32_t entry_version; /* 0 */
				/* entries follow, entry_size bytes apart */
} __packed;

struct mb2_mmap_entry {
	uint64_t base;
	uint64_t length;
	uint32_t type;
	uint32_t reserved;
} __packed;
_Static_assert(sizeof(struct mb2_mmap_entry) == 24, "Multiboot2 mmap entry");

struct mb2_tag_framebuffer {
	struct mb2_tag head;
	uint64_t addr;
	uint32_t pitch, width, height;
	uint8_t bpp, type;
	uint16_t reserved;
	uint8_t color_info[6]; /* RGB: red pos, size, green pos, size, ... */
} __packed;
_Static_assert(sizeof(struct mb2_tag_framebuffer) == 38, "MB2 fb tag");

struct mb2_tag_acpi { /* ACPI_OLD, ACPI_NEW */
	struct mb2_tag head;
	uint8_t rsdp[];
} __packed;
#endif /* __ASSEMBLER__ */

#endif /* BOOT_MULTIBOOT_H */
