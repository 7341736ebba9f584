/*
 * The tick counter, shared by the two tick sources (timer.h).
 */
#include "kernel/dev/timer.h"

static volatile uint64_t ticks;
static void (*tick_handler)(void);
static const char *source;

void
timer_tick(void)
{
	ticks++;
	if (tick_handler)
		tick_handler();
}

void
timer_set_tick_handler(void (*fn)(void))
{
	tick_handler = fn;
}

uint64_t
timer_ticks(void)
{
	return ticks;
}

void
timer_set_source(const char *name)
{
	source = name;
}

const char *
timer_source(void)
{
	return source;
}
