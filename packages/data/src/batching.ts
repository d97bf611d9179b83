/** Which samples go into which batch: the chapter's `DataLoader(shuffle, last_batch='discard')`. */
import { permutation, rngFor } from './random.js';

/** Stream tags, so that shuffles and crops never draw from the same sequence. */
export const SHUFFLE_STREAM = 1;
export const CROP_STREAM = 2;

export interface BatchOrderOptions {
  batchSize: number;
  /** Reshuffle every epoch (seeded by `seed` and `epoch`); in dataset order when false. */
  shuffle?: boolean;
  seed?: number;
  epoch?: number;
  /** Leave out a last, smaller batch (MXNet's `last_batch='discard'`). */
  dropLast?: boolean;
}

/** Sample indices 0..n-1 grouped into batches. */
export function batchOrder(n: number, options: BatchOrderOptions): number[][] {
  const { batchSize, shuffle = false, seed = 0, epoch = 0, dropLast = false } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  const order = shuffle
    ? permutation(n, rngFor(seed, epoch, SHUFFLE_STREAM))
    : Array.from({ length: n }, (_, i) => i);
  const batches: number[][] = [];
  for (let start = 0; start < n; start += batchSize) {
    const batch = order.slice(start, start + batchSize);
    if (batch.length < batchSize && dropLast) break;
    batches.push(batch);
  }
  return batches;
}
