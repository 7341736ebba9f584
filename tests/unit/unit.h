/*
 * A tiny host unit-test kit. Each tests/unit/test_*.c file is one program:
 * it runs its cases with UNIT_RUN(), and each case prints one line,
 *
 *   test format/width: OK
 *   test format/precision: FAILED
 *
 * which the harness (tests/run.py) counts. A failed CHECK prints where and
 * why, and the program's exit status is the number of failed cases.
 * Built with -fsanitize=address,undefined, so a memory error also fails.
 */
#ifndef TESTS_UNIT_UNIT_H
#define TESTS_UNIT_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_case_failed;
static int unit_failures;
static const char *unit_suite = "unit";

#define CHECK(cond)                                                    \
	do {                                                           \
		if (!(cond)) {                                         \
			fprintf(stdout, "  %s:%d: CHECK(%s) failed\n", \
				__FILE__, __LINE__, #cond);            \
			unit_case_failed = 1;                          \
		}                                                      \
	} while (0)

#define CHECK_STR(got, want)                                                  \
	do {                                                                  \
		const char *g_ = (got), *w_ = (want);                         \
		if (g_ == NULL || strcmp(g_, w_) != 0) {                      \
			fprintf(stdout, "  %s:%d: got \"%s\", want \"%s\"\n", \
				__FILE__, __LINE__, g_ ? g_ : "(null)", w_);  \
			unit_case_failed = 1;                                 \
		}                                                             \
	} while (0)

#define CHECK_INT(got, want)                                                \
	do {                                                                \
		long long g_ = (long long)(got), w_ = (long long)(want);    \
		if (g_ != w_) {                                             \
			fprintf(stdout, "  %s:%d: %s is %lld, want %lld\n", \
				__FILE__, __LINE__, #got, g_, w_);          \
			unit_case_failed = 1;                               \
		}                                                           \
	} while (0)

/* Run one case and print its verdict line. */
#define UNIT_RUN(fn)                                        \
	do {                                                \
		unit_case_failed = 0;                       \
		fn();                                       \
		printf("test %s/%s: %s\n", unit_suite, #fn, \
		       unit_case_failed ? "FAILED" : "OK"); \
		unit_failures += unit_case_failed;          \
		fflush(stdout);                             \
	} while (0)

#endif /* TESTS_UNIT_UNIT_H */
