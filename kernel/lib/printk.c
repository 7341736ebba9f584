/*
 * printk: format a message, put the time since boot in front of each line,
 * and hand it to the consoles.
 *
 * One lock keeps lines from two CPUs (or a CPU and an interrupt handler)
 * from interleaving. A panic may strike while the lock is held, for example
 * by a fault inside a console driver; then panic calls printk_force_unlock()
 * so that its report still gets out.
 */
#include "kernel/lib/printk.h"
#include "kernel/cpu/tsc.h"
#include "kernel/dev/console.h"
#include "kernel/lib/format.h"
#include "kernel/lib/spinlock.h"

#define PRINTK_LINE_MAX 512
#define NSEC_PER_SEC	1000000000ull
#define NSEC_PER_USEC	1000ull

static struct spinlock printk_lock = SPINLOCK_INIT("printk");
static int printk_level = LOG_DEFAULT_LEVEL;
static bool at_line_start = true;

void
printk_set_level(int level)
{
	printk_level = level;
}

void
printk_force_unlock(void)
{
	printk_lock.owner = -1;
	printk_lock.locked = 0;
}

/* On the screens, errors stand out in red and warnings in yellow. */
static enum console_colour
printk_colour(enum log_level level)
{
	if (level <= LOG_ERR)
		return CONSOLE_ERROR;
	if (level == LOG_WARN)
		return CONSOLE_WARNING;
	if (level >= LOG_DEBUG)
		return CONSOLE_DEBUG;
	return CONSOLE_NORMAL;
}

/* "[    1.234567] ": seconds and microseconds since boot. */
static void
printk_timestamp(enum console_colour colour)
{
	char stamp[32];
	uint64_t ns = clock_ns();
	int n = ksnprintf(
		stamp, sizeof(stamp), "[%5llu.%06llu] ",
		(unsigned long long)(ns / NSEC_PER_SEC),
		(unsigned long long)(ns % NSEC_PER_SEC / NSEC_PER_USEC));
	console_write_colour(stamp, (size_t)n, colour);
}

void
vprintk(enum log_level level, const char *fmt, va_list ap)
{
	char text[PRINTK_LINE_MAX];
	enum console_colour colour = printk_colour(level);
	int len;

	if ((int)level > printk_level)
		return;
	len = kvsnprintf(text, sizeof(text), fmt, ap);
	if (len >= (int)sizeof(text))
		len = sizeof(text) - 1; /* truncated; keep what fits */

	/* The lock keeps interrupts off; drawing on a framebuffer console
	 * can take milliseconds, so it happens after, with interrupts as
	 * they were (console_hold/console_release). */
	bool held = console_hold();
	uint64_t flags = spin_lock_irqsave(&printk_lock);
	/* Write line by line so every line gets its timestamp; a message
	 * without a final newline leaves the line open for the next one. */
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = p;
		while (nl < end && *nl != '\n')
			nl++;
		if (at_line_start)
			printk_timestamp(colour);
		if (nl < end) {
			console_write_colour(p, (size_t)(nl - p + 1), colour);
			at_line_start = true;
			p = nl + 1;
		} else {
			console_write_colour(p, (size_t)(end - p), colour);
			at_line_start = false;
			p = end;
		}
	}
	spin_unlock_irqrestore(&printk_lock, flags);
	console_release(held);
}

void
printk(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(level, fmt, ap);
	va_end(ap);
}
