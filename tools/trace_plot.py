#!/usr/bin/env python3
"""Draw a Sprout scheduler trace as a timeline picture.

    tools/trace_plot.py SERIAL_LOG OUT.png [OUT.svg]

Reads the lines a kernel booted with trace=sched writes at power off
(sched/trace.h documents them):

    sched-trace NS CPU TID NAME FROM TO WHY

and draws one row per task over time, each stretch coloured by the state
the task was in: running, ready (waiting for the CPU), waiting (blocked)
or zombie. The idle task is the bottom row. make trace runs this on the
log of a demonstration boot.

Needs matplotlib (Debian: python3-matplotlib).
"""
import re
import sys

LINE = re.compile(r"sched-trace (\d+) (\d+) (-?\d+) (\S+) (\S+) (\S+) (\S+)")
SLICE = re.compile(r"sched: (\S+), slice (\d+) ms")
COLOURS = {
    "RUNNING": "#2e7d32",  # green: on the CPU
    "READY": "#f9a825",    # amber: could run, waiting its turn
    "WAITING": "#64b5f6",  # blue: blocked on an event
    "ZOMBIE": "#c62828",   # red: finished, not yet reaped
    "IDLE": "#e0e0e0",     # grey: the idle task, not needed
}
LEGEND = [
    ("RUNNING", "running"),
    ("READY", "ready (waiting for the CPU)"),
    ("WAITING", "waiting (blocked)"),
    ("ZOMBIE", "zombie (exited, not reaped)"),
    ("IDLE", "idle task, not needed"),
]


def parse(path):
    """Events as (ns, tid, name, to_state), and the policy line if any."""
    events, policy = [], None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = LINE.search(line)
            if m:
                ns, _cpu, tid, name, _from, to, _why = m.groups()
                events.append((int(ns), int(tid), name, to))
                continue
            m = SLICE.search(line)
            if m:
                policy = "%s, %s ms slice" % (m.group(1), m.group(2))
    return events, policy


def stretches(events):
    """For each task: its name and a list of (start_ns, end_ns, state)."""
    end_of_trace = max(ns for ns, _, _, _ in events)
    tasks = {}
    for ns, tid, name, state in sorted(events, key=lambda e: e[0]):
        task = tasks.setdefault(tid, {"name": name, "spans": [], "open": None})
        if task["open"]:
            start, prev = task["open"]
            task["spans"].append((start, ns, prev))
        task["open"] = None if state == "GONE" else (ns, state)
    for task in tasks.values():
        if task["open"]:
            start, state = task["open"]
            task["spans"].append((start, end_of_trace, state))
    # The idle task (tid 0) is READY whenever another task runs: that is
    # not waiting for the CPU, it is not being needed.
    if 0 in tasks:
        tasks[0]["spans"] = [(s, e, "IDLE" if st == "READY" else st)
                             for s, e, st in tasks[0]["spans"]]
    return tasks


def draw(tasks, policy, outputs):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.patches import Patch
    except ImportError:
        sys.exit("trace_plot: matplotlib is missing (Debian: apt-get install python3-matplotlib)")

    t0 = min(s for t in tasks.values() for s, _, _ in t["spans"])
    tids = sorted(tasks)  # idle (tid 0) first: the bottom row
    fig, ax = plt.subplots(figsize=(12, 1.0 + 0.45 * len(tids)))
    for row, tid in enumerate(tids):
        for state in COLOURS:
            bars = [((s - t0) / 1e6, (e - s) / 1e6)
                    for s, e, st in tasks[tid]["spans"] if st == state]
            if bars:
                ax.broken_barh(bars, (row - 0.35, 0.7),
                               facecolors=COLOURS[state], linewidth=0)
    ax.set_yticks(range(len(tids)))
    ax.set_yticklabels(["%d %s" % (tid, tasks[tid]["name"]) for tid in tids])
    ax.set_ylim(-0.6, len(tids) - 0.4)
    ax.set_xlabel("time since the first event (ms)")
    ax.set_title("Sprout scheduler trace" + (" (%s)" % policy if policy else ""))
    ax.grid(axis="x", linestyle=":", linewidth=0.5)
    ax.legend(handles=[Patch(color=COLOURS[s], label=label) for s, label in LEGEND],
              loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.3 / len(tids)),
              ncol=5, frameon=False, fontsize="small")
    fig.tight_layout()
    for out in outputs:
        fig.savefig(out, dpi=110)


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: tools/trace_plot.py SERIAL_LOG OUT.png [OUT.svg]")
    events, policy = parse(sys.argv[1])
    if not events:
        sys.exit("trace_plot: no sched-trace lines in %s (boot with trace=sched)"
                 % sys.argv[1])
    tasks = stretches(events)
    draw(tasks, policy, sys.argv[2:])
    print("trace_plot: %d events, %d tasks -> %s" % (len(events), len(tasks),
                                                     ", ".join(sys.argv[2:])))


if __name__ == "__main__":
    main()
