/*
 * The buddy allocator (mm/buddy.c) over pools of struct page with no
 * memory behind them. Besides each case's own checks, pool_ok() looks at
 * the whole pool after every scenario: the memory map splits into blocks
 * that are aligned and stay inside the pool, the free lists hold exactly
 * the free blocks, no two free buddies are left unmerged, and the per-use
 * counters agree with the map. A bitmap of frames handed out catches a
 * frame given twice.
 */
#include "mm/frame.h"
#include "tests/unit/unit.h"

#include <limits.h>
#include <stdlib.h>

#define NFRAMES	     2048 /* two blocks of the largest order */
#define BLOCK(order) ((size_t)1 << (order))

static struct frame_pool pool;
static struct page *pages;
static uint8_t *taken; /* frames handed out and not freed yet */

/* A pool of @npages frames, all reserved. The array has exactly npages
 * entries, so ASan stops any look past the end. */
static void
pool_new(size_t npages)
{
	free(pages);
	free(taken);
	pages = malloc(npages * sizeof(*pages));
	taken = calloc(npages, 1);
	frame_pool_init(&pool, pages, npages);
}

static size_t
index_of(const struct page *p)
{
	return (size_t)(p - pages);
}

/* --- Whole-pool checks -------------------------------------------------- */

#define BAD(...)                                \
	do {                                    \
		printf("  pool: " __VA_ARGS__); \
		printf("\n");                   \
		ok = false;                     \
		goto out;                       \
	} while (0)

static bool
pool_ok(void)
{
	size_t n = pool.npages, listed = 0;
	size_t by_use[FRAME_USE_COUNT] = { 0 };
	uint8_t *on_list = calloc(n, 1);
	bool ok = true;

	/* The free lists: free heads of the right order, aligned, inside the
	 * pool, linked both ways, no frame in two blocks. */
	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k++) {
		struct page *prev = NULL;
		for (struct page *p = pool.free_lists[k]; p;
		     prev = p, p = p->next) {
			size_t i = index_of(p);
			if (p < pages || i >= n)
				BAD("order %u list: a page outside the pool",
				    k);
			if (listed > n)
				BAD("order %u list loops", k);
			if (!p->head || p->use != FRAME_FREE || p->order != k)
				BAD("list %u: %zu head %d use %d order %d", k,
				    i, p->head, p->use, p->order);
			if (i % BLOCK(k) != 0 || i + BLOCK(k) > n)
				BAD("free %zu order %u: misaligned or past %zu",
				    i, k, n);
			if (p->prev != prev)
				BAD("frame %zu: prev link is wrong", i);
			for (size_t j = i; j < i + BLOCK(k); j++) {
				if (on_list[j])
					BAD("frame %zu is in two free blocks",
					    j);
				on_list[j] = 1;
			}
			listed += BLOCK(k);
		}
	}

	/* The memory map: a row of blocks, each head followed by its
	 * members; free blocks are on a list and merged with free buddies. */
	for (size_t i = 0; i < n;) {
		struct page *p = &pages[i];
		if (!p->head)
			BAD("frame %zu should start a block", i);
		if (p->order > FRAME_MAX_ORDER || p->use >= FRAME_USE_COUNT)
			BAD("frame %zu: order %d, use %d", i, p->order, p->use);
		size_t len = BLOCK(p->order);
		if (i % len != 0 || i + len > n)
			BAD("block %zu order %d: misaligned or past %zu", i,
			    p->order, n);
		for (size_t j = i; j < i + len; j++) {
			if (j > i && (pages[j].head || pages[j].use != p->use ||
				      pages[j].order != p->order))
				BAD("frame %zu does not match its block at %zu",
				    j, i);
			if (on_list[j] != (p->use == FRAME_FREE))
				BAD("frame %zu: use %d, on a free list %d", j,
				    p->use, on_list[j]);
		}
		size_t b = i ^ len;
		if (p->use == FRAME_FREE && p->order < FRAME_MAX_ORDER &&
		    b + len <= n && pages[b].head &&
		    pages[b].use == FRAME_FREE && pages[b].order == p->order)
			BAD("free buddies %zu, %zu (order %d) unmerged", i, b,
			    p->order);
		if (p->use != FRAME_FREE && p->use != FRAME_RESERVED &&
		    p->refcount == 0)
			BAD("allocated block %zu has refcount 0", i);
		by_use[p->use] += len;
		i += len;
	}
	for (int u = 0; u < FRAME_USE_COUNT; u++)
		if (by_use[u] != pool.count[u])
			BAD("count[%d] is %zu, the memory map says %zu", u,
			    pool.count[u], by_use[u]);
	if (listed != pool.count[FRAME_FREE])
		BAD("the free lists hold %zu frames, count[FRAME_FREE] is %zu",
		    listed, pool.count[FRAME_FREE]);
out:
	free(on_list);
	return ok;
}

/* The number of free blocks of each order. */
static void
shape(size_t out[FRAME_MAX_ORDER + 1])
{
	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k++) {
		out[k] = 0;
		for (struct page *p = pool.free_lists[k];
		     p && out[k] <= NFRAMES; p = p->next)
			out[k]++;
	}
}

static bool
same_shape(const size_t *want)
{
	size_t got[FRAME_MAX_ORDER + 1];
	bool same = true;

	shape(got);
	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k++) {
		if (got[k] != want[k]) {
			printf("  order %u: %zu free blocks, want %zu\n", k,
			       got[k], want[k]);
			same = false;
		}
	}
	return same;
}

/* The free blocks of a pool whose frames [0, n) were all released: the
 * bits of n, and the largest order as often as it fits. */
static void
shape_of_released(size_t n, size_t out[FRAME_MAX_ORDER + 1])
{
	for (unsigned k = 0; k < FRAME_MAX_ORDER; k++)
		out[k] = (n >> k) & 1;
	out[FRAME_MAX_ORDER] = n >> FRAME_MAX_ORDER;
}

/* --- Allocating with bookkeeping ---------------------------------------- */

/* frame_pool_alloc, checking the block's placement and that none of its
 * frames is out already. */
static struct page *
alloc(unsigned order, enum frame_use use)
{
	struct page *p = frame_pool_alloc(&pool, order, use);

	if (!p)
		return NULL;
	size_t i = index_of(p);
	CHECK(p >= pages && i < pool.npages);
	CHECK(i % BLOCK(order) == 0);
	CHECK(i + BLOCK(order) <= pool.npages);
	bool fresh = true;
	for (size_t j = i; j < i + BLOCK(order) && j < pool.npages; j++) {
		if (taken[j])
			fresh = false;
		taken[j] = 1;
	}
	if (!fresh)
		printf("  block %zu of order %u overlaps one handed out\n", i,
		       order);
	CHECK(fresh);
	return p;
}

static void
release(struct page *p)
{
	size_t i = index_of(p);

	for (size_t j = i; j < i + BLOCK(p->order) && j < pool.npages; j++)
		taken[j] = 0;
	frame_pool_free(&pool, p);
}

/* The same numbers on every host: xorshift64 from a fixed seed. */
static uint64_t rng_state;

static void
rng_seed(uint64_t seed)
{
	rng_state = seed;
}

static size_t
rng_below(size_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (size_t)(rng_state % n);
}

static void
shuffle(struct page **v, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = rng_below(i);
		struct page *t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

/* --- Cases -------------------------------------------------------------- */

static void
release_counts(void)
{
	size_t want[FRAME_MAX_ORDER + 1];

	pool_new(NFRAMES);
	CHECK_INT(pool.count[FRAME_RESERVED], NFRAMES);
	CHECK_INT(pool.count[FRAME_FREE], 0);
	CHECK(frame_pool_alloc(&pool, 0, FRAME_KERNEL) == NULL);
	CHECK(pool_ok());

	frame_pool_release(&pool, 0, NFRAMES);
	CHECK_INT(pool.count[FRAME_FREE], NFRAMES);
	CHECK_INT(pool.count[FRAME_RESERVED], 0);
	for (int u = FRAME_KERNEL; u < FRAME_USE_COUNT; u++)
		CHECK_INT(pool.count[u], 0);
	shape_of_released(NFRAMES, want);
	CHECK(same_shape(want));
	CHECK(pool_ok());

	/* Part of the pool: the rest stays reserved and is never handed out,
	 * even when everything released is taken. */
	pool_new(NFRAMES);
	frame_pool_release(&pool, 16, 1000);
	CHECK_INT(pool.count[FRAME_FREE], 1000 - 16);
	CHECK_INT(pool.count[FRAME_RESERVED], NFRAMES - (1000 - 16));
	CHECK(pool_ok());
	size_t got = 0, outside = 0;
	struct page *p;
	while ((p = alloc(0, FRAME_KERNEL)) != NULL) {
		got++;
		if (index_of(p) < 16 || index_of(p) >= 1000)
			outside++;
	}
	CHECK_INT(got, 1000 - 16);
	CHECK_INT(outside, 0);
	CHECK_INT(pool.count[FRAME_KERNEL], 1000 - 16);
	CHECK(pool_ok());

	/* An end past the pool is cut to the pool. */
	pool_new(NFRAMES);
	frame_pool_release(&pool, 0, NFRAMES + 100);
	CHECK_INT(pool.count[FRAME_FREE], NFRAMES);
	CHECK(pool_ok());
}

static void
alloc_each_order(void)
{
	static const enum frame_use uses[] = { FRAME_KERNEL, FRAME_USER,
					       FRAME_PAGE_TABLE };
	struct page *held[FRAME_MAX_ORDER + 1];
	size_t want[FRAME_MAX_ORDER + 1];

	pool_new(NFRAMES);
	frame_pool_release(&pool, 0, NFRAMES);
	shape(want);

	/* 1 + 2 + ... + 1024 = 2047 frames: all orders fit at once. */
	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k++) {
		enum frame_use use = uses[k % ARRAY_SIZE(uses)];
		size_t free_before = pool.count[FRAME_FREE];
		size_t use_before = pool.count[use];
		struct page *p = held[k] = alloc(k, use);
		CHECK(p != NULL);
		if (!p)
			continue;
		CHECK_INT(index_of(p) % BLOCK(k), 0);
		CHECK_INT(p->head, 1);
		CHECK_INT(p->use, use);
		CHECK_INT(p->order, k);
		CHECK_INT(p->refcount, 1);
		size_t members_ok = 0;
		for (size_t j = 1; j < BLOCK(k); j++)
			members_ok += !p[j].head && p[j].use == use;
		CHECK_INT(members_ok, BLOCK(k) - 1);
		CHECK_INT(pool.count[FRAME_FREE], free_before - BLOCK(k));
		CHECK_INT(pool.count[use], use_before + BLOCK(k));
	}
	CHECK_INT(pool.count[FRAME_FREE], 1);
	CHECK(pool_ok());

	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k++) {
		if (!held[k])
			continue;
		enum frame_use use = uses[k % ARRAY_SIZE(uses)];
		size_t free_before = pool.count[FRAME_FREE];
		size_t use_before = pool.count[use];
		release(held[k]);
		CHECK_INT(pool.count[FRAME_FREE], free_before + BLOCK(k));
		CHECK_INT(pool.count[use], use_before - BLOCK(k));
	}
	CHECK(same_shape(want));
	CHECK(pool_ok());
}

/* Take every frame one at a time, give them back in the order @pattern
 * names, and check the pool is whole again. */
static void
split_and_merge(int pattern)
{
	static struct page *out[NFRAMES];
	size_t want[FRAME_MAX_ORDER + 1];
	size_t n = 0;

	pool_new(NFRAMES);
	frame_pool_release(&pool, 0, NFRAMES);
	shape(want);
	while (n < NFRAMES && (out[n] = alloc(0, FRAME_USER)) != NULL)
		n++;
	CHECK_INT(n, NFRAMES);
	if (n != NFRAMES)
		return; /* the patterns below free every frame */
	CHECK(alloc(0, FRAME_USER) == NULL);
	CHECK_INT(pool.count[FRAME_USER], NFRAMES);
	CHECK(pool_ok());

	switch (pattern) {
	case 0: /* in the order they came */
		break;
	case 1: /* highest frame first */
		for (size_t i = 0; i < n; i++)
			out[i] = &pages[n - 1 - i];
		break;
	case 2: /* every other frame, then the rest */
		for (size_t i = 0; i < n; i++)
			out[i] =
				&pages[i < n / 2 ? 2 * i : 2 * (i - n / 2) + 1];
		break;
	default: /* shuffled */
		rng_seed(0x5eed5eed5eedull);
		shuffle(out, n);
		break;
	}
	for (size_t i = 0; i < n; i++) {
		release(out[i]);
		/* After every free: a wrong merge is caught before the
		 * next one builds on it. */
		CHECK(pool_ok());
		if (unit_case_failed)
			return;
		if (pattern == 2 && i == n / 2 - 1) {
			/* Only odd frames are out: nothing can merge yet. */
			size_t half[FRAME_MAX_ORDER + 1] = { [0] = n / 2 };
			CHECK(same_shape(half));
		}
	}
	CHECK_INT(pool.count[FRAME_FREE], NFRAMES);
	CHECK_INT(pool.count[FRAME_USER], 0);
	CHECK(same_shape(want));
	CHECK(pool_ok());

	struct page *a = alloc(FRAME_MAX_ORDER, FRAME_KERNEL);
	struct page *b = alloc(FRAME_MAX_ORDER, FRAME_KERNEL);
	CHECK(a != NULL && b != NULL);
	CHECK(alloc(0, FRAME_KERNEL) == NULL);
	if (a)
		release(a);
	if (b)
		release(b);
	CHECK(same_shape(want));
}

static void
merge_in_order(void)
{
	split_and_merge(0);
}

static void
merge_in_reverse(void)
{
	split_and_merge(1);
}

static void
merge_every_other_first(void)
{
	split_and_merge(2);
}

static void
merge_shuffled(void)
{
	split_and_merge(3);
}

/* Random blocks of mixed orders taken and given back, frame 0 kept out
 * of the pool as the kernel does: no frame is ever handed out twice, and
 * at the end everything merges back. */
static void
random_churn(void)
{
	static struct page *held[NFRAMES];
	size_t want[FRAME_MAX_ORDER + 1];
	size_t nheld = 0, frames_held = 0, failures = 0;

	pool_new(NFRAMES);
	frame_pool_release(&pool, 1, NFRAMES);
	shape(want);
	rng_seed(0xc0ffee);
	for (int step = 0; step < 20000; step++) {
		if (nheld > 0 && rng_below(3) == 0) {
			size_t i = rng_below(nheld);
			frames_held -= BLOCK(held[i]->order);
			release(held[i]);
			held[i] = held[--nheld];
		} else {
			/* Mostly small blocks, now and then a big one. */
			unsigned order = (unsigned)rng_below(4);
			if (rng_below(8) == 0)
				order = (unsigned)rng_below(FRAME_MAX_ORDER +
							    1);
			struct page *p = alloc(order, FRAME_KERNEL);
			if (!p) {
				failures++;
				continue;
			}
			CHECK(index_of(p) != 0);
			held[nheld++] = p;
			frames_held += BLOCK(order);
		}
		CHECK_INT(pool.count[FRAME_KERNEL], frames_held);
		CHECK(pool_ok());
		if (unit_case_failed)
			break;
	}
	CHECK(failures > 0); /* the pool did run dry now and then */
	CHECK(pool_ok());
	shuffle(held, nheld);
	while (nheld > 0)
		release(held[--nheld]);
	CHECK_INT(pool.count[FRAME_FREE], NFRAMES - 1);
	CHECK(same_shape(want));
	CHECK(pool_ok());
	CHECK(alloc(FRAME_MAX_ORDER, FRAME_KERNEL) != NULL);
}

static void
fragmentation(void)
{
	size_t want[FRAME_MAX_ORDER + 1];

	pool_new(NFRAMES);
	frame_pool_release(&pool, 0, NFRAMES);
	shape(want);
	size_t got = 0;
	while (got < NFRAMES && alloc(0, FRAME_USER) != NULL)
		got++;
	CHECK_INT(got, NFRAMES);
	if (got != NFRAMES)
		return; /* the frees below assume every frame is out */
	for (size_t i = 0; i < NFRAMES; i += 2)
		release(&pages[i]);
	CHECK_INT(pool.count[FRAME_FREE], NFRAMES / 2);

	/* Half the memory is free, but no two free frames are buddies. */
	for (unsigned k = 1; k <= FRAME_MAX_ORDER; k++)
		CHECK(frame_pool_alloc(&pool, k, FRAME_USER) == NULL);
	CHECK_INT(pool.count[FRAME_FREE], NFRAMES / 2);
	CHECK(pool_ok());
	struct page *p = alloc(0, FRAME_USER);
	CHECK(p != NULL);
	if (p)
		CHECK_INT(index_of(p) % 2, 0);
	CHECK(pool_ok());

	for (size_t i = 0; i < NFRAMES; i++)
		if (pages[i].use == FRAME_USER)
			release(&pages[i]);
	CHECK(same_shape(want));
	CHECK(pool_ok());
}

static void
exhaustion(void)
{
	static struct page *held[NFRAMES];
	size_t want[FRAME_MAX_ORDER + 1];
	size_t n = 0;

	pool_new(NFRAMES);
	frame_pool_release(&pool, 0, NFRAMES);
	shape(want);
	while (n < NFRAMES && (held[n] = alloc(3, FRAME_KERNEL)) != NULL)
		n++;
	CHECK_INT(n, NFRAMES / 8);
	if (n != NFRAMES / 8)
		return;
	CHECK_INT(pool.count[FRAME_FREE], 0);
	CHECK_INT(pool.count[FRAME_KERNEL], NFRAMES);
	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k++)
		CHECK(frame_pool_alloc(&pool, k, FRAME_KERNEL) == NULL);
	CHECK_INT(pool.count[FRAME_KERNEL], NFRAMES);
	CHECK(pool_ok());

	/* One block back: small pieces of it can be had, the block itself
	 * again, but nothing bigger (its buddy is still out). */
	struct page *back = held[n / 2];
	release(back);
	CHECK(frame_pool_alloc(&pool, 4, FRAME_KERNEL) == NULL);
	struct page *p = alloc(0, FRAME_KERNEL);
	CHECK(p != NULL);
	if (p) {
		CHECK(p >= back && p < back + BLOCK(3));
		release(p);
	}
	p = alloc(3, FRAME_KERNEL);
	CHECK(p == back);
	CHECK(pool_ok());

	for (size_t i = 0; i < n; i++)
		release(held[i]);
	CHECK_INT(pool.count[FRAME_FREE], NFRAMES);
	CHECK(same_shape(want));
	CHECK(pool_ok());
}

/* Pools whose size is not a power of two: the buddy of a block near the
 * end may lie past npages, and must never be merged with. */
static void
odd_sizes(void)
{
	static const size_t sizes[] = { 1000, NFRAMES + 3, 3, 1 };
	static struct page *out[NFRAMES + 3];

	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		size_t n = sizes[s], got = 0;
		size_t want[FRAME_MAX_ORDER + 1];

		pool_new(n);
		frame_pool_release(&pool, 0, n);
		CHECK_INT(pool.count[FRAME_FREE], n);
		shape_of_released(n, want);
		CHECK(same_shape(want));
		CHECK(pool_ok());

		while (got < n && (out[got] = alloc(0, FRAME_USER)) != NULL)
			got++;
		CHECK_INT(got, n);
		CHECK(alloc(0, FRAME_USER) == NULL);
		rng_seed(n);
		shuffle(out, got);
		for (size_t i = 0; i < got; i++)
			release(out[i]);
		CHECK(same_shape(want));
		CHECK(pool_ok());

		/* The largest block that fits, and no larger one. */
		unsigned top = FRAME_MAX_ORDER;
		while (BLOCK(top) > n)
			top--;
		struct page *big = alloc(top, FRAME_USER);
		CHECK(big != NULL);
		if (top < FRAME_MAX_ORDER)
			CHECK(frame_pool_alloc(&pool, top + 1, FRAME_USER) ==
			      NULL);
		CHECK(pool_ok());
		if (big)
			release(big);
		CHECK(same_shape(want));
	}

	/* Released from an odd start, not aligned to anything. */
	pool_new(1000);
	frame_pool_release(&pool, 3, 1000);
	CHECK_INT(pool.count[FRAME_FREE], 997);
	CHECK(pool_ok());
}

/* The same with look-alikes past the end: entries beyond npages that seem
 * free order-0 heads. (Above, ASan guards the end of the array; here a
 * missing bound would merge with them, and pool_ok sees the block.) */
static void
no_merge_past_the_end(void)
{
	enum { N = NFRAMES + 3, EXTRA = 8 };
	size_t want[FRAME_MAX_ORDER + 1];

	pool_new(N + EXTRA);
	frame_pool_init(&pool, pages, N);
	for (size_t j = N; j < N + EXTRA; j++)
		pages[j] = (struct page){ .use = FRAME_FREE, .head = 1 };
	frame_pool_release(&pool, 0, N);
	CHECK_INT(pool.count[FRAME_FREE], N);
	shape_of_released(N, want);
	CHECK(same_shape(want));
	CHECK(pool_ok());
	struct page *last = alloc(0, FRAME_USER);
	CHECK(last == &pages[N - 1]);
	if (last)
		release(last);
	CHECK(same_shape(want));
	CHECK(pool_ok());
}

static void
release_twice(void)
{
	size_t want[FRAME_MAX_ORDER + 1];

	pool_new(NFRAMES);
	frame_pool_release(&pool, 0, 100);
	frame_pool_release(&pool, 50, 200);
	frame_pool_release(&pool, 0, 200);
	CHECK_INT(pool.count[FRAME_FREE], 200);
	CHECK_INT(pool.count[FRAME_RESERVED], NFRAMES - 200);
	shape_of_released(200, want);
	CHECK(same_shape(want));
	CHECK(pool_ok());

	/* Frames handed out meanwhile are not freed by a second release. */
	for (int i = 0; i < 10; i++)
		CHECK(alloc(0, FRAME_KERNEL) != NULL);
	frame_pool_release(&pool, 0, 200);
	CHECK_INT(pool.count[FRAME_KERNEL], 10);
	CHECK_INT(pool.count[FRAME_FREE], 190);
	CHECK(pool_ok());
}

static void
bad_requests(void)
{
	size_t want[FRAME_MAX_ORDER + 1], counts[FRAME_USE_COUNT];

	pool_new(NFRAMES);
	frame_pool_release(&pool, 0, NFRAMES);
	shape(want);
	memcpy(counts, pool.count, sizeof(counts));

	CHECK(frame_pool_alloc(&pool, 0, FRAME_FREE) == NULL);
	CHECK(frame_pool_alloc(&pool, FRAME_MAX_ORDER, FRAME_FREE) == NULL);
	CHECK(frame_pool_alloc(&pool, FRAME_MAX_ORDER + 1, FRAME_KERNEL) ==
	      NULL);
	CHECK(frame_pool_alloc(&pool, 64, FRAME_KERNEL) == NULL);
	CHECK(frame_pool_alloc(&pool, UINT_MAX, FRAME_KERNEL) == NULL);
	CHECK(memcmp(counts, pool.count, sizeof(counts)) == 0);
	CHECK(same_shape(want));
	CHECK(pool_ok());

	/* The largest order itself is fine. */
	struct page *p = alloc(FRAME_MAX_ORDER, FRAME_KERNEL);
	CHECK(p != NULL);
	if (p)
		release(p);
	CHECK(same_shape(want));
}

int
main(void)
{
	unit_suite = "buddy";
	UNIT_RUN(release_counts);
	UNIT_RUN(alloc_each_order);
	UNIT_RUN(merge_in_order);
	UNIT_RUN(merge_in_reverse);
	UNIT_RUN(merge_every_other_first);
	UNIT_RUN(merge_shuffled);
	UNIT_RUN(random_churn);
	UNIT_RUN(fragmentation);
	UNIT_RUN(exhaustion);
	UNIT_RUN(odd_sizes);
	UNIT_RUN(no_merge_past_the_end);
	UNIT_RUN(release_twice);
	UNIT_RUN(bad_requests);
	free(pages);
	free(taken);
	return unit_failures;
}
