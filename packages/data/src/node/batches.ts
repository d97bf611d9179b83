/**
 * The batch iterator: seeded order (`batchOrder`), seeded crops keyed by (seed, epoch, example) so
 * they do not depend on batch size or timing, normalisation straight from the uint8 rows into the
 * batch's float32 buffer, and `prefetch` batches prepared ahead while the consumer trains.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type BatchOrderOptions, batchOrder, CROP_STREAM } from '../batching.js';
import { type CropRect, centerCropRect, randomCropRect } from '../crop.js';
import { type OnBadSample, type SkippedSample, VocDataError } from '../errors.js';
import type { Size } from '../image.js';
import { normalizeInto } from '../normalize.js';
import { rngFor } from '../random.js';
import type { VocSample } from './load-sample.js';
import { mapWithConcurrency } from './pool.js';

export interface BatchesOptions extends BatchOrderOptions {
  /** Batches prepared ahead of the one being consumed (default 2; 0 prepares on demand). */
  prefetch?: number;
  /** Random crops (default, the chapter) or centred ones (`false`, for a fixed evaluation). */
  randomCrop?: boolean;
  /**
   * Batches of the epoch's order to leave out at its start, neither read nor decoded (default 0): a
   * resumed run continues mid-epoch. The rest are the batches an uninterrupted epoch would yield, as
   * order and crops depend only on (seed, epoch, example).
   */
  skip?: number;
}

/** One batch. The consumer owns (and disposes) the tensors. */
export interface VocBatch {
  /** `[N, h, w, 3]` float32, normalised with ImageNet's mean and std. */
  readonly images: tf.Tensor4D;
  /** `[N, h, w]` int32: VOC classes 0..20, or `IGNORE_LABEL` with `void: 'ignore'`. */
  readonly labels: tf.Tensor3D;
  /** The examples' ids, in batch order. */
  readonly ids: readonly string[];
  /** Where each crop was taken from its image. */
  readonly crops: readonly CropRect[];
}

/** What the iterator needs from a dataset. */
export interface BatchSource {
  readonly length: number;
  readonly crop: Size;
  size(index: number): Size;
  id(index: number): string;
  load(index: number): Promise<VocSample>;
  readonly onBadSample: OnBadSample;
  recordSkip(skip: SkippedSample): void;
  readonly concurrency: number;
}

interface Prepared {
  readonly n: number;
  readonly images: Float32Array;
  readonly labels: Int32Array;
  readonly ids: string[];
  readonly crops: CropRect[];
}

/** Crops of `crop` from each example of `indices`, normalised, in typed arrays ready for tensors. */
export async function prepareBatch(
  source: BatchSource,
  indices: readonly number[],
  options: { seed?: number; epoch?: number; randomCrop?: boolean },
): Promise<Prepared> {
  const { seed = 0, epoch = 0, randomCrop = true } = options;
  const [ch, cw] = source.crop;
  const pixels = ch * cw;
  const samples = await mapWithConcurrency(indices.length, source.concurrency, async (k) => {
    try {
      return await source.load(indices[k]!);
    } catch (error) {
      if (source.onBadSample === 'skip' && error instanceof VocDataError) {
        source.recordSkip({ id: source.id(indices[k]!), file: error.file, problem: error.problem });
        return undefined;
      }
      throw error;
    }
  });
  const images = new Float32Array(indices.length * pixels * 3);
  const labels = new Int32Array(indices.length * pixels);
  const ids: string[] = [];
  const crops: CropRect[] = [];
  let n = 0;
  for (let k = 0; k < indices.length; k++) {
    const sample = samples[k];
    if (sample === undefined) continue;
    const { width, height } = sample.image;
    const rect = randomCrop
      ? randomCropRect(height, width, source.crop, rngFor(seed, epoch, CROP_STREAM, indices[k]!))
      : centerCropRect(height, width, source.crop);
    for (let y = 0; y < ch; y++) {
      const row = (rect.top + y) * width + rect.left;
      const out = n * pixels + y * cw;
      normalizeInto(sample.image.data, images, { srcOffset: row * 3, dstOffset: out * 3, count: cw });
      labels.set(sample.label.data.subarray(row, row + cw), out);
    }
    ids.push(sample.id);
    crops.push(rect);
    n++;
  }
  return n === indices.length
    ? { n, images, labels, ids, crops }
    : { n, images: images.subarray(0, n * pixels * 3), labels: labels.subarray(0, n * pixels), ids, crops };
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Iterates the batches of one epoch; tensors are made only when a batch is handed out. */
export async function* iterateBatches(
  source: BatchSource,
  options: BatchesOptions,
): AsyncGenerator<VocBatch, void, undefined> {
  const prefetch = options.prefetch ?? 2;
  if (!Number.isInteger(prefetch) || prefetch < 0) {
    throw new RangeError(`prefetch must be a non-negative integer, got ${prefetch}`);
  }
  const skip = options.skip ?? 0;
  if (!Number.isInteger(skip) || skip < 0) {
    throw new RangeError(`skip must be a non-negative integer, got ${skip}`);
  }
  const order = batchOrder(source.length, options);
  const [ch, cw] = source.crop;
  const queue: Promise<Prepared>[] = [];
  let next = skip;
  const schedule = (): void => {
    while (next < order.length && queue.length <= prefetch) {
      const indices = order[next++]!;
      // Prepared on a later turn of the event loop, so the consumer gets control first.
      const prepared = nextTurn().then(() => prepareBatch(source, indices, options));
      // Rejections surface when the batch is awaited; this keeps an abandoned one from being unhandled.
      prepared.catch(() => {});
      queue.push(prepared);
    }
  };
  schedule();
  while (queue.length > 0) {
    const batch = await queue.shift()!;
    schedule();
    if (batch.n === 0) continue;
    yield {
      images: tf.tensor4d(batch.images, [batch.n, ch, cw, 3], 'float32'),
      labels: tf.tensor3d(batch.labels, [batch.n, ch, cw], 'int32'),
      ids: batch.ids,
      crops: batch.crops,
    };
  }
}
