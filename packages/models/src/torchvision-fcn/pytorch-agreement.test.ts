/**
 * Agreement with torchvision itself. `scripts/torchvision_fcn_reference.py fcn DIR` builds
 * `torchvision.models.segmentation.fcn_resnet50(weights=None, aux_loss=True)` (or a smaller FCN from
 * torchvision's own classes) with seeded random weights and BatchNorm statistics, runs it in eval mode on
 * a seeded random input of an odd size, and writes its state dict and `input`/`out`/`aux`. The full
 * state dict is 140 MB, so it is made here, into a temporary folder, by /usr/bin/python3.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toFloat32 } from '../safetensors/dtypes.js';
import { readSafetensors, type Safetensors } from '../safetensors/read.js';
import { torchvisionFcnConfigFromState, torchvisionFcnFromState } from './state.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, '..', '..', 'scripts', 'torchvision_fcn_reference.py');
/** Small odd sizes: 43x59 gives 6x8 features at stride 8 (29x37: 4x5), upsampled by no whole factor. */
const size = (height: number, width: number) => ['--height', String(height), '--width', String(width)];

let dir = '';

function reference(name: string, args: string[]): { state: Safetensors; io: Safetensors } {
  const out = join(dir, name);
  const run = spawnSync(PYTHON, [SCRIPT, 'fcn', out, ...args], { encoding: 'utf8' });
  if (run.status !== 0) {
    throw new Error(`${SCRIPT} fcn failed (exit ${run.status}): ${run.error?.message ?? run.stderr}`);
  }
  console.log(run.stdout.trim());
  return {
    state: readSafetensors(readFileSync(join(out, 'state.safetensors'))),
    io: readSafetensors(readFileSync(join(out, 'io.safetensors'))),
  };
}

/** A file's NCHW tensor as NHWC. */
function nhwc(file: Safetensors, key: string): tf.Tensor4D {
  const raw = file.tensors.get(key);
  if (!raw) throw new Error(`reference has no '${key}'`);
  const t = tf.tensor4d(toFloat32(raw), raw.shape as [number, number, number, number]);
  const out = tf.transpose(t, [0, 2, 3, 1]);
  t.dispose();
  return out;
}

function agreement(label: string, ours: tf.Tensor, expected: tf.Tensor): void {
  expect(ours.shape).toEqual(expected.shape);
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(ours, expected))).dataSync()[0]!);
  const scale = tf.tidy(() => tf.max(tf.abs(expected)).dataSync()[0]!);
  console.log(`${label}: max |diff| ${diff.toExponential(2)}, largest logit ${scale.toFixed(3)}`);
  expect(scale).toBeGreaterThan(0.5);
  expect(diff).toBeLessThan(1e-4 * Math.max(1, scale));
}

describe('agreement with torchvision (FCN, eval mode)', () => {
  beforeAll(() => {
    const check = spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
    if (check.status !== 0) {
      throw new Error(
        `this test runs torchvision with ${PYTHON}, which cannot import torch and torchvision ` +
          `(${(check.error?.message ?? check.stderr).trim().split('\n').at(-1)}): apt-get install python3-torch python3-torchvision`,
      );
    }
    dir = mkdtempSync(join(tmpdir(), 'torchvision-fcn-'));
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('fcn_resnet50 (aux, 21 classes): out and aux match PyTorch', { timeout: 600_000 }, () => {
    const { state, io } = reference('resnet50', ['--model', 'resnet50', '--classes', '21', ...size(43, 59)]);
    expect(torchvisionFcnConfigFromState(state.tensors)).toEqual({
      kind: 'torchvision-fcn',
      backbone: { arch: 'resnet50', blocks: [3, 4, 6, 3] },
      numClasses: 21,
      aux: true,
    });
    const model = torchvisionFcnFromState(state.tensors).eval();
    expect(model.numParameters()).toBe(35_322_218); // torchvision's FCN_ResNet50_Weights num_params
    const input = nhwc(io, 'input');
    const started = performance.now();
    const { out, aux } = model.forwardWithAux(input);
    console.log(
      `forward with aux, input ${input.shape}: ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const expectedOut = nhwc(io, 'out');
    const expectedAux = nhwc(io, 'aux');
    agreement('fcn_resnet50 out', out, expectedOut);
    agreement('fcn_resnet50 aux', aux, expectedAux);
    // The logits depend on the input (the agreement is not that of two near-constant maps).
    const spatial = tf.tidy(
      () => tf.max(tf.abs(tf.sub(expectedOut, tf.mean(expectedOut, [1, 2], true)))).dataSync()[0]!,
    );
    expect(spatial).toBeGreaterThan(0.5);
    tf.dispose([input, out, aux, expectedOut, expectedAux]);
    model.dispose();
  });

  it('a small FCN from torchvision classes (blocks [1, 2, 1, 1], 5 classes, no aux): forward matches', {
    timeout: 600_000,
  }, () => {
    const { state, io } = reference('custom', [
      '--model',
      'custom',
      '--blocks',
      '1',
      '2',
      '1',
      '1',
      '--classes',
      '5',
      '--no-aux',
      ...size(29, 37),
    ]);
    expect(torchvisionFcnConfigFromState(state.tensors)).toEqual({
      kind: 'torchvision-fcn',
      backbone: { arch: 'custom', blocks: [1, 2, 1, 1] },
      numClasses: 5,
      aux: false,
    });
    const model = torchvisionFcnFromState(state.tensors).eval();
    const input = nhwc(io, 'input');
    const out = model.forward(input);
    const expected = nhwc(io, 'out');
    agreement('custom FCN out', out, expected);
    expect(() => model.forwardWithAux(input)).toThrow(/no aux_classifier/);
    tf.dispose([input, out, expected]);
    model.dispose();
  });
});
