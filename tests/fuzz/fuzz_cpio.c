/*
 * libFuzzer target for the cpio "newc" reader (kernel/fs/cpio.c).
 *
 * libFuzzer hands over each input in a heap buffer of exactly its size, so
 * with AddressSanitizer any read past the end is caught. The callback reads
 * every byte of each entry's name (its NUL included) and data, so a pointer
 * or length that strays outside the archive is caught too, and it checks
 * what cpio_parse() promises about names. Built by tests/fuzz/run.sh.
 */
#include "kernel/fs/cpio.h"
#include "kernel/lib/errno.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct walk {
	const uint8_t *start, *end;
	size_t entries;
};

static volatile uint8_t sink;

static bool
is_dot_dot(const char *s, size_t n)
{
	return n == 2 && s[0] == '.' && s[1] == '.';
}

static int
visit(const struct cpio_entry *e, void *ctx)
{
	struct walk *w = ctx;
	const uint8_t *name = (const uint8_t *)e->name;
	uint8_t acc = 0;

	/* Inside the archive, every byte of it. */
	if (name < w->start || e->name_len >= (size_t)(w->end - name) ||
	    (e->size > 0 &&
	     (e->data < w->start || e->size > (size_t)(w->end - e->data))))
		__builtin_trap();
	for (size_t i = 0; i <= e->name_len; i++)
		acc ^= name[i];
	for (size_t i = 0; i < e->size; i++)
		acc ^= e->data[i];
	sink = acc;

	/* The promises about names: normalised, NUL-terminated, no "..". */
	if (e->name_len == 0 || e->name[e->name_len] != '\0' ||
	    e->name[0] == '/' ||
	    (e->name_len >= 2 && e->name[0] == '.' && e->name[1] == '/') ||
	    (e->name_len == 1 && e->name[0] == '.'))
		__builtin_trap();
	size_t start = 0;
	for (size_t i = 0; i <= e->name_len; i++) {
		if (i < e->name_len && e->name[i] == '\0')
			__builtin_trap();
		if (i == e->name_len || e->name[i] == '/') {
			if (is_dot_dot(e->name + start, i - start))
				__builtin_trap();
			start = i + 1;
		}
	}
	if (e->offset >= (size_t)(w->end - w->start))
		__builtin_trap();
	w->entries++;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct walk w = { data, data + size, 0 };
	const char *error = "unset";
	size_t offset = (size_t)-1;

	int r = cpio_parse(data, size, visit, &w, &error, &offset);
	if (r == 0 && error != NULL)
		__builtin_trap();
	if (r != 0 && (r != -EINVAL || error == NULL || offset > size))
		__builtin_trap();
	return 0;
}
