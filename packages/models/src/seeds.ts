import { takeSeed } from '@fcn/layers';

/**
 * Seeds for the layers of one model: from `base` when given (base, base + 2, ...: each layer also uses
 * its seed + 1 for the bias), otherwise from the `manualSeed` default sequence of `@fcn/layers`.
 */
export function seedSequence(base?: number): () => number {
  if (base !== undefined && !Number.isInteger(base)) throw new Error(`seed must be an integer, got ${base}`);
  let next = base;
  return () => {
    if (next === undefined) return takeSeed();
    const seed = next;
    next += 2;
    return seed;
  };
}
