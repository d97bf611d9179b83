import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { computeFans } from './fans.js';
import { glorotNormal, glorotUniform, xavier } from './xavier.js';

function stats(values: Float32Array | Int32Array | Uint8Array) {
  let sum = 0;
  let sq = 0;
  let max = 0;
  for (const v of values) {
    sum += v;
    sq += v * v;
    max = Math.max(max, Math.abs(v));
  }
  const mean = sum / values.length;
  return { mean, std: Math.sqrt(sq / values.length - mean * mean), max };
}

describe('computeFans', () => {
  it('counts channels times the receptive field in both conv layouts', () => {
    expect(computeFans([3, 3, 16, 32])).toEqual({ fanIn: 144, fanOut: 288 });
    expect(computeFans([3, 3, 32, 16], 'HWOI')).toEqual({ fanIn: 144, fanOut: 288 });
    expect(computeFans([10, 20])).toEqual({ fanIn: 10, fanOut: 20 });
  });

  it('names the shape it cannot read', () => {
    expect(() => computeFans([5])).toThrow(/\[5\]/);
  });
});

describe('xavier', () => {
  it('defaults to MXNet init.Xavier(): uniform, avg, magnitude 3', () => {
    // The chapter's 1x1 conv: 512 -> 21 channels. limit = sqrt(3 / ((512 + 21) / 2)).
    const w = xavier([1, 1, 512, 21], { seed: 1 });
    const limit = Math.sqrt(3 / ((512 + 21) / 2));
    const s = stats(w.dataSync() as Float32Array);
    expect(s.max).toBeLessThanOrEqual(limit);
    expect(s.max).toBeGreaterThan(limit * 0.99);
    expect(s.std).toBeCloseTo(limit / Math.sqrt(3), 2);
    w.dispose();
  });

  it('draws normals with std sqrt(magnitude / fan) for the chosen factor', () => {
    const w = xavier([3, 3, 64, 64], { seed: 7, distribution: 'normal', factor: 'in', magnitude: 2 });
    const s = stats(w.dataSync() as Float32Array);
    expect(s.std).toBeCloseTo(Math.sqrt(2 / (64 * 9)), 2);
    expect(Math.abs(s.mean)).toBeLessThan(0.005);
    w.dispose();
  });

  it('is reproducible under a seed and differs across seeds', () => {
    const a = glorotUniform([4, 4, 8, 8], 42).dataSync();
    const b = glorotUniform([4, 4, 8, 8], 42).dataSync();
    const c = glorotUniform([4, 4, 8, 8], 43).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('glorotNormal has PyTorch xavier_normal_ std sqrt(2 / (in + out))', () => {
    const w = glorotNormal([200, 300], 3);
    expect(stats(w.dataSync() as Float32Array).std).toBeCloseTo(Math.sqrt(2 / 500), 3);
    w.dispose();
  });

  it('refuses a missing seed', () => {
    expect(() => xavier([2, 2], { seed: Number.NaN })).toThrow(/seed/);
  });
});
