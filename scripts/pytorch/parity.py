"""How close addmlp's losses must come to PyTorch's, epoch by epoch: the tolerance the tests state in
tests/AddMlp.Gpu.Tests/Fixtures/pytorch-parity.json, read from there (one statement of it), and the check."""
import json
import os
import struct

_TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "AddMlp.Gpu.Tests", "Fixtures", "pytorch-parity.json")
with open(_TABLE) as f:
    BOUNDS = [(b["through_epoch"], b["relative"]) for b in json.load(f)["relative_tolerance"]]

#: The last epoch the tolerance is stated for; later epochs are not compared one by one (the loss nears what
#: float32 weights resolve, where an ulp in a weight moves it by orders of magnitude).
HORIZON = BOUNDS[-1][0]


def f32(x):
    """x rounded to float32 (both tools compute in float32; JSON holds the losses as doubles)."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


def tolerance(epoch):
    """The relative difference allowed at a 1-based epoch up to HORIZON."""
    return next(relative for through, relative in BOUNDS if epoch <= through)


def describe():
    """The tolerance in words, for the scripts' output."""
    return ", ".join(f"{relative:.0e} through epoch {through}" for through, relative in BOUNDS)


def compare(ours, theirs):
    """Per-epoch comparison up to HORIZON: a dict with the epochs compared, how many are within the tolerance,
    how many are the same float32, the largest relative difference per tolerance band, and the first epoch outside."""
    n = min(len(ours), len(theirs), HORIZON)
    relative = [abs(f32(a) - f32(b)) / abs(f32(b)) if b else abs(f32(a)) for a, b in zip(ours[:n], theirs[:n])]
    within = [r <= tolerance(e + 1) for e, r in enumerate(relative)]
    bands, start = [], 0
    for through, _ in BOUNDS:
        if start < n:
            bands.append((through, max(relative[start:min(through, n)])))
        start = through
    return {"epochs": n, "within": sum(within), "identical": sum(f32(a) == f32(b) for a, b in zip(ours[:n], theirs[:n])),
            "largest_by_band": bands, "first_outside": next((e + 1 for e, ok in enumerate(within) if not ok), None)}
