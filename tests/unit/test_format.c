/*
 * kvsnprintf against the C library's snprintf: for every format here, both
 * must produce the same text and the same return value. The C library is
 * the oracle, as Linux is for the user-space tests.
 */
#include "kernel/lib/format.h"
#include "tests/unit/unit.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>

/* Compare one format with its arguments; "..." twice is the price of
 * having no va_list copy across two different functions. */
#define SAME(bufsize, ...)                                                  \
	do {                                                                \
		char want_[256], got_[256];                                 \
		memset(got_, 'X', sizeof(got_));                            \
		int wn_ = snprintf(want_, (bufsize), __VA_ARGS__);          \
		int gn_ = ksnprintf(got_, (bufsize), __VA_ARGS__);          \
		if (wn_ != gn_ || ((bufsize) > 0 && strcmp(want_, got_))) { \
			printf("  %s:%d: format %s: got \"%s\" (%d), "      \
			       "want \"%s\" (%d)\n",                        \
			       __FILE__, __LINE__, #__VA_ARGS__,            \
			       (bufsize) ? got_ : "", gn_,                  \
			       (bufsize) ? want_ : "", wn_);                \
			unit_case_failed = 1;                               \
		}                                                           \
	} while (0)

/* Truncation and a NULL %s are exactly what some cases test. */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#pragma GCC diagnostic ignored "-Wformat-overflow"
/* ... and so are flags that C says to ignore ("%-05d", "%08.3d"). */
#pragma GCC diagnostic ignored "-Wformat"

static void
decimal(void)
{
	SAME(256, "%d", 0);
	SAME(256, "%d", 42);
	SAME(256, "%d", -42);
	SAME(256, "%d", INT_MAX);
	SAME(256, "%d", INT_MIN);
	SAME(256, "%i", -7);
	SAME(256, "%u", 4000000000u);
	SAME(256, "%ld", LONG_MIN);
	SAME(256, "%lld", LLONG_MAX);
	SAME(256, "%llu", ULLONG_MAX);
	SAME(256, "%zu", (size_t)12345);
	SAME(256, "%hd", (short)-300);
	SAME(256, "%hhu", (unsigned char)200);
	SAME(256, "%hhd", (signed char)-100);
}

static void
hex_and_octal(void)
{
	SAME(256, "%x", 0xdeadbeefu);
	SAME(256, "%X", 0xdeadbeefu);
	SAME(256, "%lx", 0xffffffff80000000ul);
	SAME(256, "%#x", 255u);
	SAME(256, "%#X", 255u);
	SAME(256, "%#x", 0u);
	SAME(256, "%o", 8u);
	SAME(256, "%#o", 8u);
	SAME(256, "%#o", 0u);
	SAME(256, "%#.3o", 8u);
	SAME(256, "%llx", 0ull);
}

static void
width_and_flags(void)
{
	SAME(256, "[%5d]", 42);
	SAME(256, "[%-5d]", 42);
	SAME(256, "[%05d]", 42);
	SAME(256, "[%05d]", -42);
	SAME(256, "[%+d]", 42);
	SAME(256, "[%+d]", -42);
	SAME(256, "[% d]", 42);
	SAME(256, "[%+5d]", 0);
	SAME(256, "[%-05d]", 7);
	SAME(256, "[%016llx]", 0x1234ull);
	SAME(256, "[%#010x]", 0xabu);
	SAME(256, "[%#-10x]", 0xabu);
	SAME(256, "[%*d]", 6, 12);
	SAME(256, "[%*d]", -6, 12);
	SAME(256, "[%5llu.%06llu]", 3ull, 12345ull);
}

static void
precision(void)
{
	SAME(256, "[%.3d]", 7);
	SAME(256, "[%.0d]", 0);
	SAME(256, "[%5.0d]", 0);
	SAME(256, "[%8.3d]", -7);
	SAME(256, "[%08.3d]", 7);
	SAME(256, "[%.*d]", 4, 9);
	SAME(256, "[%.*d]", -1, 9);
	SAME(256, "[%.2s]", "abcdef");
	SAME(256, "[%.10s]", "abc");
	SAME(256, "[%#.0x]", 0u);
}

static void
strings_and_chars(void)
{
	SAME(256, "%s", "hello");
	SAME(256, "[%10s]", "right");
	SAME(256, "[%-10s]", "left");
	SAME(256, "%s", "");
	SAME(256, "%c%c%c", 'a', 'b', 'c');
	SAME(256, "[%3c]", 'x');
	SAME(256, "[%-3c]", 'x');
	SAME(256, "100%%");
	SAME(256, "no conversions at all");
}

static void
truncation(void)
{
	SAME(1, "%s", "abc");
	SAME(4, "%s", "abcdef");
	SAME(5, "%d-%d", 1234, 5678);
	SAME(8, "[%016llx]", 0x1ull);
	/* size 0: nothing written, length still returned */
	char untouched[4] = "zzz";
	CHECK_INT(ksnprintf(untouched, 0, "%d", 12345), 5);
	CHECK_STR(untouched, "zzz");
}

static void
pointers(void)
{
	char buf[64];

	/* %p is Sprout's own: always 0x and 16 digits (C leaves it open). */
	ksnprintf(buf, sizeof(buf), "%p", (void *)0xffffffff80100000ul);
	CHECK_STR(buf, "0xffffffff80100000");
	ksnprintf(buf, sizeof(buf), "%p", (void *)0x1000);
	CHECK_STR(buf, "0x0000000000001000");
	ksnprintf(buf, sizeof(buf), "%s", (const char *)NULL);
	CHECK_STR(buf, "(null)");
}

static void
unknown_conversion(void)
{
	char buf[64];

	/* Shown as written, not guessed at, and no argument consumed. (A
	 * variable format, so -Wformat does not object to %q.) */
	const char *fmt = "%q and %d";
	int n = ksnprintf(buf, sizeof(buf), fmt, 5);
	CHECK_STR(buf, "%q and 5");
	CHECK_INT(n, 8);
}

int
main(void)
{
	unit_suite = "format";
	UNIT_RUN(decimal);
	UNIT_RUN(hex_and_octal);
	UNIT_RUN(width_and_flags);
	UNIT_RUN(precision);
	UNIT_RUN(strings_and_chars);
	UNIT_RUN(truncation);
	UNIT_RUN(pointers);
	UNIT_RUN(unknown_conversion);
	return unit_failures;
}
