#!/usr/bin/python3
"""PyTorch reference for @fcn/models: the d2l chapter's PyTorch FCN, run by PyTorch itself.

Needs only PyTorch and NumPy (Debian: apt install python3-torch; run it with /usr/bin/python3).
torchvision is not needed: its ResNet-18/34 is written out below with torchvision's module names, so
state-dict keys are torchvision's (`conv1.weight`, `layer2.0.downsample.0.weight`, ...).

  make DIR [--width W] [--classes C] [--height H] [--width-px W] [--arch resnet18|resnet34] [--seed S]
      Build the d2l FCN (nn.Sequential of the ResNet children minus avgpool and fc, then final_conv and
      transpose_conv) with random weights and random BatchNorm statistics, run it in eval mode on a
      random input and write
        DIR/d2l-fcn.safetensors   the state dict, exactly as the d2l code holds it
        DIR/io.safetensors        `input` (NCHW) and PyTorch's `logits` (NCHW)
      The committed test fixture is `make fixtures --width 4 --classes 3 --height 64 --width-px 96`.

  check DIR
      Load DIR/from-tfjs.safetensors (written by the TS test when FCN_PYTORCH_REFERENCE=DIR) into the d2l
      FCN with load_state_dict(strict=True), run it on DIR/from-tfjs-io.safetensors's `input` and
      print the largest difference from the TS `logits` stored there.
"""

import argparse
import json
import os
import struct
import sys

import numpy as np
import torch
from torch import nn

# ---------------------------------------------------------------- safetensors, without the package
DTYPES = {"F32": (np.float32, 4), "I64": (np.int64, 8), "F64": (np.float64, 8), "F16": (np.float16, 2)}


def save_safetensors(path, tensors, metadata=None):
    header, offset, blobs = {}, 0, []
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        a = t.detach().cpu().contiguous().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
        dtype = {np.dtype(np.float32): "F32", np.dtype(np.int64): "I64"}[a.dtype]
        data = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw + b"".join(blobs))


def load_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + n])
    header.pop("__metadata__", None)
    data = blob[8 + n :]
    out = {}
    for name, info in header.items():
        np_dtype, _ = DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        a = np.frombuffer(data[begin:end], dtype=np.dtype(np_dtype).newbyteorder("<")).reshape(info["shape"])
        out[name] = torch.from_numpy(a.astype(np_dtype))
    return out


# ---------------------------------------------------------------- torchvision's ResNet (v1), names kept
def conv3x3(i, o, stride=1):
    return nn.Conv2d(i, o, kernel_size=3, stride=stride, padding=1, bias=False)


class BasicBlock(nn.Module):
    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(out + identity)


class ResNet(nn.Module):
    def __init__(self, layers, width=64, num_classes=1000):
        super().__init__()
        self.inplanes = width
        self.conv1 = nn.Conv2d(3, width, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(width, layers[0])
        self.layer2 = self._make_layer(2 * width, layers[1], stride=2)
        self.layer3 = self._make_layer(4 * width, layers[2], stride=2)
        self.layer4 = self._make_layer(8 * width, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(8 * width, num_classes)

    def _make_layer(self, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes:
            downsample = nn.Sequential(
                nn.Conv2d(self.inplanes, planes, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(planes),
            )
        layers = [BasicBlock(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes
        layers += [BasicBlock(planes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)


BLOCKS = {"resnet18": [2, 2, 2, 2], "resnet34": [3, 4, 6, 3]}


def bilinear_kernel(in_channels, out_channels, kernel_size):
    """The chapter's bilinear_kernel (PyTorch edition)."""
    factor = (kernel_size + 1) // 2
    center = factor - 1 if kernel_size % 2 == 1 else factor - 0.5
    og = (torch.arange(kernel_size).reshape(-1, 1), torch.arange(kernel_size).reshape(1, -1))
    filt = (1 - torch.abs(og[0] - center) / factor) * (1 - torch.abs(og[1] - center) / factor)
    weight = torch.zeros((in_channels, out_channels, kernel_size, kernel_size))
    weight[range(in_channels), range(out_channels), :, :] = filt
    return weight


def d2l_fcn(arch, width, num_classes):
    """The chapter's PyTorch FCN, built exactly as the chapter builds it."""
    pretrained_net = ResNet(BLOCKS[arch], width)
    net = nn.Sequential(*list(pretrained_net.children())[:-2])
    net.add_module("final_conv", nn.Conv2d(8 * width, num_classes, kernel_size=1))
    net.add_module(
        "transpose_conv",
        nn.ConvTranspose2d(num_classes, num_classes, kernel_size=64, padding=16, stride=32),
    )
    net.transpose_conv.weight.data.copy_(bilinear_kernel(num_classes, num_classes, 64))
    return net, pretrained_net


def make(args):
    torch.manual_seed(args.seed)
    net, pretrained_net = d2l_fcn(args.arch, args.width, args.classes)
    with torch.no_grad():
        # Non-trivial BatchNorm statistics and affine parameters, so that eval mode is really tested.
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0, 0.1)
                m.running_mean.normal_(0, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.num_batches_tracked.fill_(7)
        # Bilinear plus noise: no symmetry left that could hide a layout mistake.
        net.transpose_conv.weight.add_(0.05 * torch.randn_like(net.transpose_conv.weight))
        net.transpose_conv.bias.normal_(0, 0.1)
        # Larger class scores than PyTorch's default, so the logits vary clearly with the input.
        net.final_conv.weight.normal_(0, 0.5)
    net.eval()
    # Zero-mean input, as images are after the chapter's normalisation.
    x = torch.randn(1, 3, args.height, args.width_px)
    with torch.no_grad():
        logits = net(x)
    os.makedirs(args.dir, exist_ok=True)
    torchvision_keys = list(pretrained_net.state_dict().keys())
    save_safetensors(
        os.path.join(args.dir, "d2l-fcn.safetensors"),
        net.state_dict(),
        {"format": "pt", "torchvision_keys": json.dumps(torchvision_keys)},
    )
    save_safetensors(os.path.join(args.dir, "io.safetensors"), {"input": x, "logits": logits})
    print(f"{args.arch} width {args.width}, {args.classes} classes, input {list(x.shape)} -> {list(logits.shape)}")
    print(f"torch {torch.__version__}; wrote {args.dir}/d2l-fcn.safetensors and {args.dir}/io.safetensors")


def check(args):
    state = load_safetensors(os.path.join(args.dir, "from-tfjs.safetensors"))
    io = load_safetensors(os.path.join(args.dir, "from-tfjs-io.safetensors"))
    width = state["0.weight"].shape[0]
    num_classes = state["final_conv.weight"].shape[0]
    arch = next(a for a, b in BLOCKS.items() if all(f"{4 + i}.{n - 1}.conv1.weight" in state for i, n in enumerate(b)) and all(f"{4 + i}.{n}.conv1.weight" not in state for i, n in enumerate(b)))
    net, _ = d2l_fcn(arch, width, num_classes)
    net.load_state_dict(state, strict=True)
    net.eval()
    with torch.no_grad():
        logits = net(io["input"])
    diff = (logits - io["logits"]).abs().max().item()
    scale = io["logits"].abs().max().item()
    print(f"loaded {len(state)} tensors strictly ({arch}, width {width}, {num_classes} classes)")
    print(f"max |PyTorch - TF.js| logits: {diff:.3g} (largest logit {scale:.3g})")
    sys.exit(0 if diff <= 1e-4 * max(1.0, scale) else 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("make")
    p.add_argument("dir")
    p.add_argument("--arch", default="resnet18", choices=sorted(BLOCKS))
    p.add_argument("--width", type=int, default=64, help="base channels (64 = the real ResNet)")
    p.add_argument("--classes", type=int, default=21)
    p.add_argument("--height", type=int, default=320)
    p.add_argument("--width-px", type=int, default=480)
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(run=make)
    c = sub.add_parser("check")
    c.add_argument("dir")
    c.set_defaults(run=check)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
