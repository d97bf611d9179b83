import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// Registers the gradients (tfjs-core alone has none).
import '@fcn/layers';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { toFloat32 } from '../safetensors/dtypes.js';
import { readSafetensors } from '../safetensors/read.js';
import { bilinearMatrix, interpolateBilinear } from './resize-bilinear.js';

// Made by `/usr/bin/python3 scripts/torchvision_fcn_reference.py resize fixtures/torchvision-fcn-resize.safetensors`:
// PyTorch's F.interpolate(x, size, mode='bilinear', align_corners=False) and the gradient of sum(out * g).
const fixture = readSafetensors(
  readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'torchvision-fcn-resize.safetensors')),
);
const CASES = ['up', 'down', 'mixed', 'one', 'same_h'];

/** A fixture tensor (NCHW) as NHWC. */
function nhwc(key: string): tf.Tensor4D {
  const raw = fixture.tensors.get(key);
  if (!raw) throw new Error(`fixture has no '${key}'`);
  return tf.transpose(
    tf.tensor4d(toFloat32(raw), raw.shape as [number, number, number, number]),
    [0, 2, 3, 1],
  );
}

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;

describe('interpolateBilinear (PyTorch F.interpolate, bilinear, align_corners=False)', () => {
  it.each(CASES)('%s: forward and gradient match PyTorch', (name) => {
    tf.tidy(() => {
      const x = nhwc(`${name}.input`);
      const expected = nhwc(`${name}.out`);
      const g = nhwc(`${name}.g`);
      const size: [number, number] = [expected.shape[1], expected.shape[2]];
      const out = interpolateBilinear(x, size);
      expect(out.shape).toEqual(expected.shape);
      expect(maxAbsDiff(out, expected)).toBeLessThan(1e-5);
      const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(interpolateBilinear(t as tf.Tensor4D, size), g)))(
        x,
      );
      expect(maxAbsDiff(grad, nhwc(`${name}.grad`))).toBeLessThan(1e-4);
    });
  });

  it("TF.js's own resizeBilinear agrees forward, but not its cpu gradient (why this file exists)", () => {
    tf.tidy(() => {
      const x = nhwc('up.input');
      const expected = nhwc('up.out');
      const size: [number, number] = [expected.shape[1], expected.shape[2]];
      const tfjs = (t: tf.Tensor, s: [number, number]) =>
        tf.image.resizeBilinear(t as tf.Tensor4D, s, false, true);
      const forward = maxAbsDiff(tfjs(x, size), expected);
      expect(forward).toBeLessThan(1e-5);
      // Its gradient kernel swaps height and width in the shape it returns (refused for a non-square input)...
      expect(() => tf.grad((t: tf.Tensor) => tf.sum(tfjs(t, size)))(x)).toThrow(/does not match the shape/);
      // ...and ignores halfPixelCenters (src = i * in / out), so even a square input gets a wrong gradient.
      const square = tf.randomNormal([1, 8, 8, 2], 0, 1, 'float32', 3);
      const g = tf.randomNormal([1, 20, 20, 2], 0, 1, 'float32', 4);
      const ours = tf.grad((t: tf.Tensor) =>
        tf.sum(tf.mul(interpolateBilinear(t as tf.Tensor4D, [20, 20]), g)),
      )(square);
      const theirs = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tfjs(t, [20, 20]), g)))(square);
      const backward = maxAbsDiff(ours, theirs);
      console.log(
        `tf.image.resizeBilinear(halfPixelCenters) vs PyTorch: forward ${forward.toExponential(2)}, square-input gradient off by ${backward.toFixed(3)}`,
      );
      expect(backward).toBeGreaterThan(0.1);
    });
  });

  it('rows of the interpolation matrix sum to 1; an unchanged size is the identity; bad sizes are refused', () => {
    const m = bilinearMatrix(9, 67);
    for (let i = 0; i < 67; i++) {
      let sum = 0;
      for (let j = 0; j < 9; j++) sum += m[i * 9 + j]!;
      expect(sum).toBeCloseTo(1, 6);
    }
    const eye = bilinearMatrix(4, 4);
    expect(Array.from(eye)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    const x = tf.randomNormal([2, 3, 5, 4], 0, 1, 'float32', 1) as tf.Tensor4D;
    const same = interpolateBilinear(x, [3, 5]);
    expect(Array.from(same.dataSync())).toEqual(Array.from(x.dataSync()));
    expect(() => interpolateBilinear(x, [0, 5])).toThrow(/positive integers/);
    tf.dispose([x, same]);
  });

  it('frees its intermediates', () => {
    const x = tf.randomNormal([1, 9, 12, 2], 0, 1, 'float32', 2) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const y = interpolateBilinear(x, [67, 91]);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([x, y]);
  });
});
