#!/usr/bin/python3
"""addmlp predict --input/--output against the same job in PyTorch with numpy, side by side on one core.

Writes CSV files of pairs (full-precision doubles as Python's repr writes them, and 6 significant
digits as instruments and spreadsheets export them), trains the tutorial's model with addmlp, exports it
for PyTorch, then alternates the two tools run by run, each pinned to CPU 0 with one thread: read the
CSV, add every pair with the model, write a,b,sum as CSV. Prints a markdown table with pairs per second,
peak memory and the ratio addmlp / PyTorch, and checks that the two wrote the same sums.

  bench_data.py --addmlp PATH [--rows N] [--runs R]
"""
import argparse
import os
import struct
import random
import statistics
import subprocess
import sys
import tempfile
import time

PEER = r'''
import sys
import numpy as np
import torch
import torch.nn as nn
torch.set_num_threads(1)
model = nn.Sequential(nn.Linear(2, 1))
model.load_state_dict(torch.load(sys.argv[1]))
pairs = np.loadtxt(sys.argv[2], delimiter=",", skiprows=1, dtype=np.float64, ndmin=2)
with torch.no_grad():
    sums = model(torch.from_numpy(pairs).float()).double().numpy()
np.savetxt(sys.argv[3], np.column_stack([pairs, sums]), delimiter=",", header="a,b,sum", comments="", fmt=["%.17g", "%.17g", "%.9g"])
'''


def timed(cmd, cwd):
    """Wall seconds and peak RSS (MiB) of one run, pinned to CPU 0."""
    start = time.perf_counter()
    process = subprocess.Popen(["taskset", "-c", "0", *cmd], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"})
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        sys.exit(f"bench_data: {' '.join(cmd)} failed: {process.stderr.read().decode()}")
    return seconds, usage.ru_maxrss / 1024


def write_pairs(path, rows, digits):
    rng = random.Random(1)
    with open(path, "w") as f:
        f.write("a,b\n")
        for _ in range(rows):
            a, b = rng.random(), rng.random()
            f.write(f"{a!r},{b!r}\n" if digits is None else f"{a:.{digits}g},{b:.{digits}g}\n")


def same_sums(path_a, path_b, rows=100_000):
    with open(path_a) as a, open(path_b) as b:
        next(a), next(b)
        for _ in range(rows):
            line_a, line_b = a.readline(), b.readline()
            if not line_a:
                return True
            f32 = lambda text: struct.unpack("f", struct.pack("f", float(text)))[0]
            if f32(line_a.rsplit(",", 1)[1]) != f32(line_b.rsplit(",", 1)[1]):
                return False
    return True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--addmlp", required=True)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    # Not imported here: a child's peak RSS counts the pages it shares with this process when forked.
    torch_version = subprocess.run(["/usr/bin/python3", "-c", "import torch; print(torch.__version__)"], capture_output=True, text=True, check=True).stdout.strip()
    with tempfile.TemporaryDirectory() as work:
        subprocess.run([args.addmlp, "train", "--quiet", "--device", "cpu"], cwd=work, check=True)
        subprocess.run([args.addmlp, "export", "--output", "model.pt"], cwd=work, check=True)
        with open(os.path.join(work, "peer.py"), "w") as f:
            f.write(PEER)
        print(f"{args.rows:,} pairs, one core (taskset -c 0), median of {args.runs} alternating runs; torch {torch_version}, numpy loadtxt/savetxt")
        print()
        print("| file | addmlp (s) | addmlp pairs/s | addmlp peak RSS | PyTorch + numpy (s) | PyTorch pairs/s | PyTorch peak RSS | addmlp / PyTorch time |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for name, digits in (("full-precision doubles (repr)", None), ("6 significant digits", 6)):
            pairs = os.path.join(work, "pairs.csv")
            write_pairs(pairs, args.rows, digits)
            ours, theirs = [], []
            for _ in range(args.runs):
                ours.append(timed([args.addmlp, "predict", "--input", "pairs.csv", "--output", "ours.csv"], work))
                theirs.append(timed(["/usr/bin/python3", "peer.py", "model.pt", "pairs.csv", "theirs.csv"], work))
            if not same_sums(os.path.join(work, "ours.csv"), os.path.join(work, "theirs.csv")):
                sys.exit("bench_data: addmlp and PyTorch wrote different sums")
            t_ours = statistics.median(s for s, _ in ours)
            t_theirs = statistics.median(s for s, _ in theirs)
            rss_ours = max(m for _, m in ours)
            rss_theirs = max(m for _, m in theirs)
            print(f"| {name} | {t_ours:.2f} | {args.rows / t_ours / 1e6:.2f} M | {rss_ours:.0f} MiB | {t_theirs:.2f} | "
                  f"{args.rows / t_theirs / 1e6:.2f} M | {rss_theirs:.0f} MiB | {t_ours / t_theirs:.2f} |")


if __name__ == "__main__":
    main()
