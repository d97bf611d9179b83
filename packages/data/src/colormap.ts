/**
 * PASCAL VOC2012's classes and colours, as in the d2l section on semantic segmentation
 * (`VOC_CLASSES`, `VOC_COLORMAP`, `voc_colormap2label`, `voc_label_indices`, and the FCN chapter's
 * `label2image`). Pure code: importable from Node and the browser.
 */

/** The 21 class names, index = label (d2l's spelling). */
export const VOC_CLASSES = [
  'background',
  'aeroplane',
  'bicycle',
  'bird',
  'boat',
  'bottle',
  'bus',
  'car',
  'cat',
  'chair',
  'cow',
  'diningtable',
  'dog',
  'horse',
  'motorbike',
  'person',
  'potted plant',
  'sheep',
  'sofa',
  'train',
  'tv/monitor',
] as const;

export type VocClassName = (typeof VOC_CLASSES)[number];

/** Number of VOC classes, background included. */
export const NUM_VOC_CLASSES = 21;

export type Rgb = readonly [number, number, number];

/** The RGB colour of each class in VOC's `SegmentationClass` PNGs, index = label. */
export const VOC_COLORMAP: readonly Rgb[] = [
  [0, 0, 0],
  [128, 0, 0],
  [0, 128, 0],
  [128, 128, 0],
  [0, 0, 128],
  [128, 0, 128],
  [0, 128, 128],
  [128, 128, 128],
  [64, 0, 0],
  [192, 0, 0],
  [64, 128, 0],
  [192, 128, 0],
  [64, 0, 128],
  [192, 0, 128],
  [64, 128, 128],
  [192, 128, 128],
  [0, 64, 0],
  [128, 64, 0],
  [0, 192, 0],
  [128, 192, 0],
  [0, 64, 128],
];

/** The palette index of the void border that VOC draws around every object (and on hard regions). */
export const VOID_INDEX = 255;

/** The void border's colour in VOC's palette. */
export const VOID_COLOR: Rgb = [224, 224, 192];

/**
 * The label that `void: 'ignore'` gives void pixels; the loss and the metrics skip it (the FCN paper's
 * and torchvision's `ignore_index=255`). Equal to `VOID_INDEX`, so `labelToImage` draws it as void.
 */
export const IGNORE_LABEL = 255;

/** What void pixels become: `'background'` (the chapter: label 0) or `'ignore'` (`IGNORE_LABEL`). */
export type VoidMode = 'background' | 'ignore';

/**
 * VOC's full 256-colour palette (the `bitget` construction of the VOC devkit's `labelcolormap.m`),
 * flat RGB: entries 0..20 are `VOC_COLORMAP`, entry 255 is `VOID_COLOR`.
 */
export const VOC_PALETTE: Uint8Array = (() => {
  const palette = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    let r = 0;
    let g = 0;
    let b = 0;
    let c = i;
    for (let j = 0; j < 8; j++) {
      r |= (c & 1) << (7 - j);
      g |= ((c >> 1) & 1) << (7 - j);
      b |= ((c >> 2) & 1) << (7 - j);
      c >>= 3;
    }
    palette.set([r, g, b], i * 3);
  }
  return palette;
})();

const packRgb = (r: number, g: number, b: number): number => (r * 256 + g) * 256 + b;

/** Packed colour -> label for the 21 class colours (the chapter's `colormap2label`, as a map). */
const COLOR_TO_LABEL = new Map<number, number>(VOC_COLORMAP.map((c, i) => [packRgb(c[0], c[1], c[2]), i]));

const VOID_PACKED = packRgb(VOID_COLOR[0], VOID_COLOR[1], VOID_COLOR[2]);

/**
 * The label of one colour under the chapter's rule: a class colour gives its index, any other colour
 * (the void border included) gives 0.
 */
export function colormap2label(r: number, g: number, b: number): number {
  return COLOR_TO_LABEL.get(packRgb(r, g, b)) ?? 0;
}

/**
 * Label indices of an interleaved RGB (or RGBA, `channels: 4`) image: the chapter's
 * `voc_label_indices`, with its rule that unknown colours become 0, except that `void: 'ignore'` maps
 * the void colour to `IGNORE_LABEL`.
 */
export function colormapToLabels(
  pixels: ArrayLike<number>,
  options: { channels?: 3 | 4; void?: VoidMode } = {},
): Uint8Array {
  const channels = options.channels ?? 3;
  const voidLabel = options.void === 'ignore' ? IGNORE_LABEL : 0;
  const n = Math.floor(pixels.length / channels);
  const out = new Uint8Array(n);
  for (let i = 0, p = 0; i < n; i++, p += channels) {
    const key = packRgb(pixels[p]!, pixels[p + 1]!, pixels[p + 2]!);
    out[i] = COLOR_TO_LABEL.get(key) ?? (key === VOID_PACKED ? voidLabel : 0);
  }
  return out;
}

/** Whether `label` is a VOC class (0..20) or the ignore label. */
export function isValidLabel(label: number): boolean {
  return (Number.isInteger(label) && label >= 0 && label < NUM_VOC_CLASSES) || label === IGNORE_LABEL;
}

/**
 * The chapter's `label2image`: a label map (values 0..20, or `IGNORE_LABEL`) to interleaved pixels in
 * VOC colours, RGB by default or RGBA (opaque) with `channels: 4`. Ignore pixels get `VOID_COLOR`.
 * Throws a RangeError on any other value.
 */
export function labelToImage(labels: ArrayLike<number>, options: { channels?: 3 | 4 } = {}): Uint8Array {
  const channels = options.channels ?? 3;
  const out = new Uint8Array(labels.length * channels);
  for (let i = 0, p = 0; i < labels.length; i++, p += channels) {
    const label = labels[i]!;
    if (!isValidLabel(label)) {
      throw new RangeError(
        `labelToImage: label ${label} at index ${i} is not a VOC class (0..${NUM_VOC_CLASSES - 1}) or ${IGNORE_LABEL}`,
      );
    }
    const q = label * 3;
    out[p] = VOC_PALETTE[q]!;
    out[p + 1] = VOC_PALETTE[q + 1]!;
    out[p + 2] = VOC_PALETTE[q + 2]!;
    if (channels === 4) out[p + 3] = 255;
  }
  return out;
}
