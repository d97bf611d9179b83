/**
 * The checks every weight file passes on load, before any tensor is made from it: its checksum (when
 * it carries one) and finite values. Called by `loadWeights`, `fromWeights` and the training
 * checkpoint's decoder; one place, so every loader refuses the same damaged files.
 */
import type { Safetensors } from './safetensors/read.js';
import { verifyChecksum } from './weight-checksum.js';
import { assertFiniteWeights } from './weight-finite.js';

export interface WeightCheckOptions {
  /** Load NaN or infinite weights instead of refusing them (the caller warns). Default false. */
  allowNonFinite?: boolean;
}

export function checkWeightFile(file: Safetensors, options: WeightCheckOptions = {}): void {
  verifyChecksum(file);
  if (!options.allowNonFinite) assertFiniteWeights(file.tensors);
}
