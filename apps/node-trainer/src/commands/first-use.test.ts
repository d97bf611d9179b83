/**
 * The README's one-command first uses, end to end against a mirror on loopback (no network here): the
 * zoo names `fcn_resnet50`, `resnet18` and `voc2012` stand for files of the same kinds (a small
 * torchvision FCN and torchvision's ResNet-18, random weights, saved by torch.save; a VOC-layout tar), whose
 * own URLs lead nowhere, so everything comes from `FCN_MIRROR` into `FCN_CACHE_DIR` on first use and
 * from the cache after.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeLabelPng, generateSyntheticVoc, VOC2012, type VocSource } from '@fcn/data';
import { closedPortUrl, type FixtureServer, startFixtureServer, tarFolder } from '@fcn/hub/testing';
import { fromWeights, MODEL_ZOO, TorchvisionFCN } from '@fcn/models';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Catalogue, CatalogueModel } from '../catalogue.js';
import { buildProgram } from '../program.js';
import { runCli, startTestBackend } from '../testing/run-cli.js';
import { makeTorchvisionPhotoFixture, PHOTO, runTorch } from '../testing/torchvision-photo.js';

let work: string;
let server: FixtureServer;
let catalogue: Catalogue;
let photoSize: [number, number];

/** A zoo entry under its real name whose file is `bytes`, served only by the mirror. */
function entry(name: 'fcn_resnet50' | 'resnet18', bytes: Uint8Array, closed: string): CatalogueModel {
  const prefix = createHash('sha256').update(bytes).digest('hex').slice(0, 8);
  const fileName = `${name}-test-${prefix}.pth`;
  server.serve(`/mirror/${fileName}`, bytes);
  return {
    ...MODEL_ZOO[name],
    fileName,
    urls: [`${closed}/models/${fileName}`],
    sha256Prefix: prefix,
    checksum: { algorithm: 'sha256-prefix', hex: prefix },
  };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'fcn-first-use-'));
  const photo = await makeTorchvisionPhotoFixture(work);
  photoSize = [photo.width, photo.height];
  await startTestBackend();
  // torchvision's own ResNet-18 (random weights), saved by torch.save as torchvision's file is.
  await runTorch([
    '-c',
    `import torch, torchvision; torch.manual_seed(0); torch.save(torchvision.models.resnet18().state_dict(), '${join(work, 'resnet18.pth')}')`,
  ]);
  const trunkBytes = new Uint8Array(await readFile(join(work, 'resnet18.pth')));
  // VOC2012 as the real archive is laid out (VOCdevkit/VOC2012/...), small.
  const source = join(work, 'voc-source');
  await generateSyntheticVoc({
    root: join(source, 'VOCdevkit', 'VOC2012'),
    train: 4,
    val: 2,
    seed: 3,
    sizes: [[64, 96]],
  });
  await tarFolder(source, ['VOCdevkit'], join(work, 'voc.tar'));
  const vocTar = new Uint8Array(await readFile(join(work, 'voc.tar')));

  server = await startFixtureServer();
  const closed = await closedPortUrl();
  server.serve('/mirror/voc-test.tar', vocTar);
  const voc: VocSource = {
    ...VOC2012,
    fileName: 'voc-test.tar',
    urls: [`${closed}/voc/voc-test.tar`],
    checksum: { algorithm: 'sha1', hex: createHash('sha1').update(vocTar).digest('hex') },
    sizeBytes: vocTar.length,
  };
  const fcnBytes = new Uint8Array(await readFile(photo.pth));
  catalogue = {
    models: [entry('fcn_resnet50', fcnBytes, closed), entry('resnet18', trunkBytes, closed)],
    data: [voc],
  };
  vi.stubEnv('FCN_CACHE_DIR', join(work, 'cache'));
  vi.stubEnv('FCN_MIRROR', `${server.url}/mirror`);
}, 180_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const fcnCli = (args: string[]) => runCli(args, { program: buildProgram(catalogue) });

describe('first use: one command each, fetching what it needs', () => {
  it('fcn predict --model fcn_resnet50 segments a photo, downloading the model once', {
    timeout: 300_000,
  }, async () => {
    const mask = join(work, 'mask.png');
    const run = await fcnCli([
      'predict',
      '--model',
      'fcn_resnet50',
      '--image',
      PHOTO,
      '--out',
      mask,
      '--backend',
      'wasm',
    ]);
    expect(run.error).toBeUndefined();
    expect(run.out).toMatch(new RegExp(`${photoSize.join('x')} predicted in \\d+ ms`));
    const labels = decodeLabelPng(new Uint8Array(await readFile(mask)));
    expect([labels.width, labels.height]).toEqual(photoSize);
    expect(server.requests.filter((r) => r.path.includes('fcn_resnet50'))).toHaveLength(1);
    // The second time it comes from the cache.
    const again = await fcnCli([
      'predict',
      '--model',
      'fcn_resnet50',
      '--image',
      PHOTO,
      '--out',
      mask,
      '--backend',
      'wasm',
    ]);
    expect(again.error).toBeUndefined();
    expect(server.requests.filter((r) => r.path.includes('fcn_resnet50'))).toHaveLength(1);
  });

  it('fcn train --data voc2012 --pretrained resnet18 trains the chapter from fetched data and trunk', {
    timeout: 300_000,
  }, async () => {
    const out = join(work, 'run');
    const run = await fcnCli([
      'train',
      '--data',
      'voc2012',
      '--pretrained',
      'resnet18',
      '--epochs',
      '1',
      '--batch-size',
      '2',
      '--crop',
      '64x64',
      '--out',
      out,
      '--backend',
      'wasm',
    ]);
    expect(run.error).toBeUndefined();
    expect(run.out).toMatch(
      /model: FCN-32s on resnet18 \(width 64\), 21 classes, [\d,]+ parameters, trunk from .*resnet18-test-/,
    );
    expect(run.out).toMatch(/epoch 1, loss \d/);
    const settings = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
    expect(settings.data).toMatch(/unpacked.*VOCdevkit[/\\]VOC2012$/);
  });

  it('fcn eval --model fcn_resnet50 --data voc2012 scores the model on the fetched split', {
    timeout: 300_000,
  }, async () => {
    const run = await fcnCli([
      'eval',
      '--model',
      'fcn_resnet50',
      '--data',
      'voc2012',
      '--backend',
      'wasm',
      '--json',
    ]);
    expect(run.error).toBeUndefined();
    const metrics = JSON.parse(run.out);
    expect(metrics.images).toBe(2);
    expect(metrics.pixelAccuracy).toBeGreaterThanOrEqual(0);
    expect(metrics.pixelAccuracy).toBeLessThanOrEqual(1);
    expect(metrics.classes).toHaveLength(21);
  });

  it('fcn train --weights fcn_resnet50 --data voc2012 fine-tunes the whole torchvision FCN', {
    timeout: 300_000,
  }, async () => {
    const out = join(work, 'finetune');
    const args = [
      'train',
      '--weights',
      'fcn_resnet50',
      '--data',
      'voc2012',
      '--epochs',
      '1',
      '--batch-size',
      '2',
    ];
    const run = await fcnCli([...args, '--crop', '64x64', '--lr', '0.01', '--out', out, '--backend', 'wasm']);
    expect(run.error).toBeUndefined();
    expect(run.out).toMatch(
      /model: torchvision FCN on custom \[1, 1, 1, 1\], 21 classes, without aux head, [\d,]+ parameters, from .*fcn_resnet50-test-/,
    );
    expect(run.out).toMatch(/epoch 1, loss \d/);
    const model = fromWeights(await readFile(join(out, 'model.safetensors')));
    expect(model).toBeInstanceOf(TorchvisionFCN);
    model.dispose();
  });
});
