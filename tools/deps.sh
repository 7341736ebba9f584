#!/usr/bin/env bash
#
# tools/deps.sh - check (and on Debian/Ubuntu, install) the host tools
# needed to build, package, run and test Sprout.
#
# Usage:
#   tools/deps.sh [build|iso|run|test|trace|all]...     (default: all)
#
#   build  compiler, binutils, make, python3, musl-gcc (user programs),
#          the console font (a PSF file) the framebuffer console draws with
#   iso    grub-mkrescue and the GRUB BIOS/UEFI platform files, xorriso,
#          mtools, cpio
#   run    qemu-system-x86_64, plus everything in build and iso
#   test   everything in run, plus OVMF (UEFI firmware), gdb, clang and
#          its libFuzzer runtime
#   trace  everything in run, plus matplotlib for tools/trace_plot.py
#   all    everything
#
# If everything is present it prints nothing and exits 0, so the Makefile
# can call it before every `make run` / `make test`.
#
# If something is missing:
#   - on Debian/Ubuntu it installs the missing packages with apt-get
#     (through sudo when not run as root), then checks again;
#   - anywhere else it explains what is missing and exits 1.
#
# Environment:
#   CC               compiler to check instead of gcc (e.g. CC=clang)
#   CROSS_COMPILE    toolchain prefix (e.g. x86_64-elf-); then
#                    ${CROSS_COMPILE}gcc, ${CROSS_COMPILE}ld, ... are checked
#   DEPS_NO_INSTALL  set to 1 to only report what is missing, never install
#   DEPS_OS_RELEASE  os-release file to read (default /etc/os-release);
#                    useful to try the non-Debian code path
#
# Exit status: 0 = all present, 1 = something missing or install failed,
#              2 = bad usage.

set -eu

prog=deps
os_release=${DEPS_OS_RELEASE:-/etc/os-release}
cross=${CROSS_COMPILE:-}

say() { printf '%s: %s\n' "$prog" "$*" >&2; }

usage() {
    echo "usage: tools/deps.sh [build|iso|run|test|all]..." >&2
    exit 2
}

# ---------------------------------------------------------------------------
# Which Debian package provides the toolchain?
# An empty package name means "Debian has no package for this".
# ---------------------------------------------------------------------------

host_arch=$(uname -m 2>/dev/null || echo unknown)

if [ -z "$cross" ]; then
    gcc_pkg=gcc
    binutils_pkg=binutils
elif [ "$cross" = "x86_64-linux-gnu-" ]; then
    # On an x86-64 host these names come with the normal packages;
    # elsewhere (e.g. arm64) Debian ships them as cross packages.
    if [ "$host_arch" = "x86_64" ]; then
        gcc_pkg=gcc
        binutils_pkg=binutils
    else
        gcc_pkg=gcc-x86-64-linux-gnu
        binutils_pkg=binutils-x86-64-linux-gnu
    fi
else
    # e.g. x86_64-elf-: a bare-metal cross toolchain, not in Debian.
    gcc_pkg=
    binutils_pkg=
fi

# The C compiler: $CC if set (only its first word, so "ccache gcc" would
# check ccache), otherwise ${CROSS_COMPILE}gcc.
cc_cmd=${CC:-}
cc_cmd=${cc_cmd%% *}
if [ -z "$cc_cmd" ]; then
    cc_cmd=${cross}gcc
fi
cc_name=${cc_cmd##*/}
case "$cc_name" in
    "${cross}gcc")            cc_pkg=$gcc_pkg ;;
    cc | gcc)                 cc_pkg=gcc ;;
    gcc-[0-9]*)               cc_pkg=$cc_name ;;      # gcc-12 -> gcc-12
    clang | clang-[0-9]*)     cc_pkg=$cc_name ;;      # clang-15 -> clang-15
    musl-gcc)                 cc_pkg=musl-tools ;;
    *)                        cc_pkg= ;;
esac

# ---------------------------------------------------------------------------
# The checks. Each one that fails is remembered in these lists
# (kept in step: the Nth name goes with the Nth package and group).
# ---------------------------------------------------------------------------

# The distribution's python3 (for pymod checks); the first on PATH may be
# another one that does not see Debian's python3-* packages.
system_python=/usr/bin/python3
[ -x "$system_python" ] || system_python=python3

missing_names=()
missing_pkgs=()
missing_groups=()
seen=" "

# need GROUP KIND NAME PACKAGE
#   KIND is cmd (a command on PATH), file, dir, or pymod (a module the
#   distribution's own python3 can import: Debian's python3-* packages
#   install there, whatever python3 comes first on PATH).
need() {
    local group=$1 kind=$2 name=$3 pkg=$4

    # Groups overlap (run includes build, ...); check each thing once.
    case "$seen" in *" $name "*) return 0 ;; esac
    seen="$seen$name "

    case "$kind" in
        cmd)  if command -v "$name" >/dev/null 2>&1; then return 0; fi ;;
        file) if [ -f "$name" ]; then return 0; fi ;;
        dir)  if [ -d "$name" ]; then return 0; fi ;;
        pymod) if "$system_python" -c "import $name" >/dev/null 2>&1; then return 0; fi ;;
        # clang's libFuzzer runtime: clang names its full path if it has it.
        fuzzrt) case "$(clang -print-file-name="$name" 2>/dev/null)" in /*) return 0 ;; esac ;;
        *)    say "internal error: unknown kind '$kind'"; exit 2 ;;
    esac

    missing_names+=("$name")
    missing_pkgs+=("$pkg")
    missing_groups+=("$group")
}

check_build() {
    need build cmd make             make
    need build cmd "$cc_cmd"        "$cc_pkg"
    need build cmd "${cross}ld"      "$binutils_pkg"
    need build cmd "${cross}objcopy" "$binutils_pkg"
    need build cmd "${cross}objdump" "$binutils_pkg"
    need build cmd "${cross}nm"      "$binutils_pkg"
    need build cmd python3          python3
    need build cmd musl-gcc         musl-tools
    need build file /usr/share/consolefonts/Unifont-APL8x16.psf.gz psf-unifont
}

check_iso() {
    need iso cmd grub-mkrescue             grub-common
    need iso cmd grub-file                 grub-common
    # Only the *-bin packages: they hold the files grub-mkrescue copies
    # into the image and do not touch this machine's own boot loader.
    need iso dir /usr/lib/grub/i386-pc     grub-pc-bin
    need iso dir /usr/lib/grub/x86_64-efi  grub-efi-amd64-bin
    need iso cmd xorriso                   xorriso
    need iso cmd mformat                   mtools
    need iso cmd cpio                      cpio
}

check_run() {
    check_build
    check_iso
    need run cmd qemu-system-x86_64 qemu-system-x86
}

check_trace() {
    check_run
    need trace pymod matplotlib python3-matplotlib
}

check_test() {
    check_run
    need test file /usr/share/ovmf/OVMF.fd ovmf
    need test cmd  gdb                     gdb
    # The fuzz targets (tests/fuzz): clang with its libFuzzer runtime.
    need test cmd  clang                   clang
    need test fuzzrt libclang_rt.fuzzer-x86_64.a libclang-rt-dev
}

# Run the checks for every group asked for on the command line.
run_checks() {
    local group
    missing_names=()
    missing_pkgs=()
    missing_groups=()
    seen=" "
    for group in "${groups[@]}"; do
        case "$group" in
            build) check_build ;;
            iso)   check_iso ;;
            run)   check_run ;;
            trace) check_trace ;;
            test) check_test ;;
            all) check_test; check_trace ;;
        esac
    done
}

# ---------------------------------------------------------------------------
# Small helpers for reporting.
# ---------------------------------------------------------------------------

# Print the words given, each only once, space separated.
uniq_words() {
    local out=" " w
    for w in "$@"; do
        [ -n "$w" ] || continue
        case "$out" in *" $w "*) ;; *) out="$out$w " ;; esac
    done
    out=${out# }
    printf '%s' "${out% }"
}

# One line per missing thing: what it is and which package provides it.
list_missing() {
    local i pkg
    for i in "${!missing_names[@]}"; do
        pkg=${missing_pkgs[$i]}
        if [ -z "$pkg" ]; then
            pkg="none known to this script"
        fi
        printf '  %-28s needed for %-5s  (Debian/Ubuntu package: %s)\n' \
            "${missing_names[$i]}" "${missing_groups[$i]}" "$pkg" >&2
    done
}

cross_toolchain_hint() {
    cat >&2 <<'EOF'

On macOS, or on Linux on an Arm machine, the host compiler does not produce
x86-64 code. Install a cross toolchain instead and build with it:
  x86_64-elf-gcc and x86_64-elf-binutils, then:  make CROSS_COMPILE=x86_64-elf-
  Homebrew: brew install x86_64-elf-gcc x86_64-elf-binutils qemu xorriso mtools
            GRUB comes from the i686-elf-grub or x86_64-elf-grub formula.
(On Debian/Ubuntu for arm64: apt-get install gcc-x86-64-linux-gnu
 binutils-x86-64-linux-gnu, then build with CROSS_COMPILE=x86_64-linux-gnu-)
EOF
}

# Is this Debian, Ubuntu or a relative of theirs with apt-get?
is_debian_like() {
    local id="" id_like="" line
    command -v apt-get >/dev/null 2>&1 || return 1
    [ -r "$os_release" ] || return 1
    while IFS= read -r line; do
        case "$line" in
            ID=*)      id=${line#ID=} ;;
            ID_LIKE=*) id_like=${line#ID_LIKE=} ;;
        esac
    done < "$os_release"
    # Values may be quoted: ID_LIKE="ubuntu debian"
    id=$(printf '%s' "$id" | tr -d "\"'")
    id_like=$(printf '%s' "$id_like" | tr -d "\"'")
    case " $id $id_like " in
        *" debian "* | *" ubuntu "*) return 0 ;;
    esac
    return 1
}

os_name() {
    local line name=""
    if [ -r "$os_release" ]; then
        while IFS= read -r line; do
            case "$line" in
                PRETTY_NAME=*) name=${line#PRETTY_NAME=} ;;
            esac
        done < "$os_release"
        name=$(printf '%s' "$name" | tr -d "\"'")
    fi
    [ -n "$name" ] || name=$(uname -s 2>/dev/null || echo "unknown system")
    printf '%s' "$name"
}

# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

groups=("$@")
if [ "${#groups[@]}" -eq 0 ]; then
    groups=(all)
fi
for g in "${groups[@]}"; do
    case "$g" in
        build | iso | run | test | trace | all) ;;
        -h | --help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 0 ;;
        *) say "unknown group '$g'"; usage ;;
    esac
done

run_checks

# The common case: nothing to do, say nothing.
if [ "${#missing_names[@]}" -eq 0 ]; then
    exit 0
fi

need_groups=$(uniq_words "${missing_groups[@]}")

if ! is_debian_like; then
    say "missing tools needed for: $need_groups"
    list_missing
    echo >&2
    echo "This system ($(os_name)) is not Debian/Ubuntu, so nothing was installed." >&2
    echo "Install the equivalent packages with your package manager and run this again." >&2
    cross_toolchain_hint
    exit 1
fi

# --- Debian / Ubuntu -------------------------------------------------------

pkgs=$(uniq_words "${missing_pkgs[@]}")

# Things Debian cannot provide (e.g. an x86_64-elf- cross compiler).
no_pkg=()
for i in "${!missing_names[@]}"; do
    if [ -z "${missing_pkgs[$i]}" ]; then
        no_pkg+=("${missing_names[$i]}")
    fi
done

# Safety net: these two would replace the boot loader of this machine.
for p in $pkgs; do
    case "$p" in
        grub-pc | grub-efi-amd64)
            say "internal error: refusing to install '$p' (it would take over this machine's boot loader)"
            exit 1 ;;
    esac
done

# Nothing we could install fixes these: explain and stop.
if [ -z "$pkgs" ]; then
    say "missing tools needed for: $need_groups"
    list_missing
    echo "This script knows no Debian package for: ${no_pkg[*]}" >&2
    echo "Check CC / CROSS_COMPILE, or install that compiler/toolchain yourself." >&2
    cross_toolchain_hint
    exit 1
fi

if [ "${DEPS_NO_INSTALL:-0}" = "1" ]; then
    say "missing tools needed for: $need_groups"
    list_missing
    echo "Install them with:" >&2
    echo "  sudo apt-get install --no-install-recommends $pkgs" >&2
    exit 1
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        sudo_cmd=(sudo)
    else
        say "missing packages: $pkgs (needed for: $need_groups)"
        echo "You are not root and sudo is not installed. As root, run:" >&2
        echo "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $pkgs" >&2
        exit 1
    fi
fi

say "installing $pkgs (needed for: $need_groups)"
# $pkgs is a space separated list of package names: split it on purpose.
# shellcheck disable=SC2086
if ! "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q ||
   ! "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends $pkgs; then
    say "apt-get failed while installing: $pkgs"
    exit 1
fi
hash -r

# Check again: everything must be there now.
run_checks
if [ "${#missing_names[@]}" -ne 0 ]; then
    say "still missing after installing $pkgs:"
    list_missing
    if [ "${#no_pkg[@]}" -ne 0 ]; then
        echo "This script knows no Debian package for: ${no_pkg[*]}" >&2
        echo "Check CC / CROSS_COMPILE, or install that compiler/toolchain yourself." >&2
        cross_toolchain_hint
    fi
    exit 1
fi
exit 0
