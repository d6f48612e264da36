"""Draws the scalars of TensorBoard event files as TensorBoard's Scalars tab does: one panel per tag
(loss, val_loss, weight_error, lr), one line per run folder, steps on x, a log y axis for the losses.

For machines without TensorBoard (it is not packaged by Debian, and these have no PyPI): it reads the
event files itself, checking each record's length and CRC-32C as TensorBoard's reader does, so what it
draws is what TensorBoard would show.

    python3 tensorboard_scalars.py LOGDIR OUT.png
"""
import os
import struct
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ (0x82F63B78 if c & 1 else 0)
        table.append(c)
    return table


_TABLE = _crc32c_table()


def _masked_crc(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    c ^= 0xFFFFFFFF
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def _varint(buf, i):
    value, shift = 0, 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, i


def _fields(buf):
    """(field number, wire type, value) of a protobuf message."""
    i = 0
    while i < len(buf):
        key, i = _varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(buf, i)
        elif wire == 1:
            value, i = buf[i:i + 8], i + 8
        elif wire == 2:
            length, i = _varint(buf, i)
            value, i = buf[i:i + length], i + length
        elif wire == 5:
            value, i = buf[i:i + 4], i + 4
        else:
            raise ValueError(f"wire type {wire}")
        yield number, wire, value


def read_scalars(path):
    """{tag: [(step, value)]} of one event file (Event: step = 2, summary = 5; Summary.Value: tag = 1, simple_value = 2)."""
    scalars = {}
    with open(path, "rb") as f:
        data = f.read()
    i = 0
    while i + 12 <= len(data):
        header = data[i:i + 8]
        (length,) = struct.unpack("<Q", header)
        (header_crc,) = struct.unpack("<I", data[i + 8:i + 12])
        record = data[i + 12:i + 12 + length]
        if header_crc != _masked_crc(header) or len(record) < length:
            break  # a torn tail, as TensorBoard stops at it too
        (data_crc,) = struct.unpack("<I", data[i + 12 + length:i + 16 + length])
        if data_crc != _masked_crc(record):
            break
        i += 16 + length
        step, values = 0, []
        for number, _, value in _fields(record):
            if number == 2:
                step = value
            elif number == 5:
                for n, _, v in _fields(value):
                    if n == 1:
                        tag, simple = None, None
                        for vn, _, vv in _fields(v):
                            if vn == 1:
                                tag = vv.decode()
                            elif vn == 2:
                                (simple,) = struct.unpack("<f", vv)
                        if tag is not None and simple is not None:
                            values.append((tag, simple))
        for tag, simple in values:
            scalars.setdefault(tag, []).append((step, simple))
    return scalars


def main(logdir, out):
    runs = {}
    for folder, _, files in sorted(os.walk(logdir)):
        for name in sorted(files):
            if name.startswith("events.out.tfevents."):
                run = os.path.relpath(folder, logdir)
                for tag, points in read_scalars(os.path.join(folder, name)).items():
                    runs.setdefault(run, {}).setdefault(tag, []).extend(points)
    tags = [t for t in ("loss", "val_loss", "weight_error", "lr") if any(t in r for r in runs.values())]
    if not tags:
        sys.exit(f"tensorboard_scalars: no scalars in event files under {logdir}")
    fig, axes = plt.subplots(1, len(tags), figsize=(4.2 * len(tags), 3.4), squeeze=False)
    for ax, tag in zip(axes[0], tags):
        for k, (run, scalars) in enumerate(sorted(runs.items())):
            if tag in scalars:
                points = sorted(scalars[tag])
                ax.plot([p[0] for p in points], [p[1] for p in points], color=f"C{k}", linewidth=1.2, label=run)
        ax.set_title(tag, loc="left", fontsize=11)
        ax.set_xlabel("step (epoch)")
        if tag != "lr":
            ax.set_yscale("log")
        ax.grid(True, color="#e0e0e0", linewidth=0.6)
    axes[0][0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=100)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
