/*
 * Multiboot parsing over a simulated physical memory: a heap buffer whose
 * byte P stands for physical address P. Structures are laid out as the
 * specifications say, then damaged one way at a time; the parser must
 * report each damage and never read outside the buffer (ASan watches).
 */
#include "boot/multiboot.h"
#include "boot/multiboot_parse.h"
#include "kernel/lib/errno.h"
#include "tests/unit/unit.h"

#include <stdlib.h>

#define MEM_SIZE 0x10000

static uint8_t *mem;
static struct boot_info bi;

static void *
at(uint32_t pa)
{
	return mem + pa;
}

static uintptr_t
offset(void)
{
	return (uintptr_t)mem;
}

static void
fresh_memory(void)
{
	free(mem);
	mem = calloc(1, MEM_SIZE);
}

/* --- Multiboot1 ------------------------------------------------------- */

#define MB1_INFO    0x1000
#define MB1_CMDLINE 0x2000
#define MB1_LOADER  0x2100
#define MB1_MODS    0x2200
#define MB1_MODSTR  0x2300
#define MB1_MMAP    0x3000

static struct mb1_info *
mb1_build(void)
{
	struct mb1_info *info = at(MB1_INFO);
	struct mb1_module *mod = at(MB1_MODS);
	struct mb1_mmap_entry *e = at(MB1_MMAP);

	fresh_memory();
	info = at(MB1_INFO);
	mod = at(MB1_MODS);
	e = at(MB1_MMAP);
	info->flags = MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MODULES |
		      MB1_INFO_MMAP | MB1_INFO_LOADER_NAME;
	info->mem_lower = 639;
	info->mem_upper = 130048;
	strcpy(at(MB1_CMDLINE), "build/sprout.elf init=/bin/sh loglevel=7");
	info->cmdline = MB1_CMDLINE;
	strcpy(at(MB1_LOADER), "qemu");
	info->boot_loader_name = MB1_LOADER;
	mod[0] = (struct mb1_module){ 0x127000, 0x128000, MB1_MODSTR, 0 };
	strcpy(at(MB1_MODSTR), "build/initramfs.cpio");
	info->mods_count = 1;
	info->mods_addr = MB1_MODS;
	e[0] = (struct mb1_mmap_entry){ 20, 0, 0x9fc00, BOOT_MEM_USABLE };
	e[1] = (struct mb1_mmap_entry){ 20, 0x9fc00, 0x400, BOOT_MEM_RESERVED };
	e[2] = (struct mb1_mmap_entry){ 20, 0x100000, 0x7ee0000,
					BOOT_MEM_USABLE };
	info->mmap_addr = MB1_MMAP;
	info->mmap_length = 3 * sizeof(*e);
	return info;
}

static void
mb1_complete(void)
{
	mb1_build();
	CHECK_INT(multiboot_parse(MB1_BOOT_MAGIC, MB1_INFO, offset(), &bi), 0);
	CHECK_INT(bi.protocol, BOOT_MULTIBOOT1);
	CHECK_STR(bi.cmdline, "init=/bin/sh loglevel=7"); /* path dropped */
	CHECK_STR(bi.loader, "qemu");
	CHECK_INT(bi.module_count, 1);
	CHECK_INT(bi.modules[0].start, 0x127000);
	CHECK_INT(bi.modules[0].end, 0x128000);
	CHECK_STR(bi.modules[0].string, "build/initramfs.cpio");
	CHECK_INT(bi.mmap_count, 3);
	CHECK_INT(bi.mmap[2].base, 0x100000);
	CHECK_INT(bi.mmap[2].length, 0x7ee0000);
	CHECK_INT(boot_usable_memory(&bi), 0x9fc00 + 0x7ee0000);
	CHECK(bi.vga_text);
	CHECK_INT(bi.rsdp_len, 0);
	CHECK_INT(bi.info_start, MB1_INFO);
}

static void
mb1_cmdline_with_only_the_path(void)
{
	struct mb1_info *info = mb1_build();
	strcpy(at(info->cmdline), "  /boot/sprout.elf  ");
	CHECK_INT(multiboot_parse(MB1_BOOT_MAGIC, MB1_INFO, offset(), &bi), 0);
	CHECK_STR(bi.cmdline, "");
}

static void
mb1_basic_meminfo_without_mmap(void)
{
	struct mb1_info *info = mb1_build();
	info->flags &= ~MB1_INFO_MMAP;
	CHECK_INT(multiboot_parse(MB1_BOOT_MAGIC, MB1_INFO, offset(), &bi), 0);
	CHECK_INT(bi.mmap_count, 2);
	CHECK_INT(bi.mmap[1].base, 0x100000);
	CHECK_INT(bi.mmap[1].length, 130048ull * 1024);
}

static void
mb1_short_mmap_entry_is_an_error(void)
{
	mb1_build();
	((struct mb1_mmap_entry *)at(MB1_MMAP))[1].size = 4;
	CHECK_INT(multiboot_parse(MB1_BOOT_MAGIC, MB1_INFO, offset(), &bi),
		  -EINVAL);
	CHECK(bi.error != NULL && strstr(bi.error, "memory-map") != NULL);
}

static void
mb1_module_ending_before_start(void)
{
	mb1_build();
	((struct mb1_module *)at(MB1_MODS))[0].end = 0x1000;
	CHECK_INT(multiboot_parse(MB1_BOOT_MAGIC, MB1_INFO, offset(), &bi),
		  -EINVAL);
}

static void
mb1_framebuffer_means_no_text_mode(void)
{
	struct mb1_info *info = mb1_build();
	info->flags |= MB1_INFO_FRAMEBUFFER;
	info->framebuffer_type = MB_FB_TYPE_RGB;
	info->framebuffer_addr = 0xfd000000;
	info->framebuffer_width = 1024;
	CHECK_INT(multiboot_parse(MB1_BOOT_MAGIC, MB1_INFO, offset(), &bi), 0);
	CHECK(!bi.vga_text);
	CHECK_INT(bi.fb.type, BOOT_FB_RGB);
	CHECK_INT(bi.fb.width, 1024);
}

/* GRUB's "multiboot" command on UEFI: an RGB framebuffer whose colour
 * layout sits in bytes 110-115 of the information, written here by
 * offset, as the specification gives them, not through the struct. */
static void
mb1_rgb_framebuffer_colour_layout(void)
{
	struct mb1_info *info = mb1_build();
	uint8_t *raw = at(MB1_INFO);
	static const uint8_t layout[6] = { 16, 8, 8, 8, 0, 8 };

	info->flags |= MB1_INFO_FRAMEBUFFER;
	info->framebuffer_type = MB_FB_TYPE_RGB;
	info->framebuffer_addr = 0x80000000;
	info->framebuffer_pitch = 4096;
	info->framebuffer_width = 1024;
	info->framebuffer_height = 768;
	info->framebuffer_bpp = 32;
	memcpy(raw + 110, layout, sizeof(layout));
	CHECK_INT(multiboot_parse(MB1_BOOT_MAGIC, MB1_INFO, offset(), &bi), 0);
	CHECK_INT(bi.fb.type, BOOT_FB_RGB);
	CHECK_INT(bi.fb.bpp, 32);
	CHECK_INT(bi.fb.red_pos, 16);
	CHECK_INT(bi.fb.red_size, 8);
	CHECK_INT(bi.fb.green_pos, 8);
	CHECK_INT(bi.fb.green_size, 8);
	CHECK_INT(bi.fb.blue_pos, 0);
	CHECK_INT(bi.fb.blue_size, 8);
	CHECK(!bi.vga_text);
}

static void
wrong_magic(void)
{
	mb1_build();
	CHECK_INT(multiboot_parse(0x12345678, MB1_INFO, offset(), &bi),
		  -EINVAL);
	CHECK(bi.error != NULL && strstr(bi.error, "magic") != NULL);
}

/* --- Multiboot2 ------------------------------------------------------- */

struct mb2_builder {
	uint32_t base; /* physical address of the information */
	uint32_t pos;  /* next tag's offset */
};

static void *
mb2_tag(struct mb2_builder *b, uint32_t type, uint32_t size)
{
	struct mb2_tag *t = at(b->base + b->pos);
	t->type = type;
	t->size = size;
	b->pos += (size + 7) & ~7u;
	return t;
}

static void
mb2_finish(struct mb2_builder *b)
{
	mb2_tag(b, MB2_TAG_END, 8);
	((struct mb2_info_head *)at(b->base))->total_size = b->pos;
}

static struct mb2_builder
mb2_build(uint32_t base)
{
	struct mb2_builder b = { base, sizeof(struct mb2_info_head) };
	const char *cmd = "init=/bin/sh";
	const char *loader = "GRUB 2.06";

	fresh_memory();
	struct mb2_tag_string *s =
		mb2_tag(&b, MB2_TAG_CMDLINE, 8 + strlen(cmd) + 1);
	strcpy(s->string, cmd);
	s = mb2_tag(&b, MB2_TAG_LOADER_NAME, 8 + strlen(loader) + 1);
	strcpy(s->string, loader);

	struct mb2_tag_module *m = mb2_tag(&b, MB2_TAG_MODULE, sizeof(*m) + 10);
	m->start = 0x200000;
	m->end = 0x200400;
	strcpy(m->string, "initramfs");

	struct mb2_tag_mmap *mm =
		mb2_tag(&b, MB2_TAG_MMAP, sizeof(*mm) + 2 * 24);
	mm->entry_size = 24;
	struct mb2_mmap_entry *e = (void *)(mm + 1);
	e[0] = (struct mb2_mmap_entry){ 0, 0x9fc00, BOOT_MEM_USABLE, 0 };
	e[1] = (struct mb2_mmap_entry){ 0x100000, 0x7ee0000, BOOT_MEM_USABLE,
					0 };

	struct mb2_tag_framebuffer *fb = mb2_tag(&b, MB2_TAG_FRAMEBUFFER, 32);
	fb->addr = 0xb8000;
	fb->width = 80;
	fb->height = 25;
	fb->bpp = 16;
	fb->pitch = 160;
	fb->type = MB_FB_TYPE_EGA_TEXT;

	struct mb2_tag_acpi *acpi = mb2_tag(&b, MB2_TAG_ACPI_NEW, 8 + 36);
	memcpy(acpi->rsdp, "RSD PTR NEW", 11);
	acpi = mb2_tag(&b, MB2_TAG_ACPI_OLD, 8 + 20);
	memcpy(acpi->rsdp, "RSD PTR OLD", 11);
	return b;
}

static void
mb2_complete(void)
{
	struct mb2_builder b = mb2_build(0x1000);
	mb2_finish(&b);
	CHECK_INT(multiboot_parse(MB2_BOOT_MAGIC, 0x1000, offset(), &bi), 0);
	CHECK_INT(bi.protocol, BOOT_MULTIBOOT2);
	CHECK_STR(bi.cmdline, "init=/bin/sh"); /* no path under Multiboot2 */
	CHECK_STR(bi.loader, "GRUB 2.06");
	CHECK_INT(bi.module_count, 1);
	CHECK_STR(bi.modules[0].string, "initramfs");
	CHECK_INT(bi.mmap_count, 2);
	CHECK_INT(boot_usable_memory(&bi), 0x9fc00 + 0x7ee0000);
	CHECK_INT(bi.fb.type, BOOT_FB_EGA_TEXT);
	CHECK(bi.vga_text);
	/* The ACPI 2.0 copy wins, even when the old one comes later. */
	CHECK_INT(bi.rsdp_len, 36);
	CHECK(memcmp(bi.rsdp, "RSD PTR NEW", 11) == 0);
	CHECK_INT(bi.info_end - bi.info_start, b.pos);
}

static void
mb2_rgb_framebuffer(void)
{
	struct mb2_builder b = { 0x1000, sizeof(struct mb2_info_head) };
	fresh_memory();
	struct mb2_tag_framebuffer *fb = mb2_tag(&b, MB2_TAG_FRAMEBUFFER, 38);
	fb->addr = 0xc0000000;
	fb->width = 800;
	fb->height = 600;
	fb->bpp = 24;
	fb->pitch = 2400;
	fb->type = MB_FB_TYPE_RGB;
	uint8_t layout[6] = { 16, 8, 8, 8, 0, 8 };
	memcpy(fb->color_info, layout, 6);
	mb2_finish(&b);
	CHECK_INT(multiboot_parse(MB2_BOOT_MAGIC, 0x1000, offset(), &bi), 0);
	CHECK_INT(bi.fb.type, BOOT_FB_RGB);
	CHECK_INT(bi.fb.bpp, 24);
	CHECK_INT(bi.fb.red_pos, 16);
	CHECK_INT(bi.fb.blue_size, 8);
	CHECK(!bi.vga_text);
}

static void
mb2_without_end_tag(void)
{
	/* Put the information at the very end of memory: reading one byte
	 * past the last tag would be a heap overflow. */
	uint32_t base = MEM_SIZE - 64;
	struct mb2_builder b = { base, sizeof(struct mb2_info_head) };
	fresh_memory();
	mb2_tag(&b, MB2_TAG_BASIC_MEMINFO, 16);
	mb2_tag(&b, 99, 40); /* an unknown tag filling the rest */
	((struct mb2_info_head *)at(base))->total_size = b.pos;
	CHECK_INT(b.pos, 64);
	CHECK_INT(multiboot_parse(MB2_BOOT_MAGIC, base, offset(), &bi),
		  -EINVAL);
	CHECK(bi.error != NULL && strstr(bi.error, "no end tag") != NULL);
}

static void
mb2_tag_running_past_the_end(void)
{
	struct mb2_builder b = mb2_build(0x1000);
	mb2_finish(&b);
	struct mb2_tag *first = at(0x1000 + sizeof(struct mb2_info_head));
	first->size = b.pos; /* reaches beyond total_size */
	CHECK_INT(multiboot_parse(MB2_BOOT_MAGIC, 0x1000, offset(), &bi),
		  -EINVAL);
}

static void
mb2_tag_too_small(void)
{
	struct mb2_builder b = mb2_build(0x1000);
	mb2_finish(&b);
	struct mb2_tag *first = at(0x1000 + sizeof(struct mb2_info_head));
	first->size = 4; /* would loop forever or misread */
	CHECK_INT(multiboot_parse(MB2_BOOT_MAGIC, 0x1000, offset(), &bi),
		  -EINVAL);
}

static void
mb2_bad_alignment_and_size(void)
{
	struct mb2_builder b = mb2_build(0x1000);
	mb2_finish(&b);
	CHECK_INT(multiboot_parse(MB2_BOOT_MAGIC, 0x1004, offset(), &bi),
		  -EINVAL);
	((struct mb2_info_head *)at(0x1000))->total_size = 4;
	CHECK_INT(multiboot_parse(MB2_BOOT_MAGIC, 0x1000, offset(), &bi),
		  -EINVAL);
	((struct mb2_info_head *)at(0x1000))->total_size = 0x7fffffff;
	CHECK_INT(multiboot_parse(MB2_BOOT_MAGIC, 0x1000, offset(), &bi),
		  -EINVAL);
}

static void
mb2_bad_mmap_entry_size(void)
{
	struct mb2_builder b = { 0x1000, sizeof(struct mb2_info_head) };
	fresh_memory();
	struct mb2_tag_mmap *mm = mb2_tag(&b, MB2_TAG_MMAP, sizeof(*mm) + 24);
	mm->entry_size = 8;
	mb2_finish(&b);
	CHECK_INT(multiboot_parse(MB2_BOOT_MAGIC, 0x1000, offset(), &bi),
		  -EINVAL);
}

static void
mb2_full_mmap_counts_dropped_entries(void)
{
	unsigned n = BOOT_MMAP_MAX + 5;
	struct mb2_builder b = { 0x1000, sizeof(struct mb2_info_head) };
	fresh_memory();
	struct mb2_tag_mmap *mm =
		mb2_tag(&b, MB2_TAG_MMAP, sizeof(*mm) + n * 24);
	mm->entry_size = 24;
	struct mb2_mmap_entry *e = (void *)(mm + 1);
	for (unsigned i = 0; i < n; i++)
		e[i] = (struct mb2_mmap_entry){ i * 0x1000ull, 0x1000, 1, 0 };
	mb2_finish(&b);
	CHECK_INT(multiboot_parse(MB2_BOOT_MAGIC, 0x1000, offset(), &bi), 0);
	CHECK_INT(bi.mmap_count, BOOT_MMAP_MAX);
	CHECK_INT(bi.dropped, 5);
}

static void
mb2_unterminated_string_is_bounded(void)
{
	struct mb2_builder b = { 0x1000, sizeof(struct mb2_info_head) };
	fresh_memory();
	struct mb2_tag_string *s = mb2_tag(&b, MB2_TAG_CMDLINE, 8 + 5);
	memcpy(s->string, "abcdeXXXX", 9); /* no NUL inside the tag */
	mb2_finish(&b);
	CHECK_INT(multiboot_parse(MB2_BOOT_MAGIC, 0x1000, offset(), &bi), 0);
	CHECK_STR(bi.cmdline, "abcde");
}

int
main(void)
{
	unit_suite = "multiboot";
	UNIT_RUN(mb1_complete);
	UNIT_RUN(mb1_cmdline_with_only_the_path);
	UNIT_RUN(mb1_basic_meminfo_without_mmap);
	UNIT_RUN(mb1_short_mmap_entry_is_an_error);
	UNIT_RUN(mb1_module_ending_before_start);
	UNIT_RUN(mb1_framebuffer_means_no_text_mode);
	UNIT_RUN(mb1_rgb_framebuffer_colour_layout);
	UNIT_RUN(wrong_magic);
	UNIT_RUN(mb2_complete);
	UNIT_RUN(mb2_rgb_framebuffer);
	UNIT_RUN(mb2_without_end_tag);
	UNIT_RUN(mb2_tag_running_past_the_end);
	UNIT_RUN(mb2_tag_too_small);
	UNIT_RUN(mb2_bad_alignment_and_size);
	UNIT_RUN(mb2_bad_mmap_entry_size);
	UNIT_RUN(mb2_full_mmap_counts_dropped_entries);
	UNIT_RUN(mb2_unterminated_string_is_bounded);
	free(mem);
	return unit_failures;
}
