/*
 * The trace ring buffer. When it is full the oldest events are
 * overwritten, and the dump says how many were lost.
 */
#include "sched/trace.h"
#include "kernel/cpu/percpu.h"
#include "kernel/cpu/tsc.h"
#include "kernel/dev/power.h"
#include "kernel/lib/format.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "mm/kmalloc.h"
#include "sched/sched.h"
#include "sched/task.h"

#define TRACE_EVENTS 16384

struct trace_event {
	uint64_t ns;
	const char *why;
	int tid;
	uint8_t cpu, from, to;
	char name[TASK_NAME_MAX];
};

static struct trace_event *ring;
static size_t next, recorded; /* recorded counts every event ever */

void
trace_enable(void)
{
	ring = kzalloc(TRACE_EVENTS * sizeof(*ring));
	if (!ring)
		pr_err("trace: no memory for %d events; tracing is off\n",
		       TRACE_EVENTS);
	else
		pr_info("trace: recording scheduler events (%d kept)\n",
			TRACE_EVENTS);
	power_on_shutdown(trace_dump); /* written out at power off */
}

bool
trace_enabled(void)
{
	return ring != NULL;
}

/* Caller holds sched_lock, so events arrive one at a time. */
void
trace_record(const struct task *t, int from, int to, const char *why)
{
	if (!ring)
		return;
	struct trace_event *e = &ring[next];
	e->ns = clock_ns();
	e->why = why;
	e->tid = t->tid;
	e->cpu = (uint8_t)this_cpu()->id;
	e->from = (uint8_t)from;
	e->to = (uint8_t)to;
	strlcpy(e->name, t->name, sizeof(e->name));
	next = (next + 1) % TRACE_EVENTS;
	recorded++;
}

static const char *
state_word(int state)
{
	return state == TASK_STATES ? "GONE" : task_state_name(state);
}

/* One event as text: "NS CPU TID NAME FROM TO WHY\n". */
static int
event_format(char *buf, size_t size, const struct trace_event *e)
{
	return ksnprintf(buf, size, "%llu %u %d %s %s %s %s\n",
			 (unsigned long long)e->ns, e->cpu, e->tid, e->name,
			 state_word(e->from), state_word(e->to), e->why);
}

size_t
trace_format(char *buf, size_t size)
{
	char line[128];
	size_t len = 0;

	if (!ring)
		return (size_t)ksnprintf(
			buf, size, "# tracing is off: boot with trace=sched\n");
	/* A copy of the newest events first: the ring keeps changing, and
	 * formatting under sched_lock would hold interrupts off too long. */
	size_t room =
		MIN((size_t)TRACE_EVENTS, size / 48 + 1); /* >= 48 B a line */
	struct trace_event *copy = kmalloc(room * sizeof(*copy));
	if (!copy)
		return (size_t)ksnprintf(buf, size, "# out of memory\n");
	uint64_t irq = spin_lock_irqsave(&sched_lock);
	size_t count = recorded < TRACE_EVENTS ? recorded : TRACE_EVENTS;
	size_t total = recorded, last = next;
	size_t want = MIN(count, room);
	for (size_t i = 0; i < want; i++)
		copy[i] = ring[(last + TRACE_EVENTS - want + i) % TRACE_EVENTS];
	spin_unlock_irqrestore(&sched_lock, irq);
	/* Keep the newest that fit: count the lines back from the end. */
	size_t first = want, used = 64; /* room for the header */
	while (first > 0) {
		int n = event_format(line, sizeof(line), &copy[first - 1]);
		if (used + (size_t)n >= size)
			break;
		used += (size_t)n;
		first--;
	}
	len = (size_t)ksnprintf(buf, size, "# %zu events recorded, %zu shown\n",
				total, want - first);
	for (size_t i = first; i < want && len < size; i++)
		len += (size_t)event_format(buf + len, size - len, &copy[i]);
	kfree(copy);
	return MIN(len, size - 1);
}

void
trace_dump(void)
{
	if (!ring)
		return;
	size_t count = recorded < TRACE_EVENTS ? recorded : TRACE_EVENTS;
	size_t first = recorded < TRACE_EVENTS ? 0 : next;

	printk(LOG_EMERG, "sched-trace-begin %zu events, %zu lost\n", count,
	       recorded - count);
	for (size_t i = 0; i < count; i++) {
		const struct trace_event *e = &ring[(first + i) % TRACE_EVENTS];
		printk(LOG_EMERG, "sched-trace %llu %u %d %s %s %s %s\n",
		       (unsigned long long)e->ns, e->cpu, e->tid, e->name,
		       state_word(e->from), state_word(e->to), e->why);
	}
	printk(LOG_EMERG, "sched-trace-end\n");
}
