import { describe, expect, it } from 'vitest';
import { hashSeed, mulberry32, permutation, randomInt, rngFor } from './random.js';

describe('seeded randomness', () => {
  it('repeats for a seed and differs across seeds', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('keys independent streams by (seed, epoch, index)', () => {
    expect(hashSeed(1, 2, 3)).toBe(hashSeed(1, 2, 3));
    const keys = new Set([
      hashSeed(1, 2, 3),
      hashSeed(1, 3, 2),
      hashSeed(2, 1, 3),
      hashSeed(1, 2, 4),
      hashSeed(1, 2),
    ]);
    expect(keys.size).toBe(5);
    expect(hashSeed(2 ** 40)).not.toBe(hashSeed(0));
    expect(rngFor(7, 1)()).toBe(mulberry32(hashSeed(7, 1))());
  });

  it('draws integers from both ends of an inclusive range', () => {
    const rng = mulberry32(0);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(randomInt(rng, 3, 6));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });

  it('permutes every index exactly once', () => {
    const p = permutation(50, mulberry32(5));
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(p).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
