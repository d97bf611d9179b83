/**
 * Prediction on a whole image of any size (the chapter's fourth exercise): the image is cut into
 * windows whose sides are multiples of 32 (see `planTiles`), the model runs on each, the logits are
 * averaged where windows overlap, and the argmax gives the class. The logits are summed in a band one
 * window high and the image's width wide; rows are finished (argmax) as soon as no later window covers
 * them, so memory grows with the width, not the area, of a large image. The image itself can be an
 * `ImageSource` (`rgbImageSource`: 8-bit RGB normalised one window at a time), so nothing of the
 * image's size is ever held in float: about 4 bytes a pixel in all (its RGB bytes and the classes).
 */
import type { Module } from '@fcn/layers';
import * as tf from '@tensorflow/tfjs-core';
import { withEvalMode } from './eval-mode.js';
import { type ImageSource, tensorImageSource } from './image-source.js';
import { planTiles, type TilePlan, type TilingOptions } from './tiling.js';

export interface WholeImageOptions extends TilingOptions {
  /** Windows run through the model at once (default 1). */
  windowsPerBatch?: number;
  /**
   * Called after each batch of windows with the windows done and the total, and awaited: a page can
   * show progress and yield to the browser here (e.g. `await new Promise(requestAnimationFrame)`).
   */
  onProgress?: (done: number, total: number) => void | Promise<void>;
}

type WholeImage = tf.Tensor3D | tf.Tensor4D | ImageSource;

/**
 * Class of every pixel of a normalised image (`[H, W, 3]` or `[1, H, W, 3]`, any H and W, or an
 * `ImageSource`) as an int32 `[H, W]` tensor. The model runs in eval mode (its modes are restored after).
 */
export async function predictWholeImage(
  model: Module,
  image: WholeImage,
  options: WholeImageOptions = {},
): Promise<tf.Tensor2D> {
  const [height, width] = imageSize(image);
  const labels = new Int32Array(height * width);
  await sweep(model, image, options, (row, sums, counts, classes) =>
    argmaxRow(labels, row, width, sums, counts, classes),
  );
  return tf.tensor2d(labels, [height, width], 'int32');
}

/**
 * The same classes as bytes (`height * width`, row-major), without an image-sized tensor: what a
 * palette PNG or a label map holds. Models of more than 256 classes are refused (use `predictWholeImage`).
 */
export async function predictClassMap(
  model: Module,
  image: WholeImage,
  options: WholeImageOptions = {},
): Promise<Uint8Array> {
  const [height, width] = imageSize(image);
  const labels = new Uint8Array(height * width);
  await sweep(model, image, options, (row, sums, counts, classes) => {
    if (classes > 256)
      throw new Error(`predictClassMap holds at most 256 classes in bytes; the model has ${classes}`);
    argmaxRow(labels, row, width, sums, counts, classes);
  });
  return labels;
}

function argmaxRow(
  labels: Int32Array | Uint8Array,
  row: number,
  width: number,
  sums: Float32Array,
  counts: Float32Array,
  classes: number,
): void {
  for (let x = 0; x < width; x++) {
    const at = x * classes;
    let best = 0;
    // argmax of the sum = argmax of the mean: the count is the same for every class of a pixel.
    for (let c = 1; c < classes; c++) if (sums[at + c]! > sums[at + best]!) best = c;
    if (counts[x] === 0) throw new Error(`pixel (${row}, ${x}) was covered by no window`);
    labels[row * width + x] = best;
  }
}

/**
 * Bytes the sweep holds besides the model's own work, for an image of this size: the band of summed
 * logits and counts (one window high, the image's width wide) and a batch of normalised windows. It
 * grows with the width, not the area.
 */
export function wholeImageWorkBytes(
  height: number,
  width: number,
  numClasses: number,
  options: TilingOptions & { windowsPerBatch?: number } = {},
): number {
  const plan = planTiles(height, width, options);
  const band = plan.windowHeight * plan.paddedWidth * (numClasses + 1) * 4;
  const windows =
    (options.windowsPerBatch ?? 1) * plan.windowHeight * plan.windowWidth * (3 + numClasses) * 4;
  return band + windows;
}

/**
 * The averaged logits `[H, W, C]` themselves (memory H·W·C floats: for moderate sizes, inspection and
 * tests; `predictWholeImage` keeps only a band).
 */
export async function wholeImageLogits(
  model: Module,
  image: WholeImage,
  options: WholeImageOptions = {},
): Promise<tf.Tensor3D> {
  const [height, width] = imageSize(image);
  let out: Float32Array | undefined;
  let numClasses = 0;
  await sweep(model, image, options, (row, sums, counts, classes) => {
    numClasses = classes;
    out ??= new Float32Array(height * width * classes);
    for (let x = 0; x < width; x++) {
      const n = counts[x]!;
      for (let c = 0; c < classes; c++) out[(row * width + x) * classes + c] = sums[x * classes + c]! / n;
    }
  });
  return tf.tensor3d(out!, [height, width, numClasses], 'float32');
}

/** Called once per image row (top to bottom) with that row's summed logits and window counts. */
type RowSink = (row: number, sums: Float32Array, counts: Float32Array, classes: number) => void;

async function sweep(
  model: Module,
  image: WholeImage,
  options: WholeImageOptions,
  emit: RowSink,
): Promise<void> {
  const [height, width] = imageSize(image);
  const plan = planTiles(height, width, options);
  const perBatch = options.windowsPerBatch ?? 1;
  if (!Number.isInteger(perBatch) || perBatch < 1) {
    throw new RangeError(`windowsPerBatch must be a positive integer, got ${perBatch}`);
  }
  // Windows are cut (and zero-padded past the bottom and right edges) one at a time: no padded copy.
  const source = image instanceof tf.Tensor ? tensorImageSource(image) : image;
  await withEvalMode(model, () =>
    sweepSource(model, source, plan, perBatch, height, width, emit, options.onProgress),
  );
}

async function sweepSource(
  model: Module,
  source: ImageSource,
  plan: TilePlan,
  perBatch: number,
  height: number,
  width: number,
  emit: RowSink,
  onProgress: WholeImageOptions['onProgress'],
): Promise<void> {
  const { windowHeight: wh, windowWidth: ww, paddedWidth: pw } = plan;
  let classes = 0;
  // The band: rows [base, base + wh) of the padded image, summed logits and window counts.
  let sums = new Float32Array(0);
  const counts = new Float32Array(wh * pw);
  let base = 0;
  const finish = (until: number) => {
    // Emit the band's rows below `until` (and inside the image), then shift the band to start there.
    const stop = Math.min(until, base + wh);
    for (let r = base; r < stop; r++) {
      if (r >= height) continue;
      const offset = (r - base) * pw;
      emit(
        r,
        sums.subarray(offset * classes, (offset + width) * classes),
        counts.subarray(offset, offset + width),
        classes,
      );
    }
    const shift = stop - base;
    sums.copyWithin(0, shift * pw * classes);
    sums.fill(0, (wh - shift) * pw * classes);
    counts.copyWithin(0, shift * pw);
    counts.fill(0, (wh - shift) * pw);
    base = stop;
  };
  const total = plan.tops.length * plan.lefts.length;
  let done = 0;
  for (const top of plan.tops) {
    if (classes > 0) finish(top);
    base = top;
    for (let i = 0; i < plan.lefts.length; i += perBatch) {
      const lefts = plan.lefts.slice(i, i + perBatch);
      const logits = tf.tidy(() => {
        const windows = lefts.map((left) => source.window(top, left, wh, ww));
        return model.forward(windows.length === 1 ? windows[0]! : tf.concat(windows, 0));
      });
      let values: Float32Array;
      try {
        const [n, oh, ow, c] = logits.shape as [number, number, number, number];
        if (n !== lefts.length || oh !== wh || ow !== ww) {
          throw new Error(
            `the model maps ${wh}x${ww} windows to ${oh}x${ow} logits; whole-image prediction needs the same size`,
          );
        }
        if (classes === 0) {
          classes = c;
          sums = new Float32Array(wh * pw * classes);
        }
        values = (await logits.data()) as Float32Array;
      } finally {
        logits.dispose();
      }
      lefts.forEach((left, k) => {
        for (let y = 0; y < wh; y++) {
          const src = (k * wh + y) * ww * classes;
          const dst = (y * pw + left) * classes;
          for (let j = 0; j < ww * classes; j++) sums[dst + j] = sums[dst + j]! + values[src + j]!;
          for (let x = 0; x < ww; x++) counts[y * pw + left + x] = counts[y * pw + left + x]! + 1;
        }
      });
      done += lefts.length;
      await onProgress?.(done, total);
    }
  }
  finish(plan.paddedHeight);
}

function imageSize(image: WholeImage): [number, number] {
  if (!(image instanceof tf.Tensor)) return [image.height, image.width];
  const ok =
    (image.rank === 3 && image.shape[2] === 3) ||
    (image.rank === 4 && image.shape[0] === 1 && image.shape[3] === 3);
  if (!ok) throw new Error(`expected an image [H, W, 3] or [1, H, W, 3], got [${image.shape}]`);
  const [h, w] = image.rank === 3 ? image.shape : image.shape.slice(1);
  return [h!, w!];
}
