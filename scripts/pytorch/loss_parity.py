#!/usr/bin/python3
"""The tutorial with label noise under each of addmlp's losses (--loss mse|l1|smooth_l1|huber), in addmlp and
in PyTorch (MSELoss, L1Loss, SmoothL1Loss(beta), HuberLoss(delta)), compared epoch by epoch: every loss within
the stated tolerance (parity.py) through its last epoch. Run by scripts/check-loss-parity; prints one line a
loss, and with --fixtures DIR also writes PyTorch's losses there (the tests' Fixtures/pytorch-LOSS-noise-seed42.json).

  loss_parity.py --addmlp PATH [--loss L ...] [--noise SIGMA] [--huber-delta D] [--epochs N] [--seed N] [--fixtures DIR]
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
parser.add_argument("--loss", nargs="+", choices=["mse", "l1", "smooth_l1", "huber"], default=["mse", "l1", "smooth_l1", "huber"])
parser.add_argument("--noise", type=float, default=0.1)
parser.add_argument("--huber-delta", type=float, default=0.05)
parser.add_argument("--epochs", type=int, default=parity.HORIZON)
parser.add_argument("--seed", type=int, default=42)
parser.add_argument("--fixtures")
args = parser.parse_args()

ok = True
for loss in args.loss:
    common = ["--epochs", str(args.epochs), "--seed", str(args.seed), "--loss", loss, "--huber-delta", str(args.huber_delta), "--noise", str(args.noise)]
    with tempfile.TemporaryDirectory() as work:
        subprocess.run([sys.executable, os.path.join(here, "tutorial.py"), *common, "--loss-json", "torch-loss.json"],
                       cwd=work, check=True, stdout=subprocess.DEVNULL)
        delta = ["--huber-delta", str(args.huber_delta)] if loss in ("huber", "smooth_l1") else []
        subprocess.run([args.addmlp, "train", "--quiet", "--device", "cpu", "--epochs", str(args.epochs), "--seed", str(args.seed),
                        "--loss", loss, *delta, "--noise", str(args.noise), "--model", "m.json", "--loss-curve", "curve.json"], cwd=work, check=True)
        with open(os.path.join(work, "torch-loss.json")) as f:
            theirs = json.load(f)
        with open(os.path.join(work, "curve.json")) as f:
            ours = json.load(f)["loss"]
    if args.fixtures:
        with open(os.path.join(args.fixtures, f"pytorch-{loss.replace('_', '-')}-noise-seed{args.seed}.json"), "w") as f:
            json.dump(theirs, f)
    c = parity.compare(ours, theirs)
    good = len(ours) == args.epochs and c["within"] == c["epochs"]
    ok = ok and good
    print(f"{loss:9} (noise {args.noise}, delta {args.huber_delta}, {args.epochs} epochs, seed {args.seed}, PyTorch {__import__('torch').__version__}): "
          f"{c['within']}/{c['epochs']} epochs within the tolerance ({parity.describe()}; largest: "
          + ", ".join(f"{r:.1e} through {t}" for t, r in c["largest_by_band"])
          + f"), {c['identical']} the same float32; final loss {parity.f32(ours[-1]):.4g} against PyTorch's {parity.f32(theirs[-1]):.4g}"
          + ("" if good else f"; first outside at epoch {c['first_outside']}"))
sys.exit(0 if ok else 1)
