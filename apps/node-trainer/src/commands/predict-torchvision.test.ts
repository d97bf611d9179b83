/**
 * `fcn predict` on torchvision's FCN straight from `torch.save`: a small FCN built from torchvision's own
 * classes (Bottleneck ResNet, one block a stage, dilated as fcn_resnet50; seeded random weights) is saved
 * as a `.pth` state dict by /usr/bin/python3 (packages/models/scripts/torchvision_fcn_photo.py), and its
 * mask of a real photo (scikit-image's cat, from Debian's python3-skimage) must equal PyTorch's
 * `model(x)['out'].argmax(1)` wherever PyTorch's top-2 margin is clear.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeLabelPng } from '@fcn/data';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resizeLabels } from '../label-resize.js';
import { runCli } from '../testing/run-cli.js';
import { makeTorchvisionPhotoFixture, PHOTO } from '../testing/torchvision-photo.js';

/** PyTorch's top-2 logit margin, as a share of the logits' spread, below which a pixel may flip. */
const CLEAR_MARGIN = 0.02;

let dir: string;
let expected: Uint8Array;
let margin: Float32Array;
let logitStd: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fcn-predict-tv-'));
  ({ labels: expected, margin, logitStd } = await makeTorchvisionPhotoFixture(dir));
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('fcn predict with a torchvision FCN .pth', () => {
  it("gives PyTorch's mask at the photo's own size (where PyTorch's top-2 margin is clear)", {
    timeout: 300_000,
  }, async () => {
    const mask = join(dir, 'mask.png');
    const run = await runCli([
      'predict',
      '--weights',
      join(dir, 'model.pth'),
      '--image',
      PHOTO,
      '--out',
      mask,
      '--backend',
      'wasm',
    ]);
    expect(run.error).toBeUndefined();
    expect(run.out).toMatch(/451x300 predicted in \d+ ms; wrote .*mask\.png/);
    const labels = decodeLabelPng(new Uint8Array(await readFile(mask)));
    expect([labels.width, labels.height]).toEqual([451, 300]);
    let clear = 0;
    let agree = 0;
    for (let i = 0; i < expected.length; i++) {
      if (margin[i]! < CLEAR_MARGIN * logitStd) continue;
      clear++;
      if (labels.data[i] === expected[i]) agree++;
    }
    console.log(
      `fcn predict vs PyTorch: ${agree} of ${clear} clear pixels agree (${expected.length} in all)`,
    );
    expect(clear).toBeGreaterThan(0.8 * expected.length);
    expect(agree / clear).toBeGreaterThanOrEqual(0.999);
    // The photo's classes are many (the fixture centres the logits), so agreement is not a constant map's.
    expect(new Set(expected).size).toBeGreaterThan(5);
  });

  it('--resize N predicts on the photo scaled to a shorter side of N, the mask brought back to the photo size', {
    timeout: 300_000,
  }, async () => {
    const resized = join(dir, 'resized.png');
    const run = await runCli([
      'predict',
      '--weights',
      join(dir, 'model.pth'),
      '--image',
      PHOTO,
      '--out',
      resized,
      '--resize',
      '160',
      '--backend',
      'wasm',
    ]);
    expect(run.error).toBeUndefined();
    const labels = decodeLabelPng(new Uint8Array(await readFile(resized)));
    expect([labels.width, labels.height]).toEqual([451, 300]);
    // The same as predicting a copy scaled to 240x160 (torchvision's Resize(160) size) and scaling its
    // mask back by nearest neighbour.
    const small = join(dir, 'small.png');
    await sharp(PHOTO).removeAlpha().resize(240, 160, { fit: 'fill', kernel: 'linear' }).png().toFile(small);
    const smallMask = join(dir, 'small-mask.png');
    expect(
      (
        await runCli([
          'predict',
          '--weights',
          join(dir, 'model.pth'),
          '--image',
          small,
          '--out',
          smallMask,
          '--backend',
          'wasm',
        ])
      ).error,
    ).toBeUndefined();
    const scaledBack = resizeLabels(decodeLabelPng(new Uint8Array(await readFile(smallMask))), 451, 300);
    expect(Buffer.from(labels.data).equals(Buffer.from(scaledBack.data))).toBe(true);
  });
});
