/*
 * The context switch.
 *
 *   void context_switch(uint64_t *save_rsp, uint64_t next_rsp);
 *
 * Saves the callee-saved registers of the running task on its own stack,
 * stores its stack pointer in *save_rsp, loads next_rsp and pops the next
 * task's registers from its stack. The "ret" then returns into whatever
 * called context_switch in the next task, long ago, or, for a new task,
 * into task_start (sched/task.c builds that first frame).
 *
 * Only the callee-saved registers need saving: the C code that calls
 * context_switch already expects the others to be clobbered by a call.
 * RFLAGS (the interrupt flag) is the caller's business: the scheduler
 * switches with interrupts off and each task restores its own.
 *
 * The frame on a switched-out task's stack, saved_rsp pointing at r15:
 *
 *   higher addresses
 *   +------------------+
 *   | return address   |  where this task resumes (after its own call
 *   +------------------+  to context_switch, or task_start)
 *   | rbp              |
 *   | rbx              |
 *   | r12              |
 *   | r13              |
 *   | r14              |
 *   | r15              |  <- saved_rsp
 *   +------------------+
 */
	.text
	.globl context_switch
	.type context_switch, @function
context_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	mov %rsp, (%rdi)		/* *save_rsp = our stack pointer */
	mov %rsi, %rsp			/* from here on: the next task's stack */
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

/*
 * A new task's first "return" lands here, with the function and its
 * argument in r12 and r13 (placed in its first frame by task_create).
 *
 *   void task_start_trampoline(void);  never returns
 */
	.globl task_start_trampoline
	.type task_start_trampoline, @function
task_start_trampoline:
	mov %r12, %rdi			/* arg 1: the task's function */
	mov %r13, %rsi			/* arg 2: its argument */
	xor %ebp, %ebp			/* backtraces end here */
	call task_start
	ud2				/* task_start does not return */

	.section .note.GNU-stack, "", @progbits
