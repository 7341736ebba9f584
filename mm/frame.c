/*
 * The kernel's frame allocator: the buddy pool (buddy.c) over the memory
 * map built from the boot information, with a lock and zeroing.
 *
 * Which frames are free at boot:
 *
 *   usable RAM from the boot loader's memory map
 *   minus  the first MiB (BIOS data, real-mode vectors, EBDA)
 *   minus  the kernel image, .bss included
 *   minus  every boot module (the initramfs) and the boot information
 *   minus  the memory map (struct page array) itself
 *   minus  anything another memory-map entry calls reserved
 */
#include "mm/frame.h"
#include "boot/bootinfo.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/spinlock.h"
#include "kernel/lib/string.h"

#define LOW_MEMORY_END	    0x100000
#define RESERVED_RANGES_MAX (BOOT_MMAP_MAX + BOOT_MODULES_MAX + 4)

extern const char __image_phys_start[], __bss_end_phys[];

static struct frame_pool pool;
static struct spinlock frame_lock = SPINLOCK_INIT("frame");

struct range {
	paddr_t start, end;
};

static struct range reserved[RESERVED_RANGES_MAX];
static size_t nreserved;
static const struct boot_info *boot_mmap; /* for frame_release_high */
static paddr_t release_limit;

static void
reserve(paddr_t start, paddr_t end)
{
	if (nreserved == RESERVED_RANGES_MAX)
		panic("frame: more than %d reserved ranges",
		      RESERVED_RANGES_MAX);
	reserved[nreserved++] = (struct range){ ALIGN_DOWN(start, PAGE_SIZE),
						ALIGN_UP(end, PAGE_SIZE) };
}

static bool
overlaps_reserved(paddr_t start, paddr_t end)
{
	for (size_t i = 0; i < nreserved; i++)
		if (start < reserved[i].end && reserved[i].start < end)
			return true;
	return false;
}

/* The lowest page-aligned place, below @limit, where @bytes of usable
 * memory are free of every reserved range. */
static paddr_t
find_free_space(const struct boot_info *bi, size_t bytes, paddr_t limit)
{
	for (size_t i = 0; i < bi->mmap_count; i++) {
		const struct boot_mmap_entry *e = &bi->mmap[i];
		if (e->type != BOOT_MEM_USABLE)
			continue;
		paddr_t end =
			MIN(ALIGN_DOWN(e->base + e->length, PAGE_SIZE), limit);
		/* Try the region's start, then just past each reserved range. */
		for (size_t r = 0; r <= nreserved; r++) {
			paddr_t start =
				r == nreserved ? e->base : reserved[r].end;
			start = ALIGN_UP(MAX(start, e->base), PAGE_SIZE);
			if (start + bytes <= end &&
			    !overlaps_reserved(start, start + bytes))
				return start;
		}
	}
	return 0;
}

/* The reserved range containing @pa, or NULL. */
static const struct range *
reserved_at(paddr_t pa)
{
	for (size_t i = 0; i < nreserved; i++)
		if (reserved[i].start <= pa && pa < reserved[i].end)
			return &reserved[i];
	return NULL;
}

/* The start of the first reserved range above @pa, or @limit. */
static paddr_t
next_reserved(paddr_t pa, paddr_t limit)
{
	for (size_t i = 0; i < nreserved; i++)
		if (reserved[i].start > pa && reserved[i].start < limit)
			limit = reserved[i].start;
	return limit;
}

/* Release the usable frames in [from, to), skipping reserved ranges, a
 * whole run between two reserved ranges at a time. */
static void
release_usable(const struct boot_info *bi, paddr_t from, paddr_t to)
{
	for (size_t i = 0; i < bi->mmap_count; i++) {
		const struct boot_mmap_entry *e = &bi->mmap[i];
		if (e->type != BOOT_MEM_USABLE)
			continue;
		paddr_t pa = MAX(ALIGN_UP(e->base, PAGE_SIZE), from);
		paddr_t end =
			MIN(ALIGN_DOWN(e->base + e->length, PAGE_SIZE), to);
		while (pa < end) {
			const struct range *r = reserved_at(pa);
			if (r) {
				pa = r->end;
				continue;
			}
			paddr_t run_end = next_reserved(pa, end);
			frame_pool_release(&pool, pa / PAGE_SIZE,
					   run_end / PAGE_SIZE);
			pa = run_end;
		}
	}
}

void
frame_init(const struct boot_info *bi, paddr_t limit)
{
	paddr_t top = 0;

	for (size_t i = 0; i < bi->mmap_count; i++) {
		const struct boot_mmap_entry *e = &bi->mmap[i];
		if (e->type == BOOT_MEM_USABLE)
			top = MAX(top,
				  ALIGN_DOWN(e->base + e->length, PAGE_SIZE));
		else
			reserve(e->base, e->base + e->length);
	}
	reserve(0, LOW_MEMORY_END);
	reserve((paddr_t)__image_phys_start, (paddr_t)__bss_end_phys);
	reserve(bi->info_start, bi->info_end);
	for (size_t i = 0; i < bi->module_count; i++)
		reserve(bi->modules[i].start, bi->modules[i].end);

	size_t npages = top / PAGE_SIZE;
	size_t map_bytes = ALIGN_UP(npages * sizeof(struct page), PAGE_SIZE);
	paddr_t map = find_free_space(bi, map_bytes, limit);
	if (!map)
		panic("frame: no room below %#llx for a %zu KiB memory map",
		      (unsigned long long)limit, map_bytes / 1024);
	reserve(map, map + map_bytes);

	frame_pool_init(&pool, phys_to_virt(map), npages);
	boot_mmap = bi;
	release_limit = limit;
	release_usable(bi, 0, limit);
	pr_info("frame: %zu frames (%zu MiB) of RAM up to %#llx; memory map of %zu KiB at %#llx\n",
		npages - pool.count[FRAME_RESERVED],
		(npages - pool.count[FRAME_RESERVED]) >> 8,
		(unsigned long long)top, map_bytes / 1024,
		(unsigned long long)map);
}

/* Call once every frame is in the direct map. */
void
frame_release_high(void)
{
	uint64_t flags = spin_lock_irqsave(&frame_lock);
	release_usable(boot_mmap, release_limit, ~0ull);
	spin_unlock_irqrestore(&frame_lock, flags);
}

struct page *
frame_to_page(paddr_t pa)
{
	if (pa / PAGE_SIZE >= pool.npages)
		panic("frame: %#llx is outside physical memory",
		      (unsigned long long)pa);
	return &pool.pages[pa / PAGE_SIZE];
}

paddr_t
page_to_frame(const struct page *page)
{
	return (paddr_t)(page - pool.pages) * PAGE_SIZE;
}

paddr_t
frame_alloc_order_raw(unsigned order, enum frame_use use)
{
	uint64_t flags = spin_lock_irqsave(&frame_lock);
	struct page *p = frame_pool_alloc(&pool, order, use);

	spin_unlock_irqrestore(&frame_lock, flags);
	return p ? page_to_frame(p) : 0;
}

paddr_t
frame_alloc_order(unsigned order, enum frame_use use)
{
	paddr_t pa = frame_alloc_order_raw(order, use);

	if (pa)
		memset(phys_to_virt(pa), 0, PAGE_SIZE << order);
	return pa;
}

paddr_t
frame_alloc(enum frame_use use)
{
	return frame_alloc_order(0, use);
}

void
frame_get(paddr_t pa)
{
	struct page *p = frame_to_page(pa);
	uint64_t flags = spin_lock_irqsave(&frame_lock);

	if (!p->head || p->use == FRAME_FREE || p->use == FRAME_RESERVED)
		panic("frame_get: %#llx is not an allocated frame",
		      (unsigned long long)pa);
	p->refcount++;
	spin_unlock_irqrestore(&frame_lock, flags);
}

uint32_t
frame_refcount(paddr_t pa)
{
	struct page *p = frame_to_page(pa);
	uint64_t flags = spin_lock_irqsave(&frame_lock);
	uint32_t n = p->refcount;

	spin_unlock_irqrestore(&frame_lock, flags);
	return n;
}

void
frame_put(paddr_t pa)
{
	struct page *p = frame_to_page(pa);
	uint64_t flags = spin_lock_irqsave(&frame_lock);

	/* Freeing what is not allocated is a kernel bug (a double free or a
	 * wild pointer): stop before the free lists are corrupted. */
	if (!p->head || p->use == FRAME_FREE || p->use == FRAME_RESERVED ||
	    p->refcount == 0)
		panic("frame_put: %#llx is not an allocated frame (double free?)",
		      (unsigned long long)pa);
	if (--p->refcount == 0)
		frame_pool_free(&pool, p);
	spin_unlock_irqrestore(&frame_lock, flags);
}

struct frame_stats
frame_stats(void)
{
	struct frame_stats s = { 0 };
	uint64_t flags = spin_lock_irqsave(&frame_lock);

	for (int i = 0; i < FRAME_USE_COUNT; i++)
		s.by_use[i] = pool.count[i];
	spin_unlock_irqrestore(&frame_lock, flags);
	s.free = s.by_use[FRAME_FREE];
	s.total = pool.npages - s.by_use[FRAME_RESERVED];
	return s;
}

void
frame_stats_print(const char *what)
{
	struct frame_stats s = frame_stats();

	pr_info("%s: %zu frames: %zu free, %zu kernel, %zu page tables, %zu user, %zu file\n",
		what, s.total, s.free, s.by_use[FRAME_KERNEL],
		s.by_use[FRAME_PAGE_TABLE], s.by_use[FRAME_USER],
		s.by_use[FRAME_FILE]);
}
