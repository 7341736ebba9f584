/*
 * In-kernel memory tests (test=mm runs the group): page tables, address
 * spaces, kmalloc, user access, each checking that every frame and every
 * heap object comes back. Plus the deliberate crashes the memory manager
 * must catch and name, and the benchmark behind docs/memory.md.
 */
#include "boot/bootinfo.h"
#include "kernel/cpu/trap.h"
#include "kernel/cpu/tsc.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "kernel/test/ktest.h"
#include "kernel/test/tests.h"
#include "mm/address_space.h"
#include "mm/frame.h"
#include "mm/kernel_space.h"
#include "mm/kmalloc.h"
#include "mm/kstack.h"
#include "mm/memlayout.h"
#include "mm/paging.h"
#include "mm/uaccess.h"

#define USER_TEST_BASE	 0x400000ull
#define ADDRESS_SPACES	 1000
#define KMALLOC_SLOTS	 512
#define KMALLOC_OPS	 20000
#define KMALLOC_MAX_SIZE 9000

/* A snapshot of what is allocated, to prove a test gave it all back. */
struct usage {
	size_t free_frames;
	size_t objects;
};

static struct usage
usage_now(void)
{
	return (struct usage){ frame_stats().free, kmalloc_stats().objects };
}

static bool
usage_same(struct usage before, const char *what)
{
	struct usage after = usage_now();

	if (after.free_frames != before.free_frames)
		return ktest_fail("%s: %zu free frames before, %zu after", what,
				  before.free_frames, after.free_frames);
	if (after.objects != before.objects)
		return ktest_fail("%s: %zu kmalloc objects before, %zu after",
				  what, before.objects, after.objects);
	return true;
}

/* A small deterministic random-number generator (xorshift). */
static uint64_t
next_random(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

bool
ktest_paging(const struct boot_info *bi)
{
	struct usage before = usage_now();
	paddr_t root = kernel_space_new_root(), pa, got;
	pte_t flags;
	vaddr_t va = USER_TEST_BASE + 0x1234000;

	(void)bi;
	if (!root || !(pa = frame_alloc(FRAME_USER)))
		return ktest_fail("out of memory");
	if (paging_map(root, va, pa, PTE_WRITABLE | PTE_USER) != 0)
		return ktest_fail("map failed");
	if (paging_map(root, va, pa, PTE_USER) != -EEXIST)
		return ktest_fail("a second map did not give -EEXIST");
	if (!paging_translate(root, va + 0x123, &got, &flags) ||
	    got != pa + 0x123 || !(flags & PTE_WRITABLE) || !(flags & PTE_USER))
		return ktest_fail("translate gave %#llx",
				  (unsigned long long)got);
	if (paging_protect(root, va, PTE_USER) != 0 ||
	    !paging_translate(root, va, NULL, &flags) || (flags & PTE_WRITABLE))
		return ktest_fail("protect did not remove PTE_WRITABLE");
	if (paging_unmap(root, va, &got) != 0 || got != pa)
		return ktest_fail("unmap did not give the frame back");
	if (paging_translate(root, va, NULL, NULL))
		return ktest_fail("still mapped after unmap");
	if (paging_unmap(root, va, NULL) != -ENOENT)
		return ktest_fail("a second unmap did not give -ENOENT");
	/* The kernel half is shared: the direct map is visible here too. */
	if (!paging_translate(root, (vaddr_t)phys_to_virt(pa), &got, NULL) ||
	    got != pa)
		return ktest_fail("the kernel half is not shared");
	frame_put(pa);
	paging_free_tables(root, 0, PML4_KERNEL_FIRST);
	frame_put(root);
	return usage_same(before, "paging");
}

/*
 * Device mappings: a page of the kernel's own .bss stands in for a
 * device, so what is written through the mapping can be read back
 * through the image. The mappings stay (as device mappings do); the
 * page never moves, so they never point at memory reused for other
 * things.
 */
static uint8_t fake_device[2 * PAGE_SIZE] __aligned(PAGE_SIZE);

/* The direct map: RAM write-back, the holes between (devices) uncached. */
static bool
direct_map_types(const struct boot_info *bi)
{
	const pte_t uc = PTE_CACHE_DISABLE | PTE_WRITE_THROUGH;
	size_t holes = 0;

	for (paddr_t pa = 0; pa < 0x100000000ull; pa += LARGE_PAGE_SIZE) {
		bool listed = false;
		for (size_t i = 0; i < bi->mmap_count; i++)
			if (bi->mmap[i].base < pa + LARGE_PAGE_SIZE &&
			    pa < bi->mmap[i].base + bi->mmap[i].length)
				listed = true;
		pte_t flags;
		if (!paging_translate(kernel_root, DIRECT_MAP_BASE + pa, NULL,
				      &flags))
			return ktest_fail("direct map: %#llx not mapped",
					  (unsigned long long)pa);
		if ((flags & uc) != (listed ? 0 : uc))
			return ktest_fail(
				"direct map: %#llx (%s) has flags %#llx",
				(unsigned long long)pa,
				listed ? "in the memory map" : "a hole",
				(unsigned long long)flags);
		holes += !listed;
	}
	pr_info("  direct map below 4 GiB: %zu holes of 2 MiB uncached, the rest write-back\n",
		holes);
	if (holes == 0)
		return ktest_fail(
			"no hole below 4 GiB: the devices must be somewhere");
	return true;
}

bool
ktest_device_map(const struct boot_info *bi)
{
	paddr_t pa = kernel_image_phys(fake_device), got;
	pte_t flags;

	volatile uint32_t *regs =
		kernel_map_device(pa + 0x10, 8, DEVICE_UNCACHED);
	volatile uint8_t *fb =
		kernel_map_device(pa, 2 * PAGE_SIZE, DEVICE_WRITE_COMBINING);
	if (!regs || !fb)
		return ktest_fail("kernel_map_device failed");
	if ((vaddr_t)regs < DEVICE_MAP_BASE || ((vaddr_t)regs & 0xfff) != 0x10)
		return ktest_fail("register mapping at %p", (void *)regs);
	if (!paging_translate(kernel_root, (vaddr_t)regs, &got, &flags) ||
	    got != pa + 0x10 ||
	    (flags & (PTE_CACHE_DISABLE | PTE_WRITE_THROUGH)) !=
		    (PTE_CACHE_DISABLE | PTE_WRITE_THROUGH) ||
	    (flags & PTE_USER) || !(flags & PTE_WRITABLE))
		return ktest_fail("register mapping: pa %#llx flags %#llx",
				  (unsigned long long)got,
				  (unsigned long long)flags);
	if (!paging_translate(kernel_root, (vaddr_t)fb + PAGE_SIZE, &got,
			      &flags) ||
	    got != pa + PAGE_SIZE || (flags & PTE_CACHE_DISABLE))
		return ktest_fail("framebuffer mapping: pa %#llx flags %#llx",
				  (unsigned long long)got,
				  (unsigned long long)flags);
	regs[1] = 0x5350524f;
	fb[PAGE_SIZE + 7] = 0xa5;
	__asm__ volatile("sfence" ::: "memory"); /* drain combined writes */
	if (*(volatile uint32_t *)&fake_device[0x14] != 0x5350524f ||
	    fake_device[PAGE_SIZE + 7] != 0xa5)
		return ktest_fail("writes through the mappings were lost");
	if (kernel_map_device(pa, 0, DEVICE_UNCACHED) ||
	    kernel_map_device(~0ull - 10, 100, DEVICE_UNCACHED) ||
	    kernel_map_device(0, DEVICE_MAP_SIZE, DEVICE_UNCACHED))
		return ktest_fail(
			"an empty, wrapping or huge range was mapped");
	return direct_map_types(bi);
}

/*
 * RAM above 4 GiB: PCs put their PCI hole under 4 GiB and the rest of
 * the RAM above it, so a machine with more than about 3 GiB has frames
 * there. Take 4 MiB blocks until one lies above 4 GiB, then prove that
 * it can be written and read through the direct map (which the boot
 * tables did not cover). The blocks are chained through their own
 * first words, so the test needs no other memory.
 */
#define HIGH_BLOCK_ORDER 10 /* 4 MiB */
#define FOUR_GIB	 0x100000000ull

bool
ktest_high_memory(const struct boot_info *bi)
{
	struct usage before = usage_now();
	paddr_t chain = 0, high = 0;
	size_t taken = 0;
	bool have_high = false;

	for (size_t i = 0; i < bi->mmap_count; i++)
		if (bi->mmap[i].type == BOOT_MEM_USABLE &&
		    bi->mmap[i].base + bi->mmap[i].length > FOUR_GIB)
			have_high = true;
	if (!have_high) {
		pr_info("  no RAM above 4 GiB on this machine: nothing to check\n");
		return true;
	}
	while (!high) {
		paddr_t pa = frame_alloc_order(HIGH_BLOCK_ORDER, FRAME_USER);
		if (!pa)
			break;
		*(paddr_t *)phys_to_virt(pa) = chain;
		chain = pa;
		taken++;
		if (pa >= FOUR_GIB)
			high = pa;
	}
	bool ok = high != 0;
	if (ok) {
		size_t words = (PAGE_SIZE << HIGH_BLOCK_ORDER) / 8;
		volatile uint64_t *w = phys_to_virt(high);
		for (size_t i = 1; i < words; i += 511)
			w[i] = high + i * 8;
		for (size_t i = 1; i < words && ok; i += 511)
			ok = w[i] == high + i * 8;
		pr_info("  a 4 MiB block at %#llx (after %zu below 4 GiB): %s\n",
			(unsigned long long)high, taken - 1,
			ok ? "written and read back" : "READ BACK WRONG");
	}
	while (chain) {
		paddr_t next = *(paddr_t *)phys_to_virt(chain);
		frame_put(chain);
		chain = next;
	}
	if (!high)
		return ktest_fail(
			"the boot map lists RAM above 4 GiB, but no frame there was handed out");
	return ok && usage_same(before, "high memory");
}

/* An address space with a few regions and some touched pages. */
static struct mm *
busy_address_space(unsigned pages)
{
	struct mm *mm = mm_create();
	uint64_t word = 0x5350524f5554ull;

	if (!mm)
		return NULL;
	if (mm_region_add(mm, USER_TEST_BASE, USER_TEST_BASE + 64 * PAGE_SIZE,
			  PROT_READ | PROT_WRITE, REGION_HEAP) ||
	    mm_region_add(mm, 0x7fffff000000, 0x7ffffffff000,
			  PROT_READ | PROT_WRITE, REGION_STACK)) {
		mm_put(mm);
		return NULL;
	}
	/* Touch pages through uaccess: each first touch is a demand-zero
	 * fault inside copy_to_user, resolved against the regions. */
	struct mm *old = mm_active();
	mm_activate(mm);
	for (unsigned i = 0; i < pages; i++) {
		word += i;
		if (copy_to_user((void *)(USER_TEST_BASE +
					  i * PAGE_SIZE * 3 % (64 * PAGE_SIZE)),
				 &word, sizeof(word)) ||
		    copy_to_user((void *)(0x7ffffffff000 - 8 - i * PAGE_SIZE),
				 &word, sizeof(word))) {
			mm_activate(old);
			mm_put(mm);
			return NULL;
		}
	}
	mm_activate(old);
	return mm;
}

bool
ktest_address_spaces(const struct boot_info *bi)
{
	struct usage before = usage_now();

	(void)bi;
	for (int i = 0; i < ADDRESS_SPACES; i++) {
		struct mm *mm = busy_address_space(1 + i % 8);
		if (!mm)
			return ktest_fail("address space %d: out of memory", i);
		mm_put(mm);
	}
	pr_info("  created and destroyed %d address spaces\n", ADDRESS_SPACES);
	return usage_same(before, "address spaces");
}

bool
ktest_mm_copy(const struct boot_info *bi)
{
	struct usage before = usage_now();
	char original[] = "the parent's words", seen[sizeof(original)];
	char changed[] = "the child's words!";
	void *where = (void *)(USER_TEST_BASE + 5 * PAGE_SIZE + 100);

	(void)bi;
	struct mm *parent = busy_address_space(3);
	if (!parent)
		return ktest_fail("out of memory");
	mm_activate(parent);
	copy_to_user(where, original, sizeof(original));
	struct mm *child = mm_copy(parent);
	if (!child) {
		mm_activate(NULL);
		return ktest_fail("mm_copy failed");
	}
	mm_activate(child);
	bool ok = copy_from_user(seen, where, sizeof(seen)) == 0 &&
		  memcmp(seen, original, sizeof(seen)) == 0;
	copy_to_user(where, changed, sizeof(changed));
	mm_activate(parent);
	ok = ok && copy_from_user(seen, where, sizeof(seen)) == 0 &&
	     memcmp(seen, original, sizeof(seen)) == 0;
	mm_activate(NULL);
	mm_put(child);
	mm_put(parent);
	if (!ok)
		return ktest_fail("the copy is not a separate copy");
	return usage_same(before, "mm_copy");
}

/* The frame behind @va in @mm, its reference count and whether the
 * entry is writable. */
struct mapping {
	paddr_t pa;
	uint32_t refs;
	bool writable;
};

static struct mapping
mapping_of(struct mm *mm, vaddr_t va)
{
	struct mapping m = { 0, 0, false };
	pte_t flags;

	if (paging_translate(mm->root, va, &m.pa, &flags)) {
		m.pa = ALIGN_DOWN(m.pa, PAGE_SIZE);
		m.refs = frame_refcount(m.pa);
		m.writable = flags & PTE_WRITABLE;
	}
	return m;
}

/* Write @text at @va in @mm (loading it), through copy_to_user. */
static bool
write_in(struct mm *mm, vaddr_t va, const char *text)
{
	mm_activate(mm);
	return copy_to_user((void *)va, text, strlen(text) + 1) == 0;
}

/* Does @mm hold @text at @va? */
static bool
reads_in(struct mm *mm, vaddr_t va, const char *text)
{
	char seen[64];
	size_t n = strlen(text) + 1;

	mm_activate(mm);
	return copy_from_user(seen, (void *)va, n) == 0 &&
	       memcmp(seen, text, n) == 0;
}

/* fork's copy shares frames; a write on either side copies, and the
 * last sharer only gets write access back. */
bool
ktest_cow(const struct boot_info *bi)
{
	struct usage before = usage_now();
	const vaddr_t va = USER_TEST_BASE + 5 * PAGE_SIZE + 100;
	const vaddr_t other = USER_TEST_BASE + 9 * PAGE_SIZE; /* untouched */

	(void)bi;
	struct mm *parent = busy_address_space(3);
	if (!parent || !write_in(parent, va, "before fork"))
		return ktest_fail("out of memory");
	struct mapping start = mapping_of(parent, va);
	struct mm *child = mm_copy(parent);
	if (!child) {
		mm_activate(NULL);
		mm_put(parent);
		return ktest_fail("mm_copy failed");
	}
	struct mapping p = mapping_of(parent, va), c = mapping_of(child, va);
	bool ok = ktest_check(start.refs == 1 && start.writable,
			      "a private page: one reference, writable") &&
		  ktest_check(p.pa == start.pa && c.pa == start.pa,
			      "after the copy both map the same frame") &&
		  ktest_check(p.refs == 2, "the frame has two references") &&
		  ktest_check(!p.writable && !c.writable,
			      "and is read-only on both sides") &&
		  ktest_check(mapping_of(child, other).pa == 0,
			      "an untouched page stays unmapped") &&
		  ktest_check(reads_in(child, va, "before fork"),
			      "the child reads the parent's data") &&
		  ktest_check(write_in(child, va, "the child's"),
			      "the child writes") &&
		  ktest_check(mapping_of(child, va).pa != start.pa &&
				      mapping_of(child, va).writable,
			      "the child's write copied the frame") &&
		  ktest_check(
			  mapping_of(parent, va).refs == 1 &&
				  !mapping_of(parent, va).writable,
			  "the parent holds the old frame alone, read-only") &&
		  ktest_check(reads_in(parent, va, "before fork"),
			      "the parent still reads its own data") &&
		  ktest_check(write_in(parent, va, "the parent's"),
			      "the parent writes") &&
		  ktest_check(mapping_of(parent, va).pa == start.pa &&
				      mapping_of(parent, va).writable,
			      "count 1: the same frame, made writable again") &&
		  ktest_check(reads_in(child, va, "the child's") &&
				      reads_in(parent, va, "the parent's"),
			      "each side sees only its own write");
	mm_activate(NULL);
	mm_put(child);
	ok = ok && ktest_check(mapping_of(parent, USER_TEST_BASE).refs == 1,
			       "the child's exit gave its references back");
	mm_put(parent);
	return ok && usage_same(before, "cow");
}

/* A page shared three ways (fork twice): each write copies until the
 * last sharer, which keeps the frame. */
bool
ktest_cow_three_way(const struct boot_info *bi)
{
	struct usage before = usage_now();
	const vaddr_t va = 0x7ffffffff000 - 8 - PAGE_SIZE; /* a stack page */

	(void)bi;
	struct mm *a = busy_address_space(2);
	if (!a || !write_in(a, va, "shared"))
		return ktest_fail("out of memory");
	paddr_t frame = mapping_of(a, va).pa;
	struct mm *b = mm_copy(a);
	struct mm *c = b ? mm_copy(a) : NULL;
	bool ok = ktest_check(b && c, "two copies");
	ok = ok &&
	     ktest_check(mapping_of(a, va).refs == 3, "three references") &&
	     ktest_check(write_in(b, va, "b"), "b writes") &&
	     ktest_check(mapping_of(a, va).refs == 2 &&
				 mapping_of(b, va).pa != frame,
			 "b got a copy; two references left") &&
	     ktest_check(write_in(a, va, "a"), "a writes") &&
	     ktest_check(mapping_of(c, va).refs == 1 &&
				 mapping_of(a, va).pa != frame &&
				 mapping_of(c, va).pa == frame,
			 "a got a copy; c holds the frame alone") &&
	     ktest_check(write_in(c, va, "c"), "c writes") &&
	     ktest_check(mapping_of(c, va).pa == frame,
			 "c kept the frame (count 1: no copy)") &&
	     ktest_check(reads_in(a, va, "a") && reads_in(b, va, "b") &&
				 reads_in(c, va, "c"),
			 "three private pages");
	mm_activate(NULL);
	if (c)
		mm_put(c);
	if (b)
		mm_put(b);
	mm_put(a);
	return ok && usage_same(before, "cow three ways");
}

/* Read-only pages are shared and never copied; writing one is still an
 * error; mprotect cannot make a shared frame writable; mm_copy_in (what
 * CLONE_CHILD_SETTID uses) copies a shared page before writing. */
bool
ktest_cow_protection(const struct boot_info *bi)
{
	struct usage before = usage_now();
	const vaddr_t ro = USER_TEST_BASE + 64 * PAGE_SIZE;
	const vaddr_t rw = USER_TEST_BASE + 2 * PAGE_SIZE + 8;
	uint64_t word = 0x1234;

	(void)bi;
	struct mm *parent = busy_address_space(2);
	if (!parent)
		return ktest_fail("out of memory");
	bool ok = ktest_check(mm_region_add(parent, ro, ro + PAGE_SIZE,
					    PROT_READ, REGION_ELF) == 0 &&
				      mm_copy_in(parent, ro, "text", 5) == 0 &&
				      write_in(parent, rw, "data"),
			      "set up a read-only and a writable page");
	struct mm *child = ok ? mm_copy(parent) : NULL;
	ok = ok && ktest_check(child != NULL, "mm_copy");
	ok = ok &&
	     ktest_check(mapping_of(child, ro).pa ==
					 mapping_of(parent, ro).pa &&
				 mapping_of(parent, ro).refs == 2,
			 "a read-only page is shared") &&
	     ktest_check(mm_fault(child, ro, PF_PRESENT | PF_WRITE | PF_USER) ==
				 -EFAULT,
			 "a write to a PROT_READ page is refused (SIGSEGV)") &&
	     ktest_check((mm_activate(child),
			  copy_to_user((void *)ro, &word, 8) == -EFAULT),
			 "and copy_to_user there gives -EFAULT") &&
	     ktest_check(mapping_of(parent, ro).refs == 2,
			 "the refused write copied nothing") &&
	     ktest_check(
		     mm_region_protect(parent, USER_TEST_BASE,
				       USER_TEST_BASE + 64 * PAGE_SIZE,
				       PROT_READ) == 0 &&
			     mm_region_protect(parent, USER_TEST_BASE,
					       USER_TEST_BASE + 64 * PAGE_SIZE,
					       PROT_READ | PROT_WRITE) == 0,
		     "mprotect read-only and back") &&
	     ktest_check(!mapping_of(parent, rw).writable &&
				 mapping_of(parent, rw).refs == 2,
			 "a shared frame stays read-only after mprotect") &&
	     ktest_check(write_in(parent, rw, "mine") &&
				 reads_in(child, rw, "data"),
			 "so the parent's write still copies") &&
	     ktest_check(
		     mm_copy_in(child, ro + 1, "X", 1) == 0 &&
			     mapping_of(child, ro).pa !=
				     mapping_of(parent, ro).pa &&
			     !mapping_of(child, ro).writable,
		     "mm_copy_in copies a shared page, keeps it read-only") &&
	     ktest_check(reads_in(parent, ro, "text") &&
				 reads_in(child, ro, "tXxt"),
			 "and only the child sees the change");
	mm_activate(NULL);
	if (child)
		mm_put(child);
	mm_put(parent);
	return ok && usage_same(before, "cow protection");
}

bool
ktest_regions(const struct boot_info *bi)
{
	struct usage before = usage_now();
	struct mm *mm = mm_create();
	const vaddr_t b = USER_TEST_BASE;
	uint64_t word = 42, back = 0;

	(void)bi;
	if (!mm)
		return ktest_fail("out of memory");
	mm_activate(mm);
	bool ok =
		ktest_check(mm_region_add(mm, b, b + 8 * PAGE_SIZE,
					  PROT_READ | PROT_WRITE,
					  REGION_ANON) == 0,
			    "add") &&
		ktest_check(mm_region_add(mm, b + PAGE_SIZE, b + 2 * PAGE_SIZE,
					  PROT_READ, REGION_ANON) == -EEXIST,
			    "overlap gives -EEXIST") &&
		ktest_check(mm_region_add(mm, b + 1, b + PAGE_SIZE, PROT_READ,
					  REGION_ANON) == -EINVAL,
			    "unaligned gives -EINVAL") &&
		ktest_check(mm_region_add(mm, USER_END - PAGE_SIZE,
					  USER_END + PAGE_SIZE, PROT_READ,
					  REGION_ANON) == -EINVAL,
			    "past the user half gives -EINVAL") &&
		ktest_check(copy_to_user((void *)(b + 3 * PAGE_SIZE), &word,
					 8) == 0,
			    "write into the region") &&
		/* Remove the middle: the region splits in two. */
		ktest_check(mm_region_remove(mm, b + 2 * PAGE_SIZE,
					     b + 3 * PAGE_SIZE) == 0,
			    "remove") &&
		ktest_check(mm_region_find(mm, b + 2 * PAGE_SIZE) == NULL,
			    "the hole is gone") &&
		ktest_check(mm_region_find(mm, b + PAGE_SIZE)->end ==
				    b + 2 * PAGE_SIZE,
			    "the lower part ends at the hole") &&
		ktest_check(mm_region_find(mm, b + 3 * PAGE_SIZE)->start ==
				    b + 3 * PAGE_SIZE,
			    "the upper part starts after it") &&
		ktest_check(mm_region_protect(mm, b, b + 4 * PAGE_SIZE,
					      PROT_READ) == -ENOMEM,
			    "mprotect across a hole gives -ENOMEM") &&
		ktest_check(mm_region_protect(mm, b + 3 * PAGE_SIZE,
					      b + 4 * PAGE_SIZE,
					      PROT_READ) == 0,
			    "mprotect read-only") &&
		ktest_check(copy_to_user((void *)(b + 3 * PAGE_SIZE), &word,
					 8) == -EFAULT,
			    "a write to a read-only page gives -EFAULT") &&
		ktest_check(copy_from_user(&back, (void *)(b + 3 * PAGE_SIZE),
					   8) == 0 &&
				    back == 42,
			    "a read-only page still reads") &&
		ktest_check(mm_region_protect(mm, b + 3 * PAGE_SIZE,
					      b + 4 * PAGE_SIZE,
					      PROT_NONE) == 0,
			    "mprotect PROT_NONE") &&
		ktest_check(copy_from_user(&back, (void *)(b + 3 * PAGE_SIZE),
					   8) == -EFAULT,
			    "a PROT_NONE page gives -EFAULT") &&
		ktest_check(mm_region_protect(mm, b + 3 * PAGE_SIZE,
					      b + 4 * PAGE_SIZE,
					      PROT_READ | PROT_WRITE) == 0,
			    "mprotect back to read-write") &&
		ktest_check(copy_from_user(&back, (void *)(b + 3 * PAGE_SIZE),
					   8) == 0 &&
				    back == 42,
			    "the data survived PROT_NONE");
	mm_activate(NULL);
	mm_put(mm);
	return ok && usage_same(before, "regions");
}

bool
ktest_uaccess(const struct boot_info *bi)
{
	struct usage before = usage_now();
	struct mm *mm = mm_create();
	const vaddr_t b = USER_TEST_BASE;
	char buf[32];
	uint64_t word = 7;

	(void)bi;
	if (!mm || mm_region_add(mm, b, b + PAGE_SIZE, PROT_READ | PROT_WRITE,
				 REGION_ANON))
		return ktest_fail("out of memory");
	mm_activate(mm);
	/* The last 5 bytes of the region: "abcd" and its NUL; and then an
	 * unterminated "xyz" right at the region's end. */
	bool ok =
		ktest_check(copy_to_user((void *)(b + PAGE_SIZE - 16), "abcd",
					 5) == 0,
			    "write a string") &&
		ktest_check(strncpy_from_user(buf, (void *)(b + PAGE_SIZE - 16),
					      sizeof(buf)) == 4 &&
				    strcmp(buf, "abcd") == 0,
			    "strncpy_from_user reads it") &&
		ktest_check(strncpy_from_user(buf, (void *)(b + PAGE_SIZE - 16),
					      3) == 3,
			    "a short buffer gives its size") &&
		ktest_check(copy_to_user((void *)(b + PAGE_SIZE - 3), "xyz",
					 3) == 0,
			    "write an unterminated string") &&
		ktest_check(strncpy_from_user(buf, (void *)(b + PAGE_SIZE - 3),
					      sizeof(buf)) == -EFAULT,
			    "a string running off the region gives -EFAULT") &&
		ktest_check(copy_to_user(NULL, &word, 8) == -EFAULT,
			    "null pointer") &&
		ktest_check(copy_to_user((void *)(b + 2 * PAGE_SIZE), &word,
					 8) == -EFAULT,
			    "no region there") &&
		ktest_check(copy_to_user((void *)(b + PAGE_SIZE - 4), &word,
					 8) == -EFAULT,
			    "straddling the region's end") &&
		ktest_check(copy_from_user(&word, phys_to_virt(0x100000), 8) ==
				    -EFAULT,
			    "a kernel address") &&
		ktest_check(copy_from_user(&word, (void *)(USER_END - 4), 8) ==
				    -EFAULT,
			    "running past the user half") &&
		ktest_check(copy_from_user(&word, (void *)b, ~0ull) == -EFAULT,
			    "a wrapping length") &&
		ktest_check(strncpy_from_user(buf, (void *)DIRECT_MAP_BASE,
					      sizeof(buf)) == -EFAULT,
			    "strncpy_from_user of a kernel address");
	mm_activate(NULL);
	mm_put(mm);
	return ok && usage_same(before, "uaccess");
}

bool
ktest_kmalloc_stress(const struct boot_info *bi)
{
	static void *slot[KMALLOC_SLOTS];
	static size_t slot_size[KMALLOC_SLOTS];
	struct usage before = usage_now();
	uint64_t seed = 0x2545f4914f6cdd1dull;

	(void)bi;
	for (int op = 0; op < KMALLOC_OPS; op++) {
		unsigned i = next_random(&seed) % KMALLOC_SLOTS;
		if (slot[i]) {
			uint8_t *p = slot[i];
			for (size_t k = 0; k < slot_size[i]; k++)
				if (p[k] != (uint8_t)(i + k))
					return ktest_fail(
						"object %u was overwritten", i);
			kfree(p);
			slot[i] = NULL;
			continue;
		}
		/* Mostly small objects, some large ones. */
		size_t size =
			next_random(&seed) % 16 == 0
				? 1 + next_random(&seed) % KMALLOC_MAX_SIZE
				: 1 + next_random(&seed) % 200;
		uint8_t *p = kmalloc(size);
		if (!p)
			return ktest_fail("kmalloc(%zu) failed", size);
		if ((uintptr_t)p % 16)
			return ktest_fail("kmalloc(%zu) gave %p: not aligned",
					  size, (void *)p);
		for (size_t k = 0; k < size; k++)
			p[k] = (uint8_t)(i + k);
		slot[i] = p;
		slot_size[i] = size;
	}
	for (int i = 0; i < KMALLOC_SLOTS; i++) {
		kfree(slot[i]);
		slot[i] = NULL;
	}
	return usage_same(before, "kmalloc stress");
}

/* --- Deliberate crashes: each must end in a panic that names it. -------- */

/* Use a lot of stack per call, so the guard page is reached quickly.
 * Called from the inline assembly below only, hence "used". */
__attribute__((noinline, used)) static uint64_t
recurse(uint64_t depth)
{
	volatile uint64_t frame[64];

	if (depth == UINT64_MAX) /* never: it only keeps the compiler calm */
		return 0;
	frame[depth % 64] = depth;
	return recurse(depth + 1) + frame[depth % 64];
}

bool
ktest_kstack_overflow(const struct boot_info *bi)
{
	vaddr_t top = kstack_alloc(42);

	(void)bi;
	if (!top)
		return ktest_fail("no kernel stack");
	pr_info("  recursing on the stack of task 42 until it overflows\n");
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "xor %%edi, %%edi\n\t"
			 "call recurse"
			 :
			 : "r"(top)
			 : "memory");
	return ktest_fail("the recursion returned");
}

bool
ktest_kmalloc_overflow(const struct boot_info *bi)
{
	char *p = kmalloc(24);

	(void)bi;
	pr_info("  writing one byte past a 24-byte object\n");
	p[24] = 'x';
	kfree(p);
	return ktest_fail("the overflow was not caught");
}

bool
ktest_kmalloc_double_free(const struct boot_info *bi)
{
	void *p = kmalloc(100);

	(void)bi;
	kfree(p);
	pr_info("  freeing %p a second time\n", p);
	kfree(p);
	return ktest_fail("the double free was not caught");
}

bool
ktest_kmalloc_use_after_free(const struct boot_info *bi)
{
	/* A neighbour keeps the slab alive; otherwise the emptied slab's
	 * page would go back to the frame allocator with the freed object. */
	void *neighbour = kmalloc(100);
	volatile char *p = kmalloc(100);

	(void)bi;
	kfree((void *)p);
	pr_info("  writing to %p after freeing it\n", (void *)p);
	p[10] = 'x';
	/* The slab hands the same object out again: the check sees it. */
	void *again = kmalloc(100);
	kfree(again);
	kfree(neighbour);
	return ktest_fail("the write after free was not caught");
}

bool
ktest_null_deref(const struct boot_info *bi)
{
	static volatile uint64_t *volatile null_pointer;

	(void)bi;
	pr_info("  reading through a null pointer\n");
	return *null_pointer == 0 && ktest_fail("reading address 0 worked");
}

/* --- The benchmark (not a test: it measures and always passes). --------- */

#define BENCH_ROUNDS 2000

static uint64_t
bench_per_op(uint64_t start_ns, unsigned ops)
{
	return (clock_ns() - start_ns) / ops;
}

bool
ktest_bench_mm(const struct boot_info *bi)
{
	static const size_t sizes[] = { 32, 256, 2000, 8192 };
	static void *objects[BENCH_ROUNDS];
	paddr_t root = kernel_space_new_root();

	(void)bi;
	uint64_t t = clock_ns();
	for (int i = 0; i < BENCH_ROUNDS; i++)
		frame_put(frame_alloc(FRAME_KERNEL));
	pr_info("bench frame_alloc+frame_put: %llu ns\n",
		(unsigned long long)bench_per_op(t, BENCH_ROUNDS));

	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		t = clock_ns();
		for (int i = 0; i < BENCH_ROUNDS; i++)
			objects[i] = kmalloc(sizes[s]);
		for (int i = 0; i < BENCH_ROUNDS; i++)
			kfree(objects[i]);
		pr_info("bench kmalloc+kfree %zu bytes: %llu ns\n", sizes[s],
			(unsigned long long)bench_per_op(t, BENCH_ROUNDS));
	}

	paddr_t pa = frame_alloc(FRAME_USER);
	paging_map(root, USER_TEST_BASE, pa, PTE_USER); /* tables exist */
	paging_unmap(root, USER_TEST_BASE, NULL);
	t = clock_ns();
	for (int i = 0; i < BENCH_ROUNDS; i++) {
		paging_map(root, USER_TEST_BASE, pa, PTE_USER | PTE_WRITABLE);
		paging_unmap(root, USER_TEST_BASE, NULL);
	}
	pr_info("bench paging_map+paging_unmap: %llu ns\n",
		(unsigned long long)bench_per_op(t, BENCH_ROUNDS));
	frame_put(pa);
	paging_free_tables(root, 0, PML4_KERNEL_FIRST);
	frame_put(root);
	return true;
}
