#!/usr/bin/python3
"""Steady-state time of one full-batch training step (the tutorial's: zero_grad, forward, MSE,
backward, Adam step) at a given sample count, measured as addmlp bench measures it.

  bench_step.py --samples N --threads T [--seconds S] [--device cpu|cuda] [--hidden W1,W2,...]
With --hidden, the network addmlp builds for it: Linear layers of those widths with ReLU between.
Prints one JSON object: samples, device, threads, steps, us_per_step. On CUDA the data is made on the
CPU and moved, as addmlp does, and the timed runs synchronise once at each end, never per step.
"""
import argparse
import json
import time

import torch
import torch.nn as nn

parser = argparse.ArgumentParser()
parser.add_argument("--samples", type=int, required=True)
parser.add_argument("--threads", type=int, required=True)
parser.add_argument("--seconds", type=float, default=0.5)
parser.add_argument("--device", default="cpu")
parser.add_argument("--hidden", default="")
args = parser.parse_args()
torch.set_num_threads(args.threads)
device = torch.device(args.device)

torch.manual_seed(42)
X = torch.rand(args.samples, 2)
y = X.sum(dim=1, keepdim=True)
widths = [2] + [int(w) for w in args.hidden.split(",") if w] + [1]
layers = []
for i in range(len(widths) - 1):
    if i > 0:
        layers.append(nn.ReLU())
    layers.append(nn.Linear(widths[i], widths[i + 1]))
model = nn.Sequential(*layers)
X, y, model = X.to(device), y.to(device), model.to(device)
criterion = nn.MSELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.1)


def step():
    optimizer.zero_grad()
    loss = criterion(model(X), y)
    loss.backward()
    optimizer.step()


def synchronize():
    if device.type == "cuda":
        torch.cuda.synchronize()


def timed(steps):
    synchronize()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    synchronize()
    return time.perf_counter() - start


# Warm up (allocator, caches), then size the timed run to about --seconds.
timed(10)
steps, elapsed = 10, timed(10)
while elapsed < 0.05:
    steps *= 4
    elapsed = timed(steps)
steps = max(10, int(steps * args.seconds / elapsed))
elapsed = timed(steps)
print(json.dumps({"samples": args.samples, "device": args.device, "threads": args.threads, "steps": steps, "us_per_step": elapsed / steps * 1e6}))
