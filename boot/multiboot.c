/*
 * Multiboot1 and Multiboot2 information -> struct boot_info.
 *
 * Nothing here trusts the loader: each count, size and offset is checked
 * against the bytes that contain it, and strings are copied with a bound.
 * This file uses no other kernel code, so the host unit tests
 * (tests/unit/test_multiboot.c) compile it as it is.
 */
#include "boot/multiboot.h"
#include "boot/multiboot_parse.h"
#include "kernel/lib/errno.h"

#define MB2_INFO_MAX_SIZE (1u << 20) /* far more than any loader writes */
#define MB2_TAG_ALIGN	  8
#define VGA_TEXT_PHYS	  0xb8000
#define KIB		  1024ull
#define ONE_MIB		  0x100000ull

static const void *
phys(uintptr_t phys_offset, paddr_t pa)
{
	return (const void *)(phys_offset + (uintptr_t)pa);
}

/* Copy a NUL-terminated string of at most @max bytes into @dst. */
static void
copy_string(char *dst, size_t size, const char *src, size_t max)
{
	size_t i = 0;

	while (i + 1 < size && i < max && src[i]) {
		dst[i] = src[i];
		i++;
	}
	dst[i] = '\0';
}

static int
fail(struct boot_info *bi, const char *why)
{
	bi->error = why;
	return -EINVAL;
}

static void
add_mmap_entry(struct boot_info *bi, uint64_t base, uint64_t length,
	       uint32_t type)
{
	if (bi->mmap_count == BOOT_MMAP_MAX) {
		bi->dropped++;
		return;
	}
	bi->mmap[bi->mmap_count++] = (struct boot_mmap_entry){ .base = base,
							       .length = length,
							       .type = type };
}

static int
add_module(struct boot_info *bi, paddr_t start, paddr_t end, const char *string,
	   size_t max)
{
	if (end < start)
		return fail(bi, "a boot module ends before it starts");
	if (bi->module_count == BOOT_MODULES_MAX) {
		bi->dropped++;
		return 0;
	}
	struct boot_module *m = &bi->modules[bi->module_count++];
	m->start = start;
	m->end = end;
	copy_string(m->string, sizeof(m->string), string, max);
	return 0;
}

/* Without a memory map, the basic "lower/upper memory" numbers give a
 * rough one: conventional memory, and the block above 1 MiB. */
static void
add_basic_meminfo(struct boot_info *bi, uint32_t lower_kib, uint32_t upper_kib)
{
	add_mmap_entry(bi, 0, lower_kib * KIB, BOOT_MEM_USABLE);
	add_mmap_entry(bi, ONE_MIB, upper_kib * KIB, BOOT_MEM_USABLE);
}

/* Both versions number framebuffer types 0 indexed, 1 RGB, 2 EGA text;
 * ours keep 0 for "none". */
static enum boot_fb_type
fb_type_from_multiboot(uint8_t type)
{
	switch (type) {
	case MB_FB_TYPE_INDEXED:
		return BOOT_FB_INDEXED;
	case MB_FB_TYPE_RGB:
		return BOOT_FB_RGB;
	case MB_FB_TYPE_EGA_TEXT:
		return BOOT_FB_EGA_TEXT;
	default:
		return BOOT_FB_NONE;
	}
}

/* An RGB framebuffer's colour layout: six bytes, the same in both
 * versions (red position, red size, green position, green size, blue
 * position, blue size). */
static void
copy_rgb_layout(struct boot_info *bi, const uint8_t color_info[6])
{
	bi->fb.red_pos = color_info[0];
	bi->fb.red_size = color_info[1];
	bi->fb.green_pos = color_info[2];
	bi->fb.green_size = color_info[3];
	bi->fb.blue_pos = color_info[4];
	bi->fb.blue_size = color_info[5];
}

/*
 * Multiboot1. The command line starts with the kernel's own file name
 * ("/boot/sprout.elf init=/bin/sh"): drop that first word.
 */
static void
mb1_copy_cmdline(struct boot_info *bi, const char *s)
{
	size_t i = 0;

	while (s[i] == ' ')
		i++;
	while (s[i] && s[i] != ' ')
		i++;
	while (s[i] == ' ')
		i++;
	copy_string(bi->cmdline, sizeof(bi->cmdline), s + i, BOOT_CMDLINE_MAX);
}

static int
mb1_parse(paddr_t info_pa, uintptr_t off, struct boot_info *bi)
{
	const struct mb1_info *info = phys(off, info_pa);
	uint32_t flags = info->flags;

	bi->protocol = BOOT_MULTIBOOT1;
	bi->info_start = info_pa;
	bi->info_end = info_pa + sizeof(*info);

	if (flags & MB1_INFO_CMDLINE)
		mb1_copy_cmdline(bi, phys(off, info->cmdline));
	if (flags & MB1_INFO_LOADER_NAME)
		copy_string(bi->loader, sizeof(bi->loader),
			    phys(off, info->boot_loader_name), BOOT_STRING_MAX);

	if (flags & MB1_INFO_MODULES) {
		const struct mb1_module *mods = phys(off, info->mods_addr);
		for (uint32_t i = 0; i < info->mods_count; i++) {
			int err = add_module(bi, mods[i].start, mods[i].end,
					     phys(off, mods[i].string),
					     BOOT_STRING_MAX);
			if (err)
				return err;
		}
	}

	if (flags & MB1_INFO_MMAP) {
		/* Each entry's size field counts the bytes after itself. */
		uint32_t pos = 0;
		while (pos + sizeof(struct mb1_mmap_entry) <=
		       info->mmap_length) {
			const struct mb1_mmap_entry *e =
				phys(off, info->mmap_addr + pos);
			if (e->size < sizeof(*e) - sizeof(e->size))
				return fail(
					bi,
					"a Multiboot1 memory-map entry is too short");
			add_mmap_entry(bi, e->base, e->length, e->type);
			pos += e->size + sizeof(e->size);
		}
	} else if (flags & MB1_INFO_MEMORY) {
		add_basic_meminfo(bi, info->mem_lower, info->mem_upper);
	}

	/* No video information means the loader left the BIOS text mode. */
	bi->vga_text = true;
	if (flags & MB1_INFO_FRAMEBUFFER) {
		bi->fb.type = fb_type_from_multiboot(info->framebuffer_type);
		bi->fb.addr = info->framebuffer_addr;
		bi->fb.pitch = info->framebuffer_pitch;
		bi->fb.width = info->framebuffer_width;
		bi->fb.height = info->framebuffer_height;
		bi->fb.bpp = info->framebuffer_bpp;
		if (info->framebuffer_type == MB_FB_TYPE_RGB)
			copy_rgb_layout(bi, info->color_info);
		bi->vga_text = bi->fb.type == BOOT_FB_EGA_TEXT;
	}
	return 0;
}

/*
 * Multiboot2: a list of tags, each starting on an 8-byte boundary.
 */
static int
mb2_parse_mmap(const struct mb2_tag_mmap *tag, struct boot_info *bi)
{
	const uint8_t *p = (const uint8_t *)(tag + 1);
	const uint8_t *end = (const uint8_t *)tag + tag->head.size;

	if (tag->head.size < sizeof(*tag) ||
	    tag->entry_size < sizeof(struct mb2_mmap_entry))
		return fail(bi, "the Multiboot2 memory map is malformed");
	for (; p + tag->entry_size <= end; p += tag->entry_size) {
		const struct mb2_mmap_entry *e = (const void *)p;
		add_mmap_entry(bi, e->base, e->length, e->type);
	}
	return 0;
}

static int
mb2_parse_framebuffer(const struct mb2_tag_framebuffer *tag,
		      struct boot_info *bi)
{
	size_t rgb_size = sizeof(*tag);

	if (tag->head.size < rgb_size - sizeof(tag->color_info))
		return fail(bi, "the Multiboot2 framebuffer tag is too short");
	bi->fb.type = fb_type_from_multiboot(tag->type);
	bi->fb.addr = tag->addr;
	bi->fb.pitch = tag->pitch;
	bi->fb.width = tag->width;
	bi->fb.height = tag->height;
	bi->fb.bpp = tag->bpp;
	if (tag->type == MB_FB_TYPE_RGB) {
		if (tag->head.size < rgb_size)
			return fail(
				bi,
				"the Multiboot2 framebuffer tag has no colour layout");
		copy_rgb_layout(bi, tag->color_info);
	}
	bi->vga_text =
		tag->type == MB_FB_TYPE_EGA_TEXT && tag->addr == VGA_TEXT_PHYS;
	return 0;
}

static void
mb2_copy_rsdp(const struct mb2_tag_acpi *tag, struct boot_info *bi)
{
	size_t len = tag->head.size - sizeof(tag->head);

	if (len > BOOT_RSDP_MAX)
		len = BOOT_RSDP_MAX;
	for (size_t i = 0; i < len; i++)
		bi->rsdp[i] = tag->rsdp[i];
	bi->rsdp_len = len;
}

static int
mb2_parse(paddr_t info_pa, uintptr_t off, struct boot_info *bi)
{
	const struct mb2_info_head *head = phys(off, info_pa);
	const uint8_t *base = (const uint8_t *)head;
	bool have_mmap = false, have_new_rsdp = false;
	uint32_t lower_kib = 0, upper_kib = 0;
	bool have_basic = false;
	int err = 0;

	bi->protocol = BOOT_MULTIBOOT2;
	if (info_pa % MB2_TAG_ALIGN)
		return fail(bi,
			    "the Multiboot2 information is not 8-byte aligned");
	if (head->total_size < sizeof(*head) + sizeof(struct mb2_tag) ||
	    head->total_size > MB2_INFO_MAX_SIZE)
		return fail(
			bi,
			"the Multiboot2 information has an impossible size");
	bi->info_start = info_pa;
	bi->info_end = info_pa + head->total_size;

	for (uint32_t pos = sizeof(*head);;) {
		const struct mb2_tag *tag = (const void *)(base + pos);

		if (pos + sizeof(*tag) > head->total_size)
			return fail(bi,
				    "the Multiboot2 tag list has no end tag");
		if (tag->size < sizeof(*tag) ||
		    tag->size > head->total_size - pos)
			return fail(
				bi,
				"a Multiboot2 tag's size runs past the information");

		size_t payload = tag->size - sizeof(*tag);
		switch (tag->type) {
		case MB2_TAG_END:
			goto done;
		case MB2_TAG_CMDLINE:
			copy_string(
				bi->cmdline, sizeof(bi->cmdline),
				((const struct mb2_tag_string *)tag)->string,
				payload);
			break;
		case MB2_TAG_LOADER_NAME:
			copy_string(
				bi->loader, sizeof(bi->loader),
				((const struct mb2_tag_string *)tag)->string,
				payload);
			break;
		case MB2_TAG_MODULE: {
			const struct mb2_tag_module *m = (const void *)tag;
			if (tag->size < sizeof(*m))
				return fail(
					bi,
					"a Multiboot2 module tag is too short");
			err = add_module(bi, m->start, m->end, m->string,
					 tag->size - sizeof(*m));
			break;
		}
		case MB2_TAG_BASIC_MEMINFO: {
			const struct mb2_tag_basic_meminfo *m =
				(const void *)tag;
			if (tag->size >= sizeof(*m)) {
				lower_kib = m->mem_lower;
				upper_kib = m->mem_upper;
				have_basic = true;
			}
			break;
		}
		case MB2_TAG_MMAP:
			err = mb2_parse_mmap((const void *)tag, bi);
			have_mmap = true;
			break;
		case MB2_TAG_FRAMEBUFFER:
			err = mb2_parse_framebuffer((const void *)tag, bi);
			break;
		case MB2_TAG_ACPI_OLD:
			if (!have_new_rsdp)
				mb2_copy_rsdp((const void *)tag, bi);
			break;
		case MB2_TAG_ACPI_NEW:
			mb2_copy_rsdp((const void *)tag, bi);
			have_new_rsdp = true;
			break;
		default: /* tags we do not use */
			break;
		}
		if (err)
			return err;
		pos += (tag->size + MB2_TAG_ALIGN - 1) & ~(MB2_TAG_ALIGN - 1);
	}
done:
	if (!have_mmap && have_basic)
		add_basic_meminfo(bi, lower_kib, upper_kib);
	return 0;
}

int
multiboot_parse(uint32_t magic, paddr_t info_pa, uintptr_t phys_offset,
		struct boot_info *bi)
{
	*bi = (struct boot_info){ 0 };

	switch (magic) {
	case MB1_BOOT_MAGIC:
		return mb1_parse(info_pa, phys_offset, bi);
	case MB2_BOOT_MAGIC:
		return mb2_parse(info_pa, phys_offset, bi);
	default:
		return fail(
			bi,
			"not started by a Multiboot loader (wrong magic number in EAX)");
	}
}

uint64_t
boot_usable_memory(const struct boot_info *bi)
{
	uint64_t total = 0;

	for (size_t i = 0; i < bi->mmap_count; i++)
		if (bi->mmap[i].type == BOOT_MEM_USABLE)
			total += bi->mmap[i].length;
	return total;
}
