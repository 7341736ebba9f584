/*
 * uname [-asnrvm]: print facts about the running kernel from uname():
 * -s its name, -n the host name, -r its release, -v its version string,
 * -m the machine, -a all of these. Without options, -s. The fields come
 * out in that fixed order, whatever the order of the options.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

enum { SYSNAME = 1, NODENAME = 2, RELEASE = 4, VERSION = 8, MACHINE = 16 };

int
main(int argc, char **argv)
{
	int want = 0;

	for (int i = 1; i < argc; i++) {
		const char *p = argv[i];
		if (p[0] != '-' || p[1] == '\0') {
			fprintf(stderr, "uname: extra operand '%s'\n", p);
			return 1;
		}
		/* Options may be grouped: -sr is -s -r. */
		for (p++; *p; p++) {
			switch (*p) {
			case 'a':
				want |= SYSNAME | NODENAME | RELEASE | VERSION |
					MACHINE;
				break;
			case 's':
				want |= SYSNAME;
				break;
			case 'n':
				want |= NODENAME;
				break;
			case 'r':
				want |= RELEASE;
				break;
			case 'v':
				want |= VERSION;
				break;
			case 'm':
				want |= MACHINE;
				break;
			default:
				fprintf(stderr,
					"uname: invalid option -- '%c'\n"
					"usage: uname [-asnrvm]\n",
					*p);
				return 1;
			}
		}
	}
	if (want == 0)
		want = SYSNAME;

	struct utsname u;
	if (uname(&u) < 0) {
		fprintf(stderr, "uname: %s\n", strerror(errno));
		return 1;
	}
	const struct {
		int bit;
		const char *text;
	} fields[] = {
		{ SYSNAME, u.sysname }, { NODENAME, u.nodename },
		{ RELEASE, u.release }, { VERSION, u.version },
		{ MACHINE, u.machine },
	};
	const char *sep = "";
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (want & fields[i].bit) {
			printf("%s%s", sep, fields[i].text);
			sep = " ";
		}
	}
	printf("\n");
	return 0;
}
