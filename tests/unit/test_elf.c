/*
 * The ELF64 checker against real programs and against damage.
 *
 * Real programs first: a tiny C program is compiled at test time, static
 * with musl (ET_EXEC, and static PIE), static with glibc when its static
 * libraries are there, and dynamic with gcc (which must be refused); what
 * elf_parse() reports must match what readelf -lW says of the same file.
 * Then a small executable built here, laid out as GNU ld lays one out, is
 * damaged one field at a time, and each check must fire with its own
 * reason. Every file is parsed from a heap buffer of exactly its size, so
 * a read past the end is an ASan error.
 */
#include "kernel/lib/errno.h"
#include "kernel/proc/elf.h"
#include "tests/unit/unit.h"

#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#define MIN_ADDR 0x10000ull
#define USER_END 0x0000800000000000ull
#define PAGE	 0x1000ull
#define PIE_BASE 0x555555554000ull

static const char *why;
static struct elf_image img;

/* Parse a copy of @file in a heap buffer of exactly @n bytes. */
static int
parse_at(const void *file, size_t n, uint64_t base)
{
	uint8_t *copy = malloc(n ? n : 1);
	memcpy(copy, file, n);
	int r = elf_parse(copy, n, base, MIN_ADDR, USER_END, &img, &why);
	free(copy);
	return r;
}

static int
parse(const void *file, size_t n)
{
	return parse_at(file, n, PIE_BASE);
}

#define CHECK_WHY(r, want_r, words)                            \
	do {                                                   \
		CHECK_INT((r), (want_r));                      \
		if (!why || !strstr(why, (words))) {           \
			printf("  why \"%s\" lacks \"%s\"\n",  \
			       why ? why : "(null)", (words)); \
			unit_case_failed = 1;                  \
		}                                              \
	} while (0)

/* --- Real programs, with readelf as the judge ------------------------ */

static char tmpdir[256];

static int
run(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static bool
have(const char *tool)
{
	return run("command -v %s >/dev/null 2>&1", tool) == 0;
}

static uint8_t *
read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*n = ftell(f);
	rewind(f);
	uint8_t *buf = malloc(*n ? *n : 1);
	if (fread(buf, 1, *n, f) != *n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* What readelf -lW says of a file. */
struct readelf {
	bool dyn;
	uint64_t entry, phoff;
	unsigned phnum;
	struct elf_segment loads[32];
	size_t nloads;
	bool have_phdr, stack_exec;
	uint64_t phdr_vaddr;
};

static unsigned
prot_of(const char *flags)
{
	return (strchr(flags, 'R') ? ELF_PROT_READ : 0) |
	       (strchr(flags, 'W') ? ELF_PROT_WRITE : 0) |
	       (strchr(flags, 'E') ? ELF_PROT_EXEC : 0);
}

static bool
run_readelf(const char *path, struct readelf *re)
{
	char cmd[1024], line[512];

	*re = (struct readelf){ 0 };
	snprintf(cmd, sizeof(cmd), "readelf -lW '%s'", path);
	FILE *p = popen(cmd, "r");
	if (!p)
		return false;
	while (fgets(line, sizeof(line), p)) {
		char type[32], rest[128];
		unsigned long long off, va, pa, fsz, msz;
		int used;

		if (strstr(line, "Elf file type is DYN"))
			re->dyn = true;
		if (sscanf(line, "Entry point %llx", &off) == 1)
			re->entry = off;
		if (sscanf(line,
			   "There are %u program headers, starting at "
			   "offset %llu",
			   &re->phnum, &off) == 2)
			re->phoff = off;
		if (sscanf(line, " %31s %llx %llx %llx %llx %llx %n", type,
			   &off, &va, &pa, &fsz, &msz, &used) != 6)
			continue;
		/* The flags ("R E", "RW "...) run up to the alignment. */
		snprintf(rest, sizeof(rest), "%s", line + used);
		char *align = strstr(rest, "0x");
		if (align)
			*align = '\0';
		if (strcmp(type, "LOAD") == 0 && msz > 0 && re->nloads < 32)
			re->loads[re->nloads++] = (struct elf_segment){
				.vaddr = va,
				.memsz = msz,
				.filesz = fsz,
				.offset = off,
				.prot = prot_of(rest),
			};
		if (strcmp(type, "PHDR") == 0) {
			re->have_phdr = true;
			re->phdr_vaddr = va;
		}
		if (strcmp(type, "GNU_STACK") == 0)
			re->stack_exec = strchr(rest, 'E') != NULL;
	}
	return pclose(p) == 0 && re->phnum > 0;
}

/* elf_parse() must agree with readelf on everything it reports. */
static void
check_against_readelf(const char *path, const uint8_t *file, size_t n,
		      bool want_dyn)
{
	struct readelf re;

	if (!run_readelf(path, &re)) {
		printf("  readelf failed on %s\n", path);
		unit_case_failed = 1;
		return;
	}
	CHECK_INT(re.dyn, want_dyn);
	uint64_t base = re.dyn ? PIE_BASE : 0;
	CHECK_INT(parse(file, n), 0);
	CHECK(why == NULL);
	CHECK_INT(img.base, base);
	CHECK_INT(img.entry, re.entry + base);
	CHECK_INT(img.phnum, re.phnum);
	CHECK_INT(img.phentsize, 56);
	CHECK_INT(img.nsegs, re.nloads);
	for (size_t i = 0; i < img.nsegs && i < re.nloads; i++) {
		CHECK_INT(img.segs[i].vaddr, re.loads[i].vaddr + base);
		CHECK_INT(img.segs[i].memsz, re.loads[i].memsz);
		CHECK_INT(img.segs[i].filesz, re.loads[i].filesz);
		CHECK_INT(img.segs[i].offset, re.loads[i].offset);
		CHECK_INT(img.segs[i].prot, re.loads[i].prot);
	}
	if (re.have_phdr) {
		CHECK_INT(img.phdr_vaddr, re.phdr_vaddr + base);
	} else {
		bool found = false;
		for (size_t i = 0; i < re.nloads; i++) {
			const struct elf_segment *s = &re.loads[i];
			if (!found && re.phoff >= s->offset &&
			    re.phoff < s->offset + s->filesz) {
				CHECK_INT(img.phdr_vaddr, s->vaddr + base +
								  re.phoff -
								  s->offset);
				found = true;
			}
		}
		CHECK(found);
	}
	const struct elf_segment *last = &re.loads[re.nloads - 1];
	CHECK_INT(img.brk_start,
		  ALIGN_UP(last->vaddr + last->memsz + base, PAGE));
	CHECK_INT(img.stack_exec, re.stack_exec);

	/* Cut anywhere inside the headers, it must be refused. */
	uint64_t headers = re.phoff + re.phnum * 56ull;
	for (size_t cut = 0; cut < headers && cut < n; cut++) {
		int r = parse(file, cut);
		CHECK_INT(r, -ENOEXEC);
		if (r != -ENOEXEC)
			printf("  cut at %zu\n", cut);
	}
}

static const char program[] = "#include <stdio.h>\n"
			      "int counter = 5;\n"
			      "static char big[100000];\n"
			      "int main(void) { big[1] = (char)counter;\n"
			      "  printf(\"%d\\n\", big[1]); return 0; }\n";

static void
make_tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	snprintf(tmpdir, sizeof(tmpdir), "%s/sprout-elf-XXXXXX",
		 t && *t ? t : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		exit(1);
	}
	char path[512];
	snprintf(path, sizeof(path), "%s/p.c", tmpdir);
	FILE *f = fopen(path, "w");
	fputs(program, f);
	fclose(f);
}

/* Compile p.c with @cmd (%s: the directory), then judge the output. */
static bool
compile(const char *what, const char *cmd, char *out, size_t outsize)
{
	snprintf(out, outsize, "%s/%s", tmpdir, what);
	if (run(cmd, tmpdir, tmpdir, what) != 0) {
		printf("  note: could not build the %s program; skipped\n",
		       what);
		return false;
	}
	return true;
}

static void
check_program(const char *what, const char *cmd, bool want_dyn)
{
	char path[512];
	size_t n;

	if (!compile(what, cmd, path, sizeof(path)))
		return;
	uint8_t *file = read_file(path, &n);
	CHECK(file != NULL);
	if (!file)
		return;
	check_against_readelf(path, file, n, want_dyn);
	free(file);
}

static void
musl_static(void)
{
	if (!have("musl-gcc") || !have("readelf")) {
		printf("  note: musl-gcc or readelf missing; skipped\n");
		return;
	}
	check_program("musl-static",
		      "cd %s && musl-gcc -static -O2 -o %s/%s p.c", false);
}

/*
 * musl-gcc's own -static-pie still asks for the dynamic linker (its specs
 * add -dynamic-linker and Scrt1.o), so the static PIE is linked by hand:
 * rcrt1.o, found beside the Scrt1.o musl-gcc would use, relocates the
 * program itself; --no-dynamic-linker drops PT_INTERP; -static takes
 * libc.a.
 */
static void
musl_static_pie(void)
{
	if (!have("musl-gcc") || !have("readelf")) {
		printf("  note: musl-gcc or readelf missing; skipped\n");
		return;
	}
	check_program("musl-static-pie",
		      "cd %s && M=$(musl-gcc -### -x c /dev/null 2>&1 | "
		      "grep -o '[^ \"]*/Scrt1[.]o' | head -n 1) && "
		      "M=${M%%/Scrt1.o} && test -e $M/rcrt1.o && "
		      "musl-gcc -fPIE -static-pie -O2 -nostartfiles "
		      "-Wl,-static,--no-dynamic-linker $M/rcrt1.o $M/crti.o "
		      "$(gcc -print-file-name=crtbeginS.o) p.c "
		      "$(gcc -print-file-name=crtendS.o) $M/crtn.o -o %s/%s",
		      true);

	/* The same program at the lowest and the highest base it fits. */
	char path[512];
	size_t n;
	snprintf(path, sizeof(path), "%s/musl-static-pie", tmpdir);
	uint8_t *file = read_file(path, &n);
	if (!file)
		return;
	CHECK_INT(parse_at(file, n, MIN_ADDR), 0);
	uint64_t span = img.brk_start - MIN_ADDR;
	CHECK_INT(parse_at(file, n, USER_END - span), 0);
	CHECK_INT(img.brk_start, USER_END);
	CHECK_WHY(parse_at(file, n, USER_END - span + PAGE), -ENOEXEC,
		  "past the end of the user address space");
	CHECK_WHY(parse_at(file, n, 0), -ENOEXEC, "below the lowest");
	free(file);
}

/* glibc's static programs carry PT_TLS, notes, GNU properties. */
static void
glibc_static(void)
{
	if (!have("gcc") || !have("readelf")) {
		printf("  note: gcc or readelf missing; skipped\n");
		return;
	}
	check_program("glibc-static",
		      "cd %s && gcc -static -O2 -o %s/%s p.c 2>/dev/null",
		      false);
	check_program("glibc-static-pie",
		      "cd %s && gcc -static-pie -O2 -o %s/%s p.c 2>/dev/null",
		      true);
}

static void
gcc_dynamic_is_refused(void)
{
	char path[512];
	size_t n;

	if (!have("gcc")) {
		printf("  note: gcc missing; skipped\n");
		return;
	}
	if (!compile("gcc-dynamic", "cd %s && gcc -O2 -o %s/%s p.c", path,
		     sizeof(path)))
		return;
	uint8_t *file = read_file(path, &n);
	CHECK(file != NULL);
	if (!file)
		return;
	CHECK_INT(parse(file, n), -ENOEXEC);
	CHECK_STR(why, "dynamically linked (needs an interpreter); Sprout "
		       "runs static programs");
	free(file);
}

/* --- A small executable, built here ----------------------------------- */

#define FILE_SIZE 0x2010
#define NPH	  4
#define PH(i)	  (64 + 56 * (i)) /* where program header i starts */
#define V	  0x400000ull	  /* the ET_EXEC link address */

/* ELF header field offsets */
#define E_TYPE	    16
#define E_MACHINE   18
#define E_VERSION   20
#define E_ENTRY	    24
#define E_PHOFF	    32
#define E_EHSIZE    52
#define E_PHENTSIZE 54
#define E_PHNUM	    56
/* program header field offsets */
#define P_TYPE	    0
#define P_FLAGS	    4
#define P_OFFSET    8
#define P_VADDR	    16
#define P_FILESZ    32
#define P_MEMSZ	    40
#define P_ALIGN	    48

static uint8_t file[FILE_SIZE];

static void
put(size_t at, int width, uint64_t v)
{
	for (int i = 0; i < width; i++)
		file[at + i] = (uint8_t)(v >> (8 * i));
}

static void
phdr(int i, uint32_t type, uint32_t flags, uint64_t off, uint64_t vaddr,
     uint64_t filesz, uint64_t memsz, uint64_t align)
{
	put(PH(i) + P_TYPE, 4, type);
	put(PH(i) + P_FLAGS, 4, flags);
	put(PH(i) + P_OFFSET, 8, off);
	put(PH(i) + P_VADDR, 8, vaddr);
	put(PH(i) + 24, 8, vaddr); /* p_paddr */
	put(PH(i) + P_FILESZ, 8, filesz);
	put(PH(i) + P_MEMSZ, 8, memsz);
	put(PH(i) + P_ALIGN, 8, align);
}

/*
 * Headers (R), code (R X), data and .bss (RW), GNU_STACK:
 *
 *   file 0x0000  headers  -> base + 0x0000   R    0x120 bytes
 *   file 0x1000  code     -> base + 0x1000   R X  0x10 bytes
 *   file 0x2000  data     -> base + 0x2000   RW   0x10 bytes, 0x3000 in memory
 */
static void
build(uint16_t type, uint64_t base)
{
	static const uint8_t exit0[] = { 0x31, 0xff, 0xb8, 0x3c, 0,
					 0,    0,    0x0f, 0x05 }; /* exit(0) */
	memset(file, 0, sizeof(file));
	memcpy(file, "\177ELF\2\1\1", 7);
	put(E_TYPE, 2, type);
	put(E_MACHINE, 2, 62);
	put(E_VERSION, 4, 1);
	put(E_ENTRY, 8, base + 0x1000);
	put(E_PHOFF, 8, 64);
	put(E_EHSIZE, 2, 64);
	put(E_PHENTSIZE, 2, 56);
	put(E_PHNUM, 2, NPH);
	put(58, 2, 64); /* e_shentsize */
	phdr(0, 1, 4, 0, base, PH(NPH), PH(NPH), 0x1000);
	phdr(1, 1, 5, 0x1000, base + 0x1000, 0x10, 0x10, 0x1000);
	phdr(2, 1, 6, 0x2000, base + 0x2000, 0x10, 0x3000, 0x1000);
	phdr(3, 0x6474e551, 6, 0, 0, 0, 0, 0x10);
	memcpy(file + 0x1000, exit0, sizeof(exit0));
	memcpy(file + 0x2000, "sprout data", 11);
}

static void
hand_made_exec(void)
{
	build(2, V);
	CHECK_INT(parse(file, FILE_SIZE), 0);
	CHECK(why == NULL);
	CHECK_INT(img.base, 0); /* pie_base ignored for ET_EXEC */
	CHECK_INT(img.entry, V + 0x1000);
	CHECK_INT(img.phdr_vaddr, V + 64);
	CHECK_INT(img.phnum, NPH);
	CHECK_INT(img.nsegs, 3);
	CHECK_INT(img.segs[0].prot, ELF_PROT_READ);
	CHECK_INT(img.segs[1].prot, ELF_PROT_READ | ELF_PROT_EXEC);
	CHECK_INT(img.segs[2].prot, ELF_PROT_READ | ELF_PROT_WRITE);
	CHECK_INT(img.segs[2].vaddr, V + 0x2000);
	CHECK_INT(img.segs[2].memsz, 0x3000);
	CHECK_INT(img.segs[2].filesz, 0x10);
	CHECK_INT(img.segs[2].offset, 0x2000);
	CHECK_INT(img.brk_start, V + 0x5000);
	CHECK(!img.stack_exec);

	/* The file at an odd address: fields are read a byte at a time. */
	uint8_t *odd = malloc(FILE_SIZE + 1);
	memcpy(odd + 1, file, FILE_SIZE);
	CHECK_INT(elf_parse(odd + 1, FILE_SIZE, 0, MIN_ADDR, USER_END, &img,
			    NULL),
		  0);
	free(odd);
}

static void
hand_made_pie(void)
{
	build(3, 0);
	CHECK_INT(parse(file, FILE_SIZE), 0);
	CHECK_INT(img.base, PIE_BASE);
	CHECK_INT(img.entry, PIE_BASE + 0x1000);
	CHECK_INT(img.phdr_vaddr, PIE_BASE + 64);
	CHECK_INT(img.segs[0].vaddr, PIE_BASE);
	CHECK_INT(img.segs[2].vaddr, PIE_BASE + 0x2000);
	CHECK_INT(img.brk_start, PIE_BASE + 0x5000);

	/* The bounds, exactly. */
	CHECK_INT(parse_at(file, FILE_SIZE, MIN_ADDR), 0);
	CHECK_WHY(parse_at(file, FILE_SIZE, MIN_ADDR - PAGE), -ENOEXEC,
		  "below the lowest");
	CHECK_INT(parse_at(file, FILE_SIZE, USER_END - 0x5000), 0);
	CHECK_INT(img.brk_start, USER_END);
	CHECK_WHY(parse_at(file, FILE_SIZE, USER_END - 0x4000), -ENOEXEC,
		  "past the end of the user address space");
	CHECK_WHY(parse_at(file, FILE_SIZE, 0xfffffffffffff000ull), -ENOEXEC,
		  "wraps");

	/* The caller's mistakes. */
	CHECK_WHY(parse_at(file, FILE_SIZE, PIE_BASE + 8), -EINVAL,
		  "not page-aligned");
	CHECK_WHY(elf_parse(file, FILE_SIZE, PIE_BASE, USER_END + PAGE,
			    USER_END, &img, &why),
		  -EINVAL, "lowest allowed address is above");
}

/* One field changed; the rest of the file as build() made it. */
struct mutation {
	const char *name;
	struct {
		size_t at;
		int width; /* 0: unused */
		uint64_t value;
	} set[4];
	int want; /* 0, -ENOEXEC */
	const char *words;
};

static const struct mutation mutations[] = {
	{ "magic", { { 0, 1, 0x7e } }, -ENOEXEC, "magic" },
	{ "magic E", { { 1, 1, 'e' } }, -ENOEXEC, "magic" },
	{ "class 32", { { 4, 1, 1 } }, -ENOEXEC, "not a 64-bit" },
	{ "class none", { { 4, 1, 0 } }, -ENOEXEC, "not a 64-bit" },
	{ "big-endian", { { 5, 1, 2 } }, -ENOEXEC, "little-endian" },
	{ "ident version", { { 6, 1, 2 } }, -ENOEXEC, "EI_VERSION" },
	{ "OS ABI is ignored", { { 7, 1, 3 } }, 0, NULL },
	{ "type REL", { { E_TYPE, 2, 1 } }, -ENOEXEC, "not an executable" },
	{ "type CORE", { { E_TYPE, 2, 4 } }, -ENOEXEC, "not an executable" },
	{ "machine i386", { { E_MACHINE, 2, 3 } }, -ENOEXEC, "not an x86-64" },
	{ "machine aarch64",
	  { { E_MACHINE, 2, 183 } },
	  -ENOEXEC,
	  "not an x86-64" },
	{ "e_version", { { E_VERSION, 4, 0 } }, -ENOEXEC, "e_version" },
	{ "e_ehsize", { { E_EHSIZE, 2, 52 } }, -ENOEXEC, "e_ehsize" },
	{ "e_phentsize 32",
	  { { E_PHENTSIZE, 2, 32 } },
	  -ENOEXEC,
	  "e_phentsize" },
	{ "e_phentsize 64",
	  { { E_PHENTSIZE, 2, 64 } },
	  -ENOEXEC,
	  "e_phentsize" },
	{ "phnum 0", { { E_PHNUM, 2, 0 } }, -ENOEXEC, "no program headers" },
	{ "phnum huge",
	  { { E_PHNUM, 2, 0xffff } },
	  -ENOEXEC,
	  "too many program headers" },
	{ "phnum 74", { { E_PHNUM, 2, 74 } }, -ENOEXEC, "too many program" },
	{ "phoff past the end",
	  { { E_PHOFF, 8, FILE_SIZE } },
	  -ENOEXEC,
	  "program header table" },
	{ "table one byte too long",
	  { { E_PHOFF, 8, FILE_SIZE - 56 * NPH + 1 } },
	  -ENOEXEC,
	  "program header table" },
	{ "phoff wraps",
	  { { E_PHOFF, 8, 0xfffffffffffffff0ull } },
	  -ENOEXEC,
	  "program header table" },
	{ "filesz > memsz",
	  { { PH(1) + P_FILESZ, 8, 0x11 } },
	  -ENOEXEC,
	  "p_filesz is larger" },
	{ "offset + filesz past the end",
	  { { PH(2) + P_FILESZ, 8, 0x11 } },
	  -ENOEXEC,
	  "past the end of the file" },
	{ "offset past the end",
	  { { PH(2) + P_OFFSET, 8, 0x3000 },
	    { PH(2) + P_VADDR, 8, V + 0x3000 } },
	  -ENOEXEC,
	  "past the end of the file" },
	{ "offset + filesz wraps",
	  { { PH(2) + P_OFFSET, 8, 0xfffffffffffff000ull },
	    { PH(2) + P_FILESZ, 8, 0x2000 } },
	  -ENOEXEC,
	  "past the end of the file" },
	{ "vaddr in the kernel half",
	  { { PH(2) + P_VADDR, 8, 0xffffffff80002000ull } },
	  -ENOEXEC,
	  "past the end of the user address space" },
	{ "vaddr in the non-canonical hole",
	  { { PH(2) + P_VADDR, 8, 0x0000800000000000ull } },
	  -ENOEXEC,
	  "past the end of the user address space" },
	{ "memsz reaching past user_end",
	  { { PH(2) + P_MEMSZ, 8, USER_END - V - 0x2000 + 1 } },
	  -ENOEXEC,
	  "past the end of the user address space" },
	{ "memsz reaching user_end exactly",
	  { { PH(2) + P_MEMSZ, 8, USER_END - V - 0x2000 } },
	  0,
	  NULL },
	{ "vaddr below min_addr",
	  { { PH(0) + P_VADDR, 8, 0x1000 } },
	  -ENOEXEC,
	  "below the lowest" },
	{ "vaddr zero", { { PH(0) + P_VADDR, 8, 0 } }, -ENOEXEC, "below the" },
	{ "vaddr + memsz wraps",
	  { { PH(2) + P_MEMSZ, 8, 0xfffffffffffff000ull } },
	  -ENOEXEC,
	  "wraps" },
	{ "page round-up wraps",
	  { { PH(2) + P_VADDR, 8, 0xffffffffffffe000ull },
	    { PH(2) + P_MEMSZ, 8, 0x1001 } },
	  -ENOEXEC,
	  "wraps" },
	{ "vaddr and offset differ in the page",
	  { { PH(1) + P_VADDR, 8, V + 0x1010 } },
	  -ENOEXEC,
	  "differ modulo" },
	{ "vaddr and offset differ in the page, p_align 1",
	  { { PH(1) + P_VADDR, 8, V + 0x1010 }, { PH(1) + P_ALIGN, 8, 1 } },
	  -ENOEXEC,
	  "differ modulo" },
	{ "same in the page, differ modulo a 2 MiB p_align",
	  { { PH(2) + P_VADDR, 8, V + 0x3000 },
	    { PH(2) + P_ALIGN, 8, 0x200000 } },
	  -ENOEXEC,
	  "differ modulo" },
	{ "same in the page, p_align 4 KiB",
	  { { PH(2) + P_VADDR, 8, V + 0x3000 } },
	  0,
	  NULL },
	{ "p_align not a power of two",
	  { { PH(1) + P_ALIGN, 8, 0x3000 } },
	  -ENOEXEC,
	  "power of two" },
	{ "p_align 0", { { PH(1) + P_ALIGN, 8, 0 } }, 0, NULL },
	{ "p_align 1", { { PH(1) + P_ALIGN, 8, 1 } }, 0, NULL },
	{ "segments overlap",
	  { { PH(1) + P_MEMSZ, 8, 0x1800 } },
	  -ENOEXEC,
	  "overlap" },
	{ "segments share a page",
	  { { PH(1) + P_MEMSZ, 8, 0x1001 } },
	  -ENOEXEC,
	  "overlap" },
	{ "segments start together",
	  { { PH(2) + P_VADDR, 8, V + 0x1000 } },
	  -ENOEXEC,
	  "overlap" },
	{ "segments touch", { { PH(1) + P_MEMSZ, 8, 0x1000 } }, 0, NULL },
	{ "segments unsorted",
	  { { PH(2) + P_VADDR, 8, V - 0x10000 } },
	  -ENOEXEC,
	  "not sorted" },
	{ "entry in a data segment",
	  { { E_ENTRY, 8, V + 0x2000 } },
	  -ENOEXEC,
	  "entry point" },
	{ "entry in a read-only segment",
	  { { E_ENTRY, 8, V + 0x10 } },
	  -ENOEXEC,
	  "entry point" },
	{ "entry just past the code",
	  { { E_ENTRY, 8, V + 0x1010 } },
	  -ENOEXEC,
	  "entry point" },
	{ "entry at the last code byte",
	  { { E_ENTRY, 8, V + 0x100f } },
	  0,
	  NULL },
	{ "entry zero", { { E_ENTRY, 8, 0 } }, -ENOEXEC, "entry point" },
	{ "code not executable",
	  { { PH(1) + P_FLAGS, 4, 4 } },
	  -ENOEXEC,
	  "entry point" },
	{ "no PT_LOAD",
	  { { PH(0) + P_TYPE, 4, 4 },
	    { PH(1) + P_TYPE, 4, 4 },
	    { PH(2) + P_TYPE, 4, 4 } },
	  -ENOEXEC,
	  "no PT_LOAD" },
	{ "only empty PT_LOADs",
	  { { PH(0) + P_TYPE, 4, 4 },
	    { PH(1) + P_TYPE, 4, 4 },
	    { PH(2) + P_TYPE, 4, 4 },
	    { PH(3) + P_TYPE, 4, 1 } },
	  -ENOEXEC,
	  "no PT_LOAD" },
	{ "an empty PT_LOAD is ignored",
	  { { PH(3) + P_TYPE, 4, 1 } },
	  0,
	  NULL },
	{ "PT_INTERP",
	  { { PH(3) + P_TYPE, 4, 3 } },
	  -ENOEXEC,
	  "dynamically linked (needs an interpreter); Sprout runs static "
	  "programs" },
	{ "PT_INTERP after a bad segment",
	  { { PH(3) + P_TYPE, 4, 3 }, { PH(1) + P_FILESZ, 8, 0x11 } },
	  -ENOEXEC,
	  "dynamically linked" },
	{ "PT_PHDR where the table is",
	  { { PH(3) + P_TYPE, 4, 6 }, { PH(3) + P_VADDR, 8, V + 64 } },
	  0,
	  NULL },
	{ "PT_PHDR outside the file bytes",
	  { { PH(3) + P_TYPE, 4, 6 }, { PH(3) + P_VADDR, 8, V + 0x2008 } },
	  -ENOEXEC,
	  "PT_PHDR" },
	{ "PT_PHDR at the top of the address space",
	  { { PH(3) + P_TYPE, 4, 6 }, { PH(3) + P_VADDR, 8, ~0ull } },
	  -ENOEXEC,
	  "PT_PHDR" },
	{ "program headers in no segment",
	  { { PH(0) + P_FILESZ, 8, 64 }, { PH(0) + P_MEMSZ, 8, 64 } },
	  -ENOEXEC,
	  "AT_PHDR" },
	{ "program headers half in a segment",
	  { { PH(0) + P_FILESZ, 8, 64 + 56 } },
	  -ENOEXEC,
	  "AT_PHDR" },
	{ "executable stack", { { PH(3) + P_FLAGS, 4, 7 } }, 0, NULL },
};

static void
one_field_at_a_time(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(mutations); i++) {
		const struct mutation *m = &mutations[i];
		int failed_before = unit_case_failed;

		unit_case_failed = 0;
		build(2, V);
		for (int j = 0; j < 4 && m->set[j].width; j++)
			put(m->set[j].at, m->set[j].width, m->set[j].value);
		int r = parse(file, FILE_SIZE);
		CHECK_INT(r, m->want);
		if (m->want == 0)
			CHECK(why == NULL);
		else if (!why || !strstr(why, m->words)) {
			printf("  why \"%s\" lacks \"%s\"\n",
			       why ? why : "(null)", m->words);
			unit_case_failed = 1;
		}
		if (unit_case_failed)
			printf("  ^ in mutation \"%s\"\n", m->name);
		unit_case_failed |= failed_before;
	}
	build(2, V);
	put(PH(3) + P_FLAGS, 4, 7);
	CHECK_INT(parse(file, FILE_SIZE), 0);
	CHECK(img.stack_exec);
}

/* Each why is different: no two checks can be mistaken for each other. */
static void
reasons_are_distinct(void)
{
	const char *seen[ARRAY_SIZE(mutations)];
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(mutations); i++) {
		const struct mutation *m = &mutations[i];
		build(2, V);
		for (int j = 0; j < 4 && m->set[j].width; j++)
			put(m->set[j].at, m->set[j].width, m->set[j].value);
		if (parse(file, FILE_SIZE) == 0)
			continue;
		bool dup = false;
		for (size_t k = 0; k < n; k++)
			dup |= seen[k] == why;
		if (!dup)
			seen[n++] = why;
	}
	CHECK_INT(n, 26); /* every check the mutations reach */
	for (size_t a = 0; a < n; a++)
		for (size_t b = a + 1; b < n; b++)
			CHECK(strcmp(seen[a], seen[b]) != 0);
}

/* 16 PT_LOADs fit; a 17th does not. */
static void
too_many_segments(void)
{
	static uint8_t big[64 + 18 * 56 + 0x1000];
	for (int count = 16; count <= 17; count++) {
		memset(big, 0, sizeof(big));
		memcpy(big, "\177ELF\2\1\1", 7);
		big[E_TYPE] = 2;
		big[E_MACHINE] = 62;
		big[E_VERSION] = 1;
		uint64_t entry = V + 0x1000;
		memcpy(big + E_ENTRY, &entry, 8);
		big[E_PHOFF] = 64;
		big[E_EHSIZE] = 64;
		big[E_PHENTSIZE] = 56;
		big[E_PHNUM] = count;
		for (int i = 0; i < count; i++) {
			uint8_t *ph = big + 64 + 56 * i;
			uint64_t off = 0, va = V + 0x1000ull * i,
				 sz = i ? 0x100 : 64 + 56 * count;
			ph[P_TYPE] = 1;
			ph[P_FLAGS] = i == 1 ? 5 : 4;
			memcpy(ph + P_OFFSET, &off, 8);
			memcpy(ph + P_VADDR, &va, 8);
			memcpy(ph + P_FILESZ, &sz, 8);
			memcpy(ph + P_MEMSZ, &sz, 8);
		}
		int r = parse(big, sizeof(big));
		if (count == 16) {
			CHECK_INT(r, 0);
			CHECK_INT(img.nsegs, 16);
			CHECK_INT(img.brk_start, V + 0x10000);
		} else {
			CHECK_WHY(r, -ENOEXEC,
				  "too many PT_LOAD segments (at "
				  "most 16)");
		}
	}
}

/* Cut short anywhere, the file is refused, and never read past its end. */
static void
truncated_at_every_offset(void)
{
	build(2, V);
	for (size_t n = 0; n < FILE_SIZE; n++) {
		int r = parse(file, n);
		CHECK_INT(r, -ENOEXEC);
		if (r != -ENOEXEC) {
			printf("  at %zu bytes\n", n);
			continue;
		}
		const char *want = n < 64	 ? "shorter than an ELF"
				   : n < PH(NPH) ? "program header table"
						 : "past the end of the file";
		if (!strstr(why, want)) {
			printf("  at %zu bytes: \"%s\"\n", n, why);
			unit_case_failed = 1;
		}
	}
	CHECK_INT(parse(file, FILE_SIZE), 0);
}

int
main(void)
{
	unit_suite = "elf";
	make_tmpdir();
	UNIT_RUN(musl_static);
	UNIT_RUN(musl_static_pie);
	UNIT_RUN(glibc_static);
	UNIT_RUN(gcc_dynamic_is_refused);
	run("rm -rf '%s'", tmpdir);
	UNIT_RUN(hand_made_exec);
	UNIT_RUN(hand_made_pie);
	UNIT_RUN(one_field_at_a_time);
	UNIT_RUN(reasons_are_distinct);
	UNIT_RUN(too_many_segments);
	UNIT_RUN(truncated_at_every_offset);
	return unit_failures;
}
