/**
 * Default seeds for layers built without an explicit `seed`, in the spirit of `torch.manual_seed`:
 * a fixed-start sequence, so the same program builds the same weights every run.
 */
let nextDefault = 0x5eed;

/** Restart the default seed sequence (like `torch.manual_seed`). */
export function manualSeed(seed: number): void {
  if (!Number.isInteger(seed)) throw new Error(`manualSeed: expected an integer, got ${seed}`);
  nextDefault = seed;
}

/** The seed to use: the caller's when given, otherwise the next in the default sequence. */
export function takeSeed(explicit?: number): number {
  if (explicit !== undefined) return explicit;
  nextDefault = (nextDefault * 1103515245 + 12345) % 2147483648;
  return nextDefault;
}
