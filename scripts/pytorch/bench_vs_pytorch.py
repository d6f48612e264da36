#!/usr/bin/python3
"""addmlp against the PyTorch tutorial, in one run, alternating the tools run by run; medians of N runs.

Run through scripts/bench-vs-pytorch, which installs PyTorch and builds addmlp first.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

import parity
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"


def run(cmd, cwd):
    """Runs cmd; returns (seconds, peak RSS in bytes, stdout). Fails loudly on a non-zero exit."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    elapsed = time.perf_counter() - start
    # communicate() has reaped the child; its rusage is in RUSAGE_CHILDREN only as a maximum over
    # all children, so peak RSS is measured by wait4 in run_rss below when it matters.
    if proc.returncode != 0:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err.decode()}")
    return elapsed, out.decode()


def run_rss(cmd, cwd):
    """Runs cmd; returns (seconds, peak RSS in bytes) of that one process (wait4)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"command failed: {' '.join(cmd)}")
    return elapsed, usage.ru_maxrss * 1024


def median(values):
    return statistics.median(values)


def loss_parity(addmlp, work):
    """Loss curves of both over the first 150 epochs, for seeds 42 and 7, against the stated tolerance (parity.py)."""
    results = {}
    for seed in (42, 7):
        model, curve, ref = (os.path.join(work, f"{name}-{seed}.json") for name in ("m", "l", "pt"))
        run([addmlp, "train", "--quiet", "--seed", str(seed), "--epochs", "150", "--model", model, "--loss-curve", curve], work)
        run([PY, os.path.join(HERE, "tutorial.py"), "--seed", str(seed), "--epochs", "150", "--loss-json", ref], work)
        results[seed] = parity.compare(json.load(open(curve))["loss"], json.load(open(ref)))
    return results


def steady_state(addmlp, work, runs, sizes, thread_counts, hidden=""):
    """One training step's time at each size and thread count: addmlp with its portable kernels (the CPU's
    default), addmlp with libtorch's native kernels, and PyTorch, the three alternating run by run."""
    rows = []
    net = ["--hidden", hidden] if hidden else []
    for threads in thread_counts:
        for n in sizes:
            portable, native, theirs, passes = [], [], [], []
            for _ in range(runs):
                for kernels, times in (("portable", portable), ("native", native)):
                    _, out = run([addmlp, "bench", "--device", "cpu", "--kernels", kernels, "--samples", str(n), "--threads", str(threads), *net, "--json"], work)
                    times.append(json.loads(out)[0]["us_per_step"])
                    if kernels == "portable":
                        passes.append(json.loads(out)[0]["steps_per_copy"])
                _, out = run([PY, os.path.join(HERE, "bench_step.py"), "--samples", str(n), "--threads", str(threads), *net], work)
                theirs.append(json.loads(out)["us_per_step"])
            rows.append({"samples": n, "threads": threads, "hidden": hidden, "addmlp_us": median(portable), "native_us": median(native),
                         "pytorch_us": median(theirs), "ratio": median(portable) / median(theirs), "native_ratio": median(native) / median(theirs),
                         "portable_cost": median(portable) / median(native), "passes": median(passes), "addmlp_runs": portable, "native_runs": native, "pytorch_runs": theirs})
            print(f"  steps{' hidden ' + hidden if hidden else ''}: {n:>8} samples, {threads} thread(s): addmlp portable {median(portable):9.1f} µs, "
                  f"native {median(native):9.1f} µs, PyTorch {median(theirs):9.1f} µs", file=sys.stderr)
    return rows


def whole_process(addmlp, work, runs):
    state_dict = os.path.join(work, "tutorial.pt")
    run([PY, os.path.join(HERE, "tutorial.py"), "--state-dict", state_dict], work)
    run([addmlp, "train", "--quiet"], work)
    tutorial = {"addmlp_s": [], "pytorch_s": [], "addmlp_rss": [], "pytorch_rss": []}
    predict = {"addmlp_s": [], "pytorch_s": []}
    for _ in range(runs):
        s, rss = run_rss([addmlp, "train"], work)
        tutorial["addmlp_s"].append(s)
        tutorial["addmlp_rss"].append(rss)
        s, rss = run_rss([PY, os.path.join(HERE, "tutorial.py")], work)
        tutorial["pytorch_s"].append(s)
        tutorial["pytorch_rss"].append(rss)
        predict["addmlp_s"].append(run_rss([addmlp, "predict", "0.3", "0.5"], work)[0])
        predict["pytorch_s"].append(run_rss([PY, os.path.join(HERE, "predict.py"), state_dict, "0.3", "0.5"], work)[0])
    return tutorial, predict


BUSY_COMMANDS = [["train", "--samples", "100000", "--epochs", "300", "--quiet"],
                 ["train", "--hidden", "16,16", "--epochs", "2000", "--lr", "0.01", "--quiet"]]


def busy_core(addmlp, work, runs):
    """Whole-process time of two training runs and one bench step at 1e5 samples, idle and beside a process
    that keeps one core busy (a Python busy loop), alternating; default thread settings throughout."""
    rows = []
    for args in BUSY_COMMANDS + [["bench", "--device", "cpu", "--samples", "1e5", "--json"]]:
        idle, busy = [], []
        for _ in range(runs):
            idle.append(measure(addmlp, args, work))
            spinner = subprocess.Popen([PY, "-c", "while True: pass"])
            try:
                time.sleep(0.3)
                busy.append(measure(addmlp, args, work))
            finally:
                spinner.kill()
                spinner.wait()
        rows.append({"command": " ".join(args[:-1] if args[-1] in ("--quiet", "--json") else args), "bench": args[0] == "bench",
                     "idle": median(idle), "busy": median(busy), "ratio": median(busy) / median(idle), "idle_runs": idle, "busy_runs": busy})
        print(f"  busy core: {rows[-1]['command']}: idle {median(idle):.4g}, busy {median(busy):.4g}", file=sys.stderr)
    return rows


def measure(addmlp, args, work):
    """Seconds for a training command; µs per step for bench."""
    seconds, out = run([addmlp, *args], work)
    return json.loads(out)[0]["us_per_step"] if args[0] == "bench" else seconds


def leak(addmlp, work, epochs=150_000, from_epoch=5001):
    """RSS at epoch 5001 and at the end of a long run at 1e3 samples (read from /proc as it runs)."""
    proc = subprocess.Popen([addmlp, "train", "--epochs", str(epochs), "--log-every", "1000", "--model", "leak.json",
                             "--loss-curve", "leak-loss.json"], cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    samples = {}
    for line in proc.stderr:
        if line.startswith("Epoch:"):
            epoch = int(line.split()[1])
            with open(f"/proc/{proc.pid}/status") as status:
                rss = next(int(l.split()[1]) * 1024 for l in status if l.startswith("VmRSS:"))
            samples[epoch] = rss
    proc.wait()
    first, last = samples[from_epoch], samples[max(samples)]
    return {"epochs": epochs, "from_epoch": from_epoch, "rss_at_from": first, "rss_at_last_log": last, "last_logged_epoch": max(samples),
            "growth": last / first - 1}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--addmlp", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", help="also write the raw numbers here")
    parser.add_argument("--quick", action="store_true", help="fewer sizes and runs: a smoke test of this script")
    args = parser.parse_args()
    runs = 2 if args.quick else args.runs
    sizes = [1_000, 100_000] if args.quick else [1_000, 10_000, 100_000, 1_000_000]
    cores = os.cpu_count()
    thread_counts = sorted({1, cores})

    with tempfile.TemporaryDirectory() as work:
        print("parity (loss curves)...", file=sys.stderr)
        agreement = loss_parity(args.addmlp, work)
        print("steady-state steps...", file=sys.stderr)
        steps = steady_state(args.addmlp, work, runs, sizes, thread_counts)
        print("steady-state steps with hidden layers...", file=sys.stderr)
        hidden_steps = [] if args.quick else (steady_state(args.addmlp, work, runs, [1_000, 10_000, 100_000], [1], "16,16")
                                              + steady_state(args.addmlp, work, runs, [1_000, 10_000], [1], "64,64"))
        print("passes over the data at 1e6 and 1e7...", file=sys.stderr)
        passes = [{"samples": n, "passes": median([json.loads(run([args.addmlp, "bench", "--device", "cpu", "--samples", str(n), "--threads", "1", "--json"], work)[1])[0]["steps_per_copy"]
                                                   for _ in range(runs)])} for n in (1_000_000, 10_000_000)]
        print("whole processes...", file=sys.stderr)
        tutorial, predict = whole_process(args.addmlp, work, runs)
        print("beside a busy core...", file=sys.stderr)
        busy = busy_core(args.addmlp, work, runs)
        print("long run (memory growth)...", file=sys.stderr)
        memory = leak(args.addmlp, work, 20_000 if args.quick else 150_000)

    import torch
    result = {
        "date": datetime.date.today().isoformat(), "machine": f"{platform.processor() or platform.machine()}, {cores} cores",
        "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown"),
        "pytorch": torch.__version__, "runs": runs, "parity": agreement, "steps": steps, "passes": passes, "hidden_steps": hidden_steps, "tutorial": tutorial, "predict": predict, "busy_core": busy, "leak": memory,
    }
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)

    m = median
    print(f"\n### addmlp / PyTorch {torch.__version__} — {result['date']}, {result['cpu']}, {cores} cores, medians of {runs} alternating runs\n")
    print("| measure | threads | addmlp | PyTorch | ratio | target |")
    print("|---|---:|---:|---:|---:|---:|")
    checks = []

    def row(measure, threads, ours, theirs, ratio, target):
        checks.append(ratio <= target)
        print(f"| {measure} | {threads} | {ours} | {theirs} | {ratio:.2f} | ≤ {target} |")

    # Dispatch-bound sizes (1e3, 1e4): a quarter of PyTorch's time; memory-bound ones (1e5, 1e6): 0.4 of it.
    for r in steps:
        row(f"µs per training step, {r['samples']:.0e} samples ({r['passes']:.1f} passes over X and y)", r["threads"], f"{r['addmlp_us']:.1f}", f"{r['pytorch_us']:.1f}", r["ratio"],
            0.25 if r["samples"] <= 10_000 else 0.4)
    for p in passes:
        checks.append(p["passes"] <= 3)
        print(f"| a training step in passes over X and y (one copy's time), {p['samples']:.0e} samples | 1 | {p['passes']:.2f} | | | ≤ 3 |")
    row("tutorial run, whole process (s)", "default", f"{m(tutorial['addmlp_s']):.3f}", f"{m(tutorial['pytorch_s']):.3f}", m(tutorial['addmlp_s']) / m(tutorial['pytorch_s']), 0.3)
    row("one prediction, whole process (s)", "default", f"{m(predict['addmlp_s']):.3f}", f"{m(predict['pytorch_s']):.3f}", m(predict['addmlp_s']) / m(predict['pytorch_s']), 0.1)
    row("tutorial run, peak RSS (MiB)", "default", f"{m(tutorial['addmlp_rss']) / 2**20:.0f}", f"{m(tutorial['pytorch_rss']) / 2**20:.0f}", m(tutorial['addmlp_rss']) / m(tutorial['pytorch_rss']), 0.7)
    print("\n| µs per training step, CPU | threads | addmlp portable (default) | addmlp native | PyTorch | portable / PyTorch | native / PyTorch | portable / native |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in steps + hidden_steps:
        shape = f"hidden {r['hidden']}, " if r["hidden"] else "Linear(2, 1), "
        print(f"| {shape}{r['samples']:.0e} samples | {r['threads']} | {r['addmlp_us']:.1f} | {r['native_us']:.1f} | {r['pytorch_us']:.1f} | "
              f"{r['ratio']:.2f} | {r['native_ratio']:.2f} | {r['portable_cost']:.2f} |")
    print("\n| addmlp beside a busy core (default threads) | idle | busy | busy / idle | target |")
    print("|---|---:|---:|---:|---:|")
    for b in busy:
        unit = "µs per step" if b["bench"] else "s"
        checks.append(b["ratio"] <= 2)
        print(f"| `addmlp {b['command']}` ({unit}) | {b['idle']:.3g} | {b['busy']:.3g} | {b['ratio']:.2f} | ≤ 2 |")
    checks.append(memory["growth"] <= 0.03)
    print(f"\n| addmlp memory over {memory['epochs']:,} epochs at 1e3 samples | RSS at epoch {memory['from_epoch']:,} | at epoch {memory['last_logged_epoch']:,} | growth | target |")
    print("|---|---:|---:|---:|---:|")
    print(f"| VmRSS (MiB) | {memory['rss_at_from'] / 2**20:.1f} | {memory['rss_at_last_log'] / 2**20:.1f} | {memory['growth'] * 100:+.1f}% | ≤ +3% |")
    same = all(a["within"] == a["epochs"] for a in agreement.values())
    print(f"\nLoss curves, first 150 epochs, against the tolerance ({parity.describe()}): "
          + "; ".join(f"seed {s}: {a['within']}/{a['epochs']} epochs within it (largest relative difference "
                      + ", ".join(f"{r:.1e} through {t}" for t, r in a["largest_by_band"]) + f"), {a['identical']}/{a['epochs']} the same float32"
                      for s, a in agreement.items())
          + (" — both tools computed the same thing." if same else " — MISMATCH."))
    print("Every row within its target." if all(checks) else f"{checks.count(False)} row(s) outside their target.")
    return 0 if same and all(checks) else 1


if __name__ == "__main__":
    sys.exit(main())
