/*
 * The scheduler trace (trace=sched on the command line): every state
 * transition of every task, in a ring buffer, written to the console at
 * power off as one line per event:
 *
 *   sched-trace NS CPU TID NAME FROM TO WHY
 *   sched-trace 151203456 0 3 counter-1 READY RUNNING scheduled
 *
 * NS is nanoseconds since boot, FROM and TO are state names (NEW for a
 * task being created, GONE for one being reaped), WHY is one word.
 * tools/trace_plot.py draws the lines as a timeline (make trace).
 */
#ifndef SCHED_TRACE_H
#define SCHED_TRACE_H

#include "kernel/lib/types.h"

struct task;

/* Start recording (allocates the ring). */
void trace_enable(void);
bool trace_enabled(void);
/* Record @t moving from state @from to @to (TASK_STATES: gone). */
void trace_record(const struct task *t, int from, int to, const char *why);
/* Write every recorded event, oldest first, between "sched-trace-begin"
 * and "sched-trace-end" lines. */
void trace_dump(void);
/* The same lines, without the "sched-trace " prefix, for /proc/sched_trace:
 * the newest events that fit in @size bytes, oldest first, after a
 * "# N events recorded, M shown" line. The length written. */
size_t trace_format(char *buf, size_t size);

#endif /* SCHED_TRACE_H */
