import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { constant, ones, zeros } from './constant.js';
import { kaiming, pytorchDefaultBias, pytorchDefaultWeight } from './kaiming.js';

function std(values: ArrayLike<number>): number {
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i]!;
    sq += values[i]! * values[i]!;
  }
  const mean = sum / values.length;
  return Math.sqrt(sq / values.length - mean * mean);
}

describe('kaiming', () => {
  it('uses std sqrt(2 / fanOut) in torchvision ResNet mode', () => {
    const w = kaiming([3, 3, 64, 128], { seed: 5, mode: 'fanOut' });
    expect(std(w.dataSync())).toBeCloseTo(Math.sqrt(2 / (128 * 9)), 3);
    w.dispose();
  });

  it('PyTorch default weight init is U(-1/sqrt(fanIn), 1/sqrt(fanIn))', () => {
    const w = pytorchDefaultWeight([3, 3, 16, 8], 9);
    const bound = 1 / Math.sqrt(16 * 9);
    const values = w.dataSync();
    expect(Math.max(...Array.from(values, Math.abs))).toBeLessThanOrEqual(bound);
    expect(std(values)).toBeCloseTo(bound / Math.sqrt(3), 2);
    w.dispose();
  });

  it('PyTorch default bias is bounded by 1/sqrt(fanIn)', () => {
    const b = pytorchDefaultBias(1000, 25, 1);
    expect(Math.max(...Array.from(b.dataSync(), Math.abs))).toBeLessThanOrEqual(0.2);
    expect(Math.max(...Array.from(b.dataSync(), Math.abs))).toBeGreaterThan(0.19);
    b.dispose();
  });
});

describe('constants', () => {
  it('fill with the value asked for', () => {
    expect(Array.from(constant([2, 2], 3.5).dataSync())).toEqual([3.5, 3.5, 3.5, 3.5]);
    expect(Array.from(zeros([3]).dataSync())).toEqual([0, 0, 0]);
    expect(Array.from(ones([2]).dataSync())).toEqual([1, 1]);
  });
});
