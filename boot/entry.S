/*
 * The kernel's first instructions: from the boot loader's 32-bit protected
 * mode to 64-bit C at kmain().
 *
 *   void _start(void);   entered by a Multiboot1 or Multiboot2 loader
 *   Entry state:  32-bit protected mode, paging off, interrupts off,
 *                 EAX = boot magic, EBX = physical address of boot info,
 *                 ESP undefined, flat 4 GiB segments.
 *   Exit:         kmain(magic, info_phys) in long mode, in the higher half,
 *                 on boot_stack, with early page tables:
 *
 *   boot_pml4                 boot_pdpt_low          boot_pd (4 pages)
 *   +-----+                   +-----+                +------------------+
 *   |   0 |-----------------> |   0 |--------------> | 2 MiB pages that |
 *   | ... |        +--------> |   1 |--------------> | map physical     |
 *   | 256 |--------+          |   2 |--------------> | 0 .. 4 GiB       |
 *   | ... |                   |   3 |--------------> | (2048 entries)   |
 *   | 511 |---+               +-----+                +------------------+
 *   +-----+   |   boot_pdpt_high                       ^
 *             |   +-----+                              |
 *             +-> | 510 |------------------------------+ (first 1 GiB)
 *                 +-----+
 *
 *   PML4[0]   identity map, 0 .. 4 GiB: lets this code keep running the
 *             moment paging turns on (the next instruction's address is
 *             still physical). The memory manager removes it later.
 *   PML4[256] the direct map: phys P at 0xffff800000000000 + P.
 *   PML4[511] the kernel image: 0xffffffff80000000 + P, for P < 1 GiB.
 *
 * The whole of this file's .boot.text runs at its physical address (it is
 * linked at 1 MiB), so it may name higher-half symbols only through PHYS().
 */
#include "boot/multiboot.h"
#include "kernel/cpu/segments.h"
#include "kernel/cpu/x86_defs.h"
#include "mm/memlayout.h"

#define PHYS(sym) ((sym) - KERNEL_VMA)

/* Page-table entry bits used here (mm/ has the full list). */
#define PTE_PRESENT (1 << 0)
#define PTE_WRITABLE (1 << 1)
#define PTE_LARGE (1 << 7) /* in a page directory: a 2 MiB page */
#define PD_ENTRIES_4GIB 2048

#define COM1 0x3f8
#define VGA_TEXT 0xb8000
#define VGA_WHITE_ON_RED 0x4f00

	.section .boot.text, "ax"
	.code32
	.globl _start
_start:
	cli
	cld

	/* 1. Keep the loader's magic and info pointer for kmain. */
	mov %eax, PHYS(boot_magic)
	mov %ebx, PHYS(boot_info_phys)
	mov $PHYS(boot_stack_top), %esp

	/* 2. Is there CPUID at all? Only if EFLAGS.ID can be toggled. */
	pushfl
	pop %eax
	mov %eax, %ecx
	xor $RFLAGS_ID, %eax
	push %eax
	popfl
	pushfl
	pop %eax
	push %ecx
	popfl
	cmp %eax, %ecx
	je no_long_mode

	/* 3. Is there long mode? Extended leaf 0x80000001, EDX bit 29. */
	mov $CPUID_EXT_MAX, %eax
	cpuid
	cmp $CPUID_EXT_FEATURES, %eax
	jb no_long_mode
	mov $CPUID_EXT_FEATURES, %eax
	cpuid
	test $CPUID_EXT_EDX_LM, %edx
	jz no_long_mode
	mov %edx, %ebp			/* keep the feature bits: NX below */

	/* 4. Build the early page tables drawn above. The loader zeroed .bss,
	 *    but we do not rely on it for something this important. */
	mov $PHYS(boot_page_tables), %edi
	mov $(boot_page_tables_end - boot_page_tables) / 4, %ecx
	xor %eax, %eax
	rep stosl

	mov $PHYS(boot_pdpt_low) + PTE_PRESENT + PTE_WRITABLE, %eax
	mov %eax, PHYS(boot_pml4) + 0 * 8
	mov %eax, PHYS(boot_pml4) + 256 * 8
	mov $PHYS(boot_pdpt_high) + PTE_PRESENT + PTE_WRITABLE, %eax
	mov %eax, PHYS(boot_pml4) + 511 * 8

	/* boot_pdpt_low[0..3] -> the four page directories */
	mov $PHYS(boot_pd) + PTE_PRESENT + PTE_WRITABLE, %eax
	mov %eax, PHYS(boot_pdpt_low) + 0 * 8
	add $PAGE_SIZE, %eax
	mov %eax, PHYS(boot_pdpt_low) + 1 * 8
	add $PAGE_SIZE, %eax
	mov %eax, PHYS(boot_pdpt_low) + 2 * 8
	add $PAGE_SIZE, %eax
	mov %eax, PHYS(boot_pdpt_low) + 3 * 8

	/* boot_pdpt_high[510] -> the first page directory (0 .. 1 GiB) */
	mov $PHYS(boot_pd) + PTE_PRESENT + PTE_WRITABLE, %eax
	mov %eax, PHYS(boot_pdpt_high) + 510 * 8

	/* boot_pd[i] = i * 2 MiB, a large page, for i in 0 .. 2047 */
	mov $PHYS(boot_pd), %edi
	mov $PTE_PRESENT + PTE_WRITABLE + PTE_LARGE, %eax
	mov $PD_ENTRIES_4GIB, %ecx
1:	mov %eax, (%edi)
	add $LARGE_PAGE_SIZE, %eax
	add $8, %edi
	loop 1b

	/* 5. CR4: physical-address extension, which long mode requires.
	 *    Written whole, not OR-ed: firmware leaves different bits set. */
	mov $CR4_PAE, %eax
	mov %eax, %cr4

	/* 6. CR3: the top-level table. */
	mov $PHYS(boot_pml4), %eax
	mov %eax, %cr3

	/* 7. EFER: long mode, and no-execute pages when the CPU has them. */
	mov $EFER_LME, %eax
	test $CPUID_EXT_EDX_NX, %ebp
	jz 2f
	or $EFER_NXE, %eax
2:	xor %edx, %edx
	mov $MSR_EFER, %ecx
	wrmsr

	/* 8. CR0: paging on. With LME set this activates long mode (in
	 *    32-bit compatibility mode until CS is a 64-bit segment). */
	mov $CR0_PE + CR0_MP + CR0_ET + CR0_NE + CR0_WP + CR0_PG, %eax
	mov %eax, %cr0

	/* 9. A GDT with a 64-bit code segment, and a far jump into it. */
	lgdt boot_gdt_pointer
	ljmp $KERNEL_CS, $long_mode_entry

	.code64
long_mode_entry:
	/* 10. Data segments: in long mode their bases are ignored, but they
	 *     must hold valid selectors. */
	mov $KERNEL_DS, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %eax, %eax
	mov %ax, %fs
	mov %ax, %gs

	/* 11. Jump from the identity map to the higher half. */
	movabs $higher_half_entry, %rax
	jmp *%rax

	/*
	 * No long mode: tell the user on the serial port and the screen, then
	 * halt. (Returning to the loader is not possible; rebooting would
	 * loop.) Still 32-bit code, no stack needed.
	 */
	.code32
no_long_mode:
	/* COM1: 115200 baud, 8 data bits, no parity, 1 stop bit. */
	mov $COM1 + 1, %dx		/* interrupt enable: none */
	xor %al, %al
	out %al, %dx
	mov $COM1 + 3, %dx		/* line control: divisor latch on */
	mov $0x80, %al
	out %al, %dx
	mov $COM1 + 0, %dx		/* divisor low: 1 (115200 baud) */
	mov $1, %al
	out %al, %dx
	mov $COM1 + 1, %dx		/* divisor high */
	xor %al, %al
	out %al, %dx
	mov $COM1 + 3, %dx		/* line control: 8N1, latch off */
	mov $0x03, %al
	out %al, %dx

	mov $no_long_mode_message, %esi
	mov $VGA_TEXT, %edi
3:	lodsb
	test %al, %al
	jz 5f
	mov %al, %bl
	mov $COM1 + 5, %dx		/* line status: wait for room */
4:	in %dx, %al
	test $0x20, %al
	jz 4b
	mov $COM1, %dx
	mov %bl, %al
	out %al, %dx
	cmp $'\n', %al			/* the screen shows one line only */
	je 3b
	movzbw %bl, %ax
	or $VGA_WHITE_ON_RED, %ax
	mov %ax, (%edi)
	add $2, %edi
	jmp 3b
5:	cli
	hlt
	jmp 5b

	.section .boot.rodata, "a"
no_long_mode_message:
	.asciz "\nSprout: this CPU has no 64-bit long mode; Sprout needs an x86-64 CPU. Halted.\n"

	/* The boot GDT: null, kernel code (64-bit), kernel data. The same
	 * selectors as the real GDT (kernel/cpu/gdt.c), which replaces it. */
	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* code: present, ring 0, exec/read, L=1 */
	.quad 0x00cf92000000ffff	/* data: present, ring 0, read/write */
boot_gdt_end:
boot_gdt_pointer:
	.short boot_gdt_end - boot_gdt - 1
	.long boot_gdt

	/*
	 * The first 64-bit code in the higher half: set the stack and call C.
	 */
	.section .text
	.code64
	.globl higher_half_entry
	.type higher_half_entry, @function
higher_half_entry:
	mov $boot_stack_top, %rsp
	/* An empty frame (saved rbp 0, return address 0) ends the chain for
	 * our backtraces and for GDB alike; two pushes keep the 16-byte
	 * stack alignment the C ABI wants at the call. */
	pushq $0
	pushq $0
	mov %rsp, %rbp
	mov boot_magic(%rip), %edi	/* arg 1: magic (zero-extended) */
	mov boot_info_phys(%rip), %esi	/* arg 2: info physical address */
	call kmain
6:	cli				/* kmain does not return */
	hlt
	jmp 6b

	.section .bss
	.balign PAGE_SIZE
boot_page_tables:
boot_pml4:
	.skip PAGE_SIZE
boot_pdpt_low:
	.skip PAGE_SIZE
boot_pdpt_high:
	.skip PAGE_SIZE
boot_pd:
	.skip 4 * PAGE_SIZE
boot_page_tables_end:

	.balign 16
	.globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
	.skip 16384
boot_stack_top:

	.balign 4
boot_magic:
	.long 0
boot_info_phys:
	.long 0

	.globl boot_pml4
	.section .note.GNU-stack, "", @progbits
