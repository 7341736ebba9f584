/*
 * The formatter behind printk: a freestanding vsnprintf.
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %%, with the flags '-' '0' '+' ' '
 * '#', a field width and a precision (numbers or '*'), and the length
 * modifiers hh h l ll z t j. There is no floating point: the kernel is built
 * without SSE. %p prints 0x and 16 hex digits.
 *
 * Like C's snprintf, the result is always NUL-terminated (when size > 0) and
 * the return value is the length the full output would have had, so
 * "ret >= size" means truncation.
 */
#ifndef KERNEL_LIB_FORMAT_H
#define KERNEL_LIB_FORMAT_H

#include "kernel/lib/types.h"

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf_like(3, 4);

#endif /* KERNEL_LIB_FORMAT_H */
