/**
 * The chapter's `VOCSegDataset`: read one split, drop images smaller than the crop (`filter`), keep
 * the survivors as uint8 (`'decoded'` cache) or only their ids (`'none'`: decoded again for every
 * batch, ahead of time), and serve seeded, normalised, cropped batches.
 */
import { availableParallelism } from 'node:os';
import type { VoidMode } from '../colormap.js';
import { fitsCrop } from '../crop.js';
import { type OnBadSample, type SkippedSample, VocDataError } from '../errors.js';
import type { Size } from '../image.js';
import { type BatchesOptions, iterateBatches, type VocBatch } from './batches.js';
import { loadVocSample, type VocSample } from './load-sample.js';
import { mapWithConcurrency } from './pool.js';
import { readSplitIds, type VocSplit } from './voc-layout.js';

/** How decoded pixels are kept between epochs. */
export type CacheMode = 'decoded' | 'none';

export interface ReadVocSplitOptions {
  /** The VOC2012 folder: the one holding `ImageSets`, `JPEGImages` and `SegmentationClass`. */
  root: string;
  split: VocSplit;
  /** `[height, width]` of the training crops; smaller images are left out (the chapter's `filter`). */
  crop: Size;
  /** Void pixels become 0 (`'background'`, the chapter; default) or `IGNORE_LABEL` (`'ignore'`). */
  void?: VoidMode;
  /** Stop at the first bad sample (`'error'`, default) or leave it out and count it (`'skip'`). */
  onBadSample?: OnBadSample;
  /**
   * `'decoded'` (default): keep every kept example as uint8 RGB + uint8 labels (about 0.75 MB for a
   * 500x375 image; never float32). `'none'`: keep only ids; batches decode again, ahead of use.
   */
  cache?: CacheMode;
  /** Read only the first `limit` ids of the list (quick runs). */
  limit?: number;
  /** Files decoded at once while reading (default: twice the CPU count). */
  concurrency?: number;
}

interface Entry {
  readonly id: string;
  readonly height: number;
  readonly width: number;
  /** Present with the `'decoded'` cache. */
  readonly sample?: VocSample;
}

/** A read split: `length` examples that fit the crop, and a batch iterator over them. */
export class VocDataset {
  private readonly skippedList: SkippedSample[];

  /** @internal Use `readVocSplit`. */
  constructor(
    readonly root: string,
    readonly split: VocSplit,
    readonly crop: Size,
    readonly voidMode: VoidMode,
    readonly onBadSample: OnBadSample,
    readonly cache: CacheMode,
    private readonly entries: readonly Entry[],
    /** How many readable images were smaller than the crop. */
    readonly filtered: number,
    skipped: SkippedSample[],
    private readonly concurrency: number,
  ) {
    this.skippedList = skipped;
  }

  /** Number of examples (after the filter and any skipped bad samples). */
  get length(): number {
    return this.entries.length;
  }

  /** The examples' ids, in list order. */
  get ids(): string[] {
    return this.entries.map((e) => e.id);
  }

  /** Bad samples left out so far (while reading, and with `cache: 'none'` while iterating). */
  get skipped(): readonly SkippedSample[] {
    return this.skippedList;
  }

  /** The chapter's line, `read 1114 examples`, plus the skipped count when there is one. */
  get report(): string {
    const line = `read ${this.length} examples`;
    const n = this.skippedList.length;
    return n === 0 ? line : `${line} (skipped ${n} bad sample${n === 1 ? '' : 's'})`;
  }

  /** Bytes of decoded pixels held (uint8 images and labels); 0 with `cache: 'none'`. */
  get cacheBytes(): number {
    let bytes = 0;
    for (const e of this.entries)
      if (e.sample) bytes += e.sample.image.data.length + e.sample.label.data.length;
    return bytes;
  }

  /** `[height, width]` of example `index`. */
  size(index: number): Size {
    const e = this.entry(index);
    return [e.height, e.width];
  }

  /** Example `index`, whole and uncropped (uint8 RGB and labels): from the cache, or decoded now. */
  async sample(index: number): Promise<VocSample> {
    const e = this.entry(index);
    return e.sample ?? loadVocSample(this.root, e.id, this.voidMode);
  }

  /**
   * Batches of `{ images: [N, h, w, 3] float32, labels: [N, h, w] int32 }` (the consumer disposes
   * them), cropped and normalised, prepared `prefetch` batches ahead of the consumer.
   */
  batches(options: BatchesOptions): AsyncGenerator<VocBatch, void, undefined> {
    return iterateBatches(
      {
        length: this.length,
        crop: this.crop,
        size: (i) => this.size(i),
        id: (i) => this.entry(i).id,
        load: (i) => this.sample(i),
        onBadSample: this.onBadSample,
        recordSkip: (skip) => this.skippedList.push(skip),
        concurrency: this.concurrency,
      },
      options,
    );
  }

  private entry(index: number): Entry {
    const e = this.entries[index];
    if (e === undefined) throw new RangeError(`index ${index} is outside 0..${this.length - 1}`);
    return e;
  }
}

/**
 * Reads a split (decoding every example once, which also checks it), applies the chapter's filter and
 * returns the dataset. The list file itself must exist; bad examples stop the read with a
 * `VocDataError` or, with `onBadSample: 'skip'`, are left out and listed in `skipped`.
 */
export async function readVocSplit(options: ReadVocSplitOptions): Promise<VocDataset> {
  const {
    root,
    split,
    crop,
    void: voidMode = 'background',
    onBadSample = 'error',
    cache = 'decoded',
    concurrency = 2 * availableParallelism(),
  } = options;
  if (crop.length !== 2 || !crop.every((v) => Number.isInteger(v) && v > 0)) {
    throw new RangeError(`crop must be [height, width] in positive integers, got [${crop.join(', ')}]`);
  }
  let ids = await readSplitIds(root, split);
  if (options.limit !== undefined) ids = ids.slice(0, options.limit);
  const skipped: SkippedSample[] = [];
  const loaded = await mapWithConcurrency(ids.length, concurrency, async (i) => {
    const id = ids[i]!;
    try {
      return await loadVocSample(root, id, voidMode);
    } catch (error) {
      if (onBadSample === 'skip' && error instanceof VocDataError) {
        skipped.push({ id, file: error.file, problem: error.problem });
        return undefined;
      }
      throw error;
    }
  });
  const entries: Entry[] = [];
  let filtered = 0;
  for (const sample of loaded) {
    if (sample === undefined) continue;
    const { height, width } = sample.image;
    if (!fitsCrop(height, width, crop)) {
      filtered++;
      continue;
    }
    entries.push(
      cache === 'decoded' ? { id: sample.id, height, width, sample } : { id: sample.id, height, width },
    );
  }
  // Skips were recorded in completion order; report them in list order.
  const order = new Map(ids.map((id, i) => [id, i]));
  skipped.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  return new VocDataset(
    root,
    split,
    crop,
    voidMode,
    onBadSample,
    cache,
    entries,
    filtered,
    skipped,
    concurrency,
  );
}
