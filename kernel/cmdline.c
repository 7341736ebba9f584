/*
 * Command-line parsing, in two steps: split the text into words (with
 * double quotes for values that contain spaces), then hand each key=value
 * word to the handler for its key. Handlers check the value and return a
 * complaint, or NULL when it is fine.
 */
#include "kernel/cmdline.h"
#include "kernel/dev/console.h"
#include "kernel/lib/string.h"

#define CMDLINE_WORDS_MAX 64
#define LOGLEVEL_MAX	  7

/* Parse a decimal number in [min, max]; false if it is not one. */
static bool
parse_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
	unsigned long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned)(*s - '0');
		if (v > max)
			return false;
	}
	if (v < min)
		return false;
	*out = (unsigned)v;
	return true;
}

static const char *
set_init(struct boot_options *o, const char *v)
{
	if (v[0] != '/')
		return "must be an absolute path";
	o->init = v;
	return NULL;
}

/* "serial,vga": each name must be known. */
static const char *
set_console(struct boot_options *o, const char *v)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {
		{ "serial", CONSOLE_SERIAL },
		{ "vga", CONSOLE_VGA },
		{ "fb", CONSOLE_FB },
	};
	unsigned mask = 0;

	while (*v) {
		size_t len = 0;
		bool known = false;
		while (v[len] && v[len] != ',')
			len++;
		for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
			if (strlen(names[i].name) == len &&
			    strncmp(v, names[i].name, len) == 0) {
				mask |= names[i].bit;
				known = true;
			}
		}
		if (!known)
			return "expected a list of serial, vga, fb";
		v += len;
		if (*v == ',')
			v++;
	}
	if (!mask)
		return "expected a list of serial, vga, fb";
	o->console_mask = mask;
	return NULL;
}

static const char *
set_quantum(struct boot_options *o, const char *v)
{
	if (!parse_uint(v, 1, CMDLINE_QUANTUM_MAX_MS, &o->quantum_ms))
		return "expected milliseconds, 1 to 1000";
	return NULL;
}

static const char *
set_sched(struct boot_options *o, const char *v)
{
	if (!*v)
		return "expected a policy name";
	o->sched = v;
	return NULL;
}

static const char *
set_loglevel(struct boot_options *o, const char *v)
{
	unsigned level;

	if (!parse_uint(v, 0, LOGLEVEL_MAX, &level))
		return "expected a level from 0 to 7";
	o->loglevel = (int)level;
	return NULL;
}

static const char *
set_trace(struct boot_options *o, const char *v)
{
	if (strcmp(v, "sched") != 0)
		return "the only trace is 'sched'";
	o->trace_sched = true;
	return NULL;
}

static const char *
set_panic(struct boot_options *o, const char *v)
{
	if (strcmp(v, "poweroff") == 0)
		o->panic_poweroff = true;
	else if (strcmp(v, "halt") == 0)
		o->panic_poweroff = false;
	else
		return "expected poweroff or halt";
	return NULL;
}

static const char *
set_test(struct boot_options *o, const char *v)
{
	if (!*v)
		return "expected test names";
	o->tests = v;
	return NULL;
}

static const struct {
	const char *key;
	const char *(*set)(struct boot_options *o, const char *value);
} handlers[] = {
	{ "init", set_init },	      { "console", set_console },
	{ "quantum", set_quantum },   { "sched", set_sched },
	{ "loglevel", set_loglevel }, { "trace", set_trace },
	{ "panic", set_panic },	      { "test", set_test },
};

static void
set_noapic(struct boot_options *o)
{
	o->noapic = true;
}

/* Words that are whole on their own, without "=value". */
static const struct {
	const char *word;
	void (*set)(struct boot_options *o);
} flags[] = {
	{ "noapic", set_noapic },
};

/* Cut @s (modified in place) into words; returns how many. Double quotes
 * group spaces into a word and are removed: init="/my prog". */
static size_t
split_words(char *s, char **words, size_t max)
{
	size_t n = 0;
	char *out = s;

	while (*s) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		char *word = out;
		bool quoted = false;
		while (*s && (quoted || (*s != ' ' && *s != '\t'))) {
			if (*s == '"')
				quoted = !quoted;
			else
				*out++ = *s;
			s++;
		}
		if (*s)
			s++;
		*out++ = '\0';
		if (n < max)
			words[n++] = word;
	}
	return n;
}

/* Has an unknown word with this key been reported already? */
static bool
seen_before(char **words, size_t upto, const char *word)
{
	size_t keylen = 0;

	while (word[keylen] && word[keylen] != '=')
		keylen++;
	for (size_t i = 0; i < upto; i++)
		if (strncmp(words[i], word, keylen) == 0 &&
		    (words[i][keylen] == '\0' || words[i][keylen] == '='))
			return true;
	return false;
}

int
cmdline_parse(const char *text, struct boot_options *o,
	      cmdline_report_fn report)
{
	char *words[CMDLINE_WORDS_MAX];
	size_t nwords, i;
	int complaints = 0;

	*o = (struct boot_options){
		.console_mask = ~0u,
		.sched = CMDLINE_DEFAULT_SCHED,
		.loglevel = -1,
	};
	size_t len = strlen(text);
	if (len >= sizeof(o->storage)) {
		report("cmdline: longer than %zu bytes; the rest is ignored",
		       sizeof(o->storage) - 1);
		complaints++;
		len = sizeof(o->storage) - 1;
	}
	memcpy(o->storage, text, len);
	o->storage[len] = '\0';
	nwords = split_words(o->storage, words, CMDLINE_WORDS_MAX);

	for (i = 0; i < nwords; i++) {
		char *word = words[i];
		char *eq = strchr(word, '=');
		bool handled = false;

		if (strcmp(word, "--") == 0) {
			i++;
			break;
		}
		for (size_t h = 0; eq && h < ARRAY_SIZE(handlers); h++) {
			size_t keylen = (size_t)(eq - word);
			if (strlen(handlers[h].key) != keylen ||
			    strncmp(word, handlers[h].key, keylen) != 0)
				continue;
			const char *why = handlers[h].set(o, eq + 1);
			if (why) {
				report("cmdline: '%s': %s; ignored", word, why);
				complaints++;
			}
			handled = true;
		}
		for (size_t f = 0; !eq && f < ARRAY_SIZE(flags); f++) {
			if (strcmp(word, flags[f].word) != 0)
				continue;
			flags[f].set(o);
			handled = true;
		}
		if (!handled && !seen_before(words, i, word)) {
			report("cmdline: unknown word '%s', ignored", word);
			complaints++;
		}
	}
	for (; i < nwords; i++) {
		if (o->init_argc == CMDLINE_INIT_ARGS_MAX) {
			report("cmdline: more than %d arguments for init; the rest are ignored",
			       CMDLINE_INIT_ARGS_MAX);
			complaints++;
			break;
		}
		o->init_argv[o->init_argc++] = words[i];
	}
	return complaints;
}
