/*
 * poweroff [-r], reboot: switch the machine off, or restart it when run
 * with -r or under the name "reboot" (the initramfs holds a copy of this
 * program as /sbin/reboot).
 *
 * Nothing needs syncing first: Sprout's files live in memory. The program
 * refuses to run anywhere but on Sprout, so that trying it out on a
 * development machine cannot switch that machine off.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/utsname.h>

int
main(int argc, char **argv)
{
	/* The name we were run as, without its directory. */
	const char *name = argc > 0 ? argv[0] : "poweroff";
	const char *slash = strrchr(name, '/');
	if (slash)
		name = slash + 1;

	int restart = strcmp(name, "reboot") == 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-r") == 0) {
			restart = 1;
		} else {
			fprintf(stderr, "usage: %s [-r]\n", name);
			return 2;
		}
	}

	struct utsname u;
	if (uname(&u) < 0 || strcmp(u.sysname, "Sprout") != 0) {
		fprintf(stderr, "%s: this is not Sprout; refusing\n", name);
		return 1;
	}

	/* The C library's reboot() adds Linux's two magic numbers. */
	reboot(restart ? RB_AUTOBOOT : RB_POWER_OFF);

	/* Still here: the kernel said no. */
	fprintf(stderr, "%s: %s\n", name, strerror(errno));
	return 1;
}
