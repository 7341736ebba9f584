/*
 * libFuzzer target for the ELF64 checker (kernel/proc/elf.c).
 *
 * Each input is parsed as a static PIE would be, at a fixed base; when
 * the file is accepted, everything elf_parse() promised is checked again
 * here, and every file range it describes is read byte by byte, so a
 * range outside the input is an AddressSanitizer error. Then the input is
 * parsed once more at a base near the top of the user half, where the
 * bound checks matter. Built by tests/fuzz/run.sh.
 */
#include "kernel/lib/errno.h"
#include "kernel/proc/elf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MIN_ADDR 0x10000ull
#define USER_END 0x0000800000000000ull
#define PAGE	 0x1000ull

static volatile uint8_t sink;

static void
check_image(const uint8_t *data, size_t size, const struct elf_image *img)
{
	bool entry_ok = false;
	uint64_t prev_end = 0;
	uint8_t acc = 0;

	if (img->nsegs == 0 || img->nsegs > ELF_SEGMENTS_MAX)
		__builtin_trap();
	for (size_t i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->segs[i];
		if (s->filesz > s->memsz || s->offset > size ||
		    s->filesz > size - s->offset)
			__builtin_trap();
		if (ALIGN_DOWN(s->vaddr, PAGE) < MIN_ADDR ||
		    s->memsz > USER_END - s->vaddr ||
		    ALIGN_UP(s->vaddr + s->memsz, PAGE) > USER_END)
			__builtin_trap();
		if (ALIGN_DOWN(s->vaddr, PAGE) < prev_end)
			__builtin_trap();
		if ((s->vaddr - s->offset) % PAGE != img->base % PAGE)
			__builtin_trap();
		prev_end = ALIGN_UP(s->vaddr + s->memsz, PAGE);
		if ((s->prot & ELF_PROT_EXEC) && img->entry >= s->vaddr &&
		    img->entry - s->vaddr < s->memsz)
			entry_ok = true;
		for (uint64_t j = 0; j < s->filesz; j++)
			acc ^= data[s->offset + j];
	}
	sink = acc;
	if (!entry_ok || img->brk_start != prev_end || img->phentsize != 56 ||
	    img->phnum == 0)
		__builtin_trap();
}

static void
parse_at(const uint8_t *data, size_t size, uint64_t base)
{
	struct elf_image img;
	const char *why = "unset";

	int r = elf_parse(data, size, base, MIN_ADDR, USER_END, &img, &why);
	if (r == 0) {
		if (why != NULL)
			__builtin_trap();
		check_image(data, size, &img);
	} else if (r != -ENOEXEC || why == NULL) {
		__builtin_trap();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse_at(data, size, 0x555555554000ull);
	parse_at(data, size, USER_END - 0x100000);
	return 0;
}
