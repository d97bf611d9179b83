#!/usr/bin/env python3
"""PyTorch reference timing for torchvision's FCN-ResNet50 inference on CPU.

Times `fcn_resnet50(weights=None, weights_backbone=None)` (21 classes, no aux head; random weights:
the time does not depend on them) in eval mode under `torch.no_grad()`, `model(x)["out"]` at
N x 3 x H x W, the model that `pnpm bench:backends` times on wasm as `torchvisionFcn({ arch:
'resnet50' })` from @fcn/models. Needs torchvision (Debian's python3-torchvision).

    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 bench/pytorch_fcn_resnet50.py --size 512x512 --iters 3

With --serve it times one forward per stdin request instead (see serve()), which `pnpm bench:backends`
uses to alternate PyTorch's runs with wasm's. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time

import torch
from torchvision.models.segmentation import fcn_resnet50

NUM_CLASSES = 21
PARAMETERS = 32_957_013


def serve(forward, report: dict) -> int:
    """--serve: one timed forward per request, so that a caller can alternate PyTorch's runs with its own.

    Prints the report (without results) as one JSON line, then reads lines `forward B` from stdin (B: the
    --batch it was started with) and answers each with the milliseconds of one forward. Ends at end of input.
    """
    print(json.dumps(report), flush=True)
    for line in sys.stdin:
        what, _, size = line.strip().partition(" ")
        if what != "forward" or int(size) != report["batch"]:
            raise SystemExit(f"unknown request {line.strip()!r}: expected 'forward {report['batch']}'")
        start = time.perf_counter()
        forward()
        print(f"{(time.perf_counter() - start) * 1000:.3f}", flush=True)
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="512x512", help="HxW (default 512x512)")
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--iters", type=int, default=3, help="timed runs; the median is reported")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs first")
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--serve", action="store_true", help="time one forward per stdin request (see serve())")
    args = parser.parse_args(argv)
    height, width = (int(v) for v in args.size.split("x"))

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = fcn_resnet50(weights=None, weights_backbone=None).eval()
    parameters = sum(p.numel() for p in model.parameters())
    if parameters != PARAMETERS:
        raise SystemExit(f"fcn_resnet50 has {parameters} parameters, expected {PARAMETERS}")
    x = torch.randn(args.batch, 3, height, width)

    def forward() -> None:
        with torch.no_grad():
            out = model(x)["out"]
        if tuple(out.shape) != (args.batch, NUM_CLASSES, height, width):
            raise SystemExit(f"unexpected output shape {tuple(out.shape)}")

    report = {
        "model": "fcn_resnet50",
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "batch": args.batch,
        "height": height,
        "width": width,
        "parameters": parameters,
    }
    if args.serve:
        return serve(forward, report)
    for _ in range(args.warmup):
        forward()
    runs = []
    for _ in range(args.iters):
        start = time.perf_counter()
        forward()
        runs.append((time.perf_counter() - start) * 1000)
    report["forward_ms"] = statistics.median(runs)
    report["forward_runs_ms"] = runs
    if args.json:
        print(json.dumps(report))
    else:
        print(f"fcn_resnet50 eval forward, {args.batch} x 3 x {height} x {width}, {report['threads']} threads: "
              f"median {report['forward_ms']:.0f} ms of {[round(r) for r in runs]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
