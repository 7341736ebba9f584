/*
 * The buddy allocator behind frame_alloc.
 *
 * Free memory is kept as blocks of 2^order frames, each starting on a
 * frame number that is a multiple of 2^order. A block's "buddy" is the
 * other half of the block one order up: frame number XOR 2^order.
 *
 *   order 2:  [ 0  1  2  3 ][ 4  5  6  7 ]   blocks 0 and 4 are buddies
 *   order 1:  [ 0  1 ][ 2  3 ]                blocks 0 and 2 are buddies
 *
 * Allocating takes the smallest free block big enough and splits it,
 * putting the unused halves back on their lists. Freeing merges a block
 * with its buddy for as long as the buddy is free too, so memory does not
 * stay broken into small pieces.
 *
 * Only struct page is touched, never the frames: the host unit tests run
 * this file as it is (tests/unit/test_buddy.c).
 */
#include "mm/frame.h"

void
page_list_push(struct page **head, struct page *p)
{
	p->prev = NULL;
	p->next = *head;
	if (*head)
		(*head)->prev = p;
	*head = p;
}

void
page_list_remove(struct page **head, struct page *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		*head = p->next;
	if (p->next)
		p->next->prev = p->prev;
	p->next = p->prev = NULL;
}

/* Mark the 2^order frames from @p as one block with this use. */
static void
mark_block(struct page *p, unsigned order, enum frame_use use)
{
	for (size_t i = 0; i < (1ul << order); i++) {
		p[i].use = (uint8_t)use;
		p[i].head = i == 0;
		p[i].order = (uint8_t)order;
		p[i].refcount = 0;
	}
}

void
frame_pool_init(struct frame_pool *pool, struct page *pages, size_t npages)
{
	*pool = (struct frame_pool){ .pages = pages, .npages = npages };
	for (size_t i = 0; i < npages; i++)
		pages[i] = (struct page){ .use = FRAME_RESERVED, .head = 1 };
	pool->count[FRAME_RESERVED] = npages;
}

void
frame_pool_release(struct frame_pool *pool, size_t first, size_t end)
{
	for (size_t i = first; i < end && i < pool->npages; i++) {
		struct page *p = &pool->pages[i];
		if (p->use != FRAME_RESERVED)
			continue; /* released already: overlapping ranges */
		p->refcount = 1;
		frame_pool_free(pool, p);
	}
}

struct page *
frame_pool_alloc(struct frame_pool *pool, unsigned order, enum frame_use use)
{
	unsigned k = order;

	if (order > FRAME_MAX_ORDER || use == FRAME_FREE ||
	    use >= FRAME_USE_COUNT)
		return NULL;
	while (k <= FRAME_MAX_ORDER && !pool->free_lists[k])
		k++;
	if (k > FRAME_MAX_ORDER)
		return NULL; /* nothing big enough: out of memory */

	struct page *p = pool->free_lists[k];
	page_list_remove(&pool->free_lists[k], p);
	/* Split: keep the lower half, free the upper half, until the block
	 * is the size asked for. */
	while (k > order) {
		k--;
		struct page *upper = p + (1ul << k);
		mark_block(upper, k, FRAME_FREE);
		page_list_push(&pool->free_lists[k], upper);
	}
	mark_block(p, order, use);
	p->refcount = 1;
	pool->count[FRAME_FREE] -= 1ul << order;
	pool->count[use] += 1ul << order;
	return p;
}

void
frame_pool_free(struct frame_pool *pool, struct page *p)
{
	size_t index = (size_t)(p - pool->pages);
	unsigned order = p->order;

	pool->count[p->use] -= 1ul << order;
	pool->count[FRAME_FREE] += 1ul << order;

	/* Merge with the buddy while it is a free block of the same size. */
	while (order < FRAME_MAX_ORDER) {
		size_t buddy_index = index ^ (1ul << order);
		if (buddy_index + (1ul << order) > pool->npages)
			break;
		struct page *buddy = &pool->pages[buddy_index];
		if (!buddy->head || buddy->use != FRAME_FREE ||
		    buddy->order != order)
			break;
		page_list_remove(&pool->free_lists[order], buddy);
		buddy->head = 0;
		if (buddy_index < index)
			index = buddy_index;
		order++;
	}
	p = &pool->pages[index];
	mark_block(p, order, FRAME_FREE);
	page_list_push(&pool->free_lists[order], p);
}
