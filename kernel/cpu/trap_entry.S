/*
 * Trap entry: one small stub per vector, all ending in trap_entry_common,
 * which saves the registers as a struct trap_frame (kernel/cpu/trap.h),
 * calls
 *
 *     void trap_dispatch(struct trap_frame *tf);
 *
 * and then restores whatever the frame holds when it returns (so a handler
 * can change the interrupted registers, as signal delivery will).
 *
 * Register contract: every general-purpose register is preserved for the
 * interrupted code unless a handler edits the frame. Entered with
 * interrupts off (all IDT entries are interrupt gates).
 */
#include "kernel/cpu/segments.h"
#include "kernel/cpu/trap.h"

/*
 * The CPU pushes an error code for these vectors only: 8 (double fault),
 * 10-14 (TSS, segment, stack, protection, page fault), 17 (alignment),
 * 21 (control protection), 29 (VMM communication), 30 (security).
 * Every other stub pushes a 0 in its place so the frame is always the same.
 */
.macro TRAP_STUB vector
trap_stub_\vector:
	.if ((\vector == 8) || ((\vector >= 10) && (\vector <= 14)) || (\vector == 17) || (\vector == 21) || (\vector == 29) || (\vector == 30)) == 0
	pushq $0			/* error_code (none from the CPU) */
	.endif
	pushq $\vector			/* vector */
	jmp trap_entry_common
.endm

/* One entry of trap_stub_table: the address of a stub. */
.macro TRAP_STUB_ADDRESS vector
	.quad trap_stub_\vector
.endm

	/* .altmacro makes "%vector" below pass the counter's value, not its
	 * name, so each stub gets its own number. */
	.altmacro

	.text
	/* Stubs for all 256 vectors: the 32 exceptions, the two IRQ ranges
	 * and the local APIC's vectors (trap.h). trap_init() puts only the
	 * ones in use into the IDT. */
	.set vector, 0
	.rept VECTOR_COUNT
	TRAP_STUB %vector
	.set vector, vector + 1
	.endr

	/* Their addresses, for the IDT (kernel/cpu/trap.c). */
	.section .rodata
	.balign 8
	.globl trap_stub_table
trap_stub_table:
	.set vector, 0
	.rept VECTOR_COUNT
	TRAP_STUB_ADDRESS %vector
	.set vector, vector + 1
	.endr
	.text

trap_entry_common:
	pushq %rax			/* rax */
	pushq %rbx			/* rbx */
	pushq %rcx			/* rcx */
	pushq %rdx			/* rdx */
	pushq %rsi			/* rsi */
	pushq %rdi			/* rdi */
	pushq %rbp			/* rbp */
	pushq %r8			/* r8 */
	pushq %r9			/* r9 */
	pushq %r10			/* r10 */
	pushq %r11			/* r11 */
	pushq %r12			/* r12 */
	pushq %r13			/* r13 */
	pushq %r14			/* r14 */
	pushq %r15			/* r15 */

	/* From user mode? Then GS holds the user's base: swap in the
	 * kernel's per-CPU base (and swap back on the way out). */
	testb $3, TF_CS(%rsp)
	jz 1f
	swapgs
1:
	cld				/* the C ABI expects DF clear */
	mov %rsp, %rdi			/* arg 1: the frame */
	/* Make the frame look like a call from the interrupted code, so a
	 * frame-pointer backtrace walks on into it: push rip, then rbp. */
	pushq TF_RIP(%rsp)
	pushq %rbp
	mov %rsp, %rbp
	call trap_dispatch
	add $16, %rsp			/* drop the fake call frame */

	/*
	 * The way out, for traps and for the first entry into user mode:
	 *   void trap_return(struct trap_frame *tf);   (rdi: the frame)
	 * restores every register from the frame and irets to it.
	 */
	.globl trap_return
	.type trap_return, @function
	jmp 1f
trap_return:
	cli
	mov %rdi, %rsp
1:
	testb $3, TF_CS(%rsp)
	jz 2f
	swapgs				/* back to the user's GS base */
2:
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	add $16, %rsp			/* vector and error_code */
	iretq

	.section .note.GNU-stack, "", @progbits
