#!/usr/bin/python3
"""PyTorch reference cases for @fcn/layers' dilatedConv2d (and Conv2d with dilation).

Needs PyTorch and NumPy (Debian: apt-get install python3-torch; run it with /usr/bin/python3).

  /usr/bin/python3 packages/layers/scripts/make_dilated_fixtures.py [OUT]

writes OUT (default packages/layers/fixtures/dilated-conv2d.json): a list of cases, each with its
geometry (kernel, stride, padding, dilation as [height, width]) and the float32 tensors, in PyTorch's
layouts, as little-endian base64:
  x [N, C, H, W], w [O, C, kh, kw], b [O], dy [N, O, Ho, Wo] (the upstream gradient)
  y = conv2d(x, w, b, stride, padding, dilation), dx, dw, db = the gradients of sum(y * dy).
The first cases are chosen by hand (torchvision's FCN-ResNet dilated 3x3s, stride with dilation,
padding wider than the dilated kernel, non-square kernel/stride/dilation); the rest are random,
from a fixed seed, so the file is reproducible.
"""

import base64
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "fixtures", "dilated-conv2d.json")

# (name, N, C, O, [H, W], [kh, kw], [sh, sw], [ph, pw], [dh, dw])
HAND_PICKED = [
    ("torchvision layer3: k3 s1 p2 d2", 1, 3, 4, [9, 11], [3, 3], [1, 1], [2, 2], [2, 2]),
    ("torchvision layer4: k3 s1 p4 d4", 2, 2, 3, [9, 11], [3, 3], [1, 1], [4, 4], [4, 4]),
    ("1x1 with dilation 3", 1, 3, 2, [7, 9], [1, 1], [1, 1], [0, 0], [3, 3]),
    ("no padding, d3", 2, 2, 3, [11, 9], [3, 3], [1, 1], [0, 0], [3, 3]),
    ("padding wider than the dilated kernel", 1, 2, 2, [5, 6], [3, 3], [1, 1], [4, 3], [1, 1]),
    ("padding wider than the dilated kernel, d2", 1, 2, 3, [5, 7], [3, 3], [1, 1], [4, 4], [2, 1]),
    ("stride 2 dilation 2 (shared factor)", 2, 3, 2, [11, 9], [3, 3], [2, 2], [2, 2], [2, 2]),
    ("stride 2 dilation 3 (coprime)", 1, 2, 3, [13, 11], [3, 3], [2, 2], [3, 1], [3, 3]),
    ("stride 3 dilation 2", 1, 3, 2, [12, 13], [3, 3], [3, 3], [1, 2], [2, 2]),
    ("stride 2 dilation 4", 2, 2, 2, [13, 12], [3, 3], [2, 2], [4, 4], [4, 4]),
    ("stride [2, 1] dilation [1, 2]", 1, 3, 3, [9, 11], [3, 3], [2, 1], [1, 2], [1, 2]),
    ("stride [1, 3] dilation [3, 2]", 1, 2, 2, [10, 11], [3, 3], [1, 3], [3, 2], [3, 2]),
    ("kernel 2x3, stride [1, 2], dilation [3, 2]", 2, 2, 3, [9, 11], [2, 3], [1, 2], [1, 2], [3, 2]),
    ("kernel 2x3, stride 1, dilation [2, 3]", 1, 3, 2, [8, 10], [2, 3], [1, 1], [2, 0], [2, 3]),
    ("stride 2, no dilation", 1, 3, 2, [9, 11], [3, 3], [2, 2], [1, 1], [1, 1]),
]

RANDOM_CASES = 15


def random_geometry(rng, index):
    while True:
        k = int(rng.choice([1, 3]))
        s = int(rng.integers(1, 4))
        d = int(rng.integers(1, 5))
        p = int(rng.integers(0, 5))
        n = int(rng.integers(1, 3))
        c = int(rng.integers(1, 4))
        o = int(rng.integers(1, 4))
        h = int(rng.integers(5, 14))
        w = int(rng.integers(5, 14))
        if all(size + 2 * p - d * (k - 1) - 1 >= 0 for size in (h, w)):
            name = f"random {index}: k{k} s{s} p{p} d{d}"
            return (name, n, c, o, [h, w], [k, k], [s, s], [p, p], [d, d])


def f32(t):
    a = t.detach().cpu().contiguous().numpy().astype("<f4")
    return {"shape": list(a.shape), "data": base64.b64encode(a.tobytes()).decode("ascii")}


def make_case(geometry, generator):
    name, n, c, o, size, kernel, stride, padding, dilation = geometry
    x = torch.randn(n, c, *size, generator=generator, requires_grad=True)
    bound = 1 / math.sqrt(c * kernel[0] * kernel[1])
    w = ((torch.rand(o, c, *kernel, generator=generator) * 2 - 1) * bound).requires_grad_()
    b = ((torch.rand(o, generator=generator) * 2 - 1) * bound).requires_grad_()
    y = F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation)
    dy = torch.randn(*y.shape, generator=generator)
    (y * dy).sum().backward()
    return {
        "name": name,
        "kernel": kernel,
        "stride": stride,
        "padding": padding,
        "dilation": dilation,
        "x": f32(x),
        "w": f32(w),
        "b": f32(b),
        "dy": f32(dy),
        "y": f32(y),
        "dx": f32(x.grad),
        "dw": f32(w.grad),
        "db": f32(b.grad),
    }


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT
    rng = np.random.default_rng(20240611)
    generator = torch.Generator().manual_seed(7)
    geometries = HAND_PICKED + [random_geometry(rng, i) for i in range(RANDOM_CASES)]
    cases = [make_case(g, generator) for g in geometries]
    doc = {
        "about": "made by packages/layers/scripts/make_dilated_fixtures.py with torch " + torch.__version__,
        "layouts": {"x": "NCHW", "w": "OIHW", "dy": "NCHW", "y": "NCHW", "dx": "NCHW", "dw": "OIHW"},
        "cases": cases,
    }
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {out} ({os.path.getsize(out)} bytes)")


if __name__ == "__main__":
    main()
