import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The PyTorch cases of `scripts/make_dilated_fixtures.py` (fixtures/dilated-conv2d.json), converted
 * at this boundary from PyTorch's layouts to ours: NCHW to NHWC, OIHW to HWIO.
 */
export interface DilatedCase {
  name: string;
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  values: Record<'x' | 'w' | 'b' | 'dy' | 'y' | 'dx' | 'dw' | 'db', { data: Float32Array; shape: number[] }>;
}

interface Stored {
  shape: number[];
  data: string;
}

const toOurs: Record<string, number[] | undefined> = {
  x: [0, 2, 3, 1],
  dy: [0, 2, 3, 1],
  y: [0, 2, 3, 1],
  dx: [0, 2, 3, 1],
  w: [2, 3, 1, 0],
  dw: [2, 3, 1, 0],
};

export function readDilatedCases(): DilatedCase[] {
  const path = new URL('../fixtures/dilated-conv2d.json', import.meta.url);
  const doc = JSON.parse(readFileSync(path, 'utf8')) as { cases: Record<string, unknown>[] };
  return doc.cases.map((stored) => {
    const values = {} as DilatedCase['values'];
    for (const key of ['x', 'w', 'b', 'dy', 'y', 'dx', 'dw', 'db'] as const) {
      const { shape, data } = stored[key] as Stored;
      const bytes = Buffer.from(data, 'base64');
      const flat = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
      const perm = toOurs[key];
      values[key] = perm
        ? tf.tidy(() => {
            const t = tf.transpose(tf.tensor(flat, shape), perm);
            return { data: t.dataSync() as Float32Array, shape: t.shape };
          })
        : { data: flat, shape };
    }
    return {
      name: stored.name as string,
      kernel: stored.kernel as [number, number],
      stride: stored.stride as [number, number],
      padding: stored.padding as [number, number],
      dilation: stored.dilation as [number, number],
      values,
    };
  });
}

/** `max |actual - expected| / max |expected|`. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return worst / (scale || 1);
}
