import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { bilinearFilter, bilinearKernel } from './bilinear.js';

describe('bilinearFilter', () => {
  it('matches the chapter formula for an even kernel (k=4: factor 2, centre 1.5)', () => {
    const row = [0.25, 0.75, 0.75, 0.25];
    const expected = row.flatMap((a) => row.map((b) => a * b));
    expect(Array.from(bilinearFilter(4))).toEqual(expected);
  });

  it('matches the chapter formula for an odd kernel (k=3: factor 2, centre 1)', () => {
    const row = [0.5, 1, 0.5];
    expect(Array.from(bilinearFilter(3))).toEqual(row.flatMap((a) => row.map((b) => a * b)));
  });

  it('gives the FCN-32s k=64 filter: factor 32, centre 31.5', () => {
    const f = bilinearFilter(64);
    expect(f[0]).toBeCloseTo((1 / 64) ** 2, 10);
    expect(f[31 * 64 + 32]).toBeCloseTo((1 - 0.5 / 32) ** 2, 6);
    expect(f[63 * 64 + 63]).toBeCloseTo(f[0]!, 10);
  });

  it('refuses a non-positive size', () => {
    expect(() => bilinearFilter(0)).toThrow(/positive integer/);
  });
});

describe('bilinearKernel', () => {
  it('is laid out [k, k, out, in] with the filter on the channel diagonal only', () => {
    const kernel = bilinearKernel(3, 3, 4);
    expect(kernel.shape).toEqual([4, 4, 3, 3]);
    const v = kernel.arraySync();
    const filt = bilinearFilter(4);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        for (let o = 0; o < 3; o++) {
          for (let c = 0; c < 3; c++) {
            expect(v[i]![j]![o]![c]).toBeCloseTo(o === c ? filt[i * 4 + j]! : 0, 7);
          }
        }
      }
    }
    kernel.dispose();
  });

  it('puts the filter on the first min(in, out) diagonal entries when the counts differ', () => {
    const kernel = bilinearKernel(2, 3, 2);
    expect(kernel.shape).toEqual([2, 2, 3, 2]);
    const v = kernel.arraySync();
    expect(v[0]![0]![1]![1]).toBeCloseTo(0.25, 7);
    expect(v[0]![0]![2]!).toEqual([0, 0]);
    kernel.dispose();
  });
});
