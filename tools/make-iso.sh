#!/usr/bin/env bash
# Build a hybrid BIOS + UEFI ISO with grub-mkrescue.
#
#   tools/make-iso.sh OUT.iso KERNEL INITRAMFS DEFAULT_ENTRY [GFXPAYLOAD]
#
# GFXPAYLOAD (such as 1024x768x32) sets the graphics mode GRUB leaves for
# the kernel, for a screen test at 32 bits a pixel.
# The ISO holds iso/ (the GRUB menu) plus the kernel and the initramfs in
# /boot. DEFAULT_ENTRY picks the menu entry booted when the timeout runs
# out: 0 for the normal ISO; another entry (1, the self-test, or 3, the
# quiet boot, for the ISOs the tests boot) also skips the timeout. After building, the script checks that the
# image really has both a BIOS and a UEFI boot entry: grub-mkrescue quietly
# makes a BIOS-only image when the EFI platform files are missing.
set -euo pipefail

out=$1 kernel=$2 initramfs=$3 default_entry=$4 gfxpayload=${5:-}
tree=$out.d

rm -rf "$tree"
mkdir -p "$tree"
cp -r iso/. "$tree/"
cp "$kernel" "$tree/boot/sprout.elf"
cp "$initramfs" "$tree/boot/initramfs.cpio"
if [ "$default_entry" != 0 ]; then
	sed -i -e "s/^set default=0/set default=$default_entry/" \
	       -e "s/^set timeout=.*/set timeout=0/" "$tree/boot/grub/grub.cfg"
fi

if [ -n "$gfxpayload" ]; then
	# The graphics mode GRUB should leave for the kernel (under UEFI;
	# a BIOS boot stays in text mode, as the kernel asks no mode).
	sed -i -e "s/^insmod all_video/&\nset gfxpayload=$gfxpayload/" \
		"$tree/boot/grub/grub.cfg"
	grep -q "^set gfxpayload=$gfxpayload" "$tree/boot/grub/grub.cfg"
fi

for platform in i386-pc x86_64-efi; do
	if [ ! -d "/usr/lib/grub/$platform" ]; then
		echo "make-iso: GRUB's $platform files are missing (Debian: grub-pc-bin, grub-efi-amd64-bin)" >&2
		exit 1
	fi
done

# No locales, fonts or themes: the menu is plain text, and the image
# shrinks from about 20 MB to about 9 MB.
if ! grub-mkrescue -o "$out" "$tree" --locales= --fonts= --themes= \
	> "$out.log" 2>&1; then
	cat "$out.log" >&2
	exit 1
fi

report=$(xorriso -indev "$out" -report_el_torito plain 2>/dev/null)
for entry in BIOS UEFI; do
	if ! grep -q "El Torito boot img.*$entry" <<< "$report"; then
		echo "make-iso: $out has no $entry boot entry:" >&2
		echo "$report" >&2
		exit 1
	fi
done
rm -rf "$tree"
