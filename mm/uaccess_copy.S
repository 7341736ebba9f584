/*
 * The two instructions sequences that touch user memory, each with an
 * exception-table entry (section __ex_table: pairs of addresses, "if the
 * instruction at the first faults, continue at the second").
 *
 *   size_t uaccess_copy(void *dst, const void *src, size_t size);
 *     Returns the number of bytes NOT copied: 0 on success.
 *     rdi = dst, rsi = src, rdx = size. Clobbers rcx.
 *
 *   long uaccess_strncpy(char *dst, const char *src, size_t size);
 *     Copies bytes up to and including a NUL, at most size of them.
 *     Returns the length without the NUL, size if there was no NUL,
 *     or -EFAULT. rdi = dst, rsi = src, rdx = size. Clobbers rcx.
 *
 * The callers (mm/uaccess.c) check the range and open the SMAP window.
 */
#define EFAULT 14

	.text
	.globl uaccess_copy
	.type uaccess_copy, @function
uaccess_copy:
	mov %rdx, %rcx
copy_bytes:
	rep movsb			/* may fault: then rcx = bytes left */
copy_done:
	mov %rcx, %rax
	ret

	.globl uaccess_strncpy
	.type uaccess_strncpy, @function
uaccess_strncpy:
	xor %eax, %eax			/* rax: bytes copied so far */
	test %rdx, %rdx
	jz strncpy_done
strncpy_loop:
	movb (%rsi,%rax), %cl		/* may fault */
	movb %cl, (%rdi,%rax)
	test %cl, %cl
	jz strncpy_done			/* copied the NUL: length is rax */
	inc %rax
	cmp %rdx, %rax
	jb strncpy_loop
strncpy_done:
	ret
strncpy_fault:
	mov $-EFAULT, %rax
	ret

	.section __ex_table, "a"
	.balign 8
	.quad copy_bytes, copy_done
	.quad strncpy_loop, strncpy_fault

	.section .note.GNU-stack, "", @progbits
