#!/usr/bin/env bash
# make gdb: start QEMU paused before the first instruction, attach GDB with
# the kernel's symbols, and run to kmain.
#
#   tools/gdb.sh KERNEL INITRAMFS "KERNEL COMMAND LINE" [QEMU ARGS...]
#
# Environment: QEMU (the emulator), GDBPORT (default 1234), GDB_BATCH (a
# file of GDB commands to run at kmain before quitting, for scripts and
# tests; without it GDB is interactive). The kernel's
# serial output goes to build/gdb-serial.log: follow it from another
# terminal with "tail -f build/gdb-serial.log". Quitting GDB stops QEMU.
set -euo pipefail

kernel=$1 initramfs=$2 append=$3
shift 3
port=${GDBPORT:-1234}
log=$(dirname "$kernel")/gdb-serial.log

${QEMU:-qemu-system-x86_64} "$@" -kernel "$kernel" -initrd "$initramfs" \
	-append "$append" -display none -serial "file:$log" \
	-S -gdb "tcp:127.0.0.1:$port" &
qemu=$!
trap 'kill $qemu 2> /dev/null || true' EXIT

echo "QEMU is paused; the kernel's output goes to $log"
batch=()
if [ -n "${GDB_BATCH:-}" ]; then
	batch=(-batch -x "$GDB_BATCH")
fi
gdb -q -nx -ex "file $kernel" -ex "target remote 127.0.0.1:$port" \
	-x tools/gdbinit "${batch[@]}"
