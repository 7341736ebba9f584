#!/usr/bin/env bash
# Check a freshly linked kernel image, so that a layout mistake fails the
# build rather than the boot.
#
#   tools/check-image.sh PASS1.elf FINAL.elf
#
# 1. Adding the symbol table moved no function: the code symbols of the
#    first link and the final one are identical.
# 2. Every PT_LOAD segment has the same file-offset-to-physical-address
#    distance: QEMU's -kernel loads the file as one flat block (the
#    Multiboot1 a.out kludge), so the file must look like memory.
# 3. GRUB's own checker finds both Multiboot headers (when grub-file is
#    installed).
set -euo pipefail

pass1=$1 final=$2
NM=${NM:-nm}
READELF=${READELF:-readelf}

code_symbols() {
	"$NM" -n --defined-only "$1" | awk '$2 ~ /^[tTwW]$/'
}
if ! diff <(code_symbols "$pass1") <(code_symbols "$final") > /dev/null; then
	echo "check-image: the symbol table moved code between the two links" >&2
	exit 1
fi

distances=$("$READELF" -lW "$final" | awk '$1 == "LOAD" { print $2, $4 }' |
	while read -r offset paddr; do echo $((offset - paddr)); done | sort -u)
if [ "$(wc -l <<< "$distances")" -ne 1 ]; then
	echo "check-image: PT_LOAD segments are not laid out as in memory:" >&2
	"$READELF" -lW "$final" >&2
	exit 1
fi

if command -v grub-file > /dev/null; then
	for version in multiboot multiboot2; do
		if ! grub-file --is-x86-$version "$final"; then
			echo "check-image: grub-file finds no valid $version header in $final" >&2
			exit 1
		fi
	done
fi
