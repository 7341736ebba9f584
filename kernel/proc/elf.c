/*
 * The ELF64 checker behind elf_parse() (see kernel/proc/elf.h).
 *
 * An executable starts with the ELF header; the program header table,
 * wherever e_phoff says, tells the loader what to do. The fields used:
 *
 *   ELF header (64 bytes)
 *   offset size field        checked
 *        0    4 magic        "\x7f" "ELF"
 *        4    1 EI_CLASS     2, ELFCLASS64
 *        5    1 EI_DATA      1, ELFDATA2LSB (little-endian)
 *        6    1 EI_VERSION   1, EV_CURRENT
 *        7    9 OS ABI, ABI version, padding   (ignored, as Linux does)
 *       16    2 e_type       2 ET_EXEC or 3 ET_DYN
 *       18    2 e_machine    62, EM_X86_64
 *       20    4 e_version    1, EV_CURRENT
 *       24    8 e_entry      inside an executable segment
 *       32    8 e_phoff      the table inside the file
 *       40    8 e_shoff      (sections: not needed to run a program)
 *       48    4 e_flags      (none defined for x86-64)
 *       52    2 e_ehsize     64
 *       54    2 e_phentsize  56
 *       56    2 e_phnum      1 .. 73 (the table fits in a page)
 *       58    6 e_shentsize, e_shnum, e_shstrndx   (ignored)
 *
 *   Program header (56 bytes each)
 *        0    4 p_type       PT_LOAD, PT_INTERP, PT_PHDR, PT_GNU_STACK
 *        4    4 p_flags      PF_X 1, PF_W 2, PF_R 4
 *        8    8 p_offset     \  the segment's bytes in the file
 *       16    8 p_vaddr       | where they go in memory
 *       24    8 p_paddr       | (ignored)
 *       32    8 p_filesz      | bytes taken from the file
 *       40    8 p_memsz       | bytes in memory; the rest zeroed
 *       48    8 p_align      /  0 or 1 (none), or a power of two
 *
 * Linux's loader (fs/binfmt_elf.c) is the model: where the ELF
 * specification leaves a choice, or says nothing, this file does what
 * Linux does, and says so. It is stricter than Linux in places, always to
 * refuse a file Linux would run wrongly or not at all.
 *
 * Fields are read a byte at a time, little-endian, so the file may sit at
 * any address (no unaligned loads), and every offset and size is checked
 * against what contains it, in arithmetic that cannot wrap around.
 */
#include "kernel/proc/elf.h"
#include "kernel/lib/errno.h"

#define STRINGIFY_(x) #x
#define STRINGIFY(x)  STRINGIFY_(x)

#define PAGE_BYTES 4096ull

/* e_ident */
#define EI_CLASS    4
#define EI_DATA	    5
#define EI_VERSION  6
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define EV_CURRENT  1

/* The ELF header's fields, by offset. */
#define EH_TYPE	     16
#define EH_MACHINE   18
#define EH_VERSION   20
#define EH_ENTRY     24
#define EH_PHOFF     32
#define EH_EHSIZE    52
#define EH_PHENTSIZE 54
#define EH_PHNUM     56
#define EH_SIZE	     64

#define ET_EXEC	  2
#define ET_DYN	  3
#define EM_X86_64 62

/* A program header's fields, by offset. */
#define PH_TYPE	  0
#define PH_FLAGS  4
#define PH_OFFSET 8
#define PH_VADDR  16
#define PH_FILESZ 32
#define PH_MEMSZ  40
#define PH_ALIGN  48
#define PH_SIZE	  56

/*
 * Linux reads the whole table into one buffer and refuses one larger than
 * a page (ELF_MIN_ALIGN): at most 73 entries. We keep its limit.
 */
#define PH_TABLE_MAX PAGE_BYTES

#define PT_LOAD	     1
#define PT_INTERP    3
#define PT_PHDR	     6
#define PT_GNU_STACK 0x6474e551

#define PF_X 1
#define PF_W 2
#define PF_R 4

struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz, align;
};

struct parse {
	const uint8_t *file;
	size_t size;
	uint64_t base, min_addr, user_end;
	struct elf_image *img;
	const char **why;
};

static uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t
le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static int
refuse(const char **why, int err, const char *reason)
{
	if (why)
		*why = reason;
	return err;
}

static void
read_phdr(const uint8_t *p, struct phdr *ph)
{
	ph->type = le32(p + PH_TYPE);
	ph->flags = le32(p + PH_FLAGS);
	ph->offset = le64(p + PH_OFFSET);
	ph->vaddr = le64(p + PH_VADDR);
	ph->filesz = le64(p + PH_FILESZ);
	ph->memsz = le64(p + PH_MEMSZ);
	ph->align = le64(p + PH_ALIGN);
}

static unsigned
prot_from_flags(uint32_t flags)
{
	return (flags & PF_R ? ELF_PROT_READ : 0) |
	       (flags & PF_W ? ELF_PROT_WRITE : 0) |
	       (flags & PF_X ? ELF_PROT_EXEC : 0);
}

/* Does [start, start + len) lie inside [lo, lo + n)? No sum can wrap. */
static bool
range_inside(uint64_t start, uint64_t len, uint64_t lo, uint64_t n)
{
	return start >= lo && start - lo <= n && len <= n - (start - lo);
}

/*
 * Check one PT_LOAD and append it to the image. The segments arrive in
 * table order, which the ELF specification says is ascending p_vaddr.
 */
static int
add_load(struct parse *ps, const struct phdr *ph)
{
	struct elf_image *img = ps->img;
	uint64_t start, end;

	/* Linux maps nothing for an empty segment; neither do we. */
	if (ph->memsz == 0)
		return 0;

	if (ph->filesz > ph->memsz)
		return refuse(
			ps->why, -ENOEXEC,
			"a PT_LOAD's p_filesz is larger than its p_memsz");
	if (!range_inside(ph->offset, ph->filesz, 0, ps->size))
		return refuse(
			ps->why, -ENOEXEC,
			"a PT_LOAD's file bytes (p_offset + p_filesz) run "
			"past the end of the file");
	if (ph->align > 1 && (ph->align & (ph->align - 1)) != 0)
		return refuse(ps->why, -ENOEXEC,
			      "a PT_LOAD's p_align is not a power of two");
	/*
	 * The specification asks p_vaddr == p_offset modulo p_align. Linux
	 * needs it modulo the page size whatever p_align says, since it maps
	 * the file's pages where they go (mmap's offset must be
	 * page-aligned); so do we, to be free to map them too.
	 */
	uint64_t modulus = ph->align > PAGE_BYTES ? ph->align : PAGE_BYTES;
	if (ph->vaddr % modulus != ph->offset % modulus)
		return refuse(ps->why, -ENOEXEC,
			      "a PT_LOAD's p_vaddr and p_offset differ modulo "
			      "its alignment (p_align, or at least the page "
			      "size)");

	/* Base first, then size, then the page round-up: each may wrap. */
	if (ph->vaddr > UINT64_MAX - ps->base ||
	    ph->memsz > UINT64_MAX - (ps->base + ph->vaddr) ||
	    ps->base + ph->vaddr + ph->memsz > UINT64_MAX - (PAGE_BYTES - 1))
		return refuse(ps->why, -ENOEXEC,
			      "a PT_LOAD's address range (p_vaddr + p_memsz) "
			      "wraps around");
	start = ps->base + ph->vaddr;
	end = start + ph->memsz;
	if (ALIGN_DOWN(start, PAGE_BYTES) < ps->min_addr)
		return refuse(ps->why, -ENOEXEC,
			      "a PT_LOAD starts below the lowest address a "
			      "program may use");
	if (ALIGN_UP(end, PAGE_BYTES) > ps->user_end)
		return refuse(ps->why, -ENOEXEC,
			      "a PT_LOAD reaches past the end of the user "
			      "address space");

	if (img->nsegs > 0) {
		const struct elf_segment *prev = &img->segs[img->nsegs - 1];
		if (start < prev->vaddr)
			return refuse(ps->why, -ENOEXEC,
				      "the PT_LOAD segments are not sorted by "
				      "p_vaddr, as the ELF specification "
				      "requires");
		/* Pages get one protection: two segments may not share one. */
		if (ALIGN_DOWN(start, PAGE_BYTES) <
		    ALIGN_UP(prev->vaddr + prev->memsz, PAGE_BYTES))
			return refuse(ps->why, -ENOEXEC,
				      "two PT_LOAD segments overlap (in the "
				      "same page, at least)");
	}
	if (img->nsegs == ELF_SEGMENTS_MAX)
		return refuse(ps->why, -ENOEXEC,
			      "too many PT_LOAD segments (at most " STRINGIFY(
				      ELF_SEGMENTS_MAX) ")");

	img->segs[img->nsegs++] = (struct elf_segment){
		.vaddr = start,
		.memsz = ph->memsz,
		.filesz = ph->filesz,
		.offset = ph->offset,
		.prot = prot_from_flags(ph->flags),
	};
	return 0;
}

/*
 * Where the program headers are in memory, for AT_PHDR. The C library
 * reads them there (musl finds its TLS segment that way), so the whole
 * table must be in the file bytes of a loaded segment.
 *
 * PT_PHDR is believed first, when the linker wrote one: it is the file's
 * own statement of where the table is, and we check that it holds. Today's
 * Linux (since 5.18) ignores PT_PHDR and always takes the segment holding
 * e_phoff, which we fall back on; for files linkers write, both agree.
 */
static int
find_phdrs(struct parse *ps, bool have_pt_phdr, uint64_t pt_phdr_vaddr,
	   uint64_t phoff, uint64_t table)
{
	struct elf_image *img = ps->img;

	if (have_pt_phdr) {
		if (pt_phdr_vaddr > UINT64_MAX - ps->base)
			return refuse(ps->why, -ENOEXEC,
				      "PT_PHDR's address wraps around");
		uint64_t vaddr = ps->base + pt_phdr_vaddr;
		for (size_t i = 0; i < img->nsegs; i++) {
			const struct elf_segment *s = &img->segs[i];
			if (range_inside(vaddr, table, s->vaddr, s->filesz)) {
				img->phdr_vaddr = vaddr;
				return 0;
			}
		}
		return refuse(ps->why, -ENOEXEC,
			      "PT_PHDR does not lie in the file bytes of a "
			      "PT_LOAD segment");
	}
	for (size_t i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->segs[i];
		if (range_inside(phoff, table, s->offset, s->filesz)) {
			img->phdr_vaddr = s->vaddr + (phoff - s->offset);
			return 0;
		}
	}
	return refuse(ps->why, -ENOEXEC,
		      "no PT_PHDR, and no PT_LOAD segment holds the program "
		      "headers: nowhere for AT_PHDR to point");
}

int
elf_parse(const void *file, size_t size, uint64_t pie_base, uint64_t min_addr,
	  uint64_t user_end, struct elf_image *img, const char **why)
{
	const uint8_t *f = file;
	struct parse ps = { f, size, 0, min_addr, user_end, img, why };

	*img = (struct elf_image){ 0 };
	if (why)
		*why = NULL;
	if (pie_base % PAGE_BYTES != 0)
		return refuse(why, -EINVAL,
			      "the base address for a PIE is not page-aligned");
	if (min_addr > user_end)
		return refuse(why, -EINVAL,
			      "the lowest allowed address is above the end of "
			      "the user address space");

	/* The ELF header. */
	if (size < EH_SIZE)
		return refuse(why, -ENOEXEC,
			      "the file is shorter than an ELF header");
	if (f[0] != 0x7f || f[1] != 'E' || f[2] != 'L' || f[3] != 'F')
		return refuse(why, -ENOEXEC,
			      "not an ELF file (no \\177ELF magic number)");
	if (f[EI_CLASS] != ELFCLASS64)
		return refuse(why, -ENOEXEC,
			      "not a 64-bit ELF file (EI_CLASS is not "
			      "ELFCLASS64)");
	if (f[EI_DATA] != ELFDATA2LSB)
		return refuse(why, -ENOEXEC,
			      "not a little-endian ELF file (EI_DATA is not "
			      "ELFDATA2LSB)");
	if (f[EI_VERSION] != EV_CURRENT)
		return refuse(why, -ENOEXEC,
			      "unknown ELF version (EI_VERSION is not "
			      "EV_CURRENT)");
	uint16_t type = le16(f + EH_TYPE);
	if (type != ET_EXEC && type != ET_DYN)
		return refuse(
			why, -ENOEXEC,
			"not an executable (e_type is neither ET_EXEC nor "
			"ET_DYN)");
	if (le16(f + EH_MACHINE) != EM_X86_64)
		return refuse(why, -ENOEXEC,
			      "not an x86-64 program (e_machine is not "
			      "EM_X86_64)");
	if (le32(f + EH_VERSION) != EV_CURRENT)
		return refuse(why, -ENOEXEC,
			      "unknown ELF version (e_version is not "
			      "EV_CURRENT)");
	if (le16(f + EH_EHSIZE) != EH_SIZE)
		return refuse(
			why, -ENOEXEC,
			"e_ehsize is not 64, the size of an ELF64 header");
	if (le16(f + EH_PHENTSIZE) != PH_SIZE)
		return refuse(why, -ENOEXEC,
			      "e_phentsize is not 56, the size of an ELF64 "
			      "program header");

	/* The program header table. */
	uint16_t phnum = le16(f + EH_PHNUM);
	uint64_t phoff = le64(f + EH_PHOFF);
	uint64_t table = (uint64_t)phnum * PH_SIZE;
	if (phnum == 0)
		return refuse(why, -ENOEXEC,
			      "no program headers (e_phnum is 0)");
	if (table > PH_TABLE_MAX)
		return refuse(why, -ENOEXEC,
			      "too many program headers: the table is larger "
			      "than a page (Linux's limit)");
	if (!range_inside(phoff, table, 0, size))
		return refuse(why, -ENOEXEC,
			      "the program header table (e_phoff + e_phnum * "
			      "56) runs past the end of the file");
	const uint8_t *ph_table = f + phoff;

	/* An interpreter first: whatever else is wrong, that says most. */
	for (uint16_t i = 0; i < phnum; i++)
		if (le32(ph_table + i * PH_SIZE + PH_TYPE) == PT_INTERP)
			return refuse(why, -ENOEXEC,
				      "dynamically linked (needs an "
				      "interpreter); Sprout runs static "
				      "programs");

	if (type == ET_DYN)
		ps.base = pie_base;
	img->base = ps.base;

	bool have_pt_phdr = false;
	uint64_t pt_phdr_vaddr = 0;
	for (uint16_t i = 0; i < phnum; i++) {
		struct phdr ph;
		int err;

		read_phdr(ph_table + i * PH_SIZE, &ph);
		switch (ph.type) {
		case PT_LOAD:
			err = add_load(&ps, &ph);
			if (err)
				return err;
			break;
		case PT_PHDR:
			have_pt_phdr = true;
			pt_phdr_vaddr = ph.vaddr;
			break;
		case PT_GNU_STACK:
			/* Without one, x86-64 Linux (since 5.8) gives a
			 * non-executable stack: so do we. */
			img->stack_exec = (ph.flags & PF_X) != 0;
			break;
		default: /* PT_TLS, PT_NOTE, PT_GNU_RELRO...: the program's
			    own business, or hints we do without */
			break;
		}
	}
	if (img->nsegs == 0)
		return refuse(why, -ENOEXEC,
			      "no PT_LOAD segment: nothing to load");

	/* The entry point. */
	uint64_t entry = le64(f + EH_ENTRY);
	bool entry_ok = false;
	if (entry <= UINT64_MAX - ps.base) {
		entry += ps.base;
		for (size_t i = 0; i < img->nsegs; i++) {
			const struct elf_segment *s = &img->segs[i];
			if ((s->prot & ELF_PROT_EXEC) &&
			    range_inside(entry, 1, s->vaddr, s->memsz))
				entry_ok = true;
		}
	}
	if (!entry_ok)
		return refuse(why, -ENOEXEC,
			      "the entry point is not inside an executable "
			      "segment");
	img->entry = entry;

	int err = find_phdrs(&ps, have_pt_phdr, pt_phdr_vaddr, phoff, table);
	if (err)
		return err;
	img->phnum = phnum;
	img->phentsize = PH_SIZE;

	/* Sorted, not overlapping: the last segment ends highest. */
	const struct elf_segment *last = &img->segs[img->nsegs - 1];
	img->brk_start = ALIGN_UP(last->vaddr + last->memsz, PAGE_BYTES);
	return 0;
}
