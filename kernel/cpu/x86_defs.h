/*
 * Architectural constants: control-register bits, MSR numbers, CPUID bits,
 * RFLAGS bits. Named here once so that neither C nor assembly ever writes
 * a bare 0x20 for "PAE". Included from assembly, so #defines only.
 */
#ifndef KERNEL_CPU_X86_DEFS_H
#define KERNEL_CPU_X86_DEFS_H

/* CR0 */
#define CR0_PE (1 << 0)	 /* protected mode */
#define CR0_MP (1 << 1)	 /* monitor coprocessor (WAIT honours TS) */
#define CR0_ET (1 << 4)	 /* extension type: always 1 on modern CPUs */
#define CR0_NE (1 << 5)	 /* native x87 error reporting */
#define CR0_WP (1 << 16) /* ring 0 honours read-only pages */
#define CR0_NW (1 << 29) /* not write-through (must be 0) */
#define CR0_CD (1 << 30) /* cache disable (must be 0) */
#define CR0_PG (1 << 31) /* paging */

/* CR4 */
#define CR4_PAE	       (1 << 5) /* 64-bit page-table entries: required for long mode */
#define CR4_PGE	       (1 << 7)	 /* global pages survive a CR3 reload */
#define CR4_OSFXSR     (1 << 9)	 /* OS supports FXSAVE/SSE */
#define CR4_OSXMMEXCPT (1 << 10) /* OS handles SIMD exceptions */
#define CR4_SMEP       (1 << 20) /* no kernel execution of user pages */
#define CR4_SMAP \
	(1 << 21) /* no kernel access to user pages outside stac/clac */

/* Model-specific registers */
#define MSR_APIC_BASE		      0x1b /* the local APIC's address and enables */
#define APIC_BASE_BSP		      (1 << 8) /* this is the bootstrap processor */
#define APIC_BASE_X2APIC	      (1 << 10) /* x2APIC mode: MSRs, not MMIO */
#define APIC_BASE_ENABLE	      (1 << 11) /* the local APIC is switched on */
#define APIC_BASE_ADDR_MASK	      0x000ffffffffff000ull /* its physical page */
#define MSR_ARCH_CAPABILITIES	      0x10a /* if CPUID_7_EDX_ARCH_CAPABILITIES */
#define ARCH_CAP_XAPIC_DISABLE_STATUS (1ull << 21) /* the MSR below exists */
#define MSR_XAPIC_DISABLE_STATUS      0xbd
#define XAPIC_LEGACY_DISABLED	      (1 << 0) /* x2APIC locked on by firmware */
#define MSR_X2APIC_BASE		      0x800 /* x2APIC register offset / 16 is added */
#define MSR_PAT			      0x277 /* page attribute table: 8 memory types */
#define MSR_EFER		      0xc0000080
#define EFER_SCE		      (1 << 0) /* syscall/sysret enable */
#define EFER_LME		      (1 << 8) /* long mode enable */
#define EFER_LMA		      (1 << 10) /* long mode active (read-only) */
#define EFER_NXE		      (1 << 11) /* no-execute bit in page-table entries */
#define MSR_FS_BASE		      0xc0000100
#define MSR_GS_BASE		      0xc0000101
#define MSR_KERNEL_GS_BASE	      0xc0000102

/* CPUID */
#define CPUID_EXT_MAX		      0x80000000 /* leaf: highest extended leaf */
#define CPUID_EXT_FEATURES	      0x80000001 /* leaf: extended feature bits */
#define CPUID_EXT_EDX_NX	      (1 << 20) /* no-execute pages */
#define CPUID_EXT_EDX_LM	      (1 << 29) /* long mode (x86-64) */
#define CPUID_1_EDX_TSC		      (1 << 4)
#define CPUID_1_EDX_APIC	      (1 << 9) /* an on-chip local APIC */
#define CPUID_1_EDX_PAT		      (1 << 16)
#define CPUID_1_EBX_APIC_ID_SHIFT     24  /* bits 31:24: initial APIC ID */
#define CPUID_LEAF_TOPOLOGY	      0xb /* EDX: the 32-bit x2APIC ID */
#define CPUID_1_ECX_HYPERVISOR	      (1u << 31) /* running under a hypervisor */
#define CPUID_LEAF_THERMAL	      6 /* thermal and power management */
#define CPUID_6_EAX_ARAT	      (1 << 2) /* APIC timer runs in deep C-states */
#define CPUID_7_EDX_ARCH_CAPABILITIES (1u << 29) /* IA32_ARCH_CAPABILITIES */
#define CPUID_LEAF_CRYSTAL	      0x15 /* ECX: core crystal clock, Hz */
#define CPUID_LEAF_FREQUENCY	      0x16 /* ECX: bus (reference) clock, MHz */

/* RFLAGS */
#define RFLAGS_CF (1 << 0)
#define RFLAGS_IF (1 << 9)  /* interrupts enabled */
#define RFLAGS_ID (1 << 21) /* toggling it proves CPUID exists */

#endif /* KERNEL_CPU_X86_DEFS_H */
