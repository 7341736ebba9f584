#!/usr/bin/env python3
"""Sprout's test harness: every test, one line each, and a closing count.

    python3 tests/run.py [WORD...]     (make test runs it, after building)

Runs, in this order:
  1. the host unit tests (build/unit/test_*), built with ASan and UBSan;
     each prints "test NAME: OK|FAILED" lines, one per case;
  2. the boot tests: QEMU boots the kernel headless, with a timeout,
     two at a time. Each keeps its serial log in build/test-logs/NAME.log.
     A boot test passes when every line it expects appears, in order,
     and no unexpected PANIC does; the in-kernel tests it runs (test=...)
     are counted one by one as NAME/TEST.

With WORDs, only the tests whose names contain one of them run.
The last line is "N passed, N failed" (", N skipped" when any were);
the exit status is 1 if anything failed.

Plain Python 3 standard library only.
"""
import concurrent.futures
import os
import re
import shutil
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
LOGS = os.path.join(BUILD, "test-logs")
KERNEL = os.path.join(BUILD, "sprout.elf")
INITRAMFS = os.path.join(BUILD, "initramfs.cpio")
ISO = os.path.join(BUILD, "sprout.iso")  # what make iso builds, for a USB stick
SELFTEST_ISO = os.path.join(BUILD, "sprout-selftest.iso")
CLANG_KERNEL = os.path.join(BUILD, "clang", "sprout.elf")  # make test builds it
OVMF = "/usr/share/ovmf/OVMF.fd"
QEMU = "qemu-system-x86_64"

BANNER = re.compile(r"Sprout \d+\.\d+\.\d+ \(x86-64\)")
KTEST_LINE = re.compile(r"test (\S+): (OK|FAILED)$", re.M)
BOOT_GROUP = ["bootinfo", "initramfs-module", "trap-roundtrip", "timer", "acpi",
              "irq-controller", "ioapic-irq", "apic-timer"]
SCHED_GROUP = ["take-turns", "wait-queue", "sleep", "kthread-lifetimes"]
MM_GROUP = ["paging", "address-spaces", "mm-copy", "cow", "cow-three-way",
            "cow-protection", "device-map", "high-memory",
            "regions", "uaccess", "kmalloc-stress", "ramfs-pages",
            "ramfs-enospc"]
LOG_TAIL_LINES = 25


class Result:
    def __init__(self, name, ok, detail="", log=None, seconds=0.0, skipped=False):
        self.name, self.ok, self.detail = name, ok, detail
        self.log, self.seconds, self.skipped = log, seconds, skipped


# --- Boot tests -------------------------------------------------------------

def kernel_args(append, initrd=True, kernel=KERNEL):
    args = ["-kernel", kernel, "-append", append]
    return args + (["-initrd", INITRAMFS] if initrd else [])


class BootTest:
    """One QEMU boot.

    expect:     strings or regexes that must appear in the serial log, in order
    ktests:     in-kernel test names whose "test NAME: OK" lines must appear
    panic_ok:   the test is about a panic, so PANIC is expected
    halts:      the guest stops without powering off; the harness ends QEMU
                once every expected line is there
    needs:      files that must exist (a missing one fails the test)
    optional:   (file, reason): skip the test when the file is missing
    forbid:     strings that must not appear
    """

    def __init__(self, name, qemu_args, expect, ktests=(), panic_ok=False,
                 halts=False, timeout=60, needs=(), optional=None, forbid=()):
        self.name, self.qemu_args, self.expect = name, qemu_args, expect
        self.forbid = forbid
        self.ktests, self.panic_ok, self.halts = list(ktests), panic_ok, halts
        self.timeout, self.needs, self.optional = timeout, needs, optional

    def run(self):
        log = os.path.join(LOGS, self.name + ".log")
        if self.optional and not os.path.exists(self.optional[0]):
            return [Result(self.name, True, self.optional[1], skipped=True)]
        for path in self.needs:
            if not os.path.exists(path):
                return [Result(self.name, False, "missing " + path, log)]
        if os.path.exists(log):
            os.remove(log)
        cmd = [QEMU, "-m", "128M", "-display", "none", "-no-reboot",
               "-nic", "none", "-serial", "file:" + log] + self.qemu_args
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        timed_out = False
        try:
            if self.halts:
                timed_out = not wait_for_lines(log, self.expect, self.timeout)
                proc.kill()
            qemu_output, _ = proc.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            proc.kill()
            qemu_output, _ = proc.communicate()
        seconds = time.monotonic() - start
        text = read(log)
        problem = self.check(text, timed_out, proc.returncode, qemu_output)
        results = [Result(self.name, problem is None, problem or "", log, seconds)]
        for name, verdict in KTEST_LINE.findall(text):
            if name in self.ktests:
                results.append(Result(self.name + "/" + name, verdict == "OK",
                                      "" if verdict == "OK" else "failed in the kernel",
                                      log))
        return results

    def check(self, text, timed_out, returncode, qemu_output):
        if timed_out:
            return "timed out after %d s" % self.timeout
        if not self.halts and returncode != 0:
            return "QEMU exited with %d: %s" % (returncode, qemu_output.strip())
        if "PANIC:" in text and not self.panic_ok:
            return "unexpected kernel panic"
        for bad in self.forbid:
            if bad in text:
                return "printed %r" % bad
        missing = first_missing(text, self.expect)
        if missing is not None:
            return "never printed: %s" % describe(missing)
        for name in self.ktests:
            if not re.search(r"test %s: (OK|FAILED)" % re.escape(name), text):
                return "in-kernel test %s never reported" % name
        return None


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def find(text, pattern, start):
    if isinstance(pattern, str):
        i = text.find(pattern, start)
        return None if i < 0 else i + len(pattern)
    m = pattern.search(text, start)
    return m.end() if m else None


def first_missing(text, patterns):
    """The first pattern that does not appear after the previous one."""
    pos = 0
    for p in patterns:
        end = find(text, p, pos)
        if end is None:
            return p
        pos = end
    return None


def describe(pattern):
    return repr(pattern if isinstance(pattern, str) else pattern.pattern)


def wait_for_lines(log, patterns, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if first_missing(read(log), patterns) is None:
            return True
        time.sleep(0.2)
    return False


def crash_test(name, ktest, expect, backtrace=()):
    """A deliberate kernel bug (test=KTEST) whose panic must say EXPECT and
    whose backtrace must name the functions in BACKTRACE, in order."""
    return BootTest(name, ["-machine", "pc"] +
                    kernel_args("test=%s panic=poweroff" % ktest),
                    [BANNER] + expect + ["Backtrace:"] +
                    ["] %s+" % f for f in backtrace] + ["power: off"],
                    panic_ok=True)


def boot_tests():
    # The APIC path: what the MADT lists, the PIT's override, the 8259s
    # shut, the APIC timer measured.
    apic_ok = [re.compile(r"acpi: MADT: local APIC at 0x[0-9a-f]+, 1 CPU, IOAPIC \d+ at"),
               "irq: IRQ 0 -> GSI 2 (edge, high)",
               "irq: 8259 masked (mask registers 0xffff)",
               re.compile(r"apic: timer \d+\.\d+ MHz \(bus clock / 16, calibrated "
                          r"against the PIT\), tick 100 Hz")]
    boot_ok = [BANNER, "memory:"] + apic_ok + [
        "ktest: %d passed, 0 failed" % len(BOOT_GROUP), "power: off"]
    # The fallback: the 8259 and the PIT, and a reason why.
    pic_ok = ["pit: 100 Hz", "the 8259 path: mask registers",
              "ktest: %d passed, 0 failed" % len(BOOT_GROUP), "power: off"]
    poweroff = "test=boot panic=poweroff"
    return [
        BootTest("boot-kernel-pc", ["-machine", "pc"] + kernel_args(poweroff),
                 boot_ok, BOOT_GROUP),
        BootTest("boot-kernel-q35", ["-machine", "q35"] + kernel_args(poweroff),
                 boot_ok, BOOT_GROUP),
        BootTest("boot-iso-seabios", ["-machine", "pc", "-cdrom", SELFTEST_ISO],
                 [BANNER, "via Multiboot2"] + boot_ok[1:], BOOT_GROUP,
                 needs=[SELFTEST_ISO]),
        BootTest("boot-iso-ovmf-q35", ["-machine", "q35", "-bios", OVMF,
                                       "-cdrom", SELFTEST_ISO],
                 [BANNER, "via Multiboot2"] + boot_ok[1:], BOOT_GROUP,
                 timeout=180, needs=[SELFTEST_ISO, OVMF]),
        BootTest("noapic-pc", ["-machine", "pc"] + kernel_args(poweroff + " noapic"),
                 [BANNER, "irq: no APIC: noapic on the command line; using the "
                  "8259 and the PIT"] + pic_ok, BOOT_GROUP,
                 forbid=["irq: 8259 masked", "apic: timer"]),
        # A CPU without a local APIC (QEMU then has none either): the
        # kernel must not touch IA32_APIC_BASE, and must say why.
        BootTest("no-apic-cpu-q35", ["-machine", "q35", "-cpu", "qemu64,-apic"] +
                 kernel_args(poweroff),
                 [BANNER, "irq: no APIC: the CPU has no local APIC, CPUID.1:EDX "
                  "bit 9 is clear; using the 8259 and the PIT"] + pic_ok,
                 BOOT_GROUP, forbid=["irq: 8259 masked", "apic: local APIC"]),
        # The tick without ARAT: qemu64 has none, but under a hypervisor
        # the APIC timer is the host's and idling cannot stop it; without
        # the hypervisor bit too, the PIT ticks through the IOAPIC.
        BootTest("no-arat-pc", ["-machine", "pc", "-cpu", "qemu64,-hypervisor"] +
                 kernel_args(poweroff),
                 [BANNER, "apic: no ARAT (CPUID.6:EAX bit 2)",
                  "irq: IRQ 0 -> GSI 2 (IOAPIC 0 pin 2, edge, high) -> vector 48",
                  "pit: 100 Hz", "ktest: %d passed, 0 failed" % len(BOOT_GROUP),
                  "power: off"], BOOT_GROUP, forbid=["apic: timer"]),
        BootTest("arat-max-q35", ["-machine", "q35", "-cpu", "max"] +
                 kernel_args(poweroff),
                 [BANNER, "apic: the timer counts on while the CPU idles (ARAT"] +
                 boot_ok[-3:], BOOT_GROUP),
        # A chipset that gates the PIT off: the APIC timer is calibrated
        # against the ACPI PM timer, and with noapic ticks beside the 8259.
        BootTest("no-pit-pc", ["-machine", "pc,pit=off"] + kernel_args(poweroff),
                 [BANNER, "irq: the PIT does not count",
                  "irq: 8259 masked (mask registers 0xffff)",
                  re.compile(r"apic: timer \d+\.\d+ MHz \(bus clock / 16, calibrated "
                             r"against the ACPI PM timer\), tick 100 Hz"),
                  "ktest: %d passed, 0 failed" % len(BOOT_GROUP), "power: off"],
                 BOOT_GROUP),
        BootTest("noapic-no-pit-pc", ["-machine", "pc,pit=off"] +
                 kernel_args(poweroff + " noapic"),
                 [BANNER, "irq: no APIC: noapic on the command line; using the 8259",
                  "the local APIC timer ticks instead, beside the 8259",
                  "against the ACPI PM timer), tick 100 Hz",
                  "ktest: %d passed, 0 failed" % len(BOOT_GROUP), "power: off"],
                 BOOT_GROUP, forbid=["pit: 100 Hz"]),
        # No PIT and no ACPI (so no PM timer, no MADT): nothing can tick,
        # and the kernel must say so rather than hang in silence.
        BootTest("no-pit-no-acpi-pc", ["-machine", "pc,pit=off,acpi=off"] +
                 kernel_args("test=bootinfo panic=poweroff"),
                 [BANNER, "irq: nothing ticks: the PIT does not count",
                  "ktest: 1 passed, 0 failed"], ["bootinfo"], halts=True),
        # A vector in the 8259's range delivered by the local APIC (a
        # self-IPI on 0x20): it must get its EOI there.
        BootTest("apic-stray-vector-pc", ["-machine", "pc"] +
                 kernel_args("test=apic-stray-vector panic=poweroff"),
                 [BANNER, "in service after: no", "ktest: 1 passed, 0 failed",
                  "power: off"], ["apic-stray-vector"]),
        BootTest("panic-page-fault",
                 ["-machine", "pc"] + kernel_args("test=fault panic=poweroff"),
                 ["PANIC: page fault", "cr2 0x0000600000000000",
                  "rip ", "<ktest_fault_trigger+", "Backtrace:",
                  "] ktest_fault_trigger+",
                  # '?': gcc gives a leaf function no frame (backtrace.c)
                  re.compile(r"\] (\? )?ktest_fault\+"),
                  "] ktest_run+", "] kernel_init+", "power: off"],
                 panic_ok=True),
        BootTest("panic-double-fault",
                 ["-machine", "pc"] + kernel_args("test=stack-overflow panic=poweroff"),
                 ["PANIC: double fault", "Backtrace:",
                  "] ktest_stack_overflow+", "] kernel_init+", "power: off"],
                 panic_ok=True),
        BootTest("memory-pc", ["-machine", "pc"] + kernel_args("test=mm panic=poweroff"),
                 [BANNER, "page 0 unmapped",
                  "ktest: %d passed, 0 failed" % len(MM_GROUP), "power: off"],
                 MM_GROUP),
        # With SMAP and SMEP on (-cpu max has them), uaccess must still work.
        BootTest("memory-smap-q35", ["-machine", "q35", "-cpu", "max"] +
                 kernel_args("test=mm panic=poweroff"),
                 ["cpu: NX on, SMEP on, SMAP on",
                  "ktest: %d passed, 0 failed" % len(MM_GROUP), "power: off"],
                 MM_GROUP),
        # 6 GiB on q35: 2 GiB below the PCI hole, 4 GiB above 4 GiB, and
        # reserved ranges between. The direct map must reach the top, and
        # the frames above 4 GiB must be handed out and work.
        BootTest("memory-6g-q35", ["-machine", "q35", "-m", "6G"] +
                 kernel_args("test=mm panic=poweroff"),
                 [re.compile(r"0x000100000000-0x0001ffffffff usable"),
                  "memory: 6143 MiB usable",
                  "paging: direct map of 8192 MiB",
                  re.compile(r"a 4 MiB block at 0x1[0-9a-f]{8} .*: written and read back"),
                  "ktest: %d passed, 0 failed" % len(MM_GROUP), "power: off"],
                 MM_GROUP),
        crash_test("panic-kstack-overflow", "kstack-overflow",
                   ["PANIC: kernel stack overflow in task 42"], ["recurse"]),
        crash_test("panic-kmalloc-overflow", "kmalloc-overflow",
                   ["PANIC: kmalloc: write past the end of a 24-byte object",
                    "allocated by ktest_kmalloc_overflow+"]),
        crash_test("panic-kmalloc-double-free", "kmalloc-double-free",
                   ["PANIC: kfree: double free of"],
                   ["kfree", "ktest_kmalloc_double_free"]),
        crash_test("panic-kmalloc-use-after-free", "kmalloc-use-after-free",
                   ["PANIC: kmalloc: freed object at", "was written after kfree"]),
        crash_test("panic-null-deref", "null-deref",
                   ["PANIC: page fault", "cr2 0x0000000000000000"],
                   ["ktest_null_deref", "ktest_run", "kernel_init"]),
        BootTest("sched-pc", ["-machine", "pc"] +
                 kernel_args("test=sched panic=poweroff"),
                 [BANNER, "sched: rr, slice 20 ms",
                  "ktest: %d passed, 0 failed" % len(SCHED_GROUP), "power: off"],
                 SCHED_GROUP),
        BootTest("sched-quantum-10ms", ["-machine", "pc"] +
                 kernel_args("test=take-turns quantum=10 panic=poweroff"),
                 ["sched: rr, slice 10 ms (1 ticks at 100 Hz)",
                  "ktest: 1 passed, 0 failed", "power: off"],
                 ["take-turns"]),
        crash_test("panic-illegal-transition", "illegal-transition",
                   ["PANIC: sched: illegal transition ZOMBIE -> RUNNING"],
                   ["task_set_state", "ktest_illegal_transition"]),
        BootTest("cmdline-bad-words",
                 ["-machine", "pc"] + kernel_args(
                     "bogus=1 quantum=abc bogus=2 loglevel=9 console=tty "
                     "test=bootinfo panic=poweroff"),
                 [BANNER, "cmdline: unknown word 'bogus=1', ignored",
                  "cmdline: 'quantum=abc': expected milliseconds",
                  "cmdline: 'loglevel=9': expected a level from 0 to 7",
                  "cmdline: 'console=tty': expected a list of serial, vga, fb",
                  "ktest: 1 passed, 0 failed", "power: off"],
                 ["bootinfo"]),
        BootTest("no-initramfs",
                 ["-machine", "pc"] + kernel_args("test=bootinfo panic=poweroff",
                                                  initrd=False),
                 [BANNER, "boot: no initramfs", "ktest: 1 passed, 0 failed"],
                 ["bootinfo"]),
        BootTest("clang-boot-kernel-pc",
                 ["-machine", "pc"] + kernel_args("test=boot,fault panic=poweroff",
                                                  kernel=CLANG_KERNEL),
                 [re.compile(r"Sprout \S+ \(x86-64\), compiled by clang"),
                  "test acpi: OK", "PANIC: page fault", "] ktest_fault_trigger+", "power: off"],
                 BOOT_GROUP, panic_ok=True,
                 optional=(CLANG_KERNEL, "clang is not installed")),
        # A reset ends QEMU (-no-reboot); a fallback means the first
        # method (ACPI reset register on q35, port 0xcf9 on pc) failed.
        BootTest("reset-pc", ["-machine", "pc"] + kernel_args("test=reset"),
                 [BANNER, "power: reset"], forbid=["did not reset", "triple fault"]),
        BootTest("reset-q35", ["-machine", "q35"] + kernel_args("test=reset"),
                 [BANNER, "power: reset"], forbid=["did not reset", "triple fault"]),
        BootTest("no-init", ["-machine", "pc"] +
                 kernel_args("panic=poweroff", initrd=False),
                 [BANNER, "boot: no initramfs",
                  "PANIC: no init found: tried /sbin/init, /etc/init, /bin/init and /bin/sh; pass init=PATH",
                  "power: off"], panic_ok=True),
        BootTest("init-exits", ["-machine", "pc"] +
                 kernel_args("init=/bin/false panic=poweroff"),
                 [BANNER, "PANIC: init exited (status 1)", "power: off"],
                 panic_ok=True),
        BootTest("init-with-arguments", ["-machine", "pc"] +
                 kernel_args("panic=poweroff -- /bin/echo hello from init's child"),
                 [BANNER, "init: Sprout", "hello from init's child",
                  "init: /bin/echo exited with status 0", "power: off"]),
        # A CPU without NX (some old or virtual ones): pages simply stay
        # executable, said once, and user programs still run.
        BootTest("no-nx-cpu", ["-machine", "pc", "-cpu", "qemu64,-nx"] +
                 kernel_args("panic=poweroff -- /bin/echo runs without NX"),
                 [BANNER, "cpu: NX absent", "runs without NX",
                  "init: /bin/echo exited with status 0", "power: off"]),
        BootTest("no-long-mode", ["-machine", "pc", "-cpu", "qemu32",
                                  "-kernel", KERNEL],
                 ["Sprout: this CPU has no 64-bit long mode"], halts=True,
                 timeout=30),
    ]


# --- Other tests ----------------------------------------------------------------

def run_unit_tests(words):
    results = []
    unit_dir = os.path.join(BUILD, "unit")
    for binary in sorted(os.listdir(unit_dir)) if os.path.isdir(unit_dir) else []:
        path = os.path.join(unit_dir, binary)
        if not selected("unit/" + binary, words) and not any(
                w in binary for w in words):
            continue
        proc = subprocess.run([path], capture_output=True, text=True, timeout=120)
        out = proc.stdout + proc.stderr
        log = os.path.join(LOGS, binary + ".log")
        with open(log, "w") as f:
            f.write(out)
        cases = re.findall(r"^test (\S+): (OK|FAILED)$", proc.stdout, re.M)
        for name, verdict in cases:
            results.append(Result("unit/" + name, verdict == "OK",
                                  "" if verdict == "OK" else "see the log", log))
        if proc.returncode != 0 and all(v == "OK" for _, v in cases):
            results.append(Result("unit/" + binary, False,
                                  "exited with %d (a sanitizer report?)" % proc.returncode,
                                  log))
    return results


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_gdb_test():
    """make gdb's own script must stop at kmain, in 64-bit code."""
    name = "gdb-breaks-at-kmain"
    if not shutil.which("gdb"):
        return [Result(name, True, "gdb is not installed", skipped=True)]
    log = os.path.join(LOGS, name + ".log")
    commands = os.path.join(LOGS, name + ".gdb")
    with open(commands, "w") as f:
        f.write("bt\ninfo registers rip cs\n")
    env = dict(os.environ, GDBPORT=str(free_port()), GDB_BATCH=commands)
    start = time.monotonic()
    try:
        proc = subprocess.run(["tools/gdb.sh", KERNEL, INITRAMFS, "",
                               "-machine", "pc", "-m", "128M", "-nic", "none"],
                              cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=60)
        out = proc.stdout + proc.stderr
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") + "\n(timed out)"
    with open(log, "w") as f:
        f.write(out)
    missing = first_missing(out, [re.compile(r"Breakpoint 1, kmain \(magic="),
                                  re.compile(r"#0\s+kmain"),
                                  re.compile(r"rip\s+0xffffffff8")])
    detail = "" if missing is None else "gdb never showed %s" % describe(missing)
    return [Result(name, missing is None, detail, log, time.monotonic() - start)]


SYSTEM_PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else "python3"
TRACE_LINE = re.compile(r"sched-trace (\d+) \d+ (\d+) (\S+) (\S+) (\S+) (\S+)")


def run_trace_test():
    """make trace's demonstration: the trace must show the three compute
    threads taking turns in a fixed order, the consumer blocked, and
    tools/trace_plot.py must draw it."""
    name = "trace-picture"
    log = os.path.join(LOGS, name + ".log")
    start = time.monotonic()
    subprocess.run([QEMU, "-machine", "pc", "-m", "128M", "-display", "none",
                    "-no-reboot", "-nic", "none", "-serial", "file:" + log,
                    "-kernel", KERNEL, "-append",
                    "test=trace-demo trace=sched panic=poweroff"],
                   capture_output=True, timeout=60)
    events = TRACE_LINE.findall(read(log))
    runs = [who for _, _, who, _, to, _ in events
            if to == "RUNNING" and who.startswith("compute-")]
    order = runs[:3]
    problem = None
    if "sched-trace-end" not in read(log) or len(events) < 50:
        problem = "no complete trace in the log"
    elif sorted(order) != ["compute-1", "compute-2", "compute-3"]:
        problem = "the compute threads did not all run: %s" % order
    elif any(runs[i] != runs[i - 3] for i in range(3, len(runs))):
        problem = "the compute threads broke the round-robin order"
    elif not any(who == "consumer" and to == "WAITING"
                 for _, _, who, _, to, _ in events):
        problem = "the consumer never blocked"
    results = [Result(name, problem is None, problem or "", log,
                      time.monotonic() - start)]
    # The picture, where matplotlib is installed.
    png = os.path.join(BUILD, "test-trace.png")
    plot = subprocess.run([SYSTEM_PYTHON, "tools/trace_plot.py", log, png],
                          cwd=ROOT, capture_output=True, text=True)
    if "matplotlib is missing" in plot.stderr:
        results.append(Result(name + "/plot", True, "matplotlib is not installed",
                              skipped=True))
    else:
        ok = plot.returncode == 0 and os.path.getsize(png) > 10000
        results.append(Result(name + "/plot", ok,
                              "" if ok else plot.stderr.strip(), log))
    return results


class SerialSession:
    """QEMU with the serial port on a pipe: type, and wait for output."""

    def __init__(self, log, qemu_args, machine="pc", stderr=None):
        self.log = log
        self.out = b""
        self.proc = subprocess.Popen(
            [QEMU, "-machine", machine, "-m", "128M", "-display", "none",
             "-no-reboot", "-nic", "none", "-serial", "stdio"] + qemu_args,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr)
        os.set_blocking(self.proc.stdout.fileno(), False)

    def expect(self, pattern, timeout=20):
        """Wait until PATTERN (bytes regex) appears after what was
        consumed; True if it did."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.out += (self.proc.stdout.read() or b"").replace(b"\r", b"")
            m = re.search(pattern, self.out[self.seen:], re.S)
            if m:
                self.seen += m.end()
                return True
            if self.proc.poll() is not None:
                self.out += (self.proc.stdout.read() or b"").replace(b"\r", b"")
                return bool(re.search(pattern, self.out[self.seen:], re.S))
            time.sleep(0.05)
        return False

    seen = 0

    def send(self, text):
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def close(self):
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.out += self.proc.stdout.read() or b""
        text = self.out.decode(errors="replace").replace("\r", "")
        with open(self.log, "w") as f:
            f.write(text)
        return text


def run_shell_test():
    """make run's experience: boot to the shell, use the tools, list the
    tasks with Ctrl-P, power off from the shell."""
    name = "shell-session"
    log = os.path.join(LOGS, name + ".log")
    start = time.monotonic()
    s = SerialSession(log, ["-kernel", KERNEL, "-initrd", INITRAMFS])
    steps = [
        (None, rb"init: Sprout \S+, starting /bin/sh"),
        (None, rb"\$ "),
        ("echo hello, world\n", rb"hello, world\n.*\$ "),
        ("ls /bin\n", rb"cat\s+echo\s+false\s+fault\s+kill\s+ls\s+motd\s+poweroff\s+ps\s+pstree\s+sh\s+sleep\s+true\s+uname.*\$ "),
        ("cat /etc/motd\n", rb"Welcome to Sprout.*\$ "),
        ("motd\n", rb"Welcome to Sprout.*\$ "),
        ("uname -sr\n", rb"Sprout \d+\.\d+\.\d+.*\$ "),
        # ps and pstree read /proc: init, the shell, and themselves.
        ("ps\n", rb"PID +PPID +PGID STAT NLWP +TIME COMMAND\n"
                 rb" +1 +0 +\d+ S\S* +1 +\d+:\d\d\.\d\d /sbin/init\n"
                 rb" +(\d+) +1 +\d+ S\S* +1 +[\d:.]+ sh\n"
                 rb" +\d+ +\1 +\d+ R\S* +1 +[\d:.]+ ps\n.*\$ "),
        # From a pipeline: both its processes, ps running, cat waiting
        # for the pipe (or ready, if it has not run yet: then it may
        # not have exec'd either, and is still a copy of sh).
        ("ps | cat\n", rb" +(\d+) +1 +\d+ S\S* +1 +[\d:.]+ sh\n"
                        rb" +\d+ +\1 +\d+ R\S* +1 +[\d:.]+ ps\n"
                        rb" +\d+ +\1 +\d+ [RS]\S* +1 +[\d:.]+ (cat|sh)\n.*\$ "),
        ("pstree\n", rb"init\(1\)---sh\(\d+\)---pstree\(\d+\)\n.*\$ "),
        ("nosuch\n", rb"nosuch: command not found.*\$ "),
        ("echo status $?\n", rb"status 127.*\$ "),
        ("sleep 1 &\n", rb"\[\d+\].*\$ "),
        ("\x10", rb"\s1 init\s+WAITING.*\s0 idle\s"),
        ("wait\n", rb"Done.*\$ "),
        ("echo a b | cat | cat\n", rb"\na b\n.*\$ "),
        # Ctrl-C: SIGINT to the foreground group ends the pipeline (once
        # Ctrl-P shows that it runs); the shell ignores it.
        ("sleep 100 | cat\n", None),
        (("\x10", 10), rb"\d+ sleep\s+WAITING"),
        ("\x03", rb"\^C.*\$ "),
        ("echo status $?\n", rb"status 130.*\$ "),
        # Ctrl-Z stops it (SIGTSTP), jobs lists it, fg continues it,
        # and Ctrl-C then ends it.
        ("sleep 100\n", None),
        (("\x10", 10), rb"\d+ sleep\s+WAITING"),
        ("\x1a", rb"\[\d+\] Stopped  sleep 100\n.*\$ "),
        ("jobs\n", rb"Stopped  sleep 100\n.*\$ "),
        ("fg\n", rb"fg\nsleep 100\n"),
        ("\x03", rb"\^C.*\$ "),
        ("echo status $?\n", rb"status 130.*\$ "),
        # Job control: a background job that reads the terminal stops
        # (SIGTTIN), which the shell says at its next prompt; fg gives
        # it the terminal and continues it, and it reads the line.
        ("cat &\n", rb"\[\d+\] \d+\n.*\$ "),
        (("\n", 10), rb"\[\d+\] Stopped \(tty input\)  cat\n.*\$ "),
        ("fg\n", rb"fg\ncat\n"),
        ("typed for cat\n", rb"typed for cat\ntyped for cat\n"),
        ("\x04", rb"\$ "),
        # ^C reaches only the job in front: a job that bg continued in
        # the background goes on running.
        ("sleep 100\n", None),
        (("\x10", 10), rb"\d+ sleep\s+WAITING"),
        ("\x1a", rb"\[\d+\] Stopped  sleep 100\n.*\$ "),
        ("bg\n", rb"\[\d+\] sleep 100 &\n.*\$ "),
        ("\x03", rb"\^C\n"),
        ("jobs\n", rb"\[\d+\] \d+  Running  sleep 100\n.*\$ "),
        ("fg\n", rb"fg\nsleep 100\n"),
        ("\x03", rb"\^C.*\$ "),
        ("echo status $?\n", rb"status 130.*\$ "),
        # The tree is writable: redirections make, empty and append to
        # files in /tmp.
        ("echo hi > /tmp/f\n", rb"\$ "),
        ("echo there >> /tmp/f\n", rb"\$ "),
        ("cat /tmp/f\n", rb"\nhi\nthere\n.*\$ "),
        ("echo again > /tmp/f\n", rb"\$ "),
        ("cat /tmp/f\n", rb"\nagain\n\$ "),
        ("fault null\n", rb"Segmentation fault.*\$ "),
        ("echo status $?\n", rb"status 139.*\$ "),
        ("fault ud2\n", rb"Illegal instruction.*\$ "),
        # A job left stopped when the shell exits: the kernel hangs it
        # up (its group is orphaned then), and the next shell's ps
        # shows no sleep (typed again until init has reaped it).
        ("sleep 100\n", None),
        (("\x10", 10), rb"\d+ sleep\s+WAITING"),
        ("\x1a", rb"\[\d+\] Stopped  sleep 100\n.*\$ "),
        ("exit 3\n", rb"init: /bin/sh exited with status 3.*starting a new /bin/sh.*\$ "),
        (("ps\n", 5), rb"COMMAND\n(?:(?![^\n]*sleep)[^\n]*\n)*\$ "),
        ("poweroff\n", rb"power: off"),
    ]
    problem = None
    for typed, pattern in steps:
        # (text, n): type it up to n times, a second apart, until the
        # pattern comes (for what the shell starts in the background).
        text, tries = typed if isinstance(typed, tuple) else (typed, 1)
        for _ in range(tries):
            if text:
                s.send(text)
            if not pattern or s.expect(pattern, timeout=20 if tries == 1 else 1):
                break
        else:
            problem = "after typing %r, never saw %r" % (text, pattern.decode())
            break
    s.close()
    return [Result(name, problem is None, problem or "", log,
                   time.monotonic() - start)]


# The boot matrix: the ISO that users write to a USB stick, booted the
# way a PC boots it (firmware, then GRUB's menu, then Sprout), on both of
# QEMU's chipsets, both firmwares and CPUs of three generations and both
# vendors. Each cell must reach the shell over serial, see its own CPU in
# /proc/cpuinfo and power off.
MATRIX_MACHINES = ["pc", "q35"]
MATRIX_FIRMWARES = ["seabios", "ovmf"]
MATRIX_CPUS = {  # -cpu model: what /proc/cpuinfo must call it
    "qemu64": rb"model name\s*: QEMU Virtual CPU",
    "Haswell": rb"vendor_id\s*: GenuineIntel.*model name\s*: Intel Core Processor \(Haswell",
    "EPYC": rb"vendor_id\s*: AuthenticAMD.*model name\s*: AMD EPYC Processor",
}


def matrix_cells():
    cells = [(m, f, c, "cdrom") for m in MATRIX_MACHINES
             for f in MATRIX_FIRMWARES for c in MATRIX_CPUS]
    # The same image as a USB stick on an xHCI controller, as on a PC.
    return cells + [("q35", f, "qemu64", "usb") for f in MATRIX_FIRMWARES]


def matrix_cell_name(machine, firmware, cpu, media):
    return "matrix-%s-%s-%s%s" % (machine, firmware, cpu.lower(),
                                  "-usb-stick" if media == "usb" else "")


def run_matrix_cell(machine, firmware, cpu, media):
    name = matrix_cell_name(machine, firmware, cpu, media)
    log = os.path.join(LOGS, name + ".log")
    for path in [ISO] + ([OVMF] if firmware == "ovmf" else []):
        if not os.path.exists(path):
            return [Result(name, False, "missing " + path, log)]
    start = time.monotonic()
    args = ["-cpu", cpu]
    if media == "usb":  # snapshot: writes stay in QEMU, the ISO is kept
        args += ["-device", "qemu-xhci", "-drive",
                 "if=none,id=stick,format=raw,snapshot=on,file=" + ISO,
                 "-device", "usb-storage,drive=stick"]
    else:
        args += ["-cdrom", ISO]
    if firmware == "ovmf":
        args += ["-bios", OVMF]  # stateless: no NVRAM left over between runs
    # QEMU warns on stderr about CPU features TCG cannot emulate (a
    # Haswell's TSX, say): expected, and kept out of the test report.
    with open(os.path.join(LOGS, name + ".qemu.log"), "w") as qemu_log:
        s = SerialSession(log, args, machine=machine, stderr=qemu_log)
    steps = [
        # GRUB's menu, drawn on serial too (grub.cfg): Enter boots the
        # default entry without waiting for the timeout.
        (None, rb"Sprout: self-test"),
        ("\r", BANNER.pattern.encode()),
        (None, rb"via Multiboot2"),
        (None, rb"init: Sprout \S+, starting /bin/sh"),
        (None, rb"\$ "),
        ("cat /proc/cpuinfo\n", MATRIX_CPUS[cpu] + rb".*\$ "),
        ("poweroff\n", rb"power: off"),
    ]
    problem = None
    timeout = 120 if firmware == "ovmf" else 60
    for typed, pattern in steps:
        if typed:
            s.send(typed)
        if not s.expect(pattern, timeout=timeout):
            problem = "never saw %r" % pattern.decode()
            if typed:
                problem = "after typing %r, %s" % (typed, problem)
            break
    s.close()
    if problem is None and s.proc.returncode != 0:
        problem = "QEMU exited with %d" % s.proc.returncode
    return [Result(name, problem is None, problem or "", log,
                   time.monotonic() - start)]


def run_trace_proc_test():
    """With trace=sched, /proc/sched_trace shows the newest scheduler
    events from user space: here, the shell waiting for the cat that
    reads it."""
    name = "trace-in-proc"
    log = os.path.join(LOGS, name + ".log")
    start = time.monotonic()
    s = SerialSession(log, ["-kernel", KERNEL, "-initrd", INITRAMFS,
                            "-append", "trace=sched"])
    problem = None
    if not s.expect(rb"\$ "):
        problem = "the shell prompt never came"
    else:
        s.send("cat /proc/sched_trace\n")
        if not s.expect(rb"# \d+ events recorded, \d+ shown\n"
                        rb"(\d+ 0 \d+ \S+ [A-Z]+ [A-Z]+ \S+\n)*"
                        rb"\d+ 0 \d+ sh RUNNING WAITING wait4\n"
                        rb"(\d+ 0 \d+ \S+ [A-Z]+ [A-Z]+ \S+\n)*\$ "):
            problem = "no trace lines ending with the shell waiting for cat"
        s.send("poweroff\n")
        s.expect(rb"power: off")
    s.close()
    return [Result(name, problem is None, problem or "", log,
                   time.monotonic() - start)]


def run_keyboard_test():
    """Typing on the PS/2 keyboard (QEMU's monitor presses the keys)
    reaches the shell like serial input does."""
    name = "keyboard-input"
    log = os.path.join(LOGS, name + ".log")
    start = time.monotonic()
    if os.path.exists(log):
        os.remove(log)
    qemu = MonitoredQemu(name, "file:" + log, ["-machine", "pc", "-kernel",
                                               KERNEL, "-initrd", INITRAMFS])
    problem = None
    try:
        if not wait_for_lines(log, [re.compile(r"\$ $", re.M)], 30):
            problem = "the shell prompt never came"
        else:
            mon = Monitor(qemu.sock)
            keys = ("e c h o spc shift-k e y s spc t y p e d shift-1 ret "
                    "p o w e r o f f ret").split()
            for key in keys:
                mon.command("sendkey " + key)
                time.sleep(0.03)
            qemu.proc.wait(timeout=30)
            mon.close()
            if first_missing(read(log), ["echo Keys typed!", "Keys typed!",
                                         "power: off"]) is not None:
                problem = "the typed command did not run"
    except (OSError, subprocess.TimeoutExpired) as e:
        problem = "monitor: %s" % e
    finally:
        qemu.stop()
    return [Result(name, problem is None, problem or "", log,
                   time.monotonic() - start)]


# The screen tests: the ISO each boots, and the mode GRUB must leave.
# OVMF's GRUB picks 800x600 at 24 bits a pixel by itself; the second ISO
# asks for 1024x768 at 32 (gfxpayload in grub.cfg).
SCREEN_TESTS = {
    "screen-uefi": ("sprout-screen.iso", 800, 600),
    "screen-uefi-32bpp": ("sprout-screen-32bpp.iso", 1024, 768),
}


def run_screen_test(name):
    """Under UEFI the framebuffer console is the only screen: boot the
    ISO's quiet entry under OVMF to the shell, take QEMU's screendump,
    save it as build/NAME.png, and find in it the kernel's banner,
    init's first line (through the tty) and the prompt, drawn pixel for
    pixel with the kernel's own font in light grey on black, the prompt
    followed by the cursor."""
    iso_name, want_width, want_height = SCREEN_TESTS[name]
    log = os.path.join(LOGS, name + ".log")
    iso = os.path.join(BUILD, iso_name)
    png = os.path.join(BUILD, name + ".png")
    ppm = os.path.join(LOGS, name + ".ppm")
    for path in (iso, OVMF, os.path.join(BUILD, "font.c")):
        if not os.path.exists(path):
            return [Result(name, False, "missing " + path, log)]
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    import psf2c
    font = psf2c.load(psf2c.source_path(os.path.join(BUILD, "font.c")))
    for path in (log, ppm):
        if os.path.exists(path):
            os.remove(path)
    start = time.monotonic()
    qemu = MonitoredQemu(name, "file:" + log, ["-machine", "q35", "-bios",
                                               OVMF, "-cdrom", iso])
    problem = None
    try:
        if not wait_for_lines(log, [BANNER, "init: Sprout",
                                    re.compile(r"\$ $", re.M)], 60):
            problem = "the shell prompt never came on serial"
        else:
            banner = BANNER.search(read(log)).group(0)
            init_line = re.search(r"init: Sprout \S+, starting /bin/sh",
                                  read(log)).group(0)
            mon = Monitor(qemu.sock)
            grey, black = (0xaa, 0xaa, 0xaa), (0, 0, 0)
            wanted = [(banner, screen_text(font, banner, grey, black)),
                      (init_line, screen_text(font, init_line, grey, black)),
                      ("$ and the cursor",
                       screen_text(font, "$ ", grey, black, cursor=True))]
            # The prompt reaches the serial port a moment before the
            # screen: look again, a few times, before giving up.
            for attempt in range(5):
                mon.command("screendump " + ppm)
                width, height, pixels = ppm_read(ppm)
                missing = [what for what, text in wanted
                           if not screen_find(pixels, width, height, text)]
                if not missing:
                    break
                time.sleep(1)
            png_write(png, width, height, pixels)
            if (width, height) != (want_width, want_height):
                problem = "the screen is %dx%d, not %dx%d" % (
                    width, height, want_width, want_height)
            elif missing:
                problem = "not on the screen (see %s): %s" % (
                    os.path.relpath(png, ROOT), ", ".join(missing))
            mon.quit()
    except (OSError, ValueError) as e:
        problem = "monitor or screendump: %s" % e
    finally:
        qemu.stop()
    return [Result(name, problem is None, problem or "", log,
                   time.monotonic() - start)]


def ppm_read(path):
    """A binary PPM (P6, 8 bits a channel), as QEMU's screendump writes
    it: width, height and the RGB bytes, row after row."""
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ValueError("%s is not an 8-bit P6 PPM" % path)
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[pos + 1:pos + 1 + width * height * 3]


def png_write(path, width, height, rgb):
    """RGB bytes as a PNG: a signature and three chunks, the pixels
    deflated row by row, each row after filter byte 0 (none)."""
    import struct
    import zlib

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body)))
    stride = width * 3
    raw = b"".join(b"\0" + rgb[y * stride:(y + 1) * stride]
                   for y in range(height))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" +
                chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def screen_text(font, text, fg, bg, cursor=False):
    """How the console draws TEXT: one RGB byte string per pixel row,
    each character a glyph of font.latin1_glyphs(); with CURSOR, one
    more cell, blank and inverted, as the cursor after the text."""
    glyphs = font.latin1_glyphs()
    cells = [(glyphs[ord(c)], fg, bg) for c in text]
    if cursor:
        cells.append((glyphs[ord(" ")], bg, fg))
    rows = []
    for y in range(font.height):
        row = bytearray()
        for glyph, on, off in cells:
            bits = glyph[y * font.row_bytes:(y + 1) * font.row_bytes]
            for x in range(font.width):
                row += bytes(on if bits[x // 8] >> (7 - x % 8) & 1 else off)
        rows.append(bytes(row))
    return rows


def screen_find(pixels, width, height, rows):
    """Whether ROWS (from screen_text) appear exactly, anywhere. Each
    place where their busiest row matches is a candidate; the others
    must match too."""
    stride = width * 3
    k = max(range(len(rows)), key=lambda i: len(set(rows[i])))
    for y in range(k, height - len(rows) + k + 1):
        line = pixels[y * stride:(y + 1) * stride]
        x = line.find(rows[k])
        while x >= 0:
            top = (y - k) * stride + x
            if x % 3 == 0 and all(
                    pixels[top + i * stride:top + i * stride + len(r)] == r
                    for i, r in enumerate(rows)):
                return True
            x = line.find(rows[k], x + 1)
    return False


class Monitor:
    """QEMU's human monitor on a Unix socket: commands and their output."""

    def __init__(self, sock, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX)
                self.s.connect(sock)
                break
            except OSError:
                self.s.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.s.settimeout(10)
        self.command(None)

    def command(self, line):
        """Send LINE (or nothing) and return what it printed before the
        next prompt."""
        if line is not None:
            self.s.sendall((line + "\n").encode())
        out = b""
        while not out.endswith(b"(qemu) "):
            chunk = self.s.recv(65536)
            if not chunk:
                break
            out += chunk
        text = out.decode(errors="replace").replace("\r", "")
        # The monitor echoes the command with cursor escapes: drop the
        # echo, keep the output lines.
        return text.split("\n", 1)[1] if "\n" in text else ""

    def quit(self):
        """End QEMU: it closes the socket without another prompt."""
        try:
            self.s.sendall(b"quit\n")
            self.s.recv(65536)
        except OSError:
            pass
        self.s.close()

    def close(self):
        self.s.close()


class MonitoredQemu:
    """QEMU, headless and without a network, with its monitor on a Unix
    socket named after the test (two tests at once must not share one);
    what QEMU itself prints goes to build/test-logs/NAME.qemu.log."""

    def __init__(self, name, serial, args):
        self.sock = os.path.join(BUILD, "test-monitor-%s-%d.sock" %
                                 (name, os.getpid()))
        if os.path.exists(self.sock):
            os.remove(self.sock)
        with open(os.path.join(LOGS, name + ".qemu.log"), "w") as out:
            self.proc = subprocess.Popen(
                [QEMU, "-m", "128M", "-display", "none", "-no-reboot",
                 "-nic", "none", "-serial", serial, "-monitor",
                 "unix:%s,server,nowait" % self.sock] + args,
                stdout=out, stderr=subprocess.STDOUT)

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        if os.path.exists(self.sock):
            os.remove(self.sock)


def vga_text(mon):
    """The 80x25 VGA text screen, read from guest memory at 0xb8000 (each
    cell: the character byte, then its colour byte), as 25 lines."""
    out = mon.command("xp /2000hx 0xb8000")
    cells = [int(w, 16) for w in re.findall(r"0x([0-9a-f]{4})\b", out)]
    chars = "".join(chr(c & 0xff) if 32 <= (c & 0xff) < 127 else " "
                    for c in cells[:2000])
    return [chars[i:i + 80].rstrip() for i in range(0, len(chars), 80)]


def run_no_serial_test():
    """A PC without a serial port: COM1 fails its loopback test, so the
    kernel writes to the VGA screen only and takes keys from the PS/2
    keyboard. Read the screen from guest memory, type with Caps Lock,
    Shift and Control, and power off."""
    name = "no-serial-port"
    log = os.path.join(LOGS, name + ".log")
    start = time.monotonic()
    qemu = MonitoredQemu(name, "none", [
        "-machine", "pc", "-kernel", KERNEL, "-initrd", INITRAMFS,
        # Warnings only, so the one about COM1 is still on the screen
        # when the shell starts.
        "-append", "loglevel=4"])
    screens = []
    problem = None

    def wait_screen(test, what, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            lines = vga_text(mon)
            screens.append("\n".join(lines))
            if test(lines):
                return None
            time.sleep(0.3)
        return "the screen never showed %s" % what

    def prompt_last(lines):
        text = [l for l in lines if l]
        return bool(text) and text[-1] == "$"

    def type_keys(keys):
        for key in keys.split():
            mon.command("sendkey " + key)
            time.sleep(0.03)

    try:
        mon = Monitor(qemu.sock)
        problem = wait_screen(
            lambda l: any("no serial port: COM1 failed its loopback test" in x
                          for x in l) or (prompt_last(l) and any(
                              "starting /bin/sh" in x for x in l)),
            "the shell")
        if problem is None and not any("starting /bin/sh" in "".join(x)
                                       for x in screens[-1:]):
            problem = wait_screen(prompt_last, "the shell prompt")
        if problem is None:
            # Caps Lock makes letters capitals; Shift with Caps Lock on
            # makes them small again, as on every PC.
            type_keys("e c h o spc caps_lock a b c spc shift-f caps_lock "
                      "spc d shift-e ret")
            problem = wait_screen(
                lambda l: "ABC f dE" in l and prompt_last(l), "'ABC f dE'")
        if problem is None:
            # Control-C ends a foreground program.
            type_keys("s l e e p spc 1 0 0 ret")
            time.sleep(1)
            type_keys("ctrl-c")
            problem = wait_screen(
                lambda l: any(x.endswith("^C") for x in l) and prompt_last(l),
                "^C and a new prompt")
        if problem is None:
            type_keys("e c h o spc shift-4 shift-slash ret")
            problem = wait_screen(lambda l: "130" in l and prompt_last(l),
                                  "the status 130 of the interrupted sleep")
        if problem is None:
            type_keys("p o w e r o f f ret")
            qemu.proc.wait(timeout=30)
        mon.close()
    except (OSError, subprocess.TimeoutExpired) as e:
        problem = problem or "monitor: %s" % e
    finally:
        qemu.stop()
    if problem is None and not any(
            "no serial port: COM1 failed its loopback test" in s
            for s in screens):
        problem = "the boot log on the screen never said COM1 is missing"
    with open(log, "w") as f:
        f.write(("\n" + "-" * 80 + "\n").join(screens[-3:]) + "\n")
    return [Result(name, problem is None, problem or "", log,
                   time.monotonic() - start)]


USER_TESTS_DIR = os.path.join(BUILD, "tests")
TEST_ROOT = os.path.join(BUILD, "test-root")
TEST_INITRAMFS = os.path.join(BUILD, "test-initramfs.cpio")
CASE_LINE = re.compile(r"^test (\S+): (OK|FAILED)$", re.M)


def run_on_pty(argv, env, timeout):
    """Run a program with a terminal as its stdin, stdout and stderr (the
    console tests need one); its output and exit status."""
    import pty
    import select
    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave,
                            env=env, close_fds=True)
    os.close(slave)
    out = b""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            proc.kill()
            break
        ready, _, _ = select.select([master], [], [], min(remaining, 0.5))
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the program and its children are gone
                break
            if not chunk:
                break
            out += chunk
    os.close(master)
    return out.decode(errors="replace").replace("\r", ""), proc.wait()


def run_user_tests_linux():
    """The oracle: every user test on the host's Linux. A test that fails
    here is a wrong test, not a kernel bug."""
    results = []
    env = dict(os.environ, SPROUT_ROOT=TEST_ROOT)
    for name in sorted(os.listdir(USER_TESTS_DIR)):
        if not name.startswith("t_"):
            continue
        log = os.path.join(LOGS, "linux-" + name + ".log")
        start = time.monotonic()
        out, status = run_on_pty([os.path.join(USER_TESTS_DIR, name)], env, 120)
        with open(log, "w") as f:
            f.write(out)
        cases = CASE_LINE.findall(out)
        for case, verdict in cases:
            results.append(Result("linux/" + case, verdict == "OK",
                                  "" if verdict == "OK" else "see the log", log))
        if status != 0 and all(v == "OK" for _, v in cases):
            results.append(Result("linux/" + name, False,
                                  "exited with %d" % status, log,
                                  time.monotonic() - start))
    return results


def run_user_tests_sprout(linux_cases):
    """All user tests in one Sprout boot, /tests/runner as init; every
    case that ran on Linux must run and pass here too."""
    name = "sprout-user-tests"
    log = os.path.join(LOGS, name + ".log")
    start = time.monotonic()
    test = BootTest(name, ["-machine", "pc", "-m", "256M", "-kernel", KERNEL,
                           "-initrd", TEST_INITRAMFS, "-append",
                           "init=/tests/runner panic=poweroff"],
                    [re.compile(r"runner: \d+ programs, 0 failed"),
                     "power: off"], timeout=600, needs=[TEST_INITRAMFS])
    boot = test.run()[0]
    text = read(log)
    cases = dict(CASE_LINE.findall(text))
    results = [Result(name, boot.ok, boot.detail, log,
                      time.monotonic() - start)]
    for case in sorted(set(cases) | set(linux_cases)):
        verdict = cases.get(case)
        results.append(Result("sprout/" + case, verdict == "OK",
                              {"OK": "", "FAILED": "see the log",
                               None: "never ran in Sprout"}[verdict], log))
    return results


FUZZ_SECONDS = 10


def run_fuzz_test():
    """The cpio and ELF parsers under libFuzzer, for a short fixed time
    each (tests/fuzz/run.sh); any crash fails."""
    name = "fuzz-parsers"
    if not shutil.which("clang"):
        return [Result(name, True, "clang is not installed", skipped=True)]
    log = os.path.join(LOGS, name + ".log")
    start = time.monotonic()
    proc = subprocess.run(["tests/fuzz/run.sh", str(FUZZ_SECONDS)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    with open(log, "w") as f:
        f.write(proc.stdout + proc.stderr)
    return [Result(name, proc.returncode == 0,
                   "" if proc.returncode == 0 else "a crash, or no fuzzer runtime: see the log",
                   log, time.monotonic() - start)]


CLANG_FORMAT_VERSION = "14."  # the version .clang-format was written for


def run_format_check():
    """The C sources are formatted as .clang-format says (make format-check)."""
    name = "format-check"
    tool = shutil.which("clang-format")
    if not tool:
        return [Result(name, True, "clang-format is not installed", skipped=True)]
    version = subprocess.run([tool, "--version"], capture_output=True,
                             text=True).stdout
    if "version " + CLANG_FORMAT_VERSION not in version:
        # Other versions format a few constructs differently.
        return [Result(name, True, "needs clang-format %sx, found %s"
                       % (CLANG_FORMAT_VERSION, version.strip()), skipped=True)]
    proc = subprocess.run(["make", "--no-print-directory", "format-check"],
                          cwd=ROOT, capture_output=True, text=True)
    log = os.path.join(LOGS, name + ".log")
    with open(log, "w") as f:
        f.write(proc.stdout + proc.stderr)
    return [Result(name, proc.returncode == 0,
                   "" if proc.returncode == 0 else "run 'make format'", log)]


def selected(name, words):
    return not words or any(w in name for w in words)


# --- Reporting --------------------------------------------------------------

def report(result):
    if result.skipped:
        print("SKIP %s: %s" % (result.name, result.detail), flush=True)
        return
    timing = " (%.1f s)" % result.seconds if result.seconds else ""
    if result.ok:
        print("PASS %s%s" % (result.name, timing), flush=True)
        return
    print("FAIL %s%s: %s" % (result.name, timing, result.detail), flush=True)
    if result.log:
        lines = read(result.log).splitlines()[-LOG_TAIL_LINES:]
        print("     last lines of %s:" % os.path.relpath(result.log, ROOT))
        for line in lines:
            print("     | " + line)


def main():
    words = sys.argv[1:]
    os.makedirs(LOGS, exist_ok=True)
    results = []

    def take(batch):
        for r in batch:
            report(r)
            results.append(r)

    take(run_unit_tests(words))
    linux_cases = []
    if selected("user", words) or selected("linux/", words):
        linux = run_user_tests_linux()
        linux_cases = [r.name[len("linux/"):] for r in linux
                       if r.name.count("/") == 2]
        take(linux)
    if selected("format-check", words):
        take(run_format_check())

    tests = [t for t in boot_tests() if selected(t.name, words)]
    # Two QEMUs at a time: that is what two cores give.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(t.run) for t in tests]
        if selected("gdb-breaks-at-kmain", words):
            futures.append(pool.submit(run_gdb_test))
        if selected("trace-picture", words):
            futures.append(pool.submit(run_trace_test))
        if selected("user", words) or selected("sprout-user-tests", words):
            futures.append(pool.submit(run_user_tests_sprout, linux_cases))
        if selected("fuzz-parsers", words):
            futures.append(pool.submit(run_fuzz_test))
        if selected("shell-session", words):
            futures.append(pool.submit(run_shell_test))
        if selected("trace-in-proc", words):
            futures.append(pool.submit(run_trace_proc_test))
        if selected("keyboard-input", words):
            futures.append(pool.submit(run_keyboard_test))
        if selected("no-serial-port", words):
            futures.append(pool.submit(run_no_serial_test))
        for cell in matrix_cells():
            if selected(matrix_cell_name(*cell), words):
                futures.append(pool.submit(run_matrix_cell, *cell))
        for screen in SCREEN_TESTS:
            if selected(screen, words):
                futures.append(pool.submit(run_screen_test, screen))
        for future in concurrent.futures.as_completed(futures):
            take(future.result())

    passed = sum(1 for r in results if r.ok and not r.skipped)
    failed = sum(1 for r in results if not r.ok)
    skipped = sum(1 for r in results if r.skipped)
    if not results:
        print("no test matches %s" % " ".join(words))
        failed = 1
    print("%d passed, %d failed%s" % (passed, failed,
                                       ", %d skipped" % skipped if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
