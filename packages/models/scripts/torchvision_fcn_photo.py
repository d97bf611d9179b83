"""A small torchvision-layout FCN and PyTorch's prediction for a photo, for the end-to-end tests of
`fcn predict` and the web demo.

Built from torchvision's own classes (Bottleneck ResNet with one block per stage, dilated as
fcn_resnet50 is, FCNHead(2048, 21)), seeded random weights, saved as a `.pth` state dict the way
torchvision's files are (torch.save of the state dict). PyTorch then segments the photo, given the
same ImageNet-normalised input the page computes, and writes its argmax and its top-2 logit margin.
Random weights favour a few classes everywhere; the classifier's bias is centred on this photo's mean
logits so that the argmax follows the picture and all 21 classes occur.

usage: /usr/bin/python3 torchvision_fcn_photo.py PHOTO.png OUT_DIR [--full]
  OUT_DIR/model.pth        the state dict (with --full: torchvision's fcn_resnet50, aux head, random)
  OUT_DIR/labels.u8        PyTorch's model(x)['out'].argmax(1), row-major uint8
  OUT_DIR/margin.f32       top-1 minus top-2 logit per pixel, float32 little-endian
  OUT_DIR/info.json        size, seconds PyTorch took, class histogram
"""
import json
import sys
import time

import numpy as np
import torch
from PIL import Image
from torchvision.models import resnet
from torchvision.models._utils import IntermediateLayerGetter
from torchvision.models.segmentation import fcn_resnet50
from torchvision.models.segmentation.fcn import FCN, FCNHead

MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


def small_fcn() -> torch.nn.Module:
    trunk = resnet.ResNet(resnet.Bottleneck, [1, 1, 1, 1], replace_stride_with_dilation=[False, True, True])
    return FCN(IntermediateLayerGetter(trunk, {"layer4": "out"}), FCNHead(2048, 21))


def randomise_batch_norms(model: torch.nn.Module, generator: torch.Generator) -> None:
    """BatchNorm's fresh statistics (mean 0, variance 1) make every layer alike; vary them a little."""
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            n = module.num_features
            module.weight.data = 0.5 + torch.rand(n, generator=generator)
            module.bias.data = 0.2 * torch.randn(n, generator=generator)
            module.running_mean = 0.1 * torch.randn(n, generator=generator)
            module.running_var = 0.5 + torch.rand(n, generator=generator)


def main() -> None:
    photo, out = sys.argv[1], sys.argv[2]
    full = "--full" in sys.argv[3:]
    torch.manual_seed(0)
    model = fcn_resnet50(weights=None, weights_backbone=None, aux_loss=True) if full else small_fcn()
    randomise_batch_norms(model, torch.Generator().manual_seed(1))
    model.eval()
    rgb = np.asarray(Image.open(photo).convert("RGB"), dtype=np.float32) / 255.0
    x = torch.from_numpy(((rgb - MEAN) / STD).transpose(2, 0, 1).copy()).unsqueeze(0)
    with torch.no_grad():
        model.classifier[4].bias -= model(x)["out"][0].mean(dim=(1, 2))
    torch.save(model.state_dict(), f"{out}/model.pth")

    start = time.perf_counter()
    with torch.no_grad():
        logits = model(x)["out"][0]
    seconds = time.perf_counter() - start
    top2 = logits.topk(2, dim=0).values
    labels = logits.argmax(0).numpy().astype(np.uint8)
    labels.tofile(f"{out}/labels.u8")
    (top2[0] - top2[1]).numpy().astype("<f4").tofile(f"{out}/margin.f32")
    counts = np.bincount(labels.ravel(), minlength=21).tolist()
    height, width = labels.shape
    params = sum(p.numel() for p in model.parameters())
    info = {
        "width": width,
        "height": height,
        "seconds": seconds,
        "counts": counts,
        "parameters": params,
        "logitStd": logits.std().item(),
    }
    with open(f"{out}/info.json", "w") as f:
        json.dump(info, f)


if __name__ == "__main__":
    main()
