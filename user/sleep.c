/*
 * sleep SECONDS...: pause for the sum of the arguments, each a number of
 * seconds that may have a fraction ("0.5"), using nanosleep().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int
main(int argc, char **argv)
{
	double total = 0;

	if (argc < 2) {
		fprintf(stderr, "sleep: missing operand\n");
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		char *end;
		double s = strtod(argv[i], &end);
		/* "!(s >= 0)" also refuses NaN; the limit keeps tv_sec sane. */
		if (end == argv[i] || *end != '\0' || !(s >= 0) || s > 1e9) {
			fprintf(stderr, "sleep: invalid time interval '%s'\n",
				argv[i]);
			return 1;
		}
		total += s;
	}

	struct timespec left = {
		.tv_sec = (time_t)total,
		.tv_nsec = (long)((total - (time_t)total) * 1e9),
	};
	/* A signal may cut the sleep short; nanosleep says how much is left. */
	while (nanosleep(&left, &left) < 0) {
		if (errno != EINTR) {
			perror("sleep");
			return 1;
		}
	}
	return 0;
}
