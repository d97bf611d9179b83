import { describe, expect, it } from 'vitest';
import {
  denormalizeImage,
  IMAGENET_MEAN,
  IMAGENET_STD,
  NORMALIZE_TABLE,
  normalizeImage,
  normalizeInto,
} from './normalize.js';

describe('normalisation (the chapter: (x / 255 - mean) / std)', () => {
  it('uses ImageNet statistics', () => {
    expect(IMAGENET_MEAN).toEqual([0.485, 0.456, 0.406]);
    expect(IMAGENET_STD).toEqual([0.229, 0.224, 0.225]);
  });

  it('gives the exact float32 values', () => {
    // Black and white pixels, by hand: (0 - 0.485) / 0.229 = -2.1179039..., (1 - 0.485) / 0.229 = 2.2489082...
    const out = normalizeImage(Uint8Array.from([0, 0, 0, 255, 255, 255, 128, 64, 32]));
    const expected = [
      -0.485 / 0.229,
      -0.456 / 0.224,
      -0.406 / 0.225,
      (1 - 0.485) / 0.229,
      (1 - 0.456) / 0.224,
      (1 - 0.406) / 0.225,
      (128 / 255 - 0.485) / 0.229,
      (64 / 255 - 0.456) / 0.224,
      (32 / 255 - 0.406) / 0.225,
    ].map(Math.fround);
    expect([...out]).toEqual(expected);
    expect(out[0]).toBeCloseTo(-2.117904, 6);
    expect(out[5]).toBeCloseTo(2.64, 6);
  });

  it('agrees with float32 arithmetic (as MXNet computes it) to within its rounding', () => {
    for (let c = 0; c < 3; c++) {
      for (let v = 0; v < 256; v++) {
        const f = Math.fround;
        const viaFloat32 = f(f(f(v / 255) - f(IMAGENET_MEAN[c]!)) / f(IMAGENET_STD[c]!));
        // Float32 rounds x / 255 and the difference (operands up to 1: 6e-8 each), then / std (~0.22).
        expect(Math.abs(NORMALIZE_TABLE[c * 256 + v]! - viaFloat32)).toBeLessThanOrEqual(6e-7);
      }
    }
  });

  it('reads RGBA (dropping alpha) and writes at an offset', () => {
    const dst = new Float32Array(9).fill(7);
    normalizeInto(Uint8Array.from([10, 20, 30, 99, 40, 50, 60, 99]), dst, { srcChannels: 4, dstOffset: 3 });
    expect([...dst.subarray(0, 3)]).toEqual([7, 7, 7]);
    expect([...dst.subarray(3)]).toEqual([...normalizeImage(Uint8Array.from([10, 20, 30, 40, 50, 60]))]);
    expect(() => normalizeInto(new Uint8Array(6), new Float32Array(5))).toThrow(RangeError);
  });

  it('is undone exactly by denormalizeImage', () => {
    const bytes = Uint8Array.from({ length: 768 }, (_, i) => i % 256);
    expect(denormalizeImage(normalizeImage(bytes))).toEqual(bytes);
  });
});
