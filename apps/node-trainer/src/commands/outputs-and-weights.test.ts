/**
 * `fcn predict`, `fcn export` and `fcn eval` against hostile inputs: outputs aimed at their own
 * inputs or at files fcn did not write, weights full of NaN, damaged or forged, huge images, class
 * names carrying terminal escapes, empty splits.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { generateSyntheticVoc } from '@fcn/data';
import {
  fcn,
  float32Tensor,
  readSafetensors,
  saveWeights,
  withChecksum,
  writeSafetensors,
} from '@fcn/models';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorMessage, runCli, startTestBackend } from '../testing/run-cli.js';

let dir: string;
let voc: string;
let photo: string;
let weights: string;

/** The model file with every weight of `key` replaced by `value` (the checksum made to match). */
async function poisonedWeights(name: string, key: string, value: number): Promise<string> {
  const file = readSafetensors(await readFile(weights));
  const tensors = new Map(file.tensors);
  const t = file.tensors.get(key)!;
  tensors.set(key, float32Tensor(new Float32Array(t.data.byteLength / 4).fill(value), t.shape));
  const path = join(dir, name);
  await writeFile(path, writeSafetensors(tensors, withChecksum(tensors, file.metadata)));
  return path;
}

/** A PNG of only a header claiming `width` x `height` (68 bytes). */
function pngHeader(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    out.set(data, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(10))),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

const predict = (...args: string[]) =>
  runCli(['predict', '--weights', weights, '--image', photo, '--backend', 'wasm', ...args]);

beforeAll(async () => {
  await startTestBackend();
  dir = await mkdtemp(join(tmpdir(), 'fcn-cli-hostile-'));
  voc = join(dir, 'voc');
  const synth = await generateSyntheticVoc({ root: voc, train: 2, val: 2, sizes: [[64, 96]], seed: 5 });
  // The photo as a PNG, so that an output path can name it with the right extension.
  photo = join(dir, 'photo.png');
  await sharp(join(voc, 'JPEGImages', `${synth.val[0]!.id}.jpg`))
    .png()
    .toFile(photo);
  weights = join(dir, 'model.safetensors');
  const model = fcn({ trunk: { arch: 'resnet18', width: 4 }, numClasses: 21, seed: 1 });
  await writeFile(weights, saveWeights(model));
  model.dispose();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('outputs', () => {
  it('predict never writes over its own image or weights, and checks the extension', async () => {
    const image = await readFile(photo);
    const model = await readFile(weights);
    expect(errorMessage(await predict('--out', photo))).toMatch(
      /--out .*photo\.png is the --image file: writing there would destroy it; pick another path/,
    );
    expect(
      errorMessage(await predict('--out', join(dir, 'mask.png'), '--overlay', photo, '--force')),
    ).toMatch(/--overlay .*photo\.png is the --image file/);
    expect(errorMessage(await predict('--out', weights))).toMatch(
      /--out .*model\.safetensors: the mask is written as a PNG; give it a name ending in \.png/,
    );
    expect(errorMessage(await predict('--out', join(dir, 'victim.jpg')))).toMatch(
      /give it a name ending in \.png/,
    );
    const both = join(dir, 'same.png');
    expect(errorMessage(await predict('--out', both, '--overlay', both))).toMatch(
      /--out and --overlay name the same file .*same\.png; give each its own/,
    );
    expect((await readFile(photo)).equals(image)).toBe(true);
    expect((await readFile(weights)).equals(model)).toBe(true);
  });

  it('predict replaces its own earlier output, but a file it did not write only with --force', async () => {
    const mine = join(dir, 'again.mask.png');
    expect((await predict('--out', mine)).error).toBeUndefined();
    expect((await predict('--out', mine)).error).toBeUndefined();

    const theirs = join(dir, 'theirs.png');
    await cp(photo, theirs);
    const before = await readFile(theirs);
    expect(errorMessage(await predict('--out', theirs))).toMatch(
      /--out .*theirs\.png already exists and was not written by fcn; pass --force to replace it, or pick another path/,
    );
    expect((await readFile(theirs)).equals(before)).toBe(true);
    expect((await predict('--out', theirs, '--force')).error).toBeUndefined();
    expect((await readFile(theirs)).equals(before)).toBe(false);

    const aFile = join(dir, 'plain.txt');
    await writeFile(aFile, 'x');
    expect(errorMessage(await predict('--out', join(aFile, 'mask.png')))).toMatch(
      /--out .*plain\.txt\/mask\.png: .*plain\.txt is a file, not a folder; pick another path/,
    );
    expect(errorMessage(await predict('--out', join(dir, 'voc.png'), '--overlay', voc))).toMatch(
      /--overlay .*voc: the overlay is written as a PNG/,
    );
  });

  it('export never writes over its weights or a foreign file, and writes .safetensors only', async () => {
    const model = await readFile(weights);
    const exp = (out: string, ...more: string[]) =>
      runCli(['export', '--weights', weights, '--out', out, ...more]);
    expect(errorMessage(await exp(weights))).toMatch(/--out .*model\.safetensors is the --weights file/);
    expect(errorMessage(await exp(join(dir, 'fcn.pt')))).toMatch(
      /--out .*fcn\.pt: the model is written as safetensors; give it a name ending in \.safetensors/,
    );
    const foreign = join(dir, 'foreign.safetensors');
    await writeFile(foreign, 'not ours');
    expect(errorMessage(await exp(foreign))).toMatch(
      /foreign\.safetensors already exists and was not written by fcn; pass --force/,
    );
    expect((await exp(foreign, '--force')).error).toBeUndefined();
    expect((await exp(foreign, '--format', 'torchvision')).error).toBeUndefined();
    expect((await readFile(weights)).equals(model)).toBe(true);
  });
});

describe('weights', () => {
  it('refuses NaN and infinite weights in predict, eval and export; --allow-nonfinite loads them with a warning', async () => {
    const nan = await poisonedWeights('nan.safetensors', 'final_conv.weight', Number.NaN);
    const out = join(dir, 'nan.mask.png');
    const refused = await runCli([
      'predict',
      '--weights',
      nan,
      '--image',
      photo,
      '--out',
      out,
      '--backend',
      'wasm',
    ]);
    expect(errorMessage(refused)).toMatch(
      /weights file .*nan\.safetensors: NaN or infinite weights in 'final_conv\.weight' \(all 672 values\): .*--allow-nonfinite/,
    );
    const allowed = await runCli([
      'predict',
      '--weights',
      nan,
      '--image',
      photo,
      '--out',
      out,
      '--allow-nonfinite',
      '--backend',
      'wasm',
    ]);
    expect(allowed.error).toBeUndefined();
    expect(allowed.err).toMatch(
      /warning: .*nan\.safetensors holds NaN or infinite weights in 'final_conv\.weight'/,
    );
    const inf = await poisonedWeights('inf.safetensors', 'trunk.bn1.running_var', Infinity);
    expect(
      errorMessage(await runCli(['eval', '--weights', inf, '--data', voc, '--backend', 'wasm'])),
    ).toMatch(/NaN or infinite weights in 'trunk\.bn1\.running_var'/);
    expect(
      errorMessage(await runCli(['export', '--weights', inf, '--out', join(dir, 'inf-out.safetensors')])),
    ).toMatch(/NaN or infinite weights/);
  });

  it('refuses a model file with flipped bytes, and a forged config far larger than its file, at once', async () => {
    const bytes = new Uint8Array(await readFile(weights));
    for (let i = bytes.length - 64; i < bytes.length; i++) bytes[i]! ^= 0x55;
    const flipped = join(dir, 'flipped.safetensors');
    await writeFile(flipped, bytes);
    expect(errorMessage(await predict('--weights', flipped, '--out', join(dir, 'f.png')))).toMatch(
      /weights file .*flipped\.safetensors: the tensor data do not match the checksum/,
    );

    const u8 = (shape: number[]) => ({
      dtype: 'U8' as const,
      shape,
      data: new Uint8Array(shape.reduce((a, d) => a * d, 1)),
    });
    const forged = join(dir, 'forged.safetensors');
    await writeFile(
      forged,
      writeSafetensors(
        { 'trunk.conv1.weight': u8([7, 7, 3, 1024]), 'final_conv.weight': u8([1, 1, 8192, 1]) },
        {
          format: 'fcn.ts',
          config: JSON.stringify({
            trunk: { arch: 'resnet18', width: 1024 },
            variant: '32s',
            numClasses: 1,
          }),
        },
      ),
    );
    const start = performance.now();
    expect(errorMessage(await predict('--weights', forged, '--out', join(dir, 'g.png')))).toMatch(
      /needs [\d,]+ weights but the file holds 0: its config does not match its tensors/,
    );
    expect(performance.now() - start).toBeLessThan(5000);
  });

  it('prints class names from a weight file with their control characters escaped', async () => {
    const names = Array.from({ length: 21 }, (_, i) => `\u001b[2J\u001b[31mc${i}`);
    const model = fcn({ trunk: { arch: 'resnet18', width: 4 }, numClasses: 21, seed: 1, classNames: names });
    const path = join(dir, 'named.safetensors');
    await writeFile(path, saveWeights(model));
    model.dispose();
    const run = await predict('--weights', path, '--out', join(dir, 'named.png'));
    expect(run.error).toBeUndefined();
    expect(run.out).not.toContain('\u001b');
    expect(run.out).toMatch(/^\\x1b\[2J\\x1b\[31mc\d+ \d+\.\d%/m);
  });
});

describe('sizes and splits', () => {
  it('refuses an image over the pixel budget from its header, before decoding or loading anything', async () => {
    const huge = join(dir, 'huge.png');
    await writeFile(huge, pngHeader(16000, 16000));
    const run = await runCli(['predict', '--weights', weights, '--image', huge, '--out', join(dir, 'h.png')]);
    expect(errorMessage(run)).toMatch(
      /image .*huge\.png is 16000x16000 \(256\.0 million pixels\), more than --max-pixels 100000000; predicting it takes about [\d.]+ GB of memory and [\d,]+ windows: pass --max-pixels 256000000 to go ahead/,
    );
    // Refused before the backend started: nothing was printed.
    expect(run.out).toBe('');
    expect(errorMessage(await predict('--out', join(dir, 'small.png'), '--max-pixels', '1000'))).toMatch(
      /is 96x64 \(0\.0 million pixels\), more than --max-pixels 1000/,
    );
  });

  it('eval names an empty split and a crop that is not a multiple of 32', async () => {
    expect(
      errorMessage(await runCli(['eval', '--weights', weights, '--data', voc, '--crop', '31x31'])),
    ).toMatch(/--crop 31x31: both sides must be multiples of 32/);
    const empty = join(dir, 'empty-voc');
    await cp(voc, empty, { recursive: true });
    await writeFile(join(empty, 'ImageSets', 'Segmentation', 'val.txt'), '');
    expect(
      errorMessage(await runCli(['eval', '--weights', weights, '--data', empty, '--backend', 'wasm'])),
    ).toMatch(/ImageSets\/Segmentation\/val\.txt lists no images; add image ids to it/);
  });
});
