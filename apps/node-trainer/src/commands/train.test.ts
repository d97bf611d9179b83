import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticVoc } from '@fcn/data';
import { type FCN, fcn, fromWeights, saveWeights } from '@fcn/models';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorMessage, runCli } from '../testing/run-cli.js';

let dir: string;
let voc: string;
/** A tiny run: 8 training images of 64x96, batches of 4, a trunk of width 4, on wasm. */
const tiny = (out: string, ...more: string[]) => [
  'train',
  '--data',
  voc,
  '--out',
  out,
  '--epochs',
  '2',
  '--batch-size',
  '4',
  '--crop',
  '64x64',
  '--width',
  '4',
  '--backend',
  'wasm',
  ...more,
];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fcn-cli-train-'));
  voc = join(dir, 'voc');
  await generateSyntheticVoc({ root: voc, train: 8, val: 2, sizes: [[64, 96]], seed: 0 });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fcn train', () => {
  it("trains end to end: backend line first, the chapter's epoch lines, and every run file", async () => {
    const out = join(dir, 'run');
    const run = await runCli(tiny(out));
    expect(run.error).toBeUndefined();
    const lines = run.out.trim().split('\n');
    expect(lines[0]).toMatch(/^backend: wasm/);
    expect(run.out).toMatch(/train: read 8 examples; val: read 2 examples \(crop 64x64\)/);
    expect(run.out).toMatch(/^epoch 1, loss \d+\.\d{4}, train acc \d\.\d{3}, test acc \d\.\d{3}, time /m);
    expect(run.out).toMatch(/^epoch 2, loss /m);
    expect(run.out).toMatch(
      /done in .*; wrote .*model\.safetensors, .*metrics\.jsonl, .*samples\.png, .*curves\.svg/,
    );
    expect((await readdir(out)).sort()).toEqual([
      'checkpoint.safetensors',
      'curves.svg',
      'metrics.jsonl',
      'model.safetensors',
      'run.json',
      'samples.png',
    ]);
    const metrics = (await readFile(join(out, 'metrics.jsonl'), 'utf8')).trim().split('\n');
    expect(metrics.map((l) => JSON.parse(l).epoch)).toEqual([1, 2]);
    expect(await readFile(join(out, 'curves.svg'), 'utf8')).toMatch(
      /^<svg [^>]*>[\s\S]*test mIoU[\s\S]*<\/svg>\n$/,
    );
    const png = await readFile(join(out, 'samples.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // The model file rebuilds the model: 21 VOC classes, the asked-for width, VOC's class names.
    const model = fromWeights(await readFile(join(out, 'model.safetensors'))) as FCN;
    expect(model.config.trunk.width).toBe(4);
    expect(model.config.classNames?.[15]).toBe('person');
    model.dispose();
  });

  it('refuses to mix a new run into an old one, and --resume continues it with the settings of run.json', async () => {
    const out = join(dir, 'run');
    expect(errorMessage(await runCli(tiny(out)))).toMatch(
      /already holds a run; continue it with --resume, start again with --overwrite, or pick another --out/,
    );
    const resumed = await runCli(['train', '--out', out, '--resume', '--epochs', '3', '--backend', 'wasm']);
    expect(resumed.error).toBeUndefined();
    expect(resumed.out).toMatch(/resumed from .*checkpoint\.safetensors at epoch 3, step 0/);
    expect(resumed.out).not.toMatch(/^epoch 2,/m);
    expect(resumed.out).toMatch(/^epoch 3, loss /m);
    const metrics = (await readFile(join(out, 'metrics.jsonl'), 'utf8')).trim().split('\n');
    expect(metrics).toHaveLength(3);
  });

  it('stops on Ctrl-C after the current step, checkpoints it, and says how to resume (exit 130)', async () => {
    const out = join(dir, 'interrupted');
    let sent = false;
    const run = await runCli(tiny(out, '--epochs', '3'), {
      onOut: (text) => {
        if (!sent && /^epoch 1, loss/m.test(text)) {
          sent = true;
          process.emit('SIGINT');
        }
      },
    });
    expect(errorMessage(run)).toMatch(
      /^stopped; .*checkpoint\.safetensors continues at epoch 2, step 0\. Resume with: fcn train --resume --out /,
    );
    expect((run.error as { exitCode?: number }).exitCode).toBe(130);
    expect(run.out).toMatch(/interrupted: stopping after this step/);
    expect(run.out).not.toMatch(/^epoch 2,/m);
    expect(process.listenerCount('SIGINT')).toBe(0);
    // It stops promptly: samples.png (which predicts whole images) waits for the end of the run.
    expect(existsSync(join(out, 'samples.png'))).toBe(false);
    expect(existsSync(join(out, 'curves.svg'))).toBe(true);
    const resumed = await runCli(['train', '--out', out, '--resume', '--backend', 'wasm']);
    expect(resumed.error).toBeUndefined();
    expect(resumed.out).toMatch(/^epoch 3, /m);
  });

  it('keeps tf.memory().numTensors flat across a run', async () => {
    const before = tf.memory().numTensors;
    const run = await runCli(tiny(join(dir, 'memory'), '--epochs', '1'));
    expect(run.error).toBeUndefined();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names the problem in one line for a missing folder, a too-large crop, a bad crop and bad flags', async () => {
    expect(
      errorMessage(
        await runCli(['train', '--data', join(dir, 'nope'), '--out', join(dir, 'x'), '--backend', 'wasm']),
      ),
    ).toMatch(
      /data folder .*nope does not exist; pass a VOC2012 folder .* or make one with: fcn synth-voc --out /,
    );
    const tooBig = await runCli(tiny(join(dir, 'big'), '--crop', '320x480'));
    expect(errorMessage(tooBig)).toMatch(
      /every training image in .*voc is smaller than the crop 320x480 \(8 left out\); pass a smaller --crop/,
    );
    expect(errorMessage(await runCli(tiny(join(dir, 'odd'), '--crop', '60x64')))).toMatch(
      /--crop 60x64: both sides must be multiples of 32/,
    );
    expect(errorMessage(await runCli(tiny(join(dir, 'y'), '--crop', 'big')))).toMatch(
      /option '--crop <HxW>' argument 'big' is invalid\. expected HEIGHTxWIDTH/,
    );
    expect(errorMessage(await runCli(tiny(join(dir, 'y'), '--backend', 'metal')))).toMatch(
      /unknown backend 'metal'/,
    );
    expect(errorMessage(await runCli(['train', '--out', join(dir, 'none'), '--resume']))).toMatch(
      /nothing to resume: .*none holds no checkpoint\.safetensors/,
    );
    expect(existsSync(join(dir, 'big'))).toBe(false);
  });

  it('takes a torchvision trunk with --pretrained, and refuses a whole model or another --width there', async () => {
    const trunkFile = join(dir, 'trunk.safetensors');
    const source = fcn({ trunk: { arch: 'resnet18', width: 4 }, numClasses: 21, seed: 3 });
    await writeFile(trunkFile, saveWeights(source, { format: 'torchvision' }));
    const out = join(dir, 'pretrained');
    const run = await runCli(tiny(out, '--epochs', '1', '--pretrained', trunkFile));
    expect(run.error).toBeUndefined();
    expect(run.out).toMatch(/trunk from .*trunk\.safetensors/);

    const fcnFile = join(dir, 'fcn.safetensors');
    await writeFile(fcnFile, saveWeights(source));
    expect(errorMessage(await runCli(tiny(join(dir, 'p2'), '--pretrained', fcnFile)))).toMatch(
      /--pretrained .*fcn\.safetensors: it holds a whole model \(native layout\), not an ImageNet ResNet trunk; fine-tune a whole model with --weights/,
    );
    const wider = errorMessage(
      await runCli(tiny(join(dir, 'p3'), '--width', '8', '--pretrained', trunkFile)),
    );
    expect(wider).toMatch(
      /--pretrained .*trunk\.safetensors: it is a resnet18 of width 4, and --width 8 asks for another; leave out --width/,
    );
    source.dispose();
  });
});
