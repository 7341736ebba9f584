/*
 * The Multiboot headers: how a boot loader recognises the kernel image.
 *
 * Two headers, one image:
 *  - Multiboot2, for GRUB ("multiboot2 /boot/sprout.elf"). GRUB loads the
 *    ELF program headers by their physical addresses.
 *  - Multiboot1 with the "a.out kludge" address fields, for QEMU's -kernel,
 *    which speaks only Multiboot1 and refuses to load an ELF64 by its
 *    headers. With the address fields QEMU ignores the ELF format and loads
 *    the file as a flat image: the bytes from the start of the image up to
 *    __data_end_phys go to __image_phys_start, and up to __bss_end_phys is
 *    zeroed. linker.ld keeps the file laid out so that this is exactly right
 *    (every segment at the same file-offset-to-address distance).
 *
 * Both must sit early in the file (MB1 in the first 8 KiB, MB2 in the first
 * 32 KiB); linker.ld puts .multiboot first and asserts it.
 */
#include "boot/multiboot.h"

	.section .multiboot, "a"

	.balign 4
	.globl mb1_header, mb2_header, mb2_header_end
mb1_header:
	.long MB1_HEADER_MAGIC
	.long MB1_FLAGS
	.long -(MB1_HEADER_MAGIC + MB1_FLAGS)		/* checksum: sum is 0 */
	/* The a.out kludge: all physical addresses. */
	.long mb1_header				/* header_addr */
	.long __image_phys_start			/* load_addr */
	.long __data_end_phys				/* load_end_addr */
	.long __bss_end_phys				/* bss_end_addr */
	.long _start					/* entry_addr */
	.set MB1_FLAGS, MB1_HEADER_PAGE_ALIGN | MB1_HEADER_MEMORY_INFO | MB1_HEADER_ADDRESS_FIELDS

	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header		/* header length */
	.long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

	/* Ask for the information Sprout reads (optional: boot regardless). */
	.balign 8
mb2_info_request:
	.short MB2_HEADER_TAG_INFO_REQUEST
	.short MB2_HEADER_TAG_OPTIONAL
	.long mb2_info_request_end - mb2_info_request
	.long 1		/* command line */
	.long 3		/* modules */
	.long 6		/* memory map */
	.long 8		/* framebuffer info */
	.long 14	/* ACPI 1.0 RSDP */
	.long 15	/* ACPI 2.0 RSDP */
mb2_info_request_end:

	/* No framebuffer tag: under BIOS GRUB then leaves the screen in VGA
	 * text mode, which the VGA console uses. Under UEFI there is no text
	 * mode, and GRUB passes whatever graphics mode the firmware set. */

	.balign 8
	.short MB2_HEADER_TAG_END
	.short 0
	.long 8
mb2_header_end:

	.section .note.GNU-stack, "", @progbits
