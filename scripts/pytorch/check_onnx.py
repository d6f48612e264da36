#!/usr/bin/python3
"""addmlp's ONNX exports, checked by ONNX itself and read by PyTorch. Run by scripts/check-onnx.

For each network: `addmlp train`, `addmlp export -o m.onnx`; then onnx.checker.check_model(full_check=True)
and strict shape inference must pass; the graph must take x [batch, 2] and give sum [batch, 1] in float32;
its initializers, loaded by name into the nn.Sequential they come from, must predict what `addmlp predict`
prints, to within 8 float32 ulps of the sum.

  check_onnx.py ADDMLP
"""
import os
import subprocess
import sys
import tempfile

import onnx
import onnx.numpy_helper
import torch
import torch.nn as nn

addmlp = sys.argv[1]
networks = [
    ("Linear(2, 1)", [], "relu"),
    ("hidden 16,16 relu", [16, 16], "relu"),
    ("hidden 8,8 tanh", [8, 8], "tanh"),
    ("hidden 8,4 gelu", [8, 4], "gelu"),
]
pairs = [(0.3, 0.5), (2.0, 3.0), (-7.0, 2.5), (123.25, -0.125), (0.0, 0.0)]
activations = {"relu": nn.ReLU, "tanh": nn.Tanh, "gelu": nn.GELU}
failures = 0

with tempfile.TemporaryDirectory() as work:
    def run(*args):
        return subprocess.run([addmlp, *args], cwd=work, check=True, capture_output=True, text=True).stdout

    for name, hidden, activation in networks:
        shape = ["--hidden", ",".join(map(str, hidden)), "--activation", activation] if hidden else []
        run("train", "--quiet", "--epochs", "500" if not hidden else "100", "--lr", "0.1" if not hidden else "0.01", *shape)
        run("export", "-o", "m.onnx")
        predicted = [float(line) for line in run("predict", *[str(v) for p in pairs for v in p]).split()]

        model = onnx.load(os.path.join(work, "m.onnx"))
        onnx.checker.check_model(model, full_check=True)
        onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
        (x,), (out,) = model.graph.input, model.graph.output
        dims = lambda v: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
        io_ok = (x.name, dims(x), x.type.tensor_type.elem_type, out.name, dims(out), out.type.tensor_type.elem_type) == \
            ("x", ["batch", 2], onnx.TensorProto.FLOAT, "sum", ["batch", 1], onnx.TensorProto.FLOAT)

        widths = [2, *hidden, 1]
        layers = []
        for i in range(len(widths) - 1):
            if i > 0:
                layers.append(activations[activation]())
            layers.append(nn.Linear(widths[i], widths[i + 1]))
        net = nn.Sequential(*layers)
        weights = {t.name: torch.from_numpy(onnx.numpy_helper.to_array(t).copy()) for t in model.graph.initializer if not t.name.startswith("gelu.")}
        net.load_state_dict(weights)  # strict: every name and shape as nn.Sequential has them
        with torch.no_grad():
            sums = net(torch.tensor(pairs, dtype=torch.float32)).squeeze(1).tolist()
        ulp = 1.1920929e-07
        worst = max(abs(a - b) / max(1.0, abs(b)) / ulp for a, b in zip(sums, predicted))
        ok = io_ok and worst <= 8
        failures += not ok
        print(f"{name:<18} opset {model.opset_import[0].version}, IR {model.ir_version}: checker ok, shapes ok, "
              f"x [batch, 2] -> sum [batch, 1] float32 {'ok' if io_ok else 'WRONG'}; PyTorch {torch.__version__} "
              f"from its initializers: within {worst:.2f} ulps of addmlp predict {'ok' if ok else 'FAILED'} (onnx {onnx.__version__})")

sys.exit(1 if failures else 0)
