/*
 * execve: load an ELF64 program into a fresh address space and jump to
 * it, or fail leaving the caller exactly as it was.
 *
 * The order, with its point of no return:
 *
 *   1. copy argv and envp into the kernel (E2BIG, EFAULT)
 *   2. find the file (ENOENT, EACCES); a "#!" script names its
 *      interpreter: start again with that
 *   3. check the ELF file (kernel/proc/elf.c: ENOEXEC)
 *   4. build a new address space: the segments, the stack with argc,
 *      argv, envp and the auxiliary vector (ENOMEM)
 *   ---- point of no return: nothing below can fail ----
 *   5. close close-on-exec descriptors, reset signal handlers, swap in
 *      the new address space, drop the old one, and set the registers
 *      so that the return to user mode lands on the entry point
 *
 * The new stack, from the top down (the System V x86-64 ABI):
 *
 *   0x00007ffffffff000  +---------------------------+
 *                       | 16 random bytes (AT_RANDOM)|
 *                       | "/bin/prog" (AT_EXECFN)    |
 *                       | environment strings        |
 *                       | argument strings           |
 *                       | "x86_64" (AT_PLATFORM)     |
 *                       | padding to 16 bytes        |
 *                       | auxv: type, value pairs,   |
 *                       |   ending with AT_NULL, 0   |
 *                       | NULL                       |
 *                       | envp[envc - 1] ... envp[0] |
 *                       | NULL                       |
 *                       | argv[argc - 1] ... argv[0] |
 *   rsp at the entry -> | argc                       |
 *                       +---------------------------+
 */
#include "kernel/proc/exec.h"
#include "kernel/cpu/fpu.h"
#include "kernel/cpu/segments.h"
#include "kernel/cpu/trap.h"
#include "kernel/cpu/x86.h"
#include "kernel/fs/vfs.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "kernel/proc/elf.h"
#include "kernel/proc/process.h"
#include "kernel/proc/signal.h"
#include "kernel/syscall.h"
#include "mm/address_space.h"
#include "mm/kmalloc.h"
#include "mm/memlayout.h"
#include "mm/uaccess.h"
#include "sched/task.h"

#define ARG_MAX		 (2u << 20)   /* bytes of arguments and environment */
#define ARG_STRLEN_MAX	 (128u << 10) /* bytes in one of them, as Linux */
#define SCRIPT_DEPTH_MAX 4	      /* #! interpreters of interpreters */
#define SCRIPT_LINE_MAX	 256
#define STACK_TOP	 0x00007ffffffff000ull
#define STACK_SIZE	 (8ull << 20)
#define PIE_BASE	 0x0000555555554000ull /* where static-PIE programs go */
#define USER_MIN	 0x10000ull	       /* nothing below: null pages */
#define RFLAGS_USER	 (RFLAGS_IF | 0x2)     /* bit 1 is always set */

/* Auxiliary vector types. */
#define AT_NULL	     0
#define AT_PHDR	     3
#define AT_PHENT     4
#define AT_PHNUM     5
#define AT_PAGESZ    6
#define AT_BASE	     7
#define AT_FLAGS     8
#define AT_ENTRY     9
#define AT_UID	     11
#define AT_EUID	     12
#define AT_GID	     13
#define AT_EGID	     14
#define AT_PLATFORM  15
#define AT_HWCAP     16
#define AT_CLKTCK    17
#define AT_SECURE    23
#define AT_RANDOM    25
#define AT_HWCAP2    26
#define AT_EXECFN    31
#define AUXV_ENTRIES 19

/* The new program's arguments and environment, in the kernel: all the
 * strings back to back in one buffer, argv's first. */
struct exec_args {
	char *strings;
	size_t used;
	int argc, envc;
};

static int
args_add(struct exec_args *args, const char *s, size_t len)
{
	if (len + 1 > ARG_STRLEN_MAX || args->used + len + 1 > ARG_MAX)
		return -E2BIG;
	memcpy(args->strings + args->used, s, len);
	args->strings[args->used + len] = '\0';
	args->used += len + 1;
	return 0;
}

/* Append the strings of a user vector (argv or envp). */
static int
args_from_user(struct exec_args *args, const char *const *user_vec, int *count)
{
	for (*count = 0; user_vec; (*count)++) {
		const char *s;
		if (copy_from_user(&s, user_vec + *count, sizeof(s)))
			return -EFAULT;
		if (!s)
			return 0;
		size_t room = ARG_MAX - args->used;
		long n = strncpy_from_user(args->strings + args->used, s,
					   MIN(room, ARG_STRLEN_MAX));
		if (n < 0)
			return (int)n;
		if ((size_t)n >= MIN(room, ARG_STRLEN_MAX))
			return -E2BIG;
		args->used += (size_t)n + 1;
		/* The pointers take room on the new stack too. */
		if (args->used + (size_t)(*count + 1) * 16 > ARG_MAX)
			return -E2BIG;
	}
	return 0;
}

static const char *
args_skip(const char *s, int n)
{
	while (n--)
		s += strlen(s) + 1;
	return s;
}

/* "#!/bin/sh -x" turns "script a b" into "/bin/sh -x script a b". */
static int
script_rewrite(struct exec_args *args, const uint8_t *data, size_t size,
	       const char *path, char *interp)
{
	size_t len = 2;

	while (len < size && len < SCRIPT_LINE_MAX && data[len] != '\n')
		len++;
	if (len == SCRIPT_LINE_MAX)
		return -ENOEXEC;
	/* The interpreter, then at most one argument, as Linux does. */
	size_t i = 2;
	while (i < len && (data[i] == ' ' || data[i] == '\t'))
		i++;
	size_t start = i;
	while (i < len && data[i] != ' ' && data[i] != '\t')
		i++;
	if (i == start)
		return -ENOEXEC;
	memcpy(interp, data + start, i - start);
	interp[i - start] = '\0';
	while (i < len && (data[i] == ' ' || data[i] == '\t'))
		i++;
	size_t arg_start = i, arg_end = len;
	while (arg_end > arg_start &&
	       (data[arg_end - 1] == ' ' || data[arg_end - 1] == '\t' ||
		data[arg_end - 1] == '\r'))
		arg_end--;

	/* Rebuild: interp [arg] path argv[1..] envp... */
	struct exec_args new = { kmalloc(ARG_MAX), 0, 0, args->envc };
	if (!new.strings)
		return -ENOMEM;
	int err = args_add(&new, interp, strlen(interp));
	new.argc = 1;
	if (!err && arg_end > arg_start) {
		err = args_add(&new, (const char *)data + arg_start,
			       arg_end - arg_start);
		new.argc++;
	}
	if (!err) {
		err = args_add(&new, path, strlen(path));
		new.argc++;
	}
	const char *rest =
		args->argc ? args_skip(args->strings, 1) : args->strings;
	const char *end = args->strings + args->used;
	size_t rest_len = (size_t)(end - rest);
	if (!err && new.used + rest_len > ARG_MAX)
		err = -E2BIG;
	if (!err) {
		memcpy(new.strings + new.used, rest, rest_len);
		new.used += rest_len;
		new.argc += args->argc ? args->argc - 1 : 0;
		kfree(args->strings);
		*args = new;
	} else {
		kfree(new.strings);
	}
	return err;
}

/* Weak randomness for AT_RANDOM (musl seeds its stack protector with it):
 * the time-stamp counter, stirred. Good enough against accidents, not
 * against an attacker. */
static void
random_bytes(uint8_t *out, size_t n)
{
	static uint64_t state;

	for (size_t i = 0; i < n; i++) {
		state += rdtsc() | 1;
		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		out[i] = (uint8_t)(state >> 24);
	}
}

/* Put the strings, argv, envp and auxv at the top of the new stack.
 * Returns the stack pointer for the entry, or 0 when out of memory. */
static vaddr_t
stack_build(struct mm *mm, const struct exec_args *args, const char *path,
	    const struct elf_image *img)
{
	static const char platform[] = "x86_64";
	size_t path_len = strlen(path) + 1;
	size_t strings = 16 + path_len + args->used + sizeof(platform);
	size_t words = 1 + (size_t)args->argc + 1 + (size_t)args->envc + 1 +
		       2 * AUXV_ENTRIES;
	vaddr_t str_base = ALIGN_DOWN(STACK_TOP - strings, 16);
	vaddr_t sp = ALIGN_DOWN(str_base - words * 8, 16);
	size_t total = STACK_TOP - sp;
	uint8_t *buf = kzalloc(total);

	if (!buf)
		return 0;
	/* Strings first, at the top; u is their user address. */
	uint8_t *s = buf + (str_base - sp);
	vaddr_t u = str_base;
	vaddr_t random_at = u, execfn_at, platform_at;
	random_bytes(s, 16);
	s += 16, u += 16;
	execfn_at = u;
	memcpy(s, path, path_len);
	s += path_len, u += path_len;
	vaddr_t strings_at = u;
	memcpy(s, args->strings, args->used);
	s += args->used, u += args->used;
	platform_at = u;
	memcpy(s, platform, sizeof(platform));

	/* Then the vectors, from sp up. */
	uint64_t *w = (uint64_t *)buf;
	const char *p = args->strings;
	*w++ = (uint64_t)args->argc;
	for (int i = 0; i < args->argc + args->envc; i++) {
		if (i == args->argc)
			*w++ = 0; /* argv's NULL */
		*w++ = strings_at + (uint64_t)(p - args->strings);
		p += strlen(p) + 1;
	}
	if (args->envc == 0)
		*w++ = 0;
	*w++ = 0; /* envp's NULL */
	const uint64_t auxv[AUXV_ENTRIES][2] = {
		{ AT_PHDR, img->phdr_vaddr },
		{ AT_PHENT, img->phentsize },
		{ AT_PHNUM, img->phnum },
		{ AT_PAGESZ, PAGE_SIZE },
		{ AT_BASE, 0 },
		{ AT_FLAGS, 0 },
		{ AT_ENTRY, img->entry },
		{ AT_UID, 0 },
		{ AT_EUID, 0 },
		{ AT_GID, 0 },
		{ AT_EGID, 0 },
		{ AT_PLATFORM, platform_at },
		{ AT_HWCAP, cpuid(1, 0).edx },
		{ AT_CLKTCK, 100 },
		{ AT_SECURE, 0 },
		{ AT_RANDOM, random_at },
		{ AT_HWCAP2, 0 },
		{ AT_EXECFN, execfn_at },
		{ AT_NULL, 0 },
	};
	memcpy(w, auxv, sizeof(auxv));

	int err = mm_copy_in(mm, sp, buf, total);
	kfree(buf);
	return err ? 0 : sp;
}

/* Steps 3 and 4: a new address space holding the program. */
static int
image_build(const uint8_t *data, size_t size, const char *path,
	    const struct exec_args *args, struct mm **out_mm, vaddr_t *out_sp,
	    struct elf_image *img)
{
	const char *why = NULL;
	int err = elf_parse(data, size, PIE_BASE, USER_MIN,
			    STACK_TOP - STACK_SIZE, img, &why);

	if (err) {
		pr_info("exec: %s: %s\n", path, why ? why : "not executable");
		return -ENOEXEC;
	}
	struct mm *mm = mm_create();
	if (!mm)
		return -ENOMEM;
	for (size_t i = 0; i < img->nsegs && !err; i++) {
		const struct elf_segment *s = &img->segs[i];
		vaddr_t start = ALIGN_DOWN(s->vaddr, PAGE_SIZE);
		vaddr_t end = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE);
		/* ELF and mmap agree on the protection bits' values. */
		err = mm_region_add(mm, start, end, s->prot, REGION_ELF);
		if (!err && s->filesz)
			err = mm_copy_in(mm, s->vaddr, data + s->offset,
					 s->filesz);
	}
	unsigned stack_prot =
		PROT_READ | PROT_WRITE | (img->stack_exec ? PROT_EXEC : 0);
	if (!err)
		err = mm_region_add(mm, STACK_TOP - STACK_SIZE, STACK_TOP,
				    stack_prot, REGION_STACK);
	vaddr_t sp = err ? 0 : stack_build(mm, args, path, img);
	if (!err && !sp)
		err = -ENOMEM;
	if (err) {
		mm_put(mm);
		return err == -EEXIST ? -ENOEXEC : err;
	}
	mm->brk_start = mm->brk = img->brk_start;
	*out_mm = mm;
	*out_sp = sp;
	return 0;
}

/* Steps 2 to 5, for a path and arguments already in the kernel. */
static int
do_execve(char *path, struct exec_args *args)
{
	struct task *t = current_task();
	struct inode *inode;
	const uint8_t *bytes = NULL;
	void *copy = NULL; /* a written file's bytes, in one piece */
	char *interp = NULL;
	int err;

	for (int depth = 0;; depth++) {
		err = vfs_lookup(path, t->fs->cwd, &inode);
		if (err)
			goto out;
		err = -EACCES;
		if (!S_ISREG(inode->mode) || !(inode->mode & 0111) ||
		    inode->ops)
			goto out;
		kfree(copy);
		err = -ENOMEM;
		if (!(bytes = ramfs_data_bytes(inode, &copy)))
			goto out;
		if (inode->size < 2 || bytes[0] != '#' || bytes[1] != '!')
			break;
		err = -ELOOP;
		if (depth == SCRIPT_DEPTH_MAX)
			goto out;
		if (!interp && !(interp = kmalloc(SCRIPT_LINE_MAX))) {
			err = -ENOMEM;
			goto out;
		}
		err = script_rewrite(args, bytes, inode->size, path, interp);
		if (err)
			goto out;
		strlcpy(path, interp, PATH_MAX);
	}

	struct mm *mm;
	vaddr_t sp;
	struct elf_image img;
	err = image_build(bytes, inode->size, path, args, &mm, &sp, &img);
	if (err)
		goto out;

	/* Signal actions shared with another process (clone's CLONE_SIGHAND
	 * without CLONE_THREAD) are copied: resetting the handlers below
	 * must not reset theirs (nor, for a moment, our ending threads'). */
	struct sighand *own_actions = NULL;
	if (__atomic_load_n(&t->sighand->refcount, __ATOMIC_RELAXED) > 1) {
		own_actions = sighand_copy(t->sighand);
		if (!own_actions) {
			mm_put(mm);
			err = -ENOMEM;
			goto out;
		}
	}

	/* ---- The point of no return. ---- */
	process_de_thread();	 /* the other threads end first */
	t->group->execed = true; /* setpgid may no longer move it */
	proc_info_exec(&t->group->proc, args->strings, args->argc);
	if (own_actions) {
		sighand_put(t->sighand);
		t->sighand = own_actions;
	}
	const char *base = strchr(path, '/') ? path + strlen(path) : path;
	while (base > path && base[-1] != '/')
		base--;
	strlcpy(t->name, base, sizeof(t->name));
	files_close_on_exec(t->files);
	for (int i = 0; i < 64; i++) /* handlers do not survive, SIG_IGN does */
		if (t->sighand->actions[i].handler > 1)
			t->sighand->actions[i] = (struct sigaction_k){ 0 };
	altstack_reset(t); /* it was memory of the old image */
	struct mm *old = t->mm;
	t->mm = mm;
	mm_activate(mm);
	if (old)
		mm_put(old);
	t->fs_base = 0;
	wrmsr(MSR_FS_BASE, 0);
	fpu_reset(&t->fpu);
	fpu_restore(&t->fpu); /* the live registers too: no switch follows */
	*t->tf = (struct trap_frame){
		.rip = img.entry,
		.cs = USER_CS,
		.rflags = RFLAGS_USER,
		.rsp = sp,
		.ss = USER_DS,
	};
	process_vfork_release(t);
	err = 0;
out:
	kfree(copy);
	kfree(interp);
	return err;
}

long
sys_execve(const struct syscall_args *a)
{
	struct exec_args args = { kmalloc(ARG_MAX), 0, 0, 0 };
	char *path = kmalloc(PATH_MAX);
	int err = -ENOMEM;

	if (args.strings && path) {
		err = path_from_user(path, (const char *)a->a[0]);
		if (!err)
			err = args_from_user(&args,
					     (const char *const *)a->a[1],
					     &args.argc);
		if (!err)
			err = args_from_user(&args,
					     (const char *const *)a->a[2],
					     &args.envc);
		if (!err)
			err = do_execve(path, &args);
	}
	kfree(args.strings);
	kfree(path);
	/* On success the frame is the new program's, and the syscall's
	 * result goes to its RAX, which starts at 0. */
	return err;
}

int
exec_first_program(const char *path, const char *const argv[],
		   const char *const envp[])
{
	struct exec_args args = { kmalloc(ARG_MAX), 0, 0, 0 };
	char *kpath = kmalloc(PATH_MAX);
	int err = -ENOMEM;

	if (args.strings && kpath) {
		err = 0;
		for (; !err && argv[args.argc]; args.argc++)
			err = args_add(&args, argv[args.argc],
				       strlen(argv[args.argc]));
		for (; !err && envp[args.envc]; args.envc++)
			err = args_add(&args, envp[args.envc],
				       strlen(envp[args.envc]));
		strlcpy(kpath, path, PATH_MAX);
		if (!err)
			err = do_execve(kpath, &args);
	}
	kfree(args.strings);
	kfree(kpath);
	if (err)
		return err;
	trap_return(current_task()->tf); /* into user mode, for good */
}
