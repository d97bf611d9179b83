import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticVoc } from '@fcn/data';
import { fcn, saveWeights } from '@fcn/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorMessage, runCli, startTestBackend } from '../testing/run-cli.js';

let dir: string;
let voc: string;
let weights: string;
let d2lWeights: string;
let trunkWeights: string;

beforeAll(async () => {
  await startTestBackend();
  dir = await mkdtemp(join(tmpdir(), 'fcn-cli-eval-'));
  voc = join(dir, 'voc');
  // Validation images of two sizes, neither a multiple of 32: whole-image evaluation tiles them.
  await generateSyntheticVoc({
    root: voc,
    train: 2,
    val: 3,
    sizes: [
      [70, 100],
      [90, 60],
    ],
    seed: 1,
  });
  const model = fcn({ trunk: { arch: 'resnet18', width: 4 }, numClasses: 21, seed: 0 });
  weights = join(dir, 'model.safetensors');
  d2lWeights = join(dir, 'd2l.safetensors');
  trunkWeights = join(dir, 'trunk.safetensors');
  await writeFile(weights, saveWeights(model));
  await writeFile(d2lWeights, saveWeights(model, { format: 'd2l' }));
  await writeFile(trunkWeights, saveWeights(model, { format: 'torchvision' }));
  model.dispose();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface EvalJson {
  images: number;
  how: string;
  pixelAccuracy: number;
  meanIoU: number;
  meanAccuracy: number;
  frequencyWeightedIoU: number;
  pixels: number;
  classes: { index: number; name: string; iou: number | null }[];
}

describe('fcn eval', () => {
  it('scores whole images: the four metrics and per-class IoU as JSON, the backend line on stderr', async () => {
    const run = await runCli(['eval', '--weights', weights, '--data', voc, '--json', '--backend', 'wasm']);
    expect(run.error).toBeUndefined();
    expect(run.err).toMatch(/^backend: wasm/);
    const result = JSON.parse(run.out) as EvalJson;
    expect(result.images).toBe(3);
    expect(result.how).toBe('whole images');
    for (const key of ['pixelAccuracy', 'meanAccuracy', 'meanIoU', 'frequencyWeightedIoU'] as const) {
      expect(result[key]).toBeGreaterThanOrEqual(0);
      expect(result[key]).toBeLessThanOrEqual(1);
    }
    // Every pixel but the void border is counted: at most the images' area, and most of it.
    const area = 70 * 100 * result.images;
    expect(result.pixels).toBeGreaterThan(0.5 * 60 * 70 * 3);
    expect(result.pixels).toBeLessThanOrEqual(area);
    expect(result.classes).toHaveLength(21);
    expect(result.classes[15]).toMatchObject({ index: 15, name: 'person' });
  });

  it('prints a table, accepts a d2l PyTorch state dict, and scores centred crops with --crop', async () => {
    const table = await runCli(['eval', '--weights', d2lWeights, '--data', voc, '--backend', 'wasm']);
    expect(table.error).toBeUndefined();
    expect(table.out).toMatch(/^val: 3 images \(whole images\)/m);
    expect(table.out).toMatch(/^pixel accuracy {10}\d\.\d{3}$/m);
    expect(table.out).toMatch(/^mean IoU {16}\d\.\d{3}$/m);
    expect(table.out).toMatch(/^class {14}IoU {3}accuracy$/m);
    expect(table.out).toMatch(/^0 background +\d\.\d{3} +\d\.\d{3}$/m);
    const crops = await runCli([
      'eval',
      '--weights',
      weights,
      '--data',
      voc,
      '--crop',
      '32x32',
      '--json',
      '--backend',
      'wasm',
    ]);
    expect(crops.error).toBeUndefined();
    const result = JSON.parse(crops.out) as EvalJson;
    expect(result.how).toBe('centred 32x32 crops');
    expect(result.pixels).toBeLessThanOrEqual(3 * 32 * 32);
  });

  it('names the file and the fix for a trunk-only file, a missing file and a too-large crop', async () => {
    expect(
      errorMessage(await runCli(['eval', '--weights', trunkWeights, '--data', voc, '--backend', 'wasm'])),
    ).toMatch(
      /weights file .*trunk\.safetensors: it holds only a torchvision ResNet trunk, not an FCN: use it to start training \(fcn train --pretrained FILE\)/,
    );
    expect(
      errorMessage(await runCli(['eval', '--weights', join(dir, 'none.safetensors'), '--data', voc])),
    ).toMatch(/weights file .*none\.safetensors does not exist/);
    expect(
      errorMessage(await runCli(['eval', '--weights', weights, '--data', voc, '--crop', '320x480'])),
    ).toMatch(/every val image in .* is smaller than the crop 320x480 \(3 left out\); pass a smaller --crop/);
  });
});
