#!/bin/sh
# Fuzz the two parsers that read untrusted files: the cpio "newc" reader
# (the initramfs) and the ELF64 checker (programs to run).
#
#   tests/fuzz/run.sh [SECONDS]     each target for SECONDS (default 20)
#
# Builds build/fuzz/fuzz_cpio and build/fuzz/fuzz_elf with clang's
# libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer, seeds each
# from a small corpus made here (an archive by cpio(1); a static program
# by musl-gcc when it is installed, and hand-made minimal ELF files), and
# runs each for the given time. The corpus found so far is kept in
# build/fuzz/corpus-*, so later runs start where earlier ones stopped.
# Exits non-zero when a target crashes; the input that did it is left in
# build/fuzz/ as NAME-crash-* (replay: build/fuzz/fuzz_NAME FILE).
#
# clang's fuzzer runtime is a separate package on some systems (Debian 12:
# libclang-rt-14-dev).
set -eu

seconds=${1:-20}
case $seconds in
'' | *[!0-9]*)
	echo "usage: $0 [SECONDS]" >&2
	exit 2
	;;
esac

root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/build/fuzz
clang=${CLANG:-clang}
flags="-std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined
	-fno-sanitize-recover=all -fno-omit-frame-pointer -I$root -DUNIT_TEST"

mkdir -p "$out"
cd "$root"

# --- Build -----------------------------------------------------------------

if ! command -v "$clang" >/dev/null 2>&1; then
	echo "run.sh: $clang not found (install clang)" >&2
	exit 2
fi
for target in cpio:kernel/fs/cpio.c elf:kernel/proc/elf.c; do
	name=${target%%:*}
	src=${target#*:}
	echo "  CLANG   build/fuzz/fuzz_$name"
	# shellcheck disable=SC2086 # $flags is a list of words
	if ! $clang $flags -o "$out/fuzz_$name" "tests/fuzz/fuzz_$name.c" \
		"$src" 2>"$out/build-$name.log"; then
		cat "$out/build-$name.log" >&2
		if grep -q 'libclang_rt.fuzzer' "$out/build-$name.log"; then
			echo "run.sh: clang's fuzzer runtime is missing" >&2
			echo "(Debian 12: package libclang-rt-14-dev)" >&2
		fi
		exit 2
	fi
done

# --- Seeds -----------------------------------------------------------------

work=$(mktemp -d "${TMPDIR:-/tmp}/sprout-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

seeds_cpio=$out/seeds-cpio
seeds_elf=$out/seeds-elf
rm -rf "$seeds_cpio" "$seeds_elf"
mkdir -p "$seeds_cpio" "$seeds_elf" "$out/corpus-cpio" "$out/corpus-elf"

# A small tree: directories, files, an empty file, a symlink.
mkdir -p "$work/tree/etc" "$work/tree/bin/sub"
printf 'root:x:0:0::/:/bin/sh\n' >"$work/tree/etc/passwd"
printf 'x' >"$work/tree/bin/sub/x"
: >"$work/tree/empty"
ln -s etc/passwd "$work/tree/link"
(cd "$work/tree" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) \
	>"$seeds_cpio/tree.cpio"
(cd "$work/tree" && find . | LC_ALL=C sort | cpio -o -H crc --quiet) \
	>"$seeds_cpio/tree-crc.cpio"
(cd "$work/tree" && echo etc/passwd | cpio -o -H newc --quiet) \
	>"$seeds_cpio/one.cpio"
cat "$seeds_cpio/one.cpio" "$seeds_cpio/tree.cpio" \
	>"$seeds_cpio/two-archives.cpio"

# Words libFuzzer should try putting in.
cat >"$out/cpio.dict" <<'EOF'
"070701"
"070702"
"TRAILER!!!"
"00000000"
"0000000B"
"FFFFFFFF"
"./"
"/"
".."
EOF

# Write $2 as $1 little-endian bytes.
le() {
	n=$1
	v=$2
	while [ "$n" -gt 0 ]; do
		# shellcheck disable=SC2059 # the format is the byte
		printf "\\$(printf %03o $((v & 255)))"
		v=$((v >> 8))
		n=$((n - 1))
	done
}

# A minimal static program: the ELF header, one PT_LOAD (R X) mapping the
# whole file, and exit(0). $1: e_type (2 ET_EXEC, 3 ET_DYN); $2: where the
# file is linked (0 for a PIE).
tiny_elf() {
	base=$2
	printf '\177ELF\2\1\1\0\0\0\0\0\0\0\0\0'
	le 2 "$1"          # e_type
	le 2 62            # e_machine: x86-64
	le 4 1             # e_version
	le 8 $((base + 120)) # e_entry: just after the headers
	le 8 64            # e_phoff
	le 8 0             # e_shoff
	le 4 0             # e_flags
	le 2 64            # e_ehsize
	le 2 56            # e_phentsize
	le 2 1             # e_phnum
	le 2 64            # e_shentsize
	le 2 0             # e_shnum
	le 2 0             # e_shstrndx
	le 4 1             # p_type: PT_LOAD
	le 4 5             # p_flags: R X
	le 8 0             # p_offset
	le 8 "$base"       # p_vaddr
	le 8 "$base"       # p_paddr
	le 8 132           # p_filesz
	le 8 132           # p_memsz
	le 8 4096          # p_align
	# mov edi, 0; mov eax, 60 (exit); syscall
	printf '\277\0\0\0\0\270\74\0\0\0\17\5'
}
tiny_elf 2 $((0x400000)) >"$seeds_elf/tiny-exec.elf"
tiny_elf 3 0 >"$seeds_elf/tiny-pie.elf"

if command -v musl-gcc >/dev/null 2>&1; then
	printf '#include <stdio.h>\nint v = 1;\nstatic char b[4096];\n%s\n' \
		'int main(void) { b[0] = v; return puts("hi") + b[0]; }' \
		>"$work/p.c"
	if musl-gcc -static -Os -s -o "$seeds_elf/musl-static.elf" \
		"$work/p.c"; then
		:
	else
		echo "  note: musl-gcc could not link a static program"
	fi
else
	echo "  note: no musl-gcc; ELF seeds are the hand-made ones only"
fi

# --- Run -------------------------------------------------------------------

status=0
for name in cpio elf; do
	dict=
	[ "$name" = cpio ] && dict=-dict=$out/cpio.dict
	echo "  FUZZ    fuzz_$name for ${seconds}s"
	if "$out/fuzz_$name" -max_total_time="$seconds" -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$out/$name-" \
		${dict:+"$dict"} "$out/corpus-$name" "$out/seeds-$name" \
		>"$out/fuzz-$name.log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
			"$out/fuzz-$name.log")
		cov=$(grep -o 'cov: [0-9]*' "$out/fuzz-$name.log" | tail -1)
		echo "  OK      fuzz_$name: $runs runs, $cov, no crash"
	else
		echo "  CRASH   fuzz_$name: see build/fuzz/fuzz-$name.log" >&2
		tail -n 40 "$out/fuzz-$name.log" >&2
		status=1
	fi
done
exit $status
