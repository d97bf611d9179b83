/**
 * `pnpm --filter @fcn/data bench`: images per second through the data pipeline on real-size JPEGs
 * (a synthetic VOC at VOC's sizes, written to a temporary folder), on this machine.
 *
 * - read: decode every JPEG + label PNG once into the uint8 cache (what `readVocSplit` does);
 * - epoch, decoded cache: crop + normalise + tensors, from the cache;
 * - epoch, no cache: decode + crop + normalise + tensors for every batch (the full per-image cost);
 * - a consumer that is busy for a while on each batch (a stand-in for the training step), fed from
 *   the no-cache pipeline with prefetch: how long it waited for data in all.
 *
 * Options: --images N (default 160), --batch B (default 8), --step-ms MS (default 400: 20 images/s at
 * batch 8, ten times the trainer's rate), --seed S.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { generateSyntheticVoc, readVocSplit, type VocDataset } from '../src/index.js';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '160' },
    batch: { type: 'string', default: '8' },
    'step-ms': { type: 'string', default: '400' },
    seed: { type: 'string', default: '0' },
  },
});
const images = Number(values.images);
const batchSize = Number(values.batch);
const stepMs = Number(values['step-ms']);
const seed = Number(values.seed);

await tf.setBackend('cpu');
(tf.backend() as unknown as { firstUse: boolean }).firstUse = false;

const log = (line: string) => process.stdout.write(`${line}\n`);
const rate = (n: number, ms: number) => `${((n * 1000) / ms).toFixed(1).padStart(7)} images/s`;

interface EpochTime {
  ms: number;
  /** Time spent waiting for the first batch, and for all the others. */
  firstMs: number;
  waitedMs: number;
}

async function epoch(ds: VocDataset, options: { stepMs?: number; epoch: number }): Promise<EpochTime> {
  const start = performance.now();
  let firstMs = 0;
  let waitedMs = 0;
  let first = true;
  let asked = performance.now();
  const batches = ds.batches({ batchSize, shuffle: true, seed, epoch: options.epoch, prefetch: 3 });
  for await (const { images: x, labels: y } of batches) {
    if (first) firstMs = performance.now() - asked;
    else waitedMs += performance.now() - asked;
    first = false;
    if (options.stepMs) {
      // A synchronous stand-in for the training step: the main thread is busy, as with wasm or cpu.
      const until = performance.now() + options.stepMs;
      while (performance.now() < until) {}
    }
    tf.dispose([x, y]);
    asked = performance.now();
  }
  return { ms: performance.now() - start, firstMs, waitedMs };
}

const root = await mkdtemp(join(tmpdir(), 'fcn-data-bench-'));
try {
  log(`@fcn/data bench: ${availableParallelism()} CPUs, ${images} images, crop 320x480, batch ${batchSize}`);
  let t = performance.now();
  // Landscape VOC sizes only, so that every image passes the 320x480 filter.
  await generateSyntheticVoc({
    root,
    train: images,
    val: 0,
    seed,
    sizes: [
      [375, 500],
      [333, 500],
    ],
  });
  log(`generate synthetic VOC (render + JPEG q90 + PNG)   ${rate(images, performance.now() - t)}`);

  t = performance.now();
  const cached = await readVocSplit({ root, split: 'train', crop: [320, 480] });
  log(
    `read: decode JPEG + PNG into the uint8 cache       ${rate(cached.length, performance.now() - t)}   (${cached.report}, ${(cached.cacheBytes / 2 ** 20).toFixed(0)} MiB)`,
  );

  const fromCache = await epoch(cached, { epoch: 0 });
  log(`epoch, decoded cache: crop + normalise + tensors   ${rate(cached.length, fromCache.ms)}`);

  const uncached = await readVocSplit({ root, split: 'train', crop: [320, 480], cache: 'none' });
  const full = await epoch(uncached, { epoch: 0 });
  log(`epoch, no cache: decode + crop + normalise         ${rate(uncached.length, full.ms)}`);

  const steps = Math.ceil(uncached.length / batchSize);
  log(`a consumer busy ${stepMs} ms a batch (${rate(batchSize, stepMs).trim()}), ${steps} steps:`);
  for (const [name, ds] of [
    ['no cache', uncached],
    ['decoded cache', cached],
  ] as const) {
    const busy = await epoch(ds, { epoch: 1, stepMs });
    log(
      `  ${name.padEnd(14)} first batch after ${busy.firstMs.toFixed(0)} ms, then waited ` +
        `${(busy.waitedMs / (steps - 1)).toFixed(1)} ms a step (${((100 * busy.waitedMs) / busy.ms).toFixed(1)}% of the epoch)`,
    );
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
