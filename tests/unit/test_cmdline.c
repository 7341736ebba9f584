/*
 * Command-line parsing: defaults, each known word, bad values reported and
 * ignored, unknown words reported once, quotes, and init's arguments.
 */
#include "kernel/cmdline.h"
#include "kernel/dev/console.h"
#include "tests/unit/unit.h"

#include <stdarg.h>

static char reports[4096];
static int nreports;

static void
collect(const char *fmt, ...)
{
	va_list ap;
	size_t len = strlen(reports);

	va_start(ap, fmt);
	vsnprintf(reports + len, sizeof(reports) - len, fmt, ap);
	va_end(ap);
	strncat(reports, "\n", sizeof(reports) - strlen(reports) - 1);
	nreports++;
}

static struct boot_options opts;

static int
parse(const char *text)
{
	reports[0] = '\0';
	nreports = 0;
	return cmdline_parse(text, &opts, collect);
}

static void
defaults(void)
{
	CHECK_INT(parse(""), 0);
	CHECK(opts.init == NULL);
	CHECK_INT(opts.console_mask, ~0u);
	CHECK_INT(opts.quantum_ms, 0);
	CHECK_STR(opts.sched, "rr");
	CHECK_INT(opts.loglevel, -1);
	CHECK(!opts.trace_sched);
	CHECK(!opts.panic_poweroff);
	CHECK(opts.tests == NULL);
	CHECK(!opts.noapic);
	CHECK_INT(opts.init_argc, 0);
}

static void
every_known_word(void)
{
	CHECK_INT(
		parse("init=/bin/sh console=serial,vga quantum=25 sched=lottery "
		      "loglevel=7 trace=sched panic=poweroff test=boot,fault "
		      "noapic"),
		0);
	CHECK_STR(opts.init, "/bin/sh");
	CHECK_INT(opts.console_mask, CONSOLE_SERIAL | CONSOLE_VGA);
	CHECK_INT(opts.quantum_ms, 25);
	CHECK_STR(opts.sched, "lottery");
	CHECK_INT(opts.loglevel, 7);
	CHECK(opts.trace_sched);
	CHECK(opts.panic_poweroff);
	CHECK_STR(opts.tests, "boot,fault");
	CHECK(opts.noapic);
	CHECK_INT(nreports, 0);
}

/* A word that stands alone must be exactly that word. */
static void
flag_words(void)
{
	CHECK_INT(parse("noapic=1 noapicx NOAPIC"), 3);
	CHECK(!opts.noapic);
	CHECK(strstr(reports, "unknown word 'noapic=1', ignored") != NULL);
	CHECK(strstr(reports, "unknown word 'noapicx', ignored") != NULL);
	CHECK_INT(parse("noapic noapic"), 0);
	CHECK(opts.noapic);
	/* After "--" it is init's word, not ours. */
	CHECK_INT(parse("-- noapic"), 0);
	CHECK(!opts.noapic);
	CHECK_STR(opts.init_argv[0], "noapic");
}

static void
bad_values_are_reported_and_ignored(void)
{
	CHECK_INT(parse("quantum=abc quantum=0 quantum=1001 loglevel=8 "
			"init=sbin/init console=tty console= panic=reboot "
			"trace=irq"),
		  9);
	CHECK_INT(opts.quantum_ms, 0); /* defaults kept */
	CHECK_INT(opts.loglevel, -1);
	CHECK(opts.init == NULL);
	CHECK_INT(opts.console_mask, ~0u);
	CHECK(!opts.panic_poweroff);
	CHECK(!opts.trace_sched);
	CHECK(strstr(reports, "'quantum=abc': expected milliseconds") != NULL);
	CHECK(strstr(reports, "'init=sbin/init': must be an absolute path") !=
	      NULL);
	CHECK(strstr(reports, "'panic=reboot': expected poweroff or halt") !=
	      NULL);
}

static void
unknown_words_reported_once(void)
{
	CHECK_INT(parse("quiet foo=1 quiet foo=2 bar loglevel=3"), 3);
	CHECK(strstr(reports, "unknown word 'quiet', ignored") != NULL);
	CHECK(strstr(reports, "unknown word 'foo=1', ignored") != NULL);
	CHECK(strstr(reports, "'foo=2'") == NULL);
	CHECK(strstr(reports, "unknown word 'bar', ignored") != NULL);
	CHECK_INT(opts.loglevel, 3); /* good words still count */
}

static void
last_word_wins(void)
{
	CHECK_INT(parse("loglevel=2 loglevel=5 panic=poweroff panic=halt"), 0);
	CHECK_INT(opts.loglevel, 5);
	CHECK(!opts.panic_poweroff);
}

static void
init_arguments_after_dashes(void)
{
	CHECK_INT(parse("init=/bin/echo -- hello  world loglevel=9"), 0);
	CHECK_STR(opts.init, "/bin/echo");
	CHECK_INT(opts.init_argc, 3);
	CHECK_STR(opts.init_argv[0], "hello");
	CHECK_STR(opts.init_argv[1], "world");
	CHECK_STR(opts.init_argv[2], "loglevel=9"); /* init's, not ours */
	CHECK_INT(opts.loglevel, -1);
}

static void
too_many_init_arguments(void)
{
	char text[256] = "--";
	for (int i = 0; i < CMDLINE_INIT_ARGS_MAX + 3; i++)
		strcat(text, " a");
	CHECK_INT(parse(text), 1);
	CHECK_INT(opts.init_argc, CMDLINE_INIT_ARGS_MAX);
}

static void
quotes_and_spaces(void)
{
	CHECK_INT(parse("  \tinit=\"/my prog\"   -- \"two words\"  "), 0);
	CHECK_STR(opts.init, "/my prog");
	CHECK_INT(opts.init_argc, 1);
	CHECK_STR(opts.init_argv[0], "two words");
}

static void
overlong_line_is_cut(void)
{
	static char text[BOOT_CMDLINE_MAX + 100];
	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	CHECK(parse(text) >= 1);
	CHECK(strstr(reports, "longer than") != NULL);
}

int
main(void)
{
	unit_suite = "cmdline";
	UNIT_RUN(defaults);
	UNIT_RUN(every_known_word);
	UNIT_RUN(flag_words);
	UNIT_RUN(bad_values_are_reported_and_ignored);
	UNIT_RUN(unknown_words_reported_once);
	UNIT_RUN(last_word_wins);
	UNIT_RUN(init_arguments_after_dashes);
	UNIT_RUN(too_many_init_arguments);
	UNIT_RUN(quotes_and_spaces);
	UNIT_RUN(overlong_line_is_cut);
	return unit_failures;
}
