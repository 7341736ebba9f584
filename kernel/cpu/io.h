/*
 * x86 port I/O: the separate 64 KiB address space that legacy devices
 * (serial port, PIC, PIT, keyboard controller, ACPI PM registers) live in.
 */
#ifndef KERNEL_CPU_IO_H
#define KERNEL_CPU_IO_H

#include "kernel/lib/types.h"

static inline void
outb(uint16_t port, uint8_t value)
{
	__asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static inline void
outw(uint16_t port, uint16_t value)
{
	__asm__ volatile("outw %0, %1" : : "a"(value), "Nd"(port));
}

static inline void
outl(uint16_t port, uint32_t value)
{
	__asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint8_t
inb(uint16_t port)
{
	uint8_t value;
	__asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
	return value;
}

static inline uint16_t
inw(uint16_t port)
{
	uint16_t value;
	__asm__ volatile("inw %1, %0" : "=a"(value) : "Nd"(port));
	return value;
}

static inline uint32_t
inl(uint16_t port)
{
	uint32_t value;
	__asm__ volatile("inl %1, %0" : "=a"(value) : "Nd"(port));
	return value;
}

/* A short delay for old devices (the 8259 PIC) that need time between
 * writes: port 0x80 is the POST-code port, which nothing listens to. */
static inline void
io_wait(void)
{
	outb(0x80, 0);
}

#endif /* KERNEL_CPU_IO_H */
