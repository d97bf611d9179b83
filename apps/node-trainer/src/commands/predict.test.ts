import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJpeg, decodeLabelPng, generateSyntheticVoc, normalizeImage } from '@fcn/data';
import { fcn, saveWeights } from '@fcn/models';
import { predictWholeImage } from '@fcn/train';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorMessage, runCli, startTestBackend } from '../testing/run-cli.js';

let dir: string;
let image: string;
let weights: string;

beforeAll(async () => {
  await startTestBackend();
  dir = await mkdtemp(join(tmpdir(), 'fcn-cli-predict-'));
  // An odd-sized photo (not a multiple of 32, wider than one window) from the synthetic VOC.
  const voc = await generateSyntheticVoc({
    root: join(dir, 'voc'),
    train: 1,
    val: 0,
    sizes: [[75, 130]],
    seed: 2,
  });
  image = join(voc.root, 'JPEGImages', `${voc.train[0]!.id}.jpg`);
  weights = join(dir, 'model.safetensors');
  const model = fcn({ trunk: { arch: 'resnet18', width: 4 }, numClasses: 21, seed: 4 });
  await writeFile(weights, saveWeights(model));
  model.dispose();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fcn predict', () => {
  it('writes a VOC palette PNG of the whole image equal to predictWholeImage, and an overlay of the same size', async () => {
    const mask = join(dir, 'out', 'mask.png');
    const overlay = join(dir, 'out', 'overlay.png');
    const window = '64x64';
    const run = await runCli([
      'predict',
      '--weights',
      weights,
      '--image',
      image,
      '--out',
      mask,
      '--overlay',
      overlay,
      '--window',
      window,
      '--backend',
      'wasm',
    ]);
    expect(run.error).toBeUndefined();
    expect(run.out).toMatch(/^backend: wasm/);
    expect(run.out).toMatch(/130x75 predicted in \d+ ms; wrote .*mask\.png, .*overlay\.png/);
    // More than a few windows: progress on stderr, ending at the total.
    expect(run.err).toMatch(/^ {2}(\d+)\/\1 windows$/m);
    expect(run.out).toMatch(/(background|aeroplane|person|car|cat|[a-z ]+) \d+\.\d%/);

    const bytes = new Uint8Array(await readFile(mask));
    const labels = decodeLabelPng(bytes, 'ignore');
    expect([labels.width, labels.height]).toEqual([130, 75]);
    // A palette PNG: IHDR colour type 3 (the byte at offset 25), 8 bits per index.
    expect([bytes[24], bytes[25]]).toEqual([8, 3]);
    // The same classes as the library's whole-image prediction with the same window.
    const photo = await decodeJpeg(new Uint8Array(await readFile(image)));
    const model = fcn({ trunk: { arch: 'resnet18', width: 4 }, numClasses: 21, seed: 4 });
    const x = tf.tensor3d(normalizeImage(photo.data), [photo.height, photo.width, 3]);
    const expected = await predictWholeImage(model, x, { window: [64, 64] });
    expect(Array.from(labels.data)).toEqual(Array.from(await expected.data()));
    tf.dispose([x, expected]);
    model.dispose();

    const blended = await sharp(await readFile(overlay)).metadata();
    expect([blended.width, blended.height]).toEqual([130, 75]);
  });

  it('writes IMAGE.mask.png in the current folder without --out', async () => {
    const cwd = join(dir, 'here');
    const saved = process.env.INIT_CWD;
    process.env.INIT_CWD = cwd;
    try {
      const run = await runCli(['predict', '--weights', weights, '--image', image, '--backend', 'wasm']);
      expect(run.error).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.INIT_CWD;
      else process.env.INIT_CWD = saved;
    }
    const name = image.split('/').at(-1)!.replace('.jpg', '.mask.png');
    expect(decodeLabelPng(new Uint8Array(await readFile(join(cwd, name)))).width).toBe(130);
  });

  it('refuses a file that is not an image, a missing image and a bad opacity in one line each', async () => {
    const text = join(dir, 'notes.txt');
    await writeFile(text, 'not an image');
    expect(
      errorMessage(await runCli(['predict', '--weights', weights, '--image', text, '--backend', 'wasm'])),
    ).toMatch(/^image .*notes\.txt cannot be decoded: /);
    expect(
      errorMessage(await runCli(['predict', '--weights', weights, '--image', join(dir, 'gone.jpg')])),
    ).toMatch(/image .*gone\.jpg does not exist/);
    expect(
      errorMessage(await runCli(['predict', '--weights', weights, '--image', image, '--opacity', '2'])),
    ).toMatch(/--opacity must be between 0 and 1, got 2/);
  });
});
