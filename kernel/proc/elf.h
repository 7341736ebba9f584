/*
 * Checking an ELF64 executable before Sprout loads it.
 *
 * elf_parse() reads an x86-64 program file that is already in memory,
 * checks every field the loader will rely on, and describes what to map
 * where: the loadable segments, the entry point and what the auxiliary
 * vector needs. It maps nothing and allocates nothing, and it uses no
 * other kernel code, so the host unit tests and the fuzzer compile it as
 * it is.
 *
 * Sprout runs static programs: ET_EXEC, linked at a fixed address, and
 * static PIE (ET_DYN without an interpreter), which the caller places at
 * a base address of its choice. A program that asks for an interpreter
 * (PT_INTERP, the dynamic linker) is refused.
 */
#ifndef KERNEL_PROC_ELF_H
#define KERNEL_PROC_ELF_H

#include "kernel/lib/types.h"

#define ELF_SEGMENTS_MAX 16 /* PT_LOAD entries we accept; musl uses 4 */

/* Segment protections: Linux's PROT_* values (as mm/address_space.h). */
#define ELF_PROT_READ  1
#define ELF_PROT_WRITE 2
#define ELF_PROT_EXEC  4

/*
 * One PT_LOAD segment: file bytes [offset, offset + filesz) go to
 * [vaddr, vaddr + filesz); the rest, up to vaddr + memsz, is zeroed (the
 * .bss). vaddr need not be page-aligned, but vaddr and offset are equal
 * modulo the page size, so the file's pages can be mapped as they are.
 */
struct elf_segment {
	uint64_t vaddr; /* where it goes; the base already added for ET_DYN */
	uint64_t memsz, filesz;
	uint64_t offset; /* where its bytes are in the file */
	unsigned prot;	 /* ELF_PROT_* */
};

struct elf_image {
	uint64_t entry;		   /* the first instruction; base added */
	uint64_t phdr_vaddr;	   /* the program headers in memory, for
				      AT_PHDR; base added */
	uint16_t phnum, phentsize; /* for AT_PHNUM and AT_PHENT */
	uint64_t base;		   /* the load base: 0 for ET_EXEC */
	uint64_t brk_start; /* the page after the highest segment: the heap */
	bool stack_exec;    /* PT_GNU_STACK asked for an executable stack */
	struct elf_segment segs[ELF_SEGMENTS_MAX]; /* sorted by vaddr */
	size_t nsegs;
};

/*
 * Check and describe the ELF file @file[0..@size).
 *
 * @pie_base is where an ET_DYN program goes: it is added to every address
 * in the file, and must be page-aligned. It is ignored for ET_EXEC.
 * Every segment, after the base is added, must lie in [@min_addr,
 * @user_end): @user_end is the first address past the user half
 * (0x0000800000000000), @min_addr the lowest address a program may use
 * (say 0x10000, to keep page 0 and its neighbours unmapped).
 *
 * Nothing in the file is trusted: it is never read outside @file[0..@size)
 * and needs no particular alignment in memory.
 *
 * Returns 0 with *@img filled in; -ENOEXEC when the file is not a program
 * Sprout can run; or -EINVAL when the caller's own arguments are wrong
 * (a base that is not page-aligned, @min_addr above @user_end). Either
 * way *@why (a static string) says exactly what is wrong, and *@img is
 * left half filled in, not to be used; *@why is NULL on success. @why may
 * be NULL.
 */
int elf_parse(const void *file, size_t size, uint64_t pie_base,
	      uint64_t min_addr, uint64_t user_end, struct elf_image *img,
	      const char **why);

#endif /* KERNEL_PROC_ELF_H */
