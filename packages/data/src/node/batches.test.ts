import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { tempDir, writeExample, writeSplit } from '../../test/temp-voc.js';
import { IGNORE_LABEL } from '../colormap.js';
import { cropPixels } from '../crop.js';
import type { Size } from '../image.js';
import { decodeLabelPng } from '../label-png.js';
import { denormalizeImage, NORMALIZE_TABLE } from '../normalize.js';
import { hashSeed } from '../random.js';
import type { BatchesOptions } from './batches.js';
import { decodeJpeg } from './decode-jpeg.js';
import { type ReadVocSplitOptions, readVocSplit } from './read-split.js';
import { generateSyntheticVoc } from './synthetic-voc.js';
import { vocPaths } from './voc-layout.js';

/**
 * The planted pattern: 8x8 cells, each with a pseudo-random label, and the image's grey level in the
 * same cell is 20 + 10 * label. Image and label cropped at the same offset keep that relation at every
 * pixel; a crop of one shifted against the other breaks it along the cell edges.
 */
const CELL = 8;
const greyOf = (label: number) => 20 + 10 * label;

async function writePlanted(
  root: string,
  id: string,
  height: number,
  width: number,
  salt: number,
): Promise<void> {
  const label = new Uint8Array(height * width);
  const rgb = new Uint8Array(height * width * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = hashSeed(salt, Math.floor(x / CELL), Math.floor(y / CELL)) % 21;
      label[y * width + x] = v;
      rgb.fill(greyOf(v), (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  await writeExample(root, id, { width, height, data: rgb }, label);
}

const crop: Size = [40, 56];
let planted: string;
let synthetic: string;

beforeAll(async () => {
  planted = await tempDir();
  const ids = ['p0', 'p1', 'p2', 'p3', 'p4'];
  await Promise.all(ids.map((id, i) => writePlanted(planted, id, 72 + 8 * (i % 2), 96 - 8 * (i % 3), i)));
  await writeSplit(planted, 'train', ids);
  synthetic = await tempDir();
  await generateSyntheticVoc({ root: synthetic, seed: 2, train: 7, val: 0, sizes: [[48, 64]] });
});

interface Collected {
  images: number[][];
  labels: number[][];
  ids: string[][];
  crops: string[];
}

async function collect(options: Partial<ReadVocSplitOptions>, batches: BatchesOptions): Promise<Collected> {
  const ds = await readVocSplit({ root: synthetic, split: 'train', crop, ...options });
  const out: Collected = { images: [], labels: [], ids: [], crops: [] };
  for await (const batch of ds.batches(batches)) {
    out.images.push([...batch.images.dataSync()]);
    out.labels.push([...batch.labels.dataSync()]);
    out.ids.push([...batch.ids]);
    out.crops.push(...batch.crops.map((c) => `${c.top},${c.left}`));
    tf.dispose([batch.images, batch.labels]);
  }
  return out;
}

describe('batches', () => {
  it('crops image and label at the same offset (planted pattern)', async () => {
    const ds = await readVocSplit({ root: planted, split: 'train', crop });
    expect(ds.length).toBe(5);
    const offsets = new Set<string>();
    let mismatches = 0;
    let checked = 0;
    for (let epoch = 0; epoch < 4; epoch++) {
      for await (const { images, labels, crops } of ds.batches({
        batchSize: 2,
        shuffle: true,
        seed: 1,
        epoch,
      })) {
        const pixels = denormalizeImage(images.dataSync());
        const label = labels.dataSync();
        for (let p = 0; p < label.length; p++) {
          for (let c = 0; c < 3; c++) if (Math.abs(pixels[p * 3 + c]! - greyOf(label[p]!)) > 3) mismatches++;
          checked++;
        }
        for (const r of crops) offsets.add(`${r.top},${r.left}`);
        tf.dispose([images, labels]);
      }
    }
    expect(checked).toBe(4 * 5 * crop[0] * crop[1]);
    expect(mismatches).toBe(0);
    // Many different offsets, most of them not on the 8-pixel grid, were checked.
    expect(offsets.size).toBeGreaterThan(10);
    expect(
      [...offsets].filter((o) => o.split(',').some((v) => Number(v) % CELL !== 0)).length,
    ).toBeGreaterThan(5);
  });

  it('yields float32 NHWC images normalised exactly, and int32 labels, cut at the reported crops', async () => {
    const ds = await readVocSplit({ root: synthetic, split: 'train', crop, void: 'ignore' });
    let seen = 0;
    for await (const { images, labels, ids, crops } of ds.batches({ batchSize: 3, seed: 5 })) {
      expect(images.dtype).toBe('float32');
      expect(labels.dtype).toBe('int32');
      expect(images.shape).toEqual([ids.length, crop[0], crop[1], 3]);
      expect(labels.shape).toEqual([ids.length, crop[0], crop[1]]);
      const x = images.dataSync();
      const y = labels.dataSync();
      for (let k = 0; k < ids.length; k++) {
        // Decode the files independently and cut the same rectangle.
        const image = await decodeJpeg(await readFile(vocPaths.image(synthetic, ids[k]!)));
        const label = decodeLabelPng(await readFile(vocPaths.label(synthetic, ids[k]!)), 'ignore');
        const rgb = cropPixels(image.data, image.width, 3, crops[k]!);
        const expected = Float32Array.from(rgb, (v, i) => NORMALIZE_TABLE[(i % 3) * 256 + v]!);
        const n = crop[0] * crop[1];
        expect(x.subarray(k * n * 3, (k + 1) * n * 3)).toEqual(expected);
        expect(y.subarray(k * n, (k + 1) * n)).toEqual(
          Int32Array.from(cropPixels(label.data, label.width, 1, crops[k]!)),
        );
        seen++;
      }
      expect(new Set(y).has(IGNORE_LABEL)).toBe(true);
      tf.dispose([images, labels]);
    }
    expect(seen).toBe(7);
  });

  it('repeats exactly for a seed; epochs and seeds change order and crops', async () => {
    const base = { batchSize: 2, shuffle: true, seed: 11, epoch: 0 };
    const a = await collect({}, base);
    expect(await collect({}, base)).toEqual(a);
    expect(await collect({}, { ...base, prefetch: 0 })).toEqual(a);
    expect(await collect({}, { ...base, prefetch: 5 })).toEqual(a);
    expect(await collect({ cache: 'none' }, base)).toEqual(a);
    const epoch1 = await collect({}, { ...base, epoch: 1 });
    expect(epoch1.ids.flat()).not.toEqual(a.ids.flat());
    expect(epoch1.images).not.toEqual(a.images);
    expect((await collect({}, { ...base, seed: 12 })).crops).not.toEqual(a.crops);
    expect(a.ids.flat().sort()).toEqual((await collect({}, { batchSize: 7 })).ids.flat().sort());
  });

  it("keys each example's crop by (seed, epoch, example), not by batch size", async () => {
    const cropsById = (c: Collected) => Object.fromEntries(c.ids.flat().map((id, i) => [id, c.crops[i]]));
    const two = await collect({}, { batchSize: 2, shuffle: true, seed: 4 });
    const three = await collect({}, { batchSize: 3, shuffle: true, seed: 4 });
    expect(cropsById(three)).toEqual(cropsById(two));
  });

  it('skips the first batches without reading them, the rest as an uninterrupted epoch yields them', async () => {
    const base = { batchSize: 2, shuffle: true, seed: 3, epoch: 1, dropLast: true };
    const whole = await collect({ cache: 'none' }, base);
    const ds = await readVocSplit({ root: synthetic, split: 'train', crop, cache: 'none' });
    const load = vi.spyOn(ds, 'sample');
    const rest: Collected = { images: [], labels: [], ids: [], crops: [] };
    for await (const batch of ds.batches({ ...base, skip: 2 })) {
      rest.images.push([...batch.images.dataSync()]);
      rest.labels.push([...batch.labels.dataSync()]);
      rest.ids.push([...batch.ids]);
      rest.crops.push(...batch.crops.map((c) => `${c.top},${c.left}`));
      tf.dispose([batch.images, batch.labels]);
    }
    expect(rest.ids).toEqual(whole.ids.slice(2));
    expect(rest.images).toEqual(whole.images.slice(2));
    expect(rest.labels).toEqual(whole.labels.slice(2));
    expect(rest.crops).toEqual(whole.crops.slice(4));
    // Only the one batch yielded was read (2 examples), not the 4 skipped before it.
    expect(load).toHaveBeenCalledTimes(2);
    expect((await collect({}, { ...base, skip: 3 })).ids).toEqual([]);
    await expect(ds.batches({ batchSize: 2, skip: -1 }).next()).rejects.toThrow(/skip must be/);
  });

  it('drops the last, smaller batch with dropLast', async () => {
    const keep = await collect({}, { batchSize: 3 });
    expect(keep.ids.map((b) => b.length)).toEqual([3, 3, 1]);
    const drop = await collect({}, { batchSize: 3, dropLast: true });
    expect(drop.ids.map((b) => b.length)).toEqual([3, 3]);
  });

  it('crops the centre when randomCrop is false', async () => {
    const centre = await collect({}, { batchSize: 7, randomCrop: false });
    expect(new Set(centre.crops)).toEqual(new Set(['4,4']));
  });

  it('leaves no tensors behind when the consumer stops early', async () => {
    const ds = await readVocSplit({ root: synthetic, split: 'train', crop });
    const before = tf.memory().numTensors;
    for await (const batch of ds.batches({ batchSize: 2, prefetch: 3 })) {
      tf.dispose([batch.images, batch.labels]);
      break;
    }
    expect(tf.memory().numTensors).toBe(before);
    await expect(ds.batches({ batchSize: 2, prefetch: -1 }).next()).rejects.toThrow(/prefetch/);
  });
});
