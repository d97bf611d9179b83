#!/usr/bin/python3
"""Write the .pth fixtures of @fcn/models (src/pytorch/*.test.ts) with torch.save itself.

Needs PyTorch (Debian: apt install python3-torch; run with /usr/bin/python3). From packages/models:

  /usr/bin/python3 scripts/make_pth_fixtures.py [OUT_DIR]      # default fixtures/pth

Writes, all small:
  state-dict.pth, state-dict-legacy.pth   a dict of tensors of every storage type: a 0-d scalar, views
                                           (a transpose, slices with storage offsets, a stride-0 expand),
                                           tensors sharing one storage, an nn.Parameter; zip and legacy
  state-dict.expected.safetensors          the same tensors, contiguous: what readPth must return
  module.pth, module-legacy.pth            a tiny torchvision-style Conv+BN module's state_dict() (an
                                           OrderedDict with `_metadata`), after one training step
  checkpoint.pth                           {'model': that state dict, 'epoch': 3, 'optimizer': SGD state, ...}
  checkpoint-legacy.pth                    {'state_dict': that state dict, 'epoch': 3, 'global_step': 10}
  module.expected.safetensors              the module's tensors
  malicious.pth, malicious-legacy.pth      a dict holding an object whose __reduce__ is os.system
  trunk.pth                                torchvision ResNet-18 keys at width 1 without fc, values
                                           valueAt(key, i) of test/pytorch-files.ts (as resnetState(1))
  d2l.pth                                  the d2l FCN-32s at width 1 with 1 class, values valueAt(key, i)
                                           (as d2lState(1, 1))
"""

import json
import os
import struct
import sys
from collections import OrderedDict

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_reference import BLOCKS, ResNet, d2l_fcn  # noqa: E402

SAFETENSORS_DTYPES = {
    torch.float32: "F32",
    torch.float16: "F16",
    torch.bfloat16: "BF16",
    torch.float64: "F64",
    torch.int64: "I64",
    torch.int32: "I32",
    torch.int16: "I16",
    torch.int8: "I8",
    torch.uint8: "U8",
    torch.bool: "BOOL",
}


def save_safetensors(path, tensors):
    """safetensors without the package (as scripts/pytorch_reference.py), for every dtype used here."""
    header, offset, blobs = {}, 0, []
    for name, t in tensors.items():
        t = t.detach().contiguous()
        data = t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b""
        header[name] = {
            "dtype": SAFETENSORS_DTYPES[t.dtype],
            "shape": list(t.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        offset += len(data)
        blobs.append(data)
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw + b"".join(blobs))


def value_at(key, n):
    """test/pytorch-files.ts valueAt(key, index) for index 0..n-1: float64 arithmetic, then float32."""
    h = 0
    for ch in key:
        h = (h * 31 + ord(ch)) % 1000
    return (h / 1000 + np.arange(n, dtype=np.float64) / 8192 + 0.25).astype(np.float32)


def fill_like_tests(state):
    with torch.no_grad():
        for key, t in state.items():
            if key.endswith("num_batches_tracked"):
                t.fill_(100)
            else:
                t.copy_(torch.from_numpy(value_at(key, t.numel())).reshape(t.shape))
    return state


def state_dict_with_views():
    g = torch.Generator().manual_seed(0)

    def r(*shape):
        return torch.randn(*shape, generator=g)

    w = r(3, 4)
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6) * 0.5 - 3
    shared = r(10)
    half = r(4, 3).half()
    return {
        "float32": r(2, 3, 4),
        "float16": r(5).half(),
        "bfloat16": r(2, 3).bfloat16(),
        "float64": r(3, 2).double(),
        "count": torch.tensor(7),  # 0-d int64, like BatchNorm's num_batches_tracked
        "scalar": torch.tensor(1.5),
        "int32": torch.tensor([1, -2, 3], dtype=torch.int32),
        "int16": torch.tensor([-300, 300], dtype=torch.int16),
        "int8": torch.tensor([-5, 5], dtype=torch.int8),
        "uint8": torch.tensor([0, 255], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True]),
        "w": w,
        "w_t": w.t(),  # shares w's storage, strides (1, 4)
        "slice": base[1:3, 2:5],  # storage offset 8, strides (6, 1)
        "row": base[2],  # contiguous at offset 12
        "column": base[:, 1],  # stride 6
        "shared_a": shared[:4],
        "shared_b": shared[4:],  # the same storage at offset 4
        "half_t": half.t(),  # 2-byte elements, strided
        "expanded": r(3, 1).expand(3, 4),  # stride 0
        "empty": torch.zeros(0, 3),
        "param": nn.Parameter(r(2)),
    }


class Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "fixtures/pth"
    os.makedirs(out, exist_ok=True)
    path = lambda name: os.path.join(out, name)  # noqa: E731
    legacy = {"_use_new_zipfile_serialization": False}

    sd = state_dict_with_views()
    torch.save(sd, path("state-dict.pth"))
    torch.save(sd, path("state-dict-legacy.pth"), **legacy)
    save_safetensors(path("state-dict.expected.safetensors"), sd)

    torch.manual_seed(1)
    module = nn.Sequential(OrderedDict(conv1=nn.Conv2d(3, 4, 3, bias=False), bn1=nn.BatchNorm2d(4)))
    optimizer = torch.optim.SGD(module.parameters(), lr=0.1, momentum=0.9)
    module(torch.randn(2, 3, 5, 5)).square().mean().backward()
    optimizer.step()
    msd = module.state_dict()
    assert hasattr(msd, "_metadata")
    torch.save(msd, path("module.pth"))
    torch.save(msd, path("module-legacy.pth"), **legacy)
    save_safetensors(path("module.expected.safetensors"), msd)
    checkpoint = {"model": msd, "epoch": 3, "optimizer": optimizer.state_dict(), "best": 0.5, "args": {"lr": 0.1}}
    torch.save(checkpoint, path("checkpoint.pth"))
    torch.save({"state_dict": msd, "epoch": 3, "global_step": 10}, path("checkpoint-legacy.pth"), **legacy)

    torch.save({"weight": torch.zeros(2), "evil": Evil()}, path("malicious.pth"))
    torch.save({"weight": torch.zeros(2), "evil": Evil()}, path("malicious-legacy.pth"), **legacy)

    trunk = ResNet(BLOCKS["resnet18"], width=1).state_dict()
    for key in [k for k in trunk if k.startswith("fc.")]:
        del trunk[key]
    torch.save(fill_like_tests(trunk), path("trunk.pth"))
    net, _ = d2l_fcn("resnet18", 1, 1)
    torch.save(fill_like_tests(net.state_dict()), path("d2l.pth"))

    total = 0
    for name in sorted(os.listdir(out)):
        size = os.path.getsize(path(name))
        total += size
        print(f"{size:8d}  {name}")
    print(f"{total:8d}  in all (torch {torch.__version__})")


if __name__ == "__main__":
    main()
