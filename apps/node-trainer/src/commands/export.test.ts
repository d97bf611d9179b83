import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectFormat, fcn, fromWeights, readSafetensors, saveWeights } from '@fcn/models';
import { snapshotState } from '@fcn/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorMessage, runCli, startTestBackend } from '../testing/run-cli.js';

let dir: string;
let weights: string;
let weights16s: string;

beforeAll(async () => {
  await startTestBackend();
  dir = await mkdtemp(join(tmpdir(), 'fcn-cli-export-'));
  weights = join(dir, 'model.safetensors');
  weights16s = join(dir, 'model16s.safetensors');
  const model = fcn({ trunk: { arch: 'resnet18', width: 4 }, numClasses: 21, seed: 6 });
  await writeFile(weights, saveWeights(model));
  model.dispose();
  const model16s = fcn({ trunk: { arch: 'resnet18', width: 4 }, numClasses: 21, variant: '16s', seed: 6 });
  await writeFile(weights16s, saveWeights(model16s));
  model16s.dispose();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fcn export', () => {
  it("writes the chapter's PyTorch state dict, which loads back to the same weights", async () => {
    const out = join(dir, 'fcn_d2l.safetensors');
    const run = await runCli(['export', '--weights', weights, '--out', out]);
    expect(run.error).toBeUndefined();
    expect(run.out).toMatch(/^wrote .*fcn_d2l\.safetensors \(d2l, f32, \d+\.\d MiB\)$/m);
    const bytes = new Uint8Array(await readFile(out));
    const file = readSafetensors(bytes);
    expect(detectFormat(file)).toBe('d2l');
    expect(file.tensors.get('final_conv.weight')?.shape).toEqual([21, 32, 1, 1]);
    const original = fromWeights(new Uint8Array(await readFile(weights)));
    const exported = fromWeights(bytes);
    expect(snapshotState(exported)).toEqual(snapshotState(original));
    original.dispose();
    exported.dispose();
  });

  it('writes the trunk alone for torchvision', async () => {
    const out = join(dir, 'trunk.safetensors');
    expect(
      (await runCli(['export', '--weights', weights, '--format', 'torchvision', '--out', out])).error,
    ).toBeUndefined();
    const file = readSafetensors(new Uint8Array(await readFile(out)));
    expect(detectFormat(file)).toBe('torchvision');
    expect(file.tensors.has('layer4.1.bn2.running_var')).toBe(true);
  });

  it('says why an FCN-16s has no d2l layout, and refuses an unknown format', async () => {
    expect(
      errorMessage(await runCli(['export', '--weights', weights16s, '--out', join(dir, 'x.safetensors')])),
    ).toMatch(/cannot export .*model16s\.safetensors as d2l: .*32s/);
    expect(
      errorMessage(await runCli(['export', '--weights', weights, '--format', 'onnx', '--out', 'x'])),
    ).toMatch(/expected one of d2l, torchvision, native, got 'onnx'/);
  });
});
