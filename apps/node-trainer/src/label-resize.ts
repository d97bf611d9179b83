/**
 * Nearest-neighbour resizing of a label map, e.g. a mask predicted on a scaled photo (`fcn predict
 * --resize`) brought back to the photo's own size. Pixel centres are mapped as PyTorch's
 * `F.interpolate(mode='nearest-exact')` maps them: source = floor((dst + 0.5) * src / dst).
 */
import type { LabelMap } from '@fcn/data';

export function resizeLabels(labels: LabelMap, width: number, height: number): LabelMap {
  const data = new Uint8Array(width * height);
  const cols = Int32Array.from({ length: width }, (_, x) =>
    Math.min(labels.width - 1, Math.floor(((x + 0.5) * labels.width) / width)),
  );
  for (let y = 0; y < height; y++) {
    const sy = Math.min(labels.height - 1, Math.floor(((y + 0.5) * labels.height) / height));
    const row = sy * labels.width;
    for (let x = 0; x < width; x++) data[y * width + x] = labels.data[row + cols[x]!]!;
  }
  return { width, height, data };
}

/** The size with the shorter side at `shorter` and the aspect ratio kept (torchvision's `Resize(520)`). */
export function shorterSideSize(
  width: number,
  height: number,
  shorter: number,
): { width: number; height: number } {
  // torchvision: the long side is int(shorter * long / short), truncated.
  if (width <= height) return { width: shorter, height: Math.trunc((shorter * height) / width) };
  return { width: Math.trunc((shorter * width) / height), height: shorter };
}
