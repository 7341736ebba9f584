/*
 * kmalloc: size-class slabs for small objects, buddy blocks for large.
 *
 * A slab is one page, cut into objects of its class size. Every object
 * starts with a 16-byte header; the caller's bytes follow:
 *
 *   slab page (class 64)
 *   +--------------------+--------------------+-----
 *   | hdr | data | red   | hdr | data | red   | ...
 *   +--------------------+--------------------+-----
 *    16 B   size   rest of the 64 bytes: red zone (debug)
 *
 *   header: state (allocated/free), size asked for, the caller's address
 *           while allocated or the next free object while free
 *
 * The page's struct page says which class it serves, how many of its
 * objects are in use and where its free list starts. Slabs with a free
 * object sit on their class's "partial" list; a slab whose objects are
 * all free again goes back to the frame allocator.
 */
#include "mm/kmalloc.h"
#include "kernel/lib/backtrace.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/spinlock.h"
#include "kernel/lib/string.h"
#include "mm/frame.h"
#include "mm/memlayout.h"

#define KMALLOC_MIN_CLASS 32
#define KMALLOC_MAX_CLASS 2048
#define KMALLOC_CLASSES	  7 /* 32 64 128 256 512 1024 2048 */
#define STATE_ALLOCATED	  0xa110ca7eu
#define STATE_FREE	  0xf5eef5eeu
#define POISON_FREE	  0x6b
#define POISON_RED_ZONE	  0xbb
#ifdef KMALLOC_DEBUG
#define RED_ZONE_MIN 8 /* bytes after each object, at least */
#else
#define RED_ZONE_MIN 0
#endif

struct object_header {
	uint32_t state;
	uint32_t size; /* bytes the caller asked for */
	union {
		uint64_t caller;	    /* while allocated */
		struct object_header *next; /* while free */
	};
};
_Static_assert(sizeof(struct object_header) == 16, "kmalloc header");

static struct spinlock heap_lock = SPINLOCK_INIT("kmalloc");
static struct page *partial[KMALLOC_CLASSES]; /* slabs with room */
static struct kmalloc_stats stats;

static size_t
class_size(unsigned class)
{
	return (size_t)KMALLOC_MIN_CLASS << class;
}

/* The smallest class for @size bytes, or KMALLOC_CLASSES if none. */
static unsigned
class_for(size_t size)
{
	size_t need = sizeof(struct object_header) + size + RED_ZONE_MIN;
	unsigned class = 0;

	while (class < KMALLOC_CLASSES && class_size(class) < need)
		class ++;
	return class;
}

#ifdef KMALLOC_DEBUG
/* Name the allocator of a bad object, for the panic message. */
static const char *
caller_name(uint64_t caller, uint64_t *offset)
{
	const char *name = ksym_lookup(caller, offset);

	if (!name) {
		*offset = caller;
		return "?";
	}
	return name;
}

/* Fill the red zone of an object: the bytes after the caller's. */
static void
red_zone_fill(struct object_header *h, size_t object_size)
{
	uint8_t *data = (uint8_t *)(h + 1);

	memset(data + h->size, POISON_RED_ZONE,
	       object_size - sizeof(*h) - h->size);
}

static void
red_zone_check(struct object_header *h, size_t object_size)
{
	uint8_t *data = (uint8_t *)(h + 1);
	size_t end = object_size - sizeof(*h);

	for (size_t i = h->size; i < end; i++) {
		if (data[i] != POISON_RED_ZONE) {
			uint64_t off;
			const char *who = caller_name(h->caller, &off);
			panic("kmalloc: write past the end of a %u-byte object at %p (byte %zu), allocated by %s+0x%llx",
			      h->size, (void *)data, i, who,
			      (unsigned long long)off);
		}
	}
}

static void
poison_fill(struct object_header *h, size_t object_size)
{
	memset(h + 1, POISON_FREE, object_size - sizeof(*h));
}

static void
poison_check(struct object_header *h, size_t object_size)
{
	uint8_t *data = (uint8_t *)(h + 1);

	for (size_t i = 0; i < object_size - sizeof(*h); i++)
		if (data[i] != POISON_FREE)
			panic("kmalloc: freed object at %p was written after kfree (byte %zu is %#x)",
			      (void *)data, i, data[i]);
}
#else
static void
red_zone_fill(struct object_header *h, size_t object_size)
{
	(void)h, (void)object_size;
}
static void
red_zone_check(struct object_header *h, size_t object_size)
{
	(void)h, (void)object_size;
}
static void
poison_fill(struct object_header *h, size_t object_size)
{
	(void)h, (void)object_size;
}
static void
poison_check(struct object_header *h, size_t object_size)
{
	(void)h, (void)object_size;
}
#endif

/* A fresh slab for @class: a page cut into free objects. */
static struct page *
slab_create(unsigned class)
{
	paddr_t pa = frame_alloc(FRAME_KERNEL);

	if (!pa)
		return NULL;
	struct page *p = frame_to_page(pa);
	size_t size = class_size(class);
	uint8_t *base = phys_to_virt(pa);
	struct object_header *free_list = NULL;

	/* Build the free list backwards so objects go out in address
	 * order, which makes dumps easier to read. */
	for (size_t off = PAGE_SIZE; off >= size; off -= size) {
		struct object_header *h = (void *)(base + off - size);
		h->state = STATE_FREE;
		h->next = free_list;
		poison_fill(h, size);
		free_list = h;
	}
	p->slab_class = (uint8_t)(class + 1);
	p->slab_inuse = 0;
	p->slab_free = free_list;
	stats.slabs++;
	return p;
}

static void *
slab_alloc(unsigned class, size_t size, uint64_t caller)
{
	struct page *p = partial[class];

	if (!p) {
		p = slab_create(class);
		if (!p)
			return NULL;
		page_list_push(&partial[class], p);
	}
	struct object_header *h = p->slab_free;
	if (h->state != STATE_FREE)
		panic("kmalloc: free list of a %zu-byte slab is corrupt at %p",
		      class_size(class), (void *)h);
	poison_check(h, class_size(class));
	p->slab_free = h->next;
	p->slab_inuse++;
	if (!p->slab_free)
		page_list_remove(&partial[class], p); /* now full */

	h->state = STATE_ALLOCATED;
	h->size = (uint32_t)size;
	h->caller = caller;
	red_zone_fill(h, class_size(class));
	return h + 1;
}

static void
slab_free(struct page *p, struct object_header *h)
{
	unsigned class = p->slab_class - 1u;
	size_t size = class_size(class);
	bool was_full = p->slab_free == NULL;

	if (((uintptr_t)h & (PAGE_SIZE - 1)) % size)
		panic("kfree: %p is not the start of a kmalloc object",
		      (void *)(h + 1));
	red_zone_check(h, size);
	h->state = STATE_FREE;
	poison_fill(h, size);
	h->next = p->slab_free;
	p->slab_free = h;
	p->slab_inuse--;

	if (was_full)
		page_list_push(&partial[class], p);
	if (p->slab_inuse == 0) { /* empty: give the page back */
		page_list_remove(&partial[class], p);
		p->slab_class = 0;
		p->slab_free = NULL;
		stats.slabs--;
		frame_put(page_to_frame(p));
	}
}

/* Large objects: 2^order frames, the header at the start. */
static void *
large_alloc(size_t size, uint64_t caller)
{
	size_t need = sizeof(struct object_header) + size + RED_ZONE_MIN;
	unsigned order = 0;

	while (((size_t)PAGE_SIZE << order) < need)
		if (++order > FRAME_MAX_ORDER)
			return NULL;
	/* Not zeroed: kmalloc's bytes are uninitialised (kzalloc zeroes
	 * just the bytes asked for), and a 2 MiB buffer is costly to clear. */
	paddr_t pa = frame_alloc_order_raw(order, FRAME_KERNEL);
	if (!pa)
		return NULL;
	struct object_header *h = phys_to_virt(pa);
	h->state = STATE_ALLOCATED;
	h->size = (uint32_t)size;
	h->caller = caller;
	red_zone_fill(h, (size_t)PAGE_SIZE << order);
	return h + 1;
}

static void *
kmalloc_caller(size_t size, uint64_t caller)
{
	void *ptr;

	if (size == 0 || size > UINT32_MAX)
		return NULL;
	uint64_t flags = spin_lock_irqsave(&heap_lock);
	unsigned class = class_for(size);
	if (class < KMALLOC_CLASSES)
		ptr = slab_alloc(class, size, caller);
	else
		ptr = large_alloc(size, caller);
	if (ptr) {
		stats.objects++;
		stats.bytes += size;
	}
	spin_unlock_irqrestore(&heap_lock, flags);
	return ptr;
}

void *
kmalloc(size_t size)
{
	return kmalloc_caller(size, (uint64_t)__builtin_return_address(0) - 1);
}

void *
kzalloc(size_t size)
{
	void *ptr =
		kmalloc_caller(size, (uint64_t)__builtin_return_address(0) - 1);

	if (ptr)
		memset(ptr, 0, size);
	return ptr;
}

void
kfree(void *ptr)
{
	if (!ptr)
		return;
	struct object_header *h = (struct object_header *)ptr - 1;
	vaddr_t va = (vaddr_t)h;
	if (va < DIRECT_MAP_BASE || va >= KSTACK_BASE)
		panic("kfree: %p is not a kmalloc pointer", ptr);

	uint64_t flags = spin_lock_irqsave(&heap_lock);
	struct page *p = frame_to_page(ALIGN_DOWN(virt_to_phys(h), PAGE_SIZE));
	if (h->state == STATE_FREE)
		panic("kfree: double free of %p", ptr);
	if (h->state != STATE_ALLOCATED)
		panic("kfree: %p was not allocated by kmalloc (or its header was overwritten)",
		      ptr);
	stats.objects--;
	stats.bytes -= h->size;
	if (p->slab_class) {
		slab_free(p, h);
	} else {
		if (!p->head || p->use != FRAME_KERNEL ||
		    ((uintptr_t)h & (PAGE_SIZE - 1)))
			panic("kfree: %p was not allocated by kmalloc", ptr);
		red_zone_check(h, (size_t)PAGE_SIZE << p->order);
		h->state = STATE_FREE;
		frame_put(page_to_frame(p));
	}
	spin_unlock_irqrestore(&heap_lock, flags);
}

struct kmalloc_stats
kmalloc_stats(void)
{
	uint64_t flags = spin_lock_irqsave(&heap_lock);
	struct kmalloc_stats s = stats;

	spin_unlock_irqrestore(&heap_lock, flags);
	return s;
}
