/*
 * fault: make a fault on purpose, to see the kernel turn it into a signal.
 *
 *   fault null     read address 0          -> SIGSEGV (segmentation fault)
 *   fault write    write to read-only code -> SIGSEGV
 *   fault ud2      an invalid instruction  -> SIGILL
 *   fault divide   divide by zero          -> SIGFPE
 *   fault int3     a breakpoint            -> SIGTRAP
 *
 * The process dies; the kernel prints a line about it, and the shell
 * reports the signal and carries on.
 */
#include <stdio.h>
#include <string.h>

static volatile int zero;

int
main(int argc, char *argv[])
{
	const char *what = argc > 1 ? argv[1] : "";

	if (strcmp(what, "null") == 0)
		return *(volatile int *)0;
	if (strcmp(what, "write") == 0) {
		*(volatile char *)main = 0; /* code pages are not writable */
		return 0;
	}
	if (strcmp(what, "ud2") == 0)
		__asm__ volatile("ud2");
	if (strcmp(what, "divide") == 0)
		return 1 / zero;
	if (strcmp(what, "int3") == 0)
		__asm__ volatile("int3");
	fprintf(stderr, "usage: fault null|write|ud2|divide|int3\n");
	return 2;
}
