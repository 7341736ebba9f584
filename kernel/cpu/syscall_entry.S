/*
 * The system-call entry: where the "syscall" instruction lands.
 *
 * The CPU does little for us here: it saves the user's RIP in RCX and
 * RFLAGS in R11, loads CS and SS from the STAR MSR and RIP from LSTAR,
 * clears the RFLAGS bits in SFMASK (interrupts off) and nothing else. It
 * does not switch stacks: RSP is still the user's. So, in order:
 *
 *   1. swapgs: GS now points at this CPU's struct cpu (kernel/cpu/percpu.h)
 *   2. park the user's RSP in the per-CPU area, load the kernel stack
 *   3. push a struct trap_frame exactly like the one an interrupt makes
 *      (kernel/cpu/trap.h), so fork, execve and signals handle one kind
 *   4. interrupts on, call syscall_dispatch(frame)
 *   5. on the way out: sysretq, the fast path, when the frame still says
 *      "user code segment, canonical RIP"; otherwise the general iretq
 *      path (sysretq with a non-canonical RCX faults in ring 0 on Intel
 *      CPUs, with the user's RSP: a classic kernel hole).
 *
 *   Linux x86-64 convention: number in RAX, arguments in RDI, RSI, RDX,
 *   R10, R8, R9 (R10, not RCX, which the instruction clobbers); the
 *   result comes back in RAX, -errno on failure.
 */
#include "kernel/cpu/percpu.h"
#include "kernel/cpu/segments.h"
#include "kernel/cpu/trap.h"
#include "mm/memlayout.h"

	.text
	.globl syscall_entry
	.type syscall_entry, @function
syscall_entry:
	swapgs
	mov %rsp, %gs:CPU_USER_RSP
	mov %gs:CPU_KERNEL_STACK, %rsp
	pushq $USER_DS			/* ss */
	pushq %gs:CPU_USER_RSP		/* rsp */
	pushq %r11			/* rflags, saved by syscall */
	pushq $USER_CS			/* cs */
	pushq %rcx			/* rip, saved by syscall */
	pushq $0			/* error_code */
	pushq $VECTOR_SYSCALL		/* vector */
	pushq %rax			/* rax: the number, then the result */
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15

	sti
	cld
	mov %rsp, %rdi			/* arg 1: the frame */
	pushq TF_RIP(%rsp)		/* a fake call frame for backtraces */
	pushq %rbp
	mov %rsp, %rbp
	call syscall_dispatch
	add $16, %rsp
	cli

	/* sysretq only returns to 64-bit user code at a canonical address;
	 * execve or a signal may have changed the frame to anything. */
	cmpq $USER_CS, TF_CS(%rsp)
	jne 1f
	movabs $USER_END, %rcx
	cmp %rcx, TF_RIP(%rsp)
	jae 1f

	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11			/* overwritten below */
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx			/* overwritten below */
	popq %rbx
	popq %rax
	/* rsp now points at vector; then error_code, rip, cs, rflags, rsp */
	mov 16(%rsp), %rcx		/* the user's rip, for sysretq */
	mov 32(%rsp), %r11		/* the user's rflags, for sysretq */
	mov 40(%rsp), %rsp		/* the user's stack */
	swapgs
	sysretq

1:	mov %rsp, %rdi
	jmp trap_return

/*
 * Where "syscall" lands when a program runs it in 32-bit compatibility
 * mode (CSTAR). Sprout has no 32-bit system calls: fail with -ENOSYS and
 * go straight back. Nothing here may touch memory: RSP is the user's and
 * GS has not been swapped. sysretl returns to 32-bit code at ECX with
 * the flags in R11.
 */
	.globl syscall_entry_compat
	.type syscall_entry_compat, @function
syscall_entry_compat:
	mov $-38, %eax			/* -ENOSYS */
	sysretl
	.size syscall_entry_compat, . - syscall_entry_compat

	.section .note.GNU-stack, "", @progbits
