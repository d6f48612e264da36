#!/usr/bin/python3
"""The PyTorch tutorial addmlp ports, as written: nn.Linear(2, 1) learns y = x1 + x2.

Used by scripts/bench-vs-pytorch as the PyTorch side of the comparison. Options (all optional):
  --seed N --epochs N --threads N   seed, epochs (default 42, 500); torch.set_num_threads
  --device D                        cpu (default) or cuda: data and weights are made on the CPU, then moved
  --loss-json PATH                  also write every epoch's loss as a JSON list (parity check)
  --schedule cosine|onecycle        change the learning rate per epoch: CosineAnnealingLR(T_max=epochs), or
                                    OneCycleLR(max_lr=0.1, total_steps=epochs) with its defaults (Adam's beta1 cycles too)
  --lr-json PATH                    also write every epoch's learning rate as a JSON list
  --loss mse|l1|smooth_l1|huber     the criterion: MSELoss (default), L1Loss, SmoothL1Loss(beta=DELTA), HuberLoss(delta=DELTA)
  --huber-delta DELTA               (default 1.0)
  --noise SIGMA                     add Gaussian noise to the labels, as addmlp draws it (float64 randn after the data, rounded to float32)
  --state-dict PATH                 also save the state_dict with torch.save (for predict.py)
"""
import argparse
import json

import torch
import torch.nn as nn

parser = argparse.ArgumentParser()
parser.add_argument("--seed", type=int, default=42)
parser.add_argument("--epochs", type=int, default=500)
parser.add_argument("--threads", type=int)
parser.add_argument("--loss-json")
parser.add_argument("--state-dict")
parser.add_argument("--device", default="cpu")
parser.add_argument("--schedule", choices=["cosine", "onecycle"])
parser.add_argument("--lr-json")
parser.add_argument("--loss", choices=["mse", "l1", "smooth_l1", "huber"], default="mse")
parser.add_argument("--huber-delta", type=float, default=1.0)
parser.add_argument("--noise", type=float, default=0.0)
args = parser.parse_args()
if args.threads:
    torch.set_num_threads(args.threads)

torch.manual_seed(args.seed)
X = torch.rand(1000, 2)
y = X.sum(dim=1, keepdim=True)
if args.noise > 0:
    y = y + (torch.randn(1000, 1, dtype=torch.float64) * args.noise).float()
model = nn.Sequential(nn.Linear(2, 1))
X, y, model = X.to(args.device), y.to(args.device), model.to(args.device)
criterion = {"mse": lambda: nn.MSELoss(), "l1": lambda: nn.L1Loss(), "smooth_l1": lambda: nn.SmoothL1Loss(beta=args.huber_delta),
             "huber": lambda: nn.HuberLoss(delta=args.huber_delta)}[args.loss]()
optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
scheduler = None
if args.schedule == "cosine":
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)
elif args.schedule == "onecycle":
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=args.epochs)

losses, rates = [], []
for epoch in range(args.epochs):
    rates.append(optimizer.param_groups[0]["lr"])
    optimizer.zero_grad()
    outputs = model(X)
    loss = criterion(outputs, y)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
    if scheduler and epoch + 1 < args.epochs:  # OneCycleLR refuses a step past its total_steps
        scheduler.step()
    if epoch % 50 == 0:
        print(f"Epoch: {epoch + 1:<5} loss: {loss.item():.3e}")

with torch.no_grad():
    test = torch.rand(5, 2)
    for pair, prediction in zip(test, model(test.to(args.device))):
        print(f"{pair[0]:.4f} + {pair[1]:.4f} = {prediction.item():.4f} (true {pair.sum().item():.4f})")
print(model.state_dict())

if args.loss_json:
    with open(args.loss_json, "w") as f:
        json.dump(losses, f)
if args.lr_json:
    with open(args.lr_json, "w") as f:
        json.dump(rates, f)
if args.state_dict:
    torch.save(model.state_dict(), args.state_dict)
