/*
 * printk: the kernel's printf. Every line goes to every console and starts
 * with the time since boot:
 *
 *   [    0.012345] pit: 100 Hz
 *
 * Each message has a level; messages above the loglevel= command-line word
 * (default LOG_INFO) are not shown.
 */
#ifndef KERNEL_LIB_PRINTK_H
#define KERNEL_LIB_PRINTK_H

#include "kernel/lib/types.h"

enum log_level {
	LOG_EMERG = 0, /* the system is unusable: panics */
	LOG_ERR = 3,   /* something failed */
	LOG_WARN = 4,  /* something is odd but we carry on */
	LOG_INFO = 6,  /* normal progress */
	LOG_DEBUG = 7, /* detail for whoever debugs this subsystem */
};

#define LOG_DEFAULT_LEVEL LOG_INFO

/* Print a message at @level. Safe from interrupt handlers. */
void printk(enum log_level level, const char *fmt, ...) __printf_like(2, 3);
void vprintk(enum log_level level, const char *fmt, va_list ap);

/* Only messages with level <= @level reach the consoles. */
void printk_set_level(int level);

/* For panic only: drop the printk lock, which a crashed printk may hold. */
void printk_force_unlock(void);

#define pr_emerg(...) printk(LOG_EMERG, __VA_ARGS__)
#define pr_err(...)   printk(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)  printk(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) printk(LOG_DEBUG, __VA_ARGS__)

#endif /* KERNEL_LIB_PRINTK_H */
