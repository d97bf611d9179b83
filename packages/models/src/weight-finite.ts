/**
 * NaN and infinite weights: a model holding them predicts one class everywhere (or garbage) without a
 * word, so loading refuses them unless asked not to. Reads the raw bits of the float dtypes (an
 * exponent of all ones), without converting anything.
 */
import type { RawTensor } from './safetensors/dtypes.js';

export interface NonFiniteTensor {
  key: string;
  /** How many of its values are NaN or ±Infinity. */
  count: number;
  size: number;
}

/** How many values of a float tensor are NaN or infinite (0 for the integer dtypes). */
export function countNonFinite(tensor: Pick<RawTensor, 'dtype' | 'data'>): number {
  const { data } = tensor;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let count = 0;
  switch (tensor.dtype) {
    case 'F32':
      for (let i = 0; i + 4 <= data.byteLength; i += 4)
        if ((view.getUint32(i, true) & 0x7f800000) === 0x7f800000) count++;
      return count;
    case 'F16':
      for (let i = 0; i + 2 <= data.byteLength; i += 2)
        if ((view.getUint16(i, true) & 0x7c00) === 0x7c00) count++;
      return count;
    case 'BF16':
      for (let i = 0; i + 2 <= data.byteLength; i += 2)
        if ((view.getUint16(i, true) & 0x7f80) === 0x7f80) count++;
      return count;
    case 'F64':
      for (let i = 0; i + 8 <= data.byteLength; i += 8)
        if ((view.getUint32(i + 4, true) & 0x7ff00000) === 0x7ff00000) count++;
      return count;
    default:
      return 0;
  }
}

/** The tensors holding NaN or infinite values, in file order. */
export function findNonFinite(tensors: ReadonlyMap<string, RawTensor>): NonFiniteTensor[] {
  const found: NonFiniteTensor[] = [];
  for (const [key, t] of tensors) {
    const count = countNonFinite(t);
    if (count > 0) found.push({ key, count, size: t.shape.reduce((a, d) => a * d, 1) });
  }
  return found;
}

/** `'trunk.conv1.weight' (12 of 588 values), 'bn1.bias' (all 4 values) and 3 more tensors`. */
export function describeNonFinite(found: readonly NonFiniteTensor[], max = 3): string {
  const listed = found
    .slice(0, max)
    .map(
      ({ key, count, size }) => `'${key}' (${count === size ? `all ${size}` : `${count} of ${size}`} values)`,
    )
    .join(', ');
  const more = found.length > max ? ` and ${found.length - max} more tensors` : '';
  return listed + more;
}

/** A weight file with NaN or infinite weights. */
export class NonFiniteWeightsError extends Error {
  override name = 'NonFiniteWeightsError';
  constructor(readonly tensors: NonFiniteTensor[]) {
    super(
      `NaN or infinite weights in ${describeNonFinite(tensors)}: a model with them predicts garbage ` +
        '(a training that diverged?); use an earlier checkpoint, or allow them explicitly (--allow-nonfinite)',
    );
  }
}

/** Throws a `NonFiniteWeightsError` naming the tensors that hold NaN or infinite values. */
export function assertFiniteWeights(tensors: ReadonlyMap<string, RawTensor>): void {
  const found = findNonFinite(tensors);
  if (found.length > 0) throw new NonFiniteWeightsError(found);
}
