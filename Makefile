# Sprout: a teaching kernel for x86-64.
#
#   make            build the kernel (build/sprout.elf) and the initramfs
#   make run        boot it in QEMU: log on this terminal, VGA in a window
#   make test       every test; ends with "N passed, N failed"
#   make iso        build/sprout.iso, bootable from CD or USB, BIOS and UEFI
#   make run-iso    boot the ISO under SeaBIOS    make run-uefi   ... under OVMF
#   make gdb        QEMU paused, GDB attached, stopped at kmain
#   make usb DEV=/dev/sdX   write the ISO to a USB stick (asks first)
#   make format-check       is the C code formatted as .clang-format says?
#   make bench      the in-kernel benchmarks, in QEMU's deterministic mode
#   make trace      boot a demonstration with trace=sched and draw it:
#                   build/trace.png and build/trace.svg
#
# Knobs (make run MEM=512M APPEND="loglevel=7"):
#   CROSS_COMPILE  tool prefix, e.g. x86_64-elf-; chosen automatically when
#                  x86_64-elf-gcc is on the PATH, else the host tools
#   CC             the compiler: gcc (default) or clang
#   V=1            print every command in full
#   DEBUG=0        leave out the kernel's self-checks (kmalloc red zones and
#                  poison), as for measuring; DEBUG=1 is the default
#   MEM            guest memory for QEMU (128M)
#   CPUS           guest CPUs (1)
#   MACHINE        QEMU machine: pc (default) or q35
#   APPEND         kernel command line for run targets (see kernel/cmdline.h)
#   QEMUFLAGS      anything else for QEMU
#   GDBPORT        the port make gdb uses (1234)
#   TESTS          run only the tests whose names contain one of these words

VERSION := 0.1.0
BUILD := build

# --- Toolchain ------------------------------------------------------------

ifeq ($(origin CROSS_COMPILE),undefined)
CROSS_COMPILE := $(if $(shell command -v x86_64-elf-gcc 2>/dev/null),x86_64-elf-)
endif
ifeq ($(origin CC),default)
CC := $(CROSS_COMPILE)gcc
endif
LD := $(CROSS_COMPILE)ld
NM := $(CROSS_COMPILE)nm
OBJDUMP := $(CROSS_COMPILE)objdump
READELF := $(CROSS_COMPILE)readelf
PYTHON := python3
QEMU := qemu-system-x86_64
HOSTCC := cc

ifeq ($(V),1)
Q :=
else
Q := @
endif

# --- Flags ----------------------------------------------------------------

# Freestanding 64-bit kernel code: no C library, no red zone (interrupts
# would clobber it), the kernel code model (code and data in the top 2 GiB),
# no SSE (the kernel does not save FPU state), no position independence,
# no stack protector, no CET endbr64 (distros differ in the default), frame
# pointers for backtraces (gcc still gives functions that call nothing no
# frame; kernel/lib/backtrace.c copes), and no unwind tables.
KERNEL_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -nostdlib \
	-fno-pic -fno-pie -mcmodel=kernel -mno-red-zone -mgeneral-regs-only \
	-fno-stack-protector -fcf-protection=none \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
	-fno-asynchronous-unwind-tables -fno-unwind-tables \
	-Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	-I. -DSPROUT_VERSION='"$(VERSION)"' -MMD -MP
DEBUG ?= 1
ifeq ($(DEBUG),1)
KERNEL_CFLAGS += -DKMALLOC_DEBUG
endif
ifneq ($(shell $(CC) --version 2>/dev/null | grep -c clang),0)
KERNEL_CFLAGS += --target=x86_64-elf
endif
KERNEL_ASFLAGS := $(filter-out -Wstrict-prototypes -Wmissing-prototypes,$(KERNEL_CFLAGS))

# Plain ld, never the compiler driver: the driver adds build-id notes and
# PIE defaults, which would push the Multiboot headers out of place.
LDFLAGS := -nostdlib -static -z max-page-size=0x1000 --build-id=none \
	-T linker.ld

# Host unit tests: the kernel's portable code, checked by sanitizers.
UNIT_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -I. \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -DSPROUT_VERSION='"$(VERSION)"' -DUNIT_TEST

# --- Sources --------------------------------------------------------------

KERNEL_SRCS := $(sort $(shell find boot kernel mm sched -name '*.c' -o -name '*.S'))
KERNEL_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(basename $(KERNEL_SRCS)))

# The framebuffer console's font, made into C at build time (below).
KERNEL_OBJS += $(BUILD)/obj/font.o

KERNEL := $(BUILD)/sprout.elf
INITRAMFS := $(BUILD)/initramfs.cpio
ISO := $(BUILD)/sprout.iso
SELFTEST_ISO := $(BUILD)/sprout-selftest.iso
SCREEN_ISO := $(BUILD)/sprout-screen.iso
SCREEN32_ISO := $(BUILD)/sprout-screen-32bpp.iso

# Each unit test: tests/unit/test_X.c plus the kernel files it tests.
UNIT_TESTS := format cmdline multiboot acpi madt buddy paging rr cpio elf fbcon \
	calibrate lapic_mode
unit_srcs_format := kernel/lib/format.c
unit_srcs_cmdline := kernel/cmdline.c
unit_srcs_multiboot := boot/multiboot.c
unit_srcs_acpi := kernel/dev/acpi_aml.c
unit_srcs_madt := kernel/dev/madt.c kernel/dev/acpi_aml.c
unit_srcs_buddy := mm/buddy.c
unit_srcs_paging := mm/paging.c mm/buddy.c
unit_srcs_rr := sched/rr.c
unit_srcs_cpio := kernel/fs/cpio.c
unit_srcs_elf := kernel/proc/elf.c
unit_srcs_fbcon := kernel/dev/fbcon.c
unit_srcs_calibrate := kernel/dev/calibrate.c
unit_srcs_lapic_mode := kernel/dev/lapic_mode.c
UNIT_BINS := $(patsubst %,$(BUILD)/unit/test_%,$(UNIT_TESTS))

.PHONY: all kernel iso unit run run-iso run-uefi gdb test usb format bench bench-linux trace trace-now \
	format-check clean run-now run-iso-now run-uefi-now gdb-now test-now
all: $(KERNEL) $(INITRAMFS)
kernel: $(KERNEL)
iso: $(ISO)
unit: $(UNIT_BINS)

# --- Rules ----------------------------------------------------------------

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: %.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(KERNEL_ASFLAGS) -c $< -o $@

-include $(KERNEL_OBJS:.o=.d)

# --- The console font -----------------------------------------------------
#
# The framebuffer console draws with the glyphs of a PSF console font that
# a Debian package ships (tools/deps.sh installs it); tools/psf2c.py turns
# it into C, 256 glyphs in Latin-1 order. FONT may name another PSF1 or
# PSF2 file, gzipped or not.

FONT ?= /usr/share/consolefonts/Unifont-APL8x16.psf.gz
FONT_PACKAGE := psf-unifont

$(BUILD)/font.c: tools/psf2c.py $(wildcard $(FONT))
	@mkdir -p $(BUILD)
	@test -f $(FONT) || { echo "The console font $(FONT) is missing:" \
		"install the Debian/Ubuntu package $(FONT_PACKAGE)" \
		"(tools/deps.sh build does), or pass FONT=file.psf" >&2; exit 1; }
	@$(if $(Q),echo "  FONT    $@")
	$(Q)$(PYTHON) tools/psf2c.py $(FONT) $@

$(BUILD)/obj/font.o: $(BUILD)/font.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(KERNEL_CFLAGS) -c $< -o $@

# --- The kernel image -----------------------------------------------------
#
# Two links: the first with an empty symbol table, whose symbols then
# become the table of the second. The table sits after all code, so the
# second link moves no function; tools/check-image.sh verifies that, and
# that both Multiboot headers are where loaders look.

$(BUILD)/ksyms-empty.S: tools/ksyms.py
	@mkdir -p $(BUILD)
	$(Q)$(PYTHON) tools/ksyms.py < /dev/null > $@

$(BUILD)/sprout.pass1.elf: $(KERNEL_OBJS) $(BUILD)/obj/ksyms-empty.o linker.ld
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(LDFLAGS) -o $@ $(KERNEL_OBJS) $(BUILD)/obj/ksyms-empty.o

$(BUILD)/ksyms.S: $(BUILD)/sprout.pass1.elf tools/ksyms.py
	$(Q)$(NM) -n --defined-only $< | $(PYTHON) tools/ksyms.py > $@

$(BUILD)/obj/ksyms.o $(BUILD)/obj/ksyms-empty.o: $(BUILD)/obj/%.o: $(BUILD)/%.S
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KERNEL_ASFLAGS) -c $< -o $@

$(KERNEL): $(KERNEL_OBJS) $(BUILD)/obj/ksyms.o linker.ld tools/check-image.sh
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(LDFLAGS) -Map $(BUILD)/sprout.map -o $@ $(KERNEL_OBJS) $(BUILD)/obj/ksyms.o
	$(Q)$(NM) -n $@ > $(BUILD)/sprout.sym
	$(Q)$(OBJDUMP) -d -M intel-mnemonic $@ > $(BUILD)/sprout.asm
	$(Q)NM=$(NM) READELF=$(READELF) tools/check-image.sh $(BUILD)/sprout.pass1.elf $@

# --- The initramfs and the ISO --------------------------------------------

# User programs (user/user.mk): static musl binaries, staged with
# user/rootfs in $(BUILD)/rootfs; the initramfs is an uncompressed cpio
# "newc" archive of that tree.
include user/user.mk

$(INITRAMFS): $(BUILD)/rootfs.stamp
	@$(if $(Q),echo "  CPIO    $@")
	$(Q)cd $(BUILD)/rootfs && find . | LC_ALL=C sort | cpio -o -H newc --quiet > $(CURDIR)/$@

# The user-space ABI tests (tests/user/user.mk): static programs that run
# on Linux first, then in Sprout from this initramfs: the normal one plus
# /tests, with /tests/runner as init.
include tests/user/user.mk
TEST_INITRAMFS := $(BUILD)/test-initramfs.cpio

$(TEST_INITRAMFS): $(BUILD)/rootfs.stamp $(BUILD)/test-root.stamp
	@$(if $(Q),echo "  CPIO    $@")
	$(Q)rm -rf $(BUILD)/test-rootfs
	$(Q)cp -R $(BUILD)/rootfs $(BUILD)/test-rootfs
	$(Q)cp -R $(USER_TEST_ROOT)/tests $(BUILD)/test-rootfs/
	$(Q)cd $(BUILD)/test-rootfs && find . | LC_ALL=C sort | cpio -o -H newc --quiet > $(CURDIR)/$@

# The ISO tree is iso/ plus the kernel and the initramfs. The self-test
# and screen ISOs differ only in their default menu entry, for
# tests/run.py: the screen tests boot the quiet entry, so that the banner
# is still on the screen when the shell's prompt comes; the second one
# also asks GRUB for 1024x768 at 32 bits a pixel.
$(ISO): $(KERNEL) $(INITRAMFS) $(shell find iso -type f) tools/make-iso.sh
	@$(if $(Q),echo "  ISO     $@")
	$(Q)tools/make-iso.sh $@ $(KERNEL) $(INITRAMFS) 0

$(SELFTEST_ISO): $(KERNEL) $(INITRAMFS) $(shell find iso -type f) tools/make-iso.sh
	@$(if $(Q),echo "  ISO     $@")
	$(Q)tools/make-iso.sh $@ $(KERNEL) $(INITRAMFS) 1

$(SCREEN_ISO): $(KERNEL) $(INITRAMFS) $(shell find iso -type f) tools/make-iso.sh
	@$(if $(Q),echo "  ISO     $@")
	$(Q)tools/make-iso.sh $@ $(KERNEL) $(INITRAMFS) 3

$(SCREEN32_ISO): $(KERNEL) $(INITRAMFS) $(shell find iso -type f) tools/make-iso.sh
	@$(if $(Q),echo "  ISO     $@")
	$(Q)tools/make-iso.sh $@ $(KERNEL) $(INITRAMFS) 3 1024x768x32

# --- Host unit tests ------------------------------------------------------

.SECONDEXPANSION:
$(BUILD)/unit/test_%: tests/unit/test_%.c $$(unit_srcs_$$*) tests/unit/unit.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) -o $@ $< $(unit_srcs_$*)

# --- Running --------------------------------------------------------------

MEM ?= 128M
CPUS ?= 1
MACHINE ?= pc
APPEND ?=
GDBPORT ?= 1234
OVMF ?= /usr/share/ovmf/OVMF.fd
# A window when there is a display, the serial console on this terminal
# either way (Ctrl-A X quits QEMU).
QEMU_DISPLAY := $(if $(DISPLAY)$(WAYLAND_DISPLAY),,-display none)
QEMU_COMMON := -machine $(MACHINE) -m $(MEM) -smp $(CPUS) -no-reboot \
	-serial mon:stdio $(QEMU_DISPLAY) $(QEMUFLAGS)

# Each user-facing target first checks (and installs) the tools it needs,
# then runs its "-now" twin, so nothing is built before the check.
run run-iso run-uefi gdb test:
	@tools/deps.sh $(if $(filter test gdb run-uefi,$@),test,run)
	@$(MAKE) --no-print-directory $@-now

run-now: $(KERNEL) $(INITRAMFS)
	@echo "Booting Sprout in QEMU (Ctrl-A X quits)."
	$(QEMU) $(QEMU_COMMON) -kernel $(KERNEL) -initrd $(INITRAMFS) -append "$(APPEND)"

run-iso-now: $(ISO)
	@echo "Booting the ISO under SeaBIOS (Ctrl-A X quits)."
	$(QEMU) $(QEMU_COMMON) -cdrom $(ISO)

run-uefi-now: $(ISO)
	@echo "Booting the ISO under OVMF (UEFI; takes a few seconds; Ctrl-A X quits)."
	$(QEMU) $(QEMU_COMMON) -bios $(OVMF) -nic none -cdrom $(ISO)

gdb-now: $(KERNEL) $(INITRAMFS)
	@GDBPORT=$(GDBPORT) QEMU="$(QEMU)" tools/gdb.sh $(KERNEL) $(INITRAMFS) "$(APPEND)" \
		-machine $(MACHINE) -m $(MEM) -smp $(CPUS) -no-reboot $(QEMUFLAGS)

usb: $(ISO)
	@test -n "$(DEV)" || { echo "usage: make usb DEV=/dev/sdX (the whole USB stick)"; exit 2; }
	tools/write-usb.sh $(DEV) $(ISO)

# --- Tests ----------------------------------------------------------------

test-now: $(KERNEL) $(INITRAMFS) $(ISO) $(SELFTEST_ISO) $(SCREEN_ISO) $(SCREEN32_ISO) $(UNIT_BINS) clang-kernel \
	$(TEST_INITRAMFS)
	@$(PYTHON) tests/run.py $(TESTS)

# The same kernel built by clang, when clang is installed, so that both
# compilers keep working; tests/run.py skips its boot test otherwise.
.PHONY: clang-kernel
clang-kernel:
	$(if $(shell command -v clang 2>/dev/null),\
		@$(MAKE) --no-print-directory BUILD=$(BUILD)/clang CC=clang kernel)

# --- Benchmarks -----------------------------------------------------------
#
# A release build (DEBUG=0) in QEMU's instruction-counting mode: the guest
# clock advances 1 ns per instruction, so each figure is an instruction
# count that repeats from run to run, whatever else the machine is doing.

BENCH_BUILD := $(BUILD)/bench
BENCH_INITRAMFS := $(BENCH_BUILD)/initramfs.cpio
BENCH_QEMU := $(QEMU) -machine pc -cpu qemu64 -m 256M -display none \
	-no-reboot -nic none -icount shift=0,sleep=off -serial stdio
BENCH_QEMU_WALL := $(QEMU) -machine pc -cpu qemu64 -m 256M -display none \
	-no-reboot -nic none -serial stdio
# The same process benchmark under Linux: Debian's linux-image-cloud-amd64
# boots in the same QEMU (make bench-linux).
LINUX_KERNEL ?= $(lastword $(sort $(wildcard /boot/vmlinuz-*)))

$(BENCH_BUILD)/bench_proc: tests/bench/bench_proc.c
	@mkdir -p $(dir $@)
	$(Q)$(MUSL_CC) $(USER_CFLAGS) -o $@ $<

# The normal initramfs plus /bench/bench_proc.
$(BENCH_INITRAMFS): $(BUILD)/rootfs.stamp $(BENCH_BUILD)/bench_proc
	$(Q)rm -rf $(BENCH_BUILD)/rootfs
	$(Q)cp -R $(BUILD)/rootfs $(BENCH_BUILD)/rootfs
	$(Q)mkdir -p $(BENCH_BUILD)/rootfs/bench
	$(Q)cp $(BENCH_BUILD)/bench_proc $(BENCH_BUILD)/rootfs/bench/
	$(Q)cd $(BENCH_BUILD)/rootfs && find . | LC_ALL=C sort | cpio -o -H newc --quiet > $(CURDIR)/$@

bench:
	@tools/deps.sh run
	@$(MAKE) --no-print-directory BUILD=$(BENCH_BUILD) DEBUG=0 kernel
	@$(MAKE) --no-print-directory $(BENCH_INITRAMFS)
	@echo "In the kernel (instructions; QEMU -icount counts one per ns):"
	@$(BENCH_QEMU) -kernel $(BENCH_BUILD)/sprout.elf \
		-append "test=bench-mm,bench-switch panic=poweroff" \
		| tr -d '\r' | grep -a 'bench ' | sed 's/ns$$/instructions/'
	@echo "Processes, a static program on Sprout (instructions):"
	@$(BENCH_QEMU) -kernel $(BENCH_BUILD)/sprout.elf \
		-initrd $(BENCH_INITRAMFS) \
		-append "init=/bench/bench_proc panic=poweroff" \
		| tr -d '\r' | grep -a '^bench ' | sed 's/ns$$/instructions/'
	@echo "The same program's switches in wall time (TCG, no -icount: ratios"
	@echo "within one run only; the machine is shared and noisy):"
	@$(BENCH_QEMU_WALL) -kernel $(BENCH_BUILD)/sprout.elf \
		-initrd $(BENCH_INITRAMFS) \
		-append "init=/bench/bench_proc panic=poweroff" \
		| tr -d '\r' | grep -a '^bench switch'
	@echo "Context switches in wall time (TCG; a CR3 reload costs nothing"
	@echo "under -icount, so compare these two with each other only):"
	@$(QEMU) -machine pc -cpu qemu64 -m 128M -display none -no-reboot \
		-nic none -serial stdio -kernel $(BENCH_BUILD)/sprout.elf \
		-append "test=bench-switch panic=poweroff" \
		| tr -d '\r' | grep -a 'bench '

bench-linux: $(BENCH_INITRAMFS)
	@test -n "$(LINUX_KERNEL)" || { echo "bench-linux: no /boot/vmlinuz-*; install linux-image-cloud-amd64 or pass LINUX_KERNEL="; exit 2; }
	@echo "Processes, the same program on $(notdir $(LINUX_KERNEL)) (instructions):"
	@$(BENCH_QEMU) -kernel $(LINUX_KERNEL) -initrd $(BENCH_INITRAMFS) \
		-append "console=ttyS0 quiet panic=-1 norandmaps rdinit=/bench/bench_proc" \
		| tr -d '\r' | grep -a '^bench ' | sed 's/ns$$/instructions/'
	@echo "Its switches in wall time (TCG, no -icount):"
	@$(BENCH_QEMU_WALL) -kernel $(LINUX_KERNEL) -initrd $(BENCH_INITRAMFS) \
		-append "console=ttyS0 quiet panic=-1 norandmaps rdinit=/bench/bench_proc" \
		| tr -d '\r' | grep -a '^bench switch'

# --- The scheduler trace picture ----------------------------------------------
#
# Debian's python3-matplotlib belongs to the system python3, which may not
# be the first python3 on the PATH.

PLOT_PYTHON := $(if $(wildcard /usr/bin/python3),/usr/bin/python3,python3)

trace:
	@tools/deps.sh trace
	@$(MAKE) --no-print-directory trace-now

trace-now: $(KERNEL)
	@echo "Booting the demonstration with trace=sched ..."
	@$(QEMU) -machine pc -m 128M -display none -no-reboot -nic none \
		-serial file:$(BUILD)/trace.log -kernel $(KERNEL) \
		-append "test=trace-demo trace=sched panic=poweroff $(APPEND)"
	@$(PLOT_PYTHON) tools/trace_plot.py $(BUILD)/trace.log \
		$(BUILD)/trace.png $(BUILD)/trace.svg

# --- Housekeeping ---------------------------------------------------------

C_FILES = $(shell find boot kernel mm sched user tests/unit tests/user tests/fuzz -name '*.[ch]' 2>/dev/null)

format:
	clang-format -i $(C_FILES)

format-check:
	@clang-format --dry-run --Werror $(C_FILES)

clean:
	rm -rf $(BUILD)
