/*
 * GDT selectors. The order is fixed by the syscall/sysret instructions:
 * sysret loads CS from STAR[63:48] + 16 and SS from STAR[63:48] + 8, so the
 * user data segment must sit right below the user code segment, with one
 * slot (the 32-bit user code segment that sysretl would use) before them.
 *
 *   index  selector  descriptor
 *   0      0x00      null (the CPU requires it)
 *   1      0x08      kernel code, 64-bit
 *   2      0x10      kernel data
 *   3      0x18      user code, 32-bit (unused; keeps the sysret layout)
 *   4      0x23      user data          (0x20 | RPL 3)
 *   5      0x2b      user code, 64-bit  (0x28 | RPL 3)
 *   6-7    0x30      TSS (a 16-byte descriptor takes two slots)
 *
 * Included from assembly: #defines only.
 */
#ifndef KERNEL_CPU_SEGMENTS_H
#define KERNEL_CPU_SEGMENTS_H

#define KERNEL_CS    0x08
#define KERNEL_DS    0x10
#define USER32_CS    (0x18 | 3)
#define USER_DS	     (0x20 | 3)
#define USER_CS	     (0x28 | 3)
#define TSS_SELECTOR 0x30

#define GDT_ENTRIES 8

#endif /* KERNEL_CPU_SEGMENTS_H */
