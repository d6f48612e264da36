#!/usr/bin/python3
"""A scheduled tutorial run in addmlp and in PyTorch, compared epoch by epoch: the learning rates must be
the same doubles, and the losses within the stated tolerance (parity.py) through its last epoch; after
that only the final losses are compared (within 1e-3 of each other, or both below 1e-12, where float32
weights stop resolving the loss). Run by scripts/check-schedule-parity.

  schedule_parity.py --addmlp PATH [--schedule cosine|onecycle] [--epochs N] [--seed N]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import parity

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser()
parser.add_argument("--addmlp", required=True)
parser.add_argument("--schedule", choices=["cosine", "onecycle"], default="cosine")
parser.add_argument("--epochs", type=int, default=500)
parser.add_argument("--seed", type=int, default=42)
args = parser.parse_args()

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
n = args.epochs
same_lr = sum(a == b for a, b in zip(ours_lr, torch_lr))
c = parity.compare(ours_loss, torch_loss)
final_ours, final_theirs = parity.f32(ours_loss[-1]), parity.f32(torch_loss[-1])
final_ok = abs(final_ours - final_theirs) <= 1e-3 * abs(final_theirs) or max(final_ours, final_theirs) < 1e-12
print(f"{args.schedule} schedule, {n} epochs, seed {args.seed} (PyTorch {__import__('torch').__version__}): "
      f"learning rates {same_lr}/{n} the same double; losses through epoch {c['epochs']} {c['within']}/{c['epochs']} within "
      f"the tolerance ({parity.describe()}; largest: "
      + ", ".join(f"{r:.1e} through {t}" for t, r in c["largest_by_band"])
      + f"), {c['identical']} the same float32; final loss {final_ours:.4g} against PyTorch's {final_theirs:.4g}")
ok = len(ours_loss) == n and len(ours_lr) == n and same_lr == n and c["within"] == c["epochs"] and final_ok
if not ok:
    print(f"first loss outside the tolerance at epoch {c['first_outside']}; final losses agree: {final_ok}", file=sys.stderr)
sys.exit(0 if ok else 1)
