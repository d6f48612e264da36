#!/usr/bin/python3
"""A scheduled tutorial run in addmlp and in PyTorch, compared epoch by epoch: the learning rates must be
the same doubles and the losses the same float32 values. Run by scripts/check-schedule-parity.

  schedule_parity.py --addmlp PATH [--schedule cosine|onecycle] [--epochs N] [--seed N]
"""
import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser()
parser.add_argument("--addmlp", required=True)
parser.add_argument("--schedule", choices=["cosine", "onecycle"], default="cosine")
parser.add_argument("--epochs", type=int, default=500)
parser.add_argument("--seed", type=int, default=42)
args = parser.parse_args()


def f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


with tempfile.TemporaryDirectory() as work:
    subprocess.run([sys.executable, os.path.join(here, "tutorial.py"), "--schedule", args.schedule, "--epochs", str(args.epochs),
                    "--seed", str(args.seed), "--loss-json", "torch-loss.json", "--lr-json", "torch-lr.json"],
                   cwd=work, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([args.addmlp, "train", "--quiet", "--device", "cpu", "--lr-schedule", args.schedule, "--epochs", str(args.epochs),
                    "--seed", str(args.seed), "--model", "m.json", "--loss-curve", "curve.json"], cwd=work, check=True)
    with open(os.path.join(work, "torch-loss.json")) as f:
        torch_loss = json.load(f)
    with open(os.path.join(work, "torch-lr.json")) as f:
        torch_lr = json.load(f)
    with open(os.path.join(work, "curve.json")) as f:
        curve = json.load(f)

ours_loss, ours_lr = curve["loss"], curve["lr"]
same_loss = sum(f32(a) == f32(b) for a, b in zip(ours_loss, torch_loss))
same_lr = sum(a == b for a, b in zip(ours_lr, torch_lr))
n = args.epochs
print(f"{args.schedule} schedule, {n} epochs, seed {args.seed}: learning rates {same_lr}/{n} the same double, "
      f"losses {same_loss}/{n} the same float32 (PyTorch {__import__('torch').__version__})")
ok = len(ours_loss) == n and len(ours_lr) == n and same_lr == n and same_loss == n
if not ok:
    first = next((i for i in range(min(len(ours_loss), len(torch_loss))) if f32(ours_loss[i]) != f32(torch_loss[i])), None)
    print(f"first differing loss at epoch {None if first is None else first + 1}", file=sys.stderr)
sys.exit(0 if ok else 1)
