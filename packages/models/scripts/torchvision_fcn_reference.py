#!/usr/bin/python3
"""PyTorch reference for @fcn/models' torchvision FCN: torchvision's own models, run by PyTorch.

Needs PyTorch, torchvision and NumPy (Debian: apt-get install python3-torch python3-torchvision; run it
with /usr/bin/python3). The `safetensors` package is not needed: files are written by hand below.

  fcn DIR [--model resnet50|resnet101|custom] [--blocks 1 1 1 1] [--classes C] [--no-aux] [--pth]
          [--height H] [--width W] [--seed S]
      Build torchvision's FCN (`fcn_resnet50(weights=None, weights_backbone=None, aux_loss=True,
      num_classes=C)`, `fcn_resnet101(...)`, or with --model custom the same from torchvision's classes:
      FCN(IntermediateLayerGetter(ResNet(Bottleneck, blocks, replace_stride_with_dilation=[False, True,
      True]), ...), FCNHead(2048, C), FCNHead(1024, C))) with seeded random weights and BatchNorm
      statistics and affine parameters away from their defaults, run it in eval mode on a seeded random
      1 x 3 x H x W input and write
        DIR/state.safetensors   the state dict exactly as PyTorch holds it (num_batches_tracked included)
        DIR/io.safetensors      `input`, and PyTorch's `out` and (with aux) `aux`, all NCHW
      The full fcn_resnet50 state dict is 140 MB, so the TS test writes it into a temporary folder.

  resize FILE
      F.interpolate(x, size, mode='bilinear', align_corners=False) on a few seeded inputs (upsampling,
      downsampling, both at once, a 1x1 image), with the gradient of sum(out * g) for a seeded g:
      FILE holds `{case}.input`, `{case}.out`, `{case}.g`, `{case}.grad` (NCHW) for each case. The
      committed fixture is fixtures/torchvision-fcn-resize.safetensors.
"""

import argparse
import json
import os
import struct

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torchvision.models._utils import IntermediateLayerGetter
from torchvision.models.resnet import Bottleneck, ResNet
from torchvision.models.segmentation import fcn_resnet50, fcn_resnet101
from torchvision.models.segmentation.fcn import FCN, FCNHead


# ---------------------------------------------------------------- safetensors, without the package
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
        f.write(struct.pack("<Q", len(raw)) + raw)
        for blob in blobs:
            f.write(blob)


# ---------------------------------------------------------------- torchvision's FCN
def build(args):
    if args.model == "resnet50":
        return fcn_resnet50(weights=None, weights_backbone=None, aux_loss=args.aux, num_classes=args.classes)
    if args.model == "resnet101":
        return fcn_resnet101(weights=None, weights_backbone=None, aux_loss=args.aux, num_classes=args.classes)
    # What fcn_resnet50 does (torchvision.models.segmentation.fcn._fcn_resnet), with other block counts.
    backbone = ResNet(Bottleneck, args.blocks, replace_stride_with_dilation=[False, True, True])
    return_layers = {"layer4": "out", "layer3": "aux"} if args.aux else {"layer4": "out"}
    backbone = IntermediateLayerGetter(backbone, return_layers=return_layers)
    aux = FCNHead(1024, args.classes) if args.aux else None
    return FCN(backbone, FCNHead(2048, args.classes), aux)


def fcn(args):
    torch.manual_seed(args.seed)
    model = build(args)
    with torch.no_grad():
        # BatchNorm away from its defaults, so that eval mode and the affine parameters are really tested.
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.0)
                m.bias.normal_(0, 0.1)
                m.running_mean.normal_(0, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.num_batches_tracked.fill_(7)
        # Class scores larger than PyTorch's default init gives (so they vary clearly with the input),
        # and biases away from 0 (so a lost bias shows).
        for head in (model.classifier, model.aux_classifier):
            if head is not None:
                head[4].weight.normal_(0, 0.3)
                head[4].bias.normal_(0, 0.5)
    model.eval()
    # Zero-mean input, as images are after the ImageNet normalisation.
    x = torch.randn(1, 3, args.height, args.width)
    with torch.no_grad():
        result = model(x)
    os.makedirs(args.dir, exist_ok=True)
    state = model.state_dict()
    save_safetensors(os.path.join(args.dir, "state.safetensors"), state, {"format": "pt"})
    if args.pth:
        # The same state dict as torchvision's own files hold it: torch.save of model.state_dict().
        torch.save(state, os.path.join(args.dir, "state.pth"))
    io = {"input": x, "out": result["out"]}
    if "aux" in result:
        io["aux"] = result["aux"]
    save_safetensors(os.path.join(args.dir, "io.safetensors"), io)
    blocks = [len(getattr(model.backbone, f"layer{i}")) for i in range(1, 5)]
    scales = ", ".join(f"{k} |max| {v.abs().max().item():.3g}" for k, v in io.items() if k != "input")
    print(f"fcn {args.model} blocks {blocks}, {args.classes} classes, aux {args.aux}, input {list(x.shape)}: {scales}")
    print(f"torch {torch.__version__}; wrote {len(state)} tensors to {args.dir}/state.safetensors and {args.dir}/io.safetensors")


# ---------------------------------------------------------------- F.interpolate, forward and backward
RESIZE_CASES = {
    # name: (input NCHW shape, output size)
    "up": ((1, 2, 9, 12), (67, 91)),
    "down": ((2, 3, 10, 7), (4, 5)),
    "mixed": ((1, 2, 6, 4), (3, 9)),
    "one": ((1, 1, 1, 1), (3, 4)),
    "same_h": ((1, 2, 5, 6), (5, 11)),
}


def resize(args):
    torch.manual_seed(args.seed)
    out = {}
    for name, (shape, size) in RESIZE_CASES.items():
        x = torch.randn(*shape, requires_grad=True)
        y = F.interpolate(x, size=size, mode="bilinear", align_corners=False)
        g = torch.randn_like(y)
        (y * g).sum().backward()
        out.update({f"{name}.input": x, f"{name}.out": y, f"{name}.g": g, f"{name}.grad": x.grad})
    save_safetensors(args.file, out, {"torch": torch.__version__})
    print(f"torch {torch.__version__}; wrote {len(RESIZE_CASES)} cases to {args.file}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("fcn")
    p.add_argument("dir")
    p.add_argument("--model", default="resnet50", choices=["resnet50", "resnet101", "custom"])
    p.add_argument("--blocks", type=int, nargs=4, default=[1, 1, 1, 1], help="blocks per stage (custom)")
    p.add_argument("--classes", type=int, default=21)
    p.add_argument("--no-aux", dest="aux", action="store_false")
    p.add_argument("--pth", action="store_true", help="also write the state dict with torch.save (state.pth)")
    p.add_argument("--height", type=int, default=67)
    p.add_argument("--width", type=int, default=91)
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(run=fcn)
    r = sub.add_parser("resize")
    r.add_argument("file")
    r.add_argument("--seed", type=int, default=0)
    r.set_defaults(run=resize)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
