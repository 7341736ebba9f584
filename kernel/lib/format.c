/*
 * kvsnprintf: turn a printf format and its arguments into text.
 *
 * The work is split in three: parse one conversion spec ("%-08lx") into a
 * struct format_spec, turn the argument into digits, then emit it with
 * padding. Output goes through struct format_out, which counts every
 * character but stores only what fits, as C's snprintf does.
 *
 * Host unit tests (tests/unit/test_format.c) compare it with the C library.
 */
#include "kernel/lib/format.h"

struct format_out {
	char *buf;
	size_t size; /* capacity of buf, including the final NUL */
	size_t len;  /* characters produced so far (may exceed size) */
};

struct format_spec {
	bool left;	 /* '-': pad on the right */
	bool zero;	 /* '0': pad numbers with zeros */
	bool plus;	 /* '+': always print a sign */
	bool space;	 /* ' ': a space where a '+' would go */
	bool alternate;	 /* '#': 0x for hex, 0 for octal */
	int width;	 /* minimum field width, 0 if none */
	int precision;	 /* -1 if none */
	int length;	 /* size of the integer argument in bytes */
	char conversion; /* 'd', 'x', 's', ... */
};

static void
out_char(struct format_out *out, char c)
{
	if (out->len + 1 < out->size)
		out->buf[out->len] = c;
	out->len++;
}

static void
out_repeat(struct format_out *out, char c, int count)
{
	while (count-- > 0)
		out_char(out, c);
}

/* Read the flags, width, precision and length of one conversion; returns
 * the position just after the conversion character. */
static const char *
parse_spec(const char *p, struct format_spec *spec, va_list *ap)
{
	*spec = (struct format_spec){ .precision = -1, .length = sizeof(int) };

	for (;; p++) {
		if (*p == '-')
			spec->left = true;
		else if (*p == '0')
			spec->zero = true;
		else if (*p == '+')
			spec->plus = true;
		else if (*p == ' ')
			spec->space = true;
		else if (*p == '#')
			spec->alternate = true;
		else
			break;
	}

	if (*p == '*') {
		spec->width = va_arg(*ap, int);
		if (spec->width < 0) { /* C: a negative width means '-' */
			spec->left = true;
			spec->width = -spec->width;
		}
		p++;
	} else {
		while (*p >= '0' && *p <= '9')
			spec->width = spec->width * 10 + (*p++ - '0');
	}

	if (*p == '.') {
		p++;
		spec->precision = 0;
		if (*p == '*') {
			spec->precision = va_arg(*ap, int);
			if (spec->precision < 0)
				spec->precision = -1; /* C: as if omitted */
			p++;
		} else {
			while (*p >= '0' && *p <= '9')
				spec->precision =
					spec->precision * 10 + (*p++ - '0');
		}
	}

	if (p[0] == 'h' && p[1] == 'h') {
		spec->length = sizeof(char);
		p += 2;
	} else if (*p == 'h') {
		spec->length = sizeof(short);
		p++;
	} else if (p[0] == 'l' && p[1] == 'l') {
		spec->length = sizeof(long long);
		p += 2;
	} else if (*p == 'l') {
		spec->length = sizeof(long);
		p++;
	} else if (*p == 'z' || *p == 't' || *p == 'j') {
		spec->length = sizeof(long);
		p++;
	}

	spec->conversion = *p;
	return *p ? p + 1 : p;
}

/* Fetch an integer argument of the spec's length, as unsigned magnitude and
 * a sign. */
static uint64_t
fetch_integer(const struct format_spec *spec, va_list *ap, bool *negative)
{
	bool is_signed = spec->conversion == 'd' || spec->conversion == 'i';
	int64_t s;
	uint64_t u;

	*negative = false;
	if (is_signed) {
		if (spec->length == sizeof(long long))
			s = va_arg(*ap, long long);
		else if (spec->length == sizeof(long))
			s = va_arg(*ap, long);
		else
			s = va_arg(*ap, int);
		if (spec->length == sizeof(char))
			s = (signed char)s;
		else if (spec->length == sizeof(short))
			s = (short)s;
		if (s < 0) {
			*negative = true;
			return -(uint64_t)s; /* correct even for INT64_MIN */
		}
		return (uint64_t)s;
	}

	if (spec->length == sizeof(long long))
		u = va_arg(*ap, unsigned long long);
	else if (spec->length == sizeof(long))
		u = va_arg(*ap, unsigned long);
	else
		u = va_arg(*ap, unsigned int);
	if (spec->length == sizeof(char))
		u = (unsigned char)u;
	else if (spec->length == sizeof(short))
		u = (unsigned short)u;
	return u;
}

/* Print one integer with sign, prefix, precision and padding, in the
 * order C specifies: [spaces][sign][0x][zeros][digits][spaces]. */
static void
emit_integer(struct format_out *out, const struct format_spec *spec,
	     uint64_t value, bool negative)
{
	const char *digits_lower = "0123456789abcdef";
	const char *digits_upper = "0123456789ABCDEF";
	const char *digit_set = digits_lower;
	unsigned base = 10;
	char digits[24]; /* 2^64 has 22 octal digits */
	int ndigits = 0;
	const char *prefix = "";
	char sign = 0;

	switch (spec->conversion) {
	case 'o':
		base = 8;
		break;
	case 'X':
		digit_set = digits_upper;
		/* fall through */
	case 'x':
	case 'p':
		base = 16;
		break;
	}

	/* C: precision 0 and value 0 print no digits at all. */
	if (!(value == 0 && spec->precision == 0)) {
		do {
			digits[ndigits++] = digit_set[value % base];
			value /= base;
		} while (value);
	}

	if (negative)
		sign = '-';
	else if (spec->plus &&
		 (spec->conversion == 'd' || spec->conversion == 'i'))
		sign = '+';
	else if (spec->space &&
		 (spec->conversion == 'd' || spec->conversion == 'i'))
		sign = ' ';

	if (spec->conversion == 'p' ||
	    (spec->alternate && ndigits && digits[ndigits - 1] != '0')) {
		if (spec->conversion == 'x' || spec->conversion == 'p')
			prefix = "0x";
		else if (spec->conversion == 'X')
			prefix = "0X";
	}
	if (spec->alternate && spec->conversion == 'o' &&
	    (ndigits == 0 || digits[ndigits - 1] != '0') &&
	    spec->precision <= ndigits)
		prefix = "0";

	int prefix_len = 0;
	while (prefix[prefix_len])
		prefix_len++;
	int zeros = spec->precision > ndigits ? spec->precision - ndigits : 0;
	int body = (sign ? 1 : 0) + prefix_len + zeros + ndigits;
	int pad = spec->width > body ? spec->width - body : 0;

	/* C: the 0 flag is ignored with '-' or with a precision. */
	if (spec->zero && !spec->left && spec->precision < 0) {
		zeros += pad;
		pad = 0;
	}

	if (!spec->left)
		out_repeat(out, ' ', pad);
	if (sign)
		out_char(out, sign);
	for (int i = 0; i < prefix_len; i++)
		out_char(out, prefix[i]);
	out_repeat(out, '0', zeros);
	while (ndigits)
		out_char(out, digits[--ndigits]);
	if (spec->left)
		out_repeat(out, ' ', pad);
}

static void
emit_string(struct format_out *out, const struct format_spec *spec,
	    const char *s)
{
	int len = 0;

	if (!s)
		s = "(null)";
	while (s[len] && (spec->precision < 0 || len < spec->precision))
		len++;
	int pad = spec->width > len ? spec->width - len : 0;

	if (!spec->left)
		out_repeat(out, ' ', pad);
	for (int i = 0; i < len; i++)
		out_char(out, s[i]);
	if (spec->left)
		out_repeat(out, ' ', pad);
}

int
kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct format_out out = { .buf = buf, .size = size, .len = 0 };
	struct format_spec spec;
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			out_char(&out, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &spec, &args);

		switch (spec.conversion) {
		case 'd':
		case 'i':
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			bool negative;
			uint64_t v = fetch_integer(&spec, &args, &negative);
			emit_integer(&out, &spec, v, negative);
			break;
		}
		case 'p': {
			/* Always 0x and 16 digits: kernel addresses line up. */
			struct format_spec p = spec;
			p.precision = 16;
			emit_integer(&out, &p, (uintptr_t)va_arg(args, void *),
				     false);
			break;
		}
		case 'c': {
			char c[2] = { (char)va_arg(args, int), '\0' };
			struct format_spec s = spec;
			s.precision = 1;
			/* A NUL character still counts as one character. */
			if (!c[0]) {
				int pad = s.width > 1 ? s.width - 1 : 0;
				if (!s.left)
					out_repeat(&out, ' ', pad);
				out_char(&out, '\0');
				if (s.left)
					out_repeat(&out, ' ', pad);
			} else {
				emit_string(&out, &s, c);
			}
			break;
		}
		case 's':
			emit_string(&out, &spec, va_arg(args, const char *));
			break;
		case '%':
			out_char(&out, '%');
			break;
		case '\0': /* a lone '%' at the end: print it */
			out_char(&out, '%');
			break;
		default: /* unknown conversion: show it rather than guess */
			out_char(&out, '%');
			out_char(&out, spec.conversion);
			break;
		}
	}
	va_end(args);

	if (size)
		buf[out.len < size ? out.len : size - 1] = '\0';
	return (int)out.len;
}

int
ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
