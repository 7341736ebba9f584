/*
 * The per-CPU areas (one CPU for now: cpus[0], the boot CPU).
 */
#include "kernel/cpu/percpu.h"
#include "kernel/cpu/x86.h"

#include <stddef.h>

_Static_assert(offsetof(struct cpu, self) == CPU_SELF, "percpu layout");
_Static_assert(offsetof(struct cpu, current) == CPU_CURRENT, "percpu layout");
_Static_assert(offsetof(struct cpu, kernel_stack) == CPU_KERNEL_STACK,
	       "percpu layout");
_Static_assert(offsetof(struct cpu, user_rsp) == CPU_USER_RSP, "percpu layout");

static struct cpu cpus[CPUS_MAX];

void
percpu_init_boot(void)
{
	struct cpu *c = &cpus[0];

	c->self = c;
	c->id = 0;
	wrmsr(MSR_GS_BASE, (uint64_t)c);
	wrmsr(MSR_KERNEL_GS_BASE, 0); /* the user's GS base, swapped in */
}
