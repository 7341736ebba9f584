/*
 * The arguments /proc/<pid>/cmdline shows, and the end of a process's
 * /proc directory (described in proc_info.h).
 */
#include "kernel/proc/proc_info.h"
#include "kernel/fs/procfs.h"
#include "kernel/lib/spinlock.h"
#include "kernel/lib/string.h"
#include "kernel/proc/process.h"
#include "mm/kmalloc.h"

void
proc_args_get(struct proc_args *args)
{
	if (args)
		__atomic_add_fetch(&args->refcount, 1, __ATOMIC_RELAXED);
}

void
proc_args_put(struct proc_args *args)
{
	if (args &&
	    __atomic_sub_fetch(&args->refcount, 1, __ATOMIC_ACQ_REL) == 0)
		kfree(args);
}

void
proc_info_exec(struct proc_info *info, const char *strings, int argc)
{
	size_t size = 0;

	for (int i = 0; i < argc && size < PROC_ARGS_MAX; i++)
		size += strlen(strings + size) + 1;
	/* Past a page the last string is cut, and has no NUL. */
	size = MIN(size, (size_t)PROC_ARGS_MAX);
	struct proc_args *args = size ? kmalloc(sizeof(*args) + size) : NULL;
	if (args) {
		args->refcount = 1;
		args->size = (uint32_t)size;
		memcpy(args->strings, strings, size);
	}
	/* /proc reads the pointer under proc_lock. */
	uint64_t irq = spin_lock_irqsave(&proc_lock);
	struct proc_args *old = info->args;
	info->args = args;
	spin_unlock_irqrestore(&proc_lock, irq);
	proc_args_put(old);
}

void
proc_info_fork(struct proc_info *child, const struct proc_info *parent)
{
	proc_args_get(parent->args);
	child->args = parent->args;
	child->dir = NULL; /* made when first looked up */
}

void
proc_info_release(struct proc_info *info)
{
	proc_args_put(info->args);
	info->args = NULL;
	if (info->dir)
		procfs_process_gone(info->dir);
	info->dir = NULL;
}
