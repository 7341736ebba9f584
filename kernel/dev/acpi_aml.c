/*
 * The two pure pieces of ACPI handling: table checksums and the search for
 * the \_S5 sleep-type package in AML byte code.
 *
 * They read only the bytes they are handed and call nothing, so the host
 * unit tests (tests/unit/test_acpi.c) compile this file on its own. Keep it
 * that way: no printk, no string.h, no hardware.
 *
 * What we look for. The firmware's ASL source says
 *
 *   Name (_S5, Package () { 0x05, 0x05, 0, 0 })
 *
 * and the compiler turns it into AML bytes like these:
 *
 *   08  5F 53 35 5F  12  08  04  0A 05  0A 05  00  00
 *   |   "_  S  5  _" |   |   |   |      |      |   |
 *   |   NameString   |   |   |   |      |      reserved elements
 *   NameOp           |   |   |   |      SLP_TYPb: BytePrefix 0x05
 *                    |   |   |   SLP_TYPa: BytePrefix 0x05
 *                    |   |   NumElements
 *                    |   PkgLength: 8 bytes, counting itself
 *                    PackageOp
 *
 * Without an AML interpreter we cannot walk the namespace properly, so we
 * pattern-match: find "_S5_" right after NameOp (perhaps with a '\' or '^'
 * prefix in between) and decode the package that follows. Every firmware
 * we know writes _S5 this plainly, and every step is bounds-checked, so a
 * stranger encoding gives -EINVAL rather than a wild read.
 */
#include "kernel/dev/acpi.h"
#include "kernel/lib/errno.h"

/* AML opcodes and prefixes (ACPI spec, "AML Byte Stream Byte Values"). */
#define AML_ZERO_OP	 0x00
#define AML_ONE_OP	 0x01
#define AML_NAME_OP	 0x08
#define AML_BYTE_PREFIX	 0x0a
#define AML_WORD_PREFIX	 0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_QWORD_PREFIX 0x0e
#define AML_PACKAGE_OP	 0x12
#define AML_ROOT_CHAR	 '\\' /* \_S5_: the name is in the root scope */
#define AML_PARENT_CHAR	 '^'  /* ^_S5_: the name is one scope up */

/* A NameSeg is always exactly four characters, padded with '_'. */
#define AML_NAMESEG_LEN 4
static const uint8_t aml_s5_name[AML_NAMESEG_LEN] = { '_', 'S', '5', '_' };

/*
 * PkgLength. Its first byte says how many more bytes follow (bits 7:6).
 * With none, bits 5:0 are the whole length (0-63). Otherwise bits 3:0 are
 * the low nibble, bits 5:4 must be zero, and each following byte adds the
 * next eight bits:
 *
 *   lead byte   [ n n | 0 0 | l l l l ]     n = following bytes, 0-3
 *   byte 1      bits 11:4
 *   byte 2      bits 19:12
 *   byte 3      bits 27:20
 *
 * The length counts the PkgLength bytes themselves plus everything up to
 * the end of the package.
 */
#define AML_PKGLEN_COUNT_SHIFT	 6
#define AML_PKGLEN_SHORT_MASK	 0x3f /* one-byte form: bits 5:0 */
#define AML_PKGLEN_RESERVED_MASK 0x30 /* multi-byte form: bits 5:4 are 0 */
#define AML_PKGLEN_NIBBLE_MASK	 0x0f /* multi-byte form: bits 3:0 */
#define AML_PKGLEN_NIBBLE_BITS	 4

/* The _S5 package holds SLP_TYPa, SLP_TYPb and optional reserved items. */
#define AML_S5_MIN_ELEMENTS 2

bool
acpi_checksum_ok(const void *table, size_t len)
{
	const uint8_t *p = table;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += p[i];
	return sum == 0;
}

/* Do the AML_NAMESEG_LEN bytes at @p spell "_S5_"? */
static bool
aml_is_s5_name(const uint8_t *p)
{
	for (size_t i = 0; i < AML_NAMESEG_LEN; i++)
		if (p[i] != aml_s5_name[i])
			return false;
	return true;
}

/*
 * Is the NameSeg at aml[@pos] the name being defined by a NameOp? The
 * bytes just before it must be NameOp, optionally followed by one '\' or
 * by one or more '^'. Anything else is a reference to _S5 (in a method
 * body, say) or a coincidence inside some data, not its definition.
 */
static bool
aml_is_name_definition(const uint8_t *aml, size_t pos)
{
	if (pos > 0 && aml[pos - 1] == AML_ROOT_CHAR)
		pos--;
	else
		while (pos > 0 && aml[pos - 1] == AML_PARENT_CHAR)
			pos--;
	return pos > 0 && aml[pos - 1] == AML_NAME_OP;
}

/*
 * Decode the PkgLength at aml[*pos], which must end before @end. On success
 * store the package's end (one past its last byte) in *pkg_end, advance
 * *pos past the PkgLength and return 0.
 */
static int
aml_decode_pkg_length(const uint8_t *aml, size_t *pos, size_t end,
		      size_t *pkg_end)
{
	size_t start = *pos;
	uint8_t lead;
	size_t extra, length;

	if (start >= end)
		return -EINVAL;
	lead = aml[start];
	extra = lead >> AML_PKGLEN_COUNT_SHIFT;
	if (extra == 0) {
		length = lead & AML_PKGLEN_SHORT_MASK;
	} else {
		if (lead & AML_PKGLEN_RESERVED_MASK)
			return -EINVAL;
		if (extra > end - start - 1)
			return -EINVAL;
		length = lead & AML_PKGLEN_NIBBLE_MASK;
		for (size_t i = 0; i < extra; i++)
			length |= (size_t)aml[start + 1 + i]
				  << (AML_PKGLEN_NIBBLE_BITS + 8 * i);
	}

	/* The length must cover itself and fit in what we were given. */
	if (length < 1 + extra || length > end - start)
		return -EINVAL;
	*pos = start + 1 + extra;
	*pkg_end = start + length;
	return 0;
}

/*
 * Decode one package element at aml[*pos], which must end before @end, as
 * a sleep-type value: ZeroOp, OneOp, a Byte/Word/DWord/QWord constant, or
 * the bare byte 2-7 that some firmware writes (invalid AML that Windows
 * and Linux tolerate). The value must fit in the 3-bit SLP_TYP field.
 */
static int
aml_decode_slp_typ(const uint8_t *aml, size_t *pos, size_t end,
		   uint8_t *slp_typ)
{
	size_t p = *pos;
	size_t size;
	uint64_t value = 0;

	if (p >= end)
		return -EINVAL;
	switch (aml[p]) {
	case AML_ZERO_OP:
		size = 0;
		break;
	case AML_ONE_OP:
		size = 0;
		value = 1;
		break;
	case AML_BYTE_PREFIX:
		size = 1;
		break;
	case AML_WORD_PREFIX:
		size = 2;
		break;
	case AML_DWORD_PREFIX:
		size = 4;
		break;
	case AML_QWORD_PREFIX:
		size = 8;
		break;
	default:
		if (aml[p] > ACPI_SLP_TYP_MAX)
			return -EINVAL; /* a string, a name, a nested package */
		size = 0;
		value = aml[p];
		break;
	}

	/* The constant's bytes follow the prefix, least significant first. */
	if (size > end - p - 1)
		return -EINVAL;
	for (size_t i = 0; i < size; i++)
		value |= (uint64_t)aml[p + 1 + i] << (8 * i);
	if (value > ACPI_SLP_TYP_MAX)
		return -EINVAL;

	*slp_typ = (uint8_t)value;
	*pos = p + 1 + size;
	return 0;
}

/* Decode "Package () { SLP_TYPa, SLP_TYPb, ... }" starting at aml[pos]. */
static int
aml_decode_s5_package(const uint8_t *aml, size_t len, size_t pos,
		      uint8_t *slp_typa, uint8_t *slp_typb)
{
	size_t end;
	uint8_t elements, a, b;
	int err;

	if (pos >= len || aml[pos] != AML_PACKAGE_OP)
		return -EINVAL;
	pos++;
	err = aml_decode_pkg_length(aml, &pos, len, &end);
	if (err)
		return err;

	if (pos >= end)
		return -EINVAL;
	elements = aml[pos++];
	if (elements < AML_S5_MIN_ELEMENTS)
		return -EINVAL;

	err = aml_decode_slp_typ(aml, &pos, end, &a);
	if (err)
		return err;
	err = aml_decode_slp_typ(aml, &pos, end, &b);
	if (err)
		return err;

	*slp_typa = a;
	*slp_typb = b;
	return 0;
}

int
acpi_aml_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa,
		 uint8_t *slp_typb)
{
	int result = -ENOENT;

	if (aml == NULL || len < AML_NAMESEG_LEN)
		return -ENOENT;

	/*
	 * A malformed definition does not end the search: a later, sound
	 * one (in another branch of an If, say) may still follow. Only when
	 * none does is the failure reported.
	 */
	for (size_t pos = 0; pos <= len - AML_NAMESEG_LEN; pos++) {
		int err;

		if (!aml_is_s5_name(aml + pos) ||
		    !aml_is_name_definition(aml, pos))
			continue;
		err = aml_decode_s5_package(aml, len, pos + AML_NAMESEG_LEN,
					    slp_typa, slp_typb);
		if (err == 0)
			return 0;
		result = err;
	}
	return result;
}
