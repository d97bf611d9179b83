#!/usr/bin/env python3
"""PyTorch reference timings for the ResNet-18 FCN (d2l's FCN chapter) on CPU.

Times the forward pass and one SGD training step (forward + cross-entropy over 21 classes + backward
+ SGD(lr 0.1, weight_decay 1e-3) step) at N x 3 x 320 x 480, the same model and step that
`pnpm bench:backends` times on the TF.js backends. torchvision is not needed: ResNet-18 is built here
by hand, in torchvision's layout (conv1/bn1/relu/maxpool/layer1..4), as d2l's PyTorch edition does.

Run with the Debian interpreter (python3-torch) and OpenBLAS told the real core type:

    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 bench/pytorch_fcn.py --batches 1,4 --iters 3

See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time

import torch
from torch import nn
from torch.nn import functional as F

NUM_CLASSES = 21
TRUNK_PARAMETERS = 11_176_512


class BasicBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.downsample: nn.Module | None = None
        if stride != 1 or in_channels != out_channels:
            self.downsample = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels),
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


def make_stage(in_channels: int, out_channels: int, stride: int) -> nn.Sequential:
    return nn.Sequential(BasicBlock(in_channels, out_channels, stride), BasicBlock(out_channels, out_channels))


def resnet18_trunk() -> nn.Sequential:
    """torchvision's resnet18 v1 without avgpool and fc (the FCN chapter drops the last two children)."""
    trunk = nn.Sequential()
    trunk.add_module("conv1", nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False))
    trunk.add_module("bn1", nn.BatchNorm2d(64))
    trunk.add_module("relu", nn.ReLU(inplace=True))
    trunk.add_module("maxpool", nn.MaxPool2d(3, stride=2, padding=1))
    trunk.add_module("layer1", make_stage(64, 64, 1))
    trunk.add_module("layer2", make_stage(64, 128, 2))
    trunk.add_module("layer3", make_stage(128, 256, 2))
    trunk.add_module("layer4", make_stage(256, 512, 2))
    return trunk


def bilinear_kernel(in_channels: int, out_channels: int, kernel_size: int) -> torch.Tensor:
    """The chapter's bilinear_kernel, in PyTorch's ConvTranspose2d layout [in, out, k, k]."""
    factor = (kernel_size + 1) // 2
    center = factor - 1 if kernel_size % 2 == 1 else factor - 0.5
    og = (torch.arange(kernel_size).reshape(-1, 1), torch.arange(kernel_size).reshape(1, -1))
    filt = (1 - torch.abs(og[0] - center) / factor) * (1 - torch.abs(og[1] - center) / factor)
    weight = torch.zeros((in_channels, out_channels, kernel_size, kernel_size))
    for c in range(min(in_channels, out_channels)):
        weight[c, c, :, :] = filt
    return weight


def fcn_resnet18(num_classes: int = NUM_CLASSES) -> nn.Sequential:
    net = resnet18_trunk()
    net.add_module("final_conv", nn.Conv2d(512, num_classes, kernel_size=1))
    net.add_module(
        "transpose_conv",
        nn.ConvTranspose2d(num_classes, num_classes, kernel_size=64, padding=16, stride=32),
    )
    with torch.no_grad():
        net.transpose_conv.weight.copy_(bilinear_kernel(num_classes, num_classes, 64))
    return net


def time_runs_ms(fn, warmup: int, iters: int) -> list[float]:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(iters):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def bench_batch(net: nn.Module, batch: int, height: int, width: int, warmup: int, iters: int) -> dict:
    torch.manual_seed(batch)
    x = torch.randn(batch, 3, height, width)
    y = torch.randint(0, NUM_CLASSES, (batch, height, width))
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1, weight_decay=1e-3)

    def forward() -> None:
        with torch.no_grad():
            net(x)

    def step() -> None:
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        optimizer.step()

    # Both in training mode (batch statistics), as the TF.js bench does.
    net.train()
    forward_runs = time_runs_ms(forward, warmup, iters)
    step_runs = time_runs_ms(step, warmup, iters)
    return {
        "batch": batch,
        "forward_ms": statistics.median(forward_runs),
        "step_ms": statistics.median(step_runs),
        "forward_runs_ms": forward_runs,
        "step_runs_ms": step_runs,
    }


def serve(net: nn.Module, height: int, width: int, report: dict) -> int:
    """--serve: one timed run per request, so that a caller can alternate PyTorch's runs with its own.

    Prints the report (without results) as one JSON line, then reads lines `forward B` or `step B` from
    stdin and answers each with the milliseconds of one run at batch B (its tensors and SGD optimizer are
    made on the first request for B, seeded as in the batch mode). Ends at end of input.
    """
    print(json.dumps(report), flush=True)
    states: dict[int, tuple] = {}
    net.train()
    for line in sys.stdin:
        what, _, size = line.strip().partition(" ")
        batch = int(size)
        if batch not in states:
            torch.manual_seed(batch)
            x = torch.randn(batch, 3, height, width)
            y = torch.randint(0, NUM_CLASSES, (batch, height, width))
            states[batch] = (x, y, torch.optim.SGD(net.parameters(), lr=0.1, weight_decay=1e-3))
        x, y, optimizer = states[batch]
        start = time.perf_counter()
        if what == "forward":
            with torch.no_grad():
                net(x)
        elif what == "step":
            optimizer.zero_grad(set_to_none=True)
            F.cross_entropy(net(x), y).backward()
            optimizer.step()
        else:
            raise SystemExit(f"unknown request {line.strip()!r}: expected 'forward B' or 'step B'")
        print(f"{(time.perf_counter() - start) * 1000:.3f}", flush=True)
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", default="1,4", help="comma-separated batch sizes (default 1,4)")
    parser.add_argument("--iters", type=int, default=3, help="timed iterations; the median is reported")
    parser.add_argument("--warmup", type=int, default=1, help="untimed iterations first")
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    parser.add_argument("--height", type=int, default=320)
    parser.add_argument("--width", type=int, default=480)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--serve", action="store_true", help="time one run per stdin request (see serve())")
    args = parser.parse_args(argv)

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    net = fcn_resnet18()
    trunk_params = sum(p.numel() for name, p in net.named_parameters() if name.startswith(("conv1", "bn1", "layer")))
    if trunk_params != TRUNK_PARAMETERS:
        raise SystemExit(f"ResNet-18 trunk has {trunk_params} parameters, expected {TRUNK_PARAMETERS}")
    with torch.no_grad():
        shape = tuple(net(torch.zeros(1, 3, args.height, args.width)).shape)
    if shape != (1, NUM_CLASSES, args.height, args.width):
        raise SystemExit(f"unexpected output shape {shape}")

    report = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
        "mkldnn": torch.backends.mkldnn.is_available(),
        "python": platform.python_version(),
        "height": args.height,
        "width": args.width,
        "iters": args.iters,
        "warmup": args.warmup,
        "trunk_parameters": trunk_params,
        "parameters": sum(p.numel() for p in net.parameters()),
    }
    if args.serve:
        return serve(net, args.height, args.width, report)
    batches = [int(b) for b in args.batches.split(",") if b.strip()]
    report["results"] = [bench_batch(net, b, args.height, args.width, args.warmup, args.iters) for b in batches]
    results = report["results"]
    if args.json:
        print(json.dumps(report))
    else:
        print(
            f"torch {report['torch']}, {report['threads']} threads, "
            f"OPENBLAS_CORETYPE={report['openblas_coretype']}, {args.height}x{args.width}"
        )
        print(f"{'batch':>5}  {'forward ms':>10}  {'step ms':>9}  {'img/s(train)':>12}")
        for r in results:
            ips = r["batch"] / r["step_ms"] * 1000
            print(f"{r['batch']:>5}  {r['forward_ms']:>10.1f}  {r['step_ms']:>9.1f}  {ips:>12.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
