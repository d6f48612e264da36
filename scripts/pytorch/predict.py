#!/usr/bin/python3
"""One prediction from a saved model, the PyTorch way: import torch, load a state_dict, predict a pair.

  predict.py STATE_DICT.pt A B
"""
import sys

import torch
import torch.nn as nn

model = nn.Sequential(nn.Linear(2, 1))
model.load_state_dict(torch.load(sys.argv[1]))
with torch.no_grad():
    print(model(torch.tensor([[float(sys.argv[2]), float(sys.argv[3])]])).item())
