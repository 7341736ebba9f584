/*
 * FPU and SSE set-up. Without CR4.OSFXSR every SSE instruction raises
 * #UD ("invalid opcode"), which is how a user program meets the lack.
 */
#include "kernel/cpu/fpu.h"
#include "kernel/cpu/x86.h"
#include "kernel/lib/string.h"

#define CR0_EM	      (1 << 2) /* emulate the FPU: trap every FPU instruction */
#define CR0_TS	      (1 << 3) /* task switched: trap the next FPU instruction */
#define MXCSR_DEFAULT 0x1f80   /* all SIMD exceptions masked */

static struct fpu_state clean;

void
fpu_init(void)
{
	uint64_t cr0 = read_cr0();

	cr0 &= ~(uint64_t)(CR0_EM | CR0_TS);
	cr0 |= CR0_MP | CR0_NE;
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);

	uint32_t mxcsr = MXCSR_DEFAULT;
	__asm__ volatile("fninit\n\t"
			 "ldmxcsr %0"
			 :
			 : "m"(mxcsr));
	fpu_save(&clean);
}

void
fpu_reset(struct fpu_state *s)
{
	memcpy(s, &clean, sizeof(*s));
}
