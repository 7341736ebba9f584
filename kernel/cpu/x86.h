/*
 * Thin C wrappers around single x86 instructions: control registers, MSRs,
 * CPUID, the time-stamp counter and the interrupt flag.
 */
#ifndef KERNEL_CPU_X86_H
#define KERNEL_CPU_X86_H

#include "kernel/cpu/x86_defs.h"
#include "kernel/lib/types.h"

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs
cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;
	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

static inline uint64_t
rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void
wrmsr(uint32_t msr, uint64_t value)
{
	__asm__ volatile("wrmsr"
			 :
			 : "c"(msr), "a"((uint32_t)value),
			   "d"((uint32_t)(value >> 32)));
}

static inline uint64_t
rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t
read_cr0(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline uint64_t
read_cr2(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t
read_cr3(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline uint64_t
read_cr4(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void
write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline void
write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline uint64_t
read_rflags(void)
{
	uint64_t flags;
	__asm__ volatile("pushfq; popq %0" : "=r"(flags));
	return flags;
}

static inline void
interrupts_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}

static inline void
interrupts_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}

static inline bool
interrupts_enabled(void)
{
	return read_rflags() & RFLAGS_IF;
}

/* Disable interrupts and return the old RFLAGS, for irq_restore(). */
static inline uint64_t
irq_save(void)
{
	uint64_t flags = read_rflags();
	interrupts_disable();
	return flags;
}

static inline void
irq_restore(uint64_t flags)
{
	if (flags & RFLAGS_IF)
		interrupts_enable();
}

/* Sleep until the next interrupt. */
static inline void
cpu_halt(void)
{
	__asm__ volatile("hlt" ::: "memory");
}

/* Tell the CPU we are in a spin-wait loop (saves power, helps SMT). */
static inline void
cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

/* Stop this CPU for good: interrupts off, halt forever. Does not return. */
static inline __noreturn void
cpu_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

#endif /* KERNEL_CPU_X86_H */
