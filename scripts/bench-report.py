#!/usr/bin/env python3
"""Turn one benchmark run (DIR/raw.log, the guest's output) into its artifacts in DIR:

  runs.csv           every measurement as the guest printed it
  results.csv        per N and method: the median of the runs that passed, and every
                     figure as a ratio to the kprobe_multi link of the same kind measured
                     in the same run (entry methods: kprobe.multi, exit methods:
                     kretprobe.multi)
  results.md         the same as markdown tables, one per N
  attach-detach.png  attach + detach time against N, one line per method (gnuplot)
  funcs-N.txt        the function set of each N

Usage: bench-report.py DIR
       bench-report.py --compare OLD_DIR NEW_DIR   (before/after: two runs' results.csv)
"""
import csv
import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

METHODS = ["fentry", "fexit", "fentry.multi", "fexit.multi", "kprobe.multi", "kretprobe.multi"]
RETURN_METHODS = {"fexit", "fexit.multi", "kretprobe.multi"}

# (column, markdown heading); attach_detach_ms and call_x are derived below.
FIGURES = [
    ("load_ms", "load ms"),
    ("attach_ms", "attach ms"),
    ("detach_ms", "detach ms"),
    ("attach_detach_ms", "attach+detach ms"),
    ("close_ms", "close() ms"),
    ("traced_ns", "ns/call"),
    ("call_x", "×untraced"),
    ("memavail_kb", "MemAvailable kB"),
    ("slab_kb", "Slab kB"),
    ("memlock_b", "memlock B"),
    ("jited_b", "jited B"),
    ("tramp_images", "trampoline images"),
]
INPUTS = ["load_ms", "attach_ms", "close_ms", "detach_ms", "enabled", "tramp_images",
          "memavail_kb", "slab_kb", "memlock_b", "jited_b", "untraced_ns", "traced_ns", "hits"]


def reference(method):
    return "kretprobe.multi" if method in RETURN_METHODS else "kprobe.multi"


def parse(raw):
    info, rows, funcs, header = {}, [], defaultdict(list), None
    for line in raw.read_text(errors="replace").splitlines():
        tag, _, rest = line.partition(" ")
        if tag in ("BENCH_KERNEL", "BENCH_CPUS", "BENCH_UPTIME", "HOST_VM_SECONDS"):
            info[tag] = rest.strip()
        elif tag == "BENCH_FUNC":
            label, _, name = rest.partition(" ")
            funcs[label].append(name)
        elif line.startswith("BENCH_HEADER,"):
            header = line.split(",")[1:]
        elif line.startswith("BENCH_ROW,"):
            fields = line.split(",")[1:]
            rows.append(dict(zip(header, fields + [""] * (len(header) - len(fields)))))
        elif tag == "BENCH_DONE":
            info["done"] = True
    return info, rows, funcs, header


def fmt(v):
    if v is None:
        return "–"
    if abs(v) >= 100 or v == int(v):
        return f"{v:,.0f}".replace(",", " ")
    return f"{v:.3g}" if abs(v) < 10 else f"{v:.1f}"


def fmt_ratio(r):
    return "" if r is None else f" ({r:.3g}×)"


def summarize(rows):
    """{(n, method): {"runs": k, "status": ..., figure: median}}

    Per-call figures are minima, not medians: other work on the host only ever adds
    time, in bursts longer than one loop. Untraced, the loop is the same in every
    measurement of the boot, so the baseline of ×untraced is the fastest of all.
    """
    groups = defaultdict(list)
    for r in rows:
        groups[(int(r["n"]), r["method"])].append(r)
    untraced = untraced_ns(rows)
    out = {}
    for key, runs in groups.items():
        ok = [r for r in runs if r["status"] == "ok"]
        failed = sorted({r["status"] for r in runs if r["status"] != "ok"})
        s = {"runs": len(ok), "status": "ok" if ok else "/".join(failed),
             "failed": len(runs) - len(ok)}
        if ok:
            for col in INPUTS:
                s[col] = statistics.median(float(r[col]) for r in ok)
            sums = [float(r["attach_ms"]) + float(r["detach_ms"]) for r in ok]
            s["attach_detach_ms"] = statistics.median(sums)
            s["traced_ns"] = min(float(r["traced_ns"]) for r in ok)
            s["untraced_ns"] = untraced
            s["call_x"] = s["traced_ns"] / untraced
        out[key] = s
    return out


def clock_check(info):
    """The figures are guest clock times: the guest's uptime at the end must match the
    host's wall time of the VM run, less boot and power-off (a few seconds)."""
    try:
        guest, host = float(info["BENCH_UPTIME"]), float(info["HOST_VM_SECONDS"])
    except (KeyError, ValueError):
        return []
    line = f"- clock: guest uptime {guest:.0f} s at the end, host wall time {host:.0f} s"
    if not host - 30 <= guest <= host + 2:
        return ["", f"**{line[2:]}: the guest clock is off, do not trust the figures.**"]
    return [line]


def untraced_ns(rows):
    return min((float(r["untraced_ns"]) for r in rows if r["untraced_ns"]
                and float(r["untraced_ns"]) > 0), default=None)


def ratio(summary, n, method, col):
    ref = summary.get((n, reference(method)), {})
    v, r = summary[(n, method)].get(col), ref.get(col)
    if v is None or not r:
        return None
    return v / r


def compare(old_dir, new_dir):
    """Attach, detach and per-call figures of two runs side by side, new/old."""
    def load(d):
        with open(Path(d) / "results.csv") as f:
            return {(int(r["n"]), r["method"]): r for r in csv.DictReader(f)}
    old, new = load(old_dir), load(new_dir)
    cols = ["load_ms", "attach_ms", "detach_ms", "traced_ns", "memavail_kb"]
    print(f"old: {old_dir}\nnew: {new_dir}\n")
    print("| N | method | " + " | ".join(f"{c} old → new" for c in cols) + " |")
    print("|---:|---|" + "---|" * len(cols))
    for key in sorted(set(old) & set(new), key=lambda k: (k[0], METHODS.index(k[1]))):
        cells = []
        for c in cols:
            o, n = old[key][c], new[key][c]
            if not o or not n:
                cells.append(f"{old[key]['status']} → {new[key]['status']}")
                continue
            o, n = float(o), float(n)
            cells.append(f"{fmt(o)} → {fmt(n)}" + (f" ({n / o:.3g}×)" if o else ""))
        print(f"| {key[0]} | {key[1]} | " + " | ".join(cells) + " |")


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--compare":
        return compare(sys.argv[2], sys.argv[3])
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = Path(sys.argv[1])
    info, rows, funcs, header = parse(out / "raw.log")
    if header is None:
        sys.exit(f"bench-report: no BENCH_HEADER in {out / 'raw.log'}: the guest did not run")

    with open(out / "runs.csv", "w", newline="") as f:
        w = csv.DictWriter(f, header)
        w.writeheader()
        w.writerows(rows)
    labels = {}
    for label, names in funcs.items():
        (out / f"funcs-{label}.txt").write_text("\n".join(names) + "\n")
        labels[len(names)] = label if label != "all" else f"all ({len(names)})"

    summary = summarize(rows)
    keys = sorted(summary, key=lambda k: (k[0], METHODS.index(k[1])))
    cols = [c for c, _ in FIGURES]
    with open(out / "results.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["n", "method", "runs", "status"] + cols + [f"{c}_x_km" for c in cols]
                   + ["untraced_ns", "enabled", "hits"])
        for n, m in keys:
            s = summary[(n, m)]
            w.writerow([n, m, s["runs"], s["status"]]
                       + [s.get(c, "") for c in cols]
                       + [("" if (x := ratio(summary, n, m, c)) is None else f"{x:.4g}")
                          for c in cols]
                       + [s.get("untraced_ns", ""), s.get("enabled", ""), s.get("hits", "")])

    md = [f"# Benchmark: {out.name}", "",
          f"- kernel: {info.get('BENCH_KERNEL', '?')}",
          f"- guest CPUs: {info.get('BENCH_CPUS', '?')} (QEMU/TCG, see scripts/vm.sh)",
          "- figures: medians of the runs that passed (\"runs\"); in parentheses the ratio "
          "to the kprobe_multi link of the same kind in this run (entry: kprobe.multi, "
          "exit: kretprobe.multi)",
          "- detach: from the first close() of a link until enabled_functions is back to "
          "where it was; memory: consumed between before load and attached",
          "- attach+detach: median of each run's sum",
          "- ns/call: getpid() in a loop, its handler traced, the fastest loop of all runs; "
          "×untraced: against the fastest untraced loop of this boot "
          f"({fmt(untraced_ns(rows))} ns)", ""]
    md[-1:-1] = clock_check(info)
    if not info.get("done"):
        md += ["**The run did not finish: the tables are partial.**", ""]
    for n in sorted({k[0] for k in keys}):
        md += [f"## N = {labels.get(n, n)}", "",
               "| method | runs | " + " | ".join(h for _, h in FIGURES) + " |",
               "|---|---:|" + "---:|" * len(FIGURES)]
        for m in [m for m in METHODS if (n, m) in summary]:
            s = summary[(n, m)]
            if not s["runs"]:
                md.append(f"| {m} | 0 | {s['status']} |" + " |" * (len(FIGURES) - 1))
                continue
            cells = [fmt(s[c]) + fmt_ratio(ratio(summary, n, m, c)) for c in cols]
            runs = str(s["runs"]) + (f" ({s['failed']} failed: {s['status']})"
                                     if s["failed"] else "")
            md.append(f"| {m} | {runs} | " + " | ".join(cells) + " |")
        md.append("")
    (out / "results.md").write_text("\n".join(md))
    print("\n".join(md))
    plot(out, summary, keys)


def plot(out, summary, keys):
    methods = [m for m in METHODS if any(k[1] == m and summary[k]["runs"] for k in keys)]
    if not methods:
        return
    data = out / "attach-detach.dat"
    with open(data, "w") as f:
        for m in methods:
            f.write(f"# {m}\n")
            for n, km in keys:
                if km == m and summary[(n, m)]["runs"]:
                    f.write(f"{n} {summary[(n, m)]['attach_detach_ms']}\n")
            f.write("\n\n")
    lines = ", ".join(f"'{data}' index {i} with linespoints title '{m}'"
                      for i, m in enumerate(methods))
    script = f"""
set terminal pngcairo size 900,600
set output '{out / "attach-detach.png"}'
set title 'attach + detach time against N ({out.name})'
set xlabel 'functions (N)'
set ylabel 'attach + detach, ms (median)'
set logscale xy
set grid
set key top left
plot {lines}
"""
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"bench-report: no plot: gnuplot: {e}", file=sys.stderr)


if __name__ == "__main__":
    main()
