/*
 * Basic types shared by all kernel code.
 *
 * The compiler's freestanding headers give us fixed-width integers, size_t,
 * bool and varargs. On top of them Sprout adds two address types: a physical
 * address and a virtual address are both 64-bit numbers, but mixing them up
 * is the classic kernel bug, so each gets its own name.
 */
#ifndef KERNEL_LIB_TYPES_H
#define KERNEL_LIB_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t paddr_t; /* a physical address: what the RAM chips see */
typedef uint64_t vaddr_t; /* a virtual address: what the CPU's code uses */

#define ARRAY_SIZE(a)	 (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)	 (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define MIN(a, b)	 ((a) < (b) ? (a) : (b))
#define MAX(a, b)	 ((a) > (b) ? (a) : (b))
/* The struct of type @type whose member @member is at @ptr. */
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr)-offsetof(type, member)))

#define __noreturn	    __attribute__((noreturn))
#define __packed	    __attribute__((packed))
#define __aligned(n)	    __attribute__((aligned(n)))
#define __printf_like(f, a) __attribute__((format(printf, f, a)))
#define __unused	    __attribute__((unused))

#endif /* KERNEL_LIB_TYPES_H */
