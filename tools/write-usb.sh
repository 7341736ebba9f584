#!/usr/bin/env bash
#
# tools/write-usb.sh - write the Sprout boot image to a USB stick, so that
# Sprout can be booted on a real PC.
#
# Usage:
#   tools/write-usb.sh DEV [ISO]
#
#   DEV  the whole USB stick, e.g. /dev/sdb (NOT a partition like /dev/sdb1)
#   ISO  the image to write (default: build/sprout.iso, made by `make iso`)
#
# Find the name of your stick with `lsblk -o NAME,SIZE,TRAN,RM,MODEL`
# (plug it in and look for the new entry).
#
# EVERYTHING ON THE STICK IS DESTROYED. To make mistakes hard, the script
# refuses unless DEV is a whole, removable (or USB) disk, none of it is
# mounted or in use as swap, and it does not hold this system's root
# filesystem. It then shows the device and asks you to type its name.
#
# Linux only (it uses lsblk from util-linux). Exit status: 0 = written,
# 1 = refused, aborted or failed, 2 = bad usage.

set -eu

say()  { printf 'write-usb: %s\n' "$*" >&2; }
fail() { say "$*"; exit 1; }

usage() {
    echo "usage: tools/write-usb.sh DEV [ISO]    e.g. tools/write-usb.sh /dev/sdb" >&2
    exit 2
}

if [ "$#" -lt 1 ] || [ "$#" -gt 2 ]; then
    usage
fi
case "$1" in -h | --help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 0 ;; esac

repo_root=$(cd "$(dirname "$0")/.." && pwd)
dev_arg=$1
iso=${2:-$repo_root/build/sprout.iso}

# --- the image -------------------------------------------------------------

if [ ! -f "$iso" ]; then
    if [ "$#" -lt 2 ]; then
        fail "refusing: no image at $iso - build it first with: make iso"
    fi
    fail "refusing: image file not found: $iso (to build the default one: make iso)"
fi
if [ ! -r "$iso" ]; then
    fail "refusing: cannot read the image file $iso"
fi

# --- the device: the basics ------------------------------------------------

command -v lsblk >/dev/null 2>&1 ||
    fail "refusing: lsblk not found; this script needs Linux with util-linux installed"

if [ ! -e "$dev_arg" ]; then
    fail "refusing: $dev_arg does not exist (list disks with: lsblk -o NAME,SIZE,TRAN,RM,MODEL)"
fi
# Follow symlinks such as /dev/disk/by-id/usb-... to the real node.
dev=$(readlink -f -- "$dev_arg")
if [ ! -b "$dev" ]; then
    fail "refusing: $dev_arg is not a block device (give a disk such as /dev/sdb)"
fi

# col COLUMN [DEVICE]: one lsblk column for the device itself (-d: not its
# partitions), without padding. DEVICE defaults to $dev.
col() {
    lsblk -dno "$1" -- "${2:-$dev}" 2>/dev/null | sed 's/^ *//; s/ *$//'
}

dev_name=${dev##*/}
dev_type=$(col TYPE)
[ -n "$dev_type" ] || fail "refusing: lsblk does not know $dev"

# --- the device: every reason to refuse ------------------------------------
# Collect all of them, so the user sees the whole picture at once.

reasons=()

# 1. A whole disk, not a partition (or a loop, RAID, LVM... device).
disk=$dev
if [ "$dev_type" != "disk" ]; then
    if [ "$dev_type" = "part" ]; then
        parent=$(col PKNAME)
        reasons+=("$dev is a partition, not a whole disk; give the disk itself${parent:+, e.g. /dev/$parent}")
        [ -z "$parent" ] || disk=/dev/$parent
    else
        reasons+=("$dev is not a whole disk (lsblk type: $dev_type)")
    fi
fi

# 2. Removable or attached over USB: internal disks are never written.
#    (For a partition, ask about the disk it is on.)
removable=$(col RM "$disk")
transport=$(col TRAN "$disk")
if [ "$removable" != "1" ] && [ "$transport" != "usb" ]; then
    reasons+=("$dev is not removable and not a USB device (RM=${removable:-?}, TRAN=${transport:-none}); is it an internal disk?")
fi

# 3. Not the disk that holds this system's root filesystem "/".
#    lsblk -s walks from the root device down to the disks below it, so
#    this also works when / sits on LVM, RAID or an encrypted volume.
root_src=$(findmnt -no SOURCE / 2>/dev/null || true)
if [ -z "$root_src" ]; then
    root_src=$(awk '$2 == "/" { print $1 }' /proc/mounts | tail -n 1)
fi
root_src=${root_src%%\[*}        # btrfs shows /dev/sda2[/@]
if [ ! -b "$root_src" ]; then
    # e.g. "/dev/root": find the device by its major:minor number instead.
    majmin=$(findmnt -no MAJ:MIN / 2>/dev/null | tr -d ' ' || true)
    if [ -n "$majmin" ] && [ -e "/sys/dev/block/$majmin" ]; then
        root_src=/dev/$(basename "$(readlink -f "/sys/dev/block/$majmin")")
    fi
fi
root_chain=""
if [ -b "$root_src" ]; then
    # e.g. "vg-root lvm", "sda2 part", "sda disk": all of these hold /.
    root_chain=$(lsblk -lnso NAME -- "$root_src" 2>/dev/null || true)
fi
for d in $root_chain; do
    if [ "$d" = "$dev_name" ]; then
        reasons+=("$dev holds this system's root filesystem / (mounted from $root_src)")
        break
    fi
done

# 4. Nothing on it mounted or used as swap. lsblk lists the device and
#    everything on top of it (partitions, LVM volumes, ...).
mounted=()
while read -r name mnt; do
    if [ -n "$mnt" ]; then
        mounted+=("$name on $mnt")
    fi
done < <(lsblk -lnpo NAME,MOUNTPOINT -- "$dev" 2>/dev/null)
# Double check with the kernel's own list (and the swap list).
while read -r name; do
    [ -n "$name" ] || continue
    while read -r src mnt _; do
        if [ "$(readlink -f -- "$src" 2>/dev/null || echo "$src")" = "$name" ]; then
            case " ${mounted[*]-} " in
                *"$name on $mnt"*) ;;
                *) mounted+=("$name on $mnt") ;;
            esac
        fi
    done < /proc/mounts
    if [ -r /proc/swaps ] && awk 'NR > 1 { print $1 }' /proc/swaps | grep -qx -- "$name"; then
        case " ${mounted[*]-} " in
            *"$name on [SWAP]"*) ;;
            *) mounted+=("$name as swap") ;;
        esac
    fi
done < <(lsblk -lnpo NAME -- "$dev" 2>/dev/null)
if [ "${#mounted[@]}" -ne 0 ]; then
    reasons+=("$dev is in use: ${mounted[*]}; unmount (or swapoff) everything on it first")
fi

# 5. Read-only (write-protect switch) or too small.
if [ "$(col RO)" = "1" ]; then
    reasons+=("$dev is read-only (write-protect switch?)")
fi
dev_bytes=$(lsblk -dbno SIZE -- "$dev" 2>/dev/null | tr -d ' ')
iso_bytes=$(wc -c < "$iso" | tr -d ' ')
if [ -n "$dev_bytes" ] && [ "$dev_bytes" -lt "$iso_bytes" ]; then
    reasons+=("$dev ($dev_bytes bytes) is smaller than the image ($iso_bytes bytes)")
fi

if [ "${#reasons[@]}" -ne 0 ]; then
    say "refusing to write to $dev_arg:"
    for r in "${reasons[@]}"; do
        printf '  - %s\n' "$r" >&2
    done
    exit 1
fi

# --- show the device and ask ------------------------------------------------

echo "About to write:"
echo "  image:     $iso ($iso_bytes bytes)"
echo "  device:    $dev"
model="$(col VENDOR) $(col MODEL)"
model=$(printf '%s' "$model" | sed 's/^ *//; s/ *$//')
echo "  model:     ${model:-unknown}"
echo "  size:      $(col SIZE)"
echo "  transport: ${transport:-unknown}   removable: ${removable:-?}"
echo "  current contents:"
lsblk -o NAME,SIZE,TYPE,FSTYPE,LABEL -- "$dev" | sed 's/^/    /'
echo
echo "EVERYTHING ON $dev WILL BE ERASED."

if [ ! -t 0 ]; then
    fail "aborted: no terminal to ask for confirmation on; nothing was written"
fi
printf 'Type the device name (%s) or "yes" to go on, anything else aborts: ' "$dev"
answer=""
read -r answer || true
case "$answer" in
    yes | "$dev" | "$dev_arg" | "$dev_name") ;;
    *) fail "aborted; nothing was written" ;;
esac

# --- write ------------------------------------------------------------------

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 ||
        fail "you are not root and sudo is not installed; run this script as root"
    sudo_cmd=(sudo)
fi

echo "Writing $iso to $dev ..."
"${sudo_cmd[@]}" dd if="$iso" of="$dev" bs=4M conv=fsync status=progress ||
    fail "dd failed; the stick may be unusable now - try again or another stick"
sync

cat <<EOF

Done: $dev now holds Sprout. To boot it on a PC:
  1. Plug the stick in and switch the PC on.
  2. In the firmware setup (often F2 or Del at power-on), turn Secure Boot
     off: Sprout's boot loader is not signed.
  3. Open the boot menu (often F12, F11, F8 or Esc at power-on) and pick the
     USB stick. Both UEFI and legacy BIOS boot work.
The data is synced to the stick: you can unplug it now.
EOF
