/*
 * echo [-n] [word...]: write the words separated by spaces, then a newline
 * unless -n is given. No backslash escapes (-e), as in the POSIX shell's
 * portable subset.
 */
#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
	int newline = 1;
	int i = 1;

	/* Only leading -n words are options; "-n" later is printed. */
	while (i < argc && strcmp(argv[i], "-n") == 0) {
		newline = 0;
		i++;
	}
	for (int first = i; i < argc; i++) {
		if (i > first)
			putchar(' ');
		fputs(argv[i], stdout);
	}
	if (newline)
		putchar('\n');

	/* The write may have happened already, or happen in fflush(). */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("echo: write error");
		return 1;
	}
	return 0;
}
