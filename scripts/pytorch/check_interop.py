#!/usr/bin/python3
"""Weights both ways between addmlp and PyTorch; run through scripts/check-pytorch-interop."""
import json
import os
import struct
import subprocess
import sys
import tempfile

import torch
import torch.nn as nn

ADDMLP = sys.argv[1]
PAIRS = [(0.3, 0.5), (-7.0, 2.5), (100.0, 23.25)]
failures = 0


def addmlp(*args, cwd):
    return subprocess.run([ADDMLP, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def addmlp_predict(model, extra, cwd):
    numbers = [str(v) for pair in PAIRS for v in pair]
    return [float(line) for line in addmlp("predict", *numbers, "--model", model, *extra, cwd=cwd).split()]


def network(hidden):
    widths = [2, *hidden, 1]
    layers = []
    for i in range(len(widths) - 1):
        if i > 0:
            layers.append(nn.Tanh())
        layers.append(nn.Linear(widths[i], widths[i + 1]))
    return nn.Sequential(*layers)


def torch_predict(model):
    with torch.no_grad():
        return [v.item() for v in model(torch.tensor(PAIRS, dtype=torch.float32)).view(-1)]


def read_safetensors(path):
    """The safetensors format: u64 little-endian header length, JSON header, raw little-endian tensors."""
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    state = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "F32", entry
        start, end = entry["data_offsets"]
        values = struct.unpack(f"<{(end - start) // 4}f", data[start:end])
        state[name] = torch.tensor(values, dtype=torch.float32).view(entry["shape"])
    return state


def write_safetensors(path, state):
    header, blobs, offset = {}, [], 0
    for name, tensor in state.items():
        raw = tensor.detach().contiguous().to(torch.float32).numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def check(name, ours, theirs):
    global failures
    same = all(abs(a - b) <= 1e-6 * max(1.0, abs(b)) for a, b in zip(ours, theirs))
    failures += 0 if same else 1
    print(f"{'ok  ' if same else 'FAIL'} {name}: addmlp {ours} / PyTorch {theirs}")


with tempfile.TemporaryDirectory() as work:
    for hidden in ([], [16, 16]):
        label = "Linear(2, 1)" if not hidden else "hidden 16,16 tanh"
        arch = [] if not hidden else ["--hidden", ",".join(map(str, hidden)), "--activation", "tanh"]

        # addmlp -> PyTorch
        addmlp("train", "--quiet", "--epochs", "300", *arch, cwd=work)
        ours = addmlp_predict("addmlp-model.json", [], work)
        addmlp("export", "-o", "adder.pt", cwd=work)
        addmlp("export", "-o", "adder.safetensors", cwd=work)
        model = network(hidden)
        model.load_state_dict(torch.load(os.path.join(work, "adder.pt")))
        check(f"{label}: addmlp export .pt -> torch.load -> Sequential.load_state_dict", ours, torch_predict(model))
        model = network(hidden)
        model.load_state_dict(read_safetensors(os.path.join(work, "adder.safetensors")))
        check(f"{label}: addmlp export .safetensors -> PyTorch", ours, torch_predict(model))

        # PyTorch -> addmlp
        torch.manual_seed(7)
        model = network(hidden)
        torch.save(model.state_dict(), os.path.join(work, "torch.pt"))
        write_safetensors(os.path.join(work, "torch.safetensors"), model.state_dict())
        theirs = torch_predict(model)
        check(f"{label}: torch.save .pt -> addmlp predict", addmlp_predict("torch.pt", arch, work), theirs)
        check(f"{label}: PyTorch .safetensors -> addmlp predict", addmlp_predict("torch.safetensors", arch, work), theirs)

print("all checks passed" if failures == 0 else f"{failures} check(s) FAILED")
sys.exit(1 if failures else 0)
