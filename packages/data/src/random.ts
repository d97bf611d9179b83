/**
 * Seeded randomness shared by the Node pipeline, the synthetic generator and the browser entry.
 * Every random choice in the package derives from an explicit seed, so runs repeat exactly.
 */

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/** Mulberry32: a small, fast 32-bit generator; good enough for crops, shuffles and scenes. */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Mixes integers into one 32-bit seed (MurmurHash3's finaliser after each part), so that streams
 * keyed by (seed, epoch, sample) are independent of each other and of the order they are asked for.
 */
export function hashSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h ^= Math.trunc(part) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h ^= h >>> 16;
    // Fold in the high bits of parts beyond 32 bits (seeds may be any safe integer).
    h ^= Math.floor(part / 4294967296) >>> 0;
  }
  return h >>> 0;
}

/** A generator for the stream keyed by `parts` (see `hashSeed`). */
export function rngFor(...parts: number[]): Rng {
  return mulberry32(hashSeed(...parts));
}

/** A uniform integer in [lo, hi], both ends included (Python's `random.randint`). */
export function randomInt(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

/** A uniform number in [lo, hi). */
export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + rng() * (hi - lo);
}

/** A random permutation of 0..n-1 (Fisher-Yates). */
export function permutation(n: number, rng: Rng): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}
