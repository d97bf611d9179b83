import { fcn } from '@fcn/models';
import { describe, expect, it } from 'vitest';
import { estimateTrainingMemory, parameterMemory } from './memory-estimate.js';
import { chooseMicroBatch, describeMicroBatchPlan, splitBatch } from './micro-batch.js';

const GIB = 2 ** 30;

describe('micro-batches', () => {
  it('split a batch as evenly as possible, largest first', () => {
    expect(splitBatch(32, 7)).toEqual([7, 7, 6, 6, 6]);
    expect(splitBatch(32, 8)).toEqual([8, 8, 8, 8]);
    expect(splitBatch(32, 32)).toEqual([32]);
    expect(splitBatch(5, 10)).toEqual([5]);
    expect(splitBatch(3, 1)).toEqual([1, 1, 1]);
    expect(() => splitBatch(4, 0)).toThrow(/microBatch must be a positive integer/);
  });

  it('fit as many images as the budget holds: limit · usable − fixed', () => {
    // (1000 · 0.8 − 100) / 100 = 7 images.
    const plan = chooseMicroBatch({
      batchSize: 32,
      bytesPerImage: 100,
      memoryLimitBytes: 1000,
      fixedBytes: 100,
    });
    expect(plan).toEqual({ microBatch: 7, sizes: [7, 7, 6, 6, 6], reason: 'memory', budgetBytes: 700 });
    expect(describeMicroBatchPlan(plan, 100)).toMatch(
      /^micro-batch 7 \(5 micro-batches: 7\+7\+6\+6\+6 = 32; about 0 MiB/,
    );
    const roomy = chooseMicroBatch({ batchSize: 4, bytesPerImage: 100, memoryLimitBytes: 1000 });
    expect([roomy.microBatch, roomy.reason]).toEqual([4, 'whole batch']);
  });

  it('take an override as given, and the whole batch without a memory limit', () => {
    const asked = chooseMicroBatch({ batchSize: 32, bytesPerImage: 1e12, memoryLimitBytes: 1, override: 5 });
    expect([asked.microBatch, asked.sizes, asked.reason]).toEqual([5, [5, 5, 5, 5, 4, 4, 4], 'override']);
    expect(chooseMicroBatch({ batchSize: 32, bytesPerImage: 1e12 }).sizes).toEqual([32]);
    expect(() => chooseMicroBatch({ batchSize: 4, bytesPerImage: 1, override: 8 })).toThrow(
      /cannot be larger/,
    );
  });

  it('say clearly when not even one image fits', () => {
    expect(() =>
      chooseMicroBatch({ batchSize: 2, bytesPerImage: 2 * GIB, memoryLimitBytes: GIB, fixedBytes: 0 }),
    ).toThrow(/not even one image fits: training needs about 2048 MiB an image/);
  });

  it("run the chapter's batch of 32 at 320x480 in micro-batches under wasm's 4 GiB (a batch of 4 fits whole)", () => {
    const model = fcn({ numClasses: 21, seed: 1 });
    const perImage = estimateTrainingMemory(model.config, [320, 480]).bytes;
    const plan = chooseMicroBatch({
      batchSize: 32,
      bytesPerImage: perImage,
      memoryLimitBytes: 4 * GIB,
      fixedBytes: parameterMemory(model.numParameters()),
    });
    // Measured on wasm: 4 images of 320x480 peaked at 1.4 GiB, so `fcn bench --batch-size 4` runs in one pass.
    expect(plan.microBatch).toBeGreaterThanOrEqual(4);
    expect(plan.microBatch).toBeLessThan(32);
    expect(plan.sizes.reduce((a, b) => a + b, 0)).toBe(32);
    // A native backend with, say, 64 GiB runs the whole batch at once.
    expect(
      chooseMicroBatch({ batchSize: 32, bytesPerImage: perImage, memoryLimitBytes: 64 * GIB }).sizes,
    ).toEqual([32]);
    model.dispose();
  });
});
