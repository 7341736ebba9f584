/*
 * Host tests of the pure ACPI helpers in kernel/dev/acpi_aml.c: the table
 * checksum and the \_S5 search in AML.
 *
 * The AML arrays are built by hand, byte by byte, following the encodings
 * in the ACPI spec; the comment above each gives the ASL it stands for.
 * Every search runs on an exact-size heap copy (find_s5() below), so that
 * AddressSanitizer stops the test at the first byte read past the end.
 */
#include <stdlib.h>

#include "kernel/dev/acpi.h"
#include "kernel/lib/errno.h"
#include "tests/unit/unit.h"

/* A value acpi_aml_find_s5() never stores, to see that it stored nothing. */
#define UNTOUCHED 0xee

/* Run acpi_aml_find_s5() on an exact-size heap copy of @bytes. */
static int
find_s5(const uint8_t *bytes, size_t len, uint8_t *a, uint8_t *b)
{
	uint8_t *copy = malloc(len ? len : 1);
	int err;

	CHECK(copy != NULL);
	if (copy == NULL)
		return -ENOMEM;
	memcpy(copy, bytes, len);
	*a = *b = UNTOUCHED;
	err = acpi_aml_find_s5(copy, len, a, b);
	free(copy);
	return err;
}

/* Some AML before _S5, as a real DSDT has: Name (PICF, Zero). */
#define AML_PREAMBLE 0x08, 'P', 'I', 'C', 'F', 0x00

/* Name (_S5, Package () { 0x05, 0x05, 0, 0 }), as iasl writes it. */
static const uint8_t aml_s5_bytes[] = {
	AML_PREAMBLE,
	0x08,
	'_',
	'S',
	'5',
	'_',
	0x12,
	0x08,
	0x04,
	0x0a,
	0x05,
	0x0a,
	0x05,
	0x00,
	0x00,
	/* Scope (_SB) {} after it */
	0x10,
	0x05,
	'_',
	'S',
	'B',
	'_',
};

/* The offset of the first byte after "_S5_" in aml_s5_bytes. */
#define AML_S5_NAME_END (6 + 5)

static void
s5_byte_prefix(void)
{
	uint8_t a, b;

	CHECK_INT(find_s5(aml_s5_bytes, sizeof(aml_s5_bytes), &a, &b), 0);
	CHECK_INT(a, 5);
	CHECK_INT(b, 5);
}

/* Name (_S5, Package () { Zero, One }), then QEMU's own form. */
static void
s5_zero_one_ops(void)
{
	static const uint8_t zero_one[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x00, 0x01,
	};
	/* QEMU 7.2: Name (_S5, Package (0x04) { Zero, Zero, Zero, Zero }) */
	static const uint8_t qemu[] = {
		0x00, 0x08, '_',  'S',	'5',  '_',  0x12, 0x06,
		0x04, 0x00, 0x00, 0x00, 0x00, 0x10, 0x3b, 0x5c,
	};
	uint8_t a, b;

	CHECK_INT(find_s5(zero_one, sizeof(zero_one), &a, &b), 0);
	CHECK_INT(a, 0);
	CHECK_INT(b, 1);

	CHECK_INT(find_s5(qemu, sizeof(qemu), &a, &b), 0);
	CHECK_INT(a, 0);
	CHECK_INT(b, 0);
}

/*
 * Name (_S5, Package () { 0x0007, 0x00000006, Zero x 62 }) with the first
 * two written as WordConst and DWordConst. 64 elements make the package
 * 73 bytes long, past the 63 a one-byte PkgLength holds:
 *   73 = 0x49 -> lead byte 0x40 | 0x9 (one more byte), then 0x49 >> 4 = 4.
 */
static void
s5_two_byte_pkglength(void)
{
	enum { ZEROS = 62, PKGLEN = 2 + 1 + 3 + 5 + ZEROS };
	uint8_t aml[5 + 1 + PKGLEN + 1];
	uint8_t a, b;
	size_t n = 0;

	_Static_assert(PKGLEN == 0x49, "worked example above");
	aml[n++] = 0x08;
	memcpy(aml + n, "_S5_", 4);
	n += 4;
	aml[n++] = 0x12;
	aml[n++] = 0x49;      /* one following byte, low nibble 9 */
	aml[n++] = 0x04;      /* bits 11:4 */
	aml[n++] = 2 + ZEROS; /* NumElements */
	aml[n++] = 0x0b;      /* WordPrefix 0x0007 */
	aml[n++] = 0x07;
	aml[n++] = 0x00;
	aml[n++] = 0x0c; /* DWordPrefix 0x00000006 */
	aml[n++] = 0x06;
	aml[n++] = 0x00;
	aml[n++] = 0x00;
	aml[n++] = 0x00;
	memset(aml + n, 0x00, ZEROS);
	n += ZEROS;
	aml[n++] = 0xa3; /* NoopOp: something after the package */
	CHECK_INT(n, sizeof(aml));

	CHECK_INT(find_s5(aml, sizeof(aml), &a, &b), 0);
	CHECK_INT(a, 7);
	CHECK_INT(b, 6);

	/* One byte short of the package: malformed, and no over-read. */
	CHECK_INT(find_s5(aml, sizeof(aml) - 2, &a, &b), -EINVAL);
	CHECK_INT(a, UNTOUCHED);
}

/* Name (\_S5, ...) and Name (^_S5, ...): prefixed NameStrings. */
static void
s5_prefixed_names(void)
{
	static const uint8_t root[] = {
		0x08, '\\', '_',  'S',	'5',  '_',  0x12, 0x08,
		0x04, 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00,
	};
	static const uint8_t parent[] = {
		0x08, '^',  '^',  '_',	'S',  '5',  '_',  0x12,
		0x06, 0x04, 0x0a, 0x03, 0x0a, 0x04, 0x00,
	};
	uint8_t a, b;

	CHECK_INT(find_s5(root, sizeof(root), &a, &b), 0);
	CHECK_INT(a, 5);
	CHECK_INT(b, 5);

	CHECK_INT(find_s5(parent, sizeof(parent), &a, &b), 0);
	CHECK_INT(a, 3);
	CHECK_INT(b, 4);
}

/* Old firmware writes bare small numbers instead of BytePrefix ones. */
static void
s5_bare_integers(void)
{
	static const uint8_t aml[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x07, 0x02, 0, 0,
	};
	uint8_t a, b;

	CHECK_INT(find_s5(aml, sizeof(aml), &a, &b), 0);
	CHECK_INT(a, 7);
	CHECK_INT(b, 2);
}

/* Cut aml_s5_bytes short at every length: never a read past the end. */
static void
s5_truncated(void)
{
	size_t package_end = AML_S5_NAME_END + 9;
	uint8_t a, b;

	for (size_t len = 0; len < package_end; len++) {
		int want = len < AML_S5_NAME_END ? -ENOENT : -EINVAL;
		int got = find_s5(aml_s5_bytes, len, &a, &b);

		if (got != want)
			printf("  cut at %zu bytes:\n", len);
		CHECK_INT(got, want);
		CHECK_INT(a, UNTOUCHED);
		CHECK_INT(b, UNTOUCHED);
	}
	/* Exactly up to the end of the package is enough. */
	CHECK_INT(find_s5(aml_s5_bytes, package_end, &a, &b), 0);
}

/* Tables without a _S5 definition. */
static void
s5_absent(void)
{
	/* Name (_S4, Package () { 0x04, 0x04 }) */
	static const uint8_t s4[] = {
		0x08, '_',  'S',  '4',	'_',  0x12,
		0x06, 0x02, 0x0a, 0x04, 0x0a, 0x04,
	};
	/* Method (PTS) { Return (_S5) }: a use, not a definition. */
	static const uint8_t reference[] = {
		0x14, 0x0a, 'P', 'T', 'S', '_', 0x00, 0xa4, '_', 'S', '5', '_',
	};
	uint8_t a, b;

	CHECK_INT(find_s5(s4, sizeof(s4), &a, &b), -ENOENT);
	CHECK_INT(find_s5(reference, sizeof(reference), &a, &b), -ENOENT);
	CHECK_INT(find_s5(s4, 0, &a, &b), -ENOENT);
	CHECK_INT(acpi_aml_find_s5(NULL, 0, &a, &b), -ENOENT);
	CHECK_INT(a, UNTOUCHED);
}

/* A _S5 definition that is not a package we can decode. */
static void
s5_malformed(void)
{
	/* Name (_S5, 0x05): not a package at all. */
	static const uint8_t not_package[] = {
		0x08, '_', 'S', '5', '_', 0x0a, 0x05, 0x00,
	};
	/* Name (_S5, Package () { 0x05 }): SLP_TYPb missing. */
	static const uint8_t one_element[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x01, 0x0a, 0x05,
	};
	/* NumElements says 1 though two follow: SLP_TYPb is not there. */
	static const uint8_t count_one[] = {
		0x08, '_',  'S',  '5',	'_',  0x12,
		0x06, 0x01, 0x0a, 0x05, 0x0a, 0x05,
	};
	/* PkgLength 5 ends the package between BytePrefix and its byte. */
	static const uint8_t split_element[] = {
		0x08, '_',  'S',  '5',	'_',  0x12, 0x05,
		0x02, 0x0a, 0x05, 0x0a, 0x05, 0x00,
	};
	/* PkgLength 1 covers only itself, and the table ends there. */
	static const uint8_t empty_package[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x01,
	};
	/* Name (_S5, Package () { 0x08, 0x05 }): 8 does not fit 3 bits. */
	static const uint8_t too_big[] = {
		0x08, '_',  'S',  '5',	'_',  0x12,
		0x06, 0x02, 0x0a, 0x08, 0x0a, 0x05,
	};
	/* Name (_S5, Package () { "5", ... }): a string element. */
	static const uint8_t string[] = {
		0x08, '_',  'S',  '5', '_',  0x12,
		0x06, 0x02, 0x0d, '5', 0x00, 0x00,
	};
	/* PkgLength 0x75 0x00: 5, but with its reserved bits 5:4 set. */
	static const uint8_t reserved_bits[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x75, 0x00, 0x02, 0x00, 0x00,
	};
	/* PkgLength that claims 2 following bytes when 1 is all there is. */
	static const uint8_t pkglength_cut[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x80, 0x01,
	};
	/* A PkgLength of 0 cannot even cover itself. */
	static const uint8_t pkglength_zero[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x00, 0x02, 0x00, 0x00,
	};
	/* Name (_S5, Buffer (2) { 0, 0 }): shaped like a package, but not. */
	static const uint8_t buffer[] = {
		0x08, '_', 'S', '5', '_', 0x11, 0x05, 0x0a, 0x02, 0x00, 0x00,
	};
	uint8_t a, b;

	CHECK_INT(find_s5(not_package, sizeof(not_package), &a, &b), -EINVAL);
	CHECK_INT(find_s5(buffer, sizeof(buffer), &a, &b), -EINVAL);
	CHECK_INT(find_s5(one_element, sizeof(one_element), &a, &b), -EINVAL);
	CHECK_INT(find_s5(count_one, sizeof(count_one), &a, &b), -EINVAL);
	CHECK_INT(find_s5(split_element, sizeof(split_element), &a, &b),
		  -EINVAL);
	CHECK_INT(find_s5(empty_package, sizeof(empty_package), &a, &b),
		  -EINVAL);
	CHECK_INT(find_s5(too_big, sizeof(too_big), &a, &b), -EINVAL);
	CHECK_INT(find_s5(string, sizeof(string), &a, &b), -EINVAL);
	CHECK_INT(find_s5(reserved_bits, sizeof(reserved_bits), &a, &b),
		  -EINVAL);
	CHECK_INT(find_s5(pkglength_cut, sizeof(pkglength_cut), &a, &b),
		  -EINVAL);
	CHECK_INT(find_s5(pkglength_zero, sizeof(pkglength_zero), &a, &b),
		  -EINVAL);
	CHECK_INT(a, UNTOUCHED);
	CHECK_INT(b, UNTOUCHED);
}

/* A broken definition does not hide a good one after it. */
static void
s5_malformed_then_good(void)
{
	static const uint8_t aml[] = {
		0x08, '_', 'S',	 '5',  '_',  0x0a, 0x05, 0x08, '_',  'S',
		'5',  '_', 0x12, 0x06, 0x02, 0x0a, 0x06, 0x0a, 0x01,
	};
	uint8_t a, b;

	CHECK_INT(find_s5(aml, sizeof(aml), &a, &b), 0);
	CHECK_INT(a, 6);
	CHECK_INT(b, 1);
}

/* Set byte @at of @p so that all @len bytes sum to 0 modulo 256. */
static void
fix_checksum(uint8_t *p, size_t len, size_t at)
{
	uint8_t sum = 0;

	p[at] = 0;
	for (size_t i = 0; i < len; i++)
		sum += p[i];
	p[at] = (uint8_t)-sum;
}

static void
checksum(void)
{
	/* An ACPI 1.0 RSDP: "RSD PTR ", checksum, OEM, rev 0, RSDT. */
	uint8_t rsdp[20] = {
		'R', 'S', 'D', ' ', 'P', 'T', 'R',  ' ',  0,	'B',
		'O', 'C', 'H', 'S', ' ', 0,   0x49, 0x1a, 0xfe, 0x07,
	};
	uint8_t table[64];

	fix_checksum(rsdp, sizeof(rsdp), 8);
	CHECK(acpi_checksum_ok(rsdp, sizeof(rsdp)));
	rsdp[19] ^= 1;
	CHECK(!acpi_checksum_ok(rsdp, sizeof(rsdp)));

	/* Sums that wrap past 255 many times over. */
	memset(table, 0xff, sizeof(table));
	fix_checksum(table, sizeof(table), 9);
	CHECK(acpi_checksum_ok(table, sizeof(table)));
	CHECK(!acpi_checksum_ok(table, sizeof(table) - 1));

	/* Nothing sums to nothing. */
	CHECK(acpi_checksum_ok(table, 0));
}

int
main(void)
{
	unit_suite = "acpi";
	UNIT_RUN(s5_byte_prefix);
	UNIT_RUN(s5_zero_one_ops);
	UNIT_RUN(s5_two_byte_pkglength);
	UNIT_RUN(s5_prefixed_names);
	UNIT_RUN(s5_bare_integers);
	UNIT_RUN(s5_truncated);
	UNIT_RUN(s5_absent);
	UNIT_RUN(s5_malformed);
	UNIT_RUN(s5_malformed_then_good);
	UNIT_RUN(checksum);
	return unit_failures;
}
