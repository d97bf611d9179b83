import { DTYPE_BYTES, type RawTensor } from '../safetensors/dtypes.js';
import { fail } from './errors.js';
import type { TensorRef } from './torch-globals.js';
import { printable } from './unpickle.js';

/** How many bytes copying non-contiguous tensors may still allocate (shared by the tensors of a file). */
export interface CopyBudget {
  bytesLeft: number;
}

/** The copy budget for a file: four times its size (views are copied; contiguous tensors are not). */
export function copyBudget(fileBytes: number): CopyBudget {
  return { bytesLeft: 4 * fileBytes + 2 ** 24 };
}

function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && stride[i] !== expected) return false;
    expected *= shape[i]!;
  }
  return true;
}

/**
 * A tensor as safetensors holds it: contiguous, row-major, little-endian. `storage` holds exactly the
 * elements of the tensor's storage. Sizes, strides and the storage offset are honoured and checked: every
 * element the tensor reaches must lie inside the storage. A contiguous tensor is a view of `storage`;
 * a strided one (a transpose, a slice) is copied, within `budget`.
 */
export function materialize(
  name: string,
  tensor: TensorRef,
  storage: Uint8Array,
  budget: CopyBudget,
): RawTensor {
  const { shape, stride, offset } = tensor;
  const dtype = tensor.storage.dtype;
  const size = DTYPE_BYTES[dtype];
  const storageNumel = storage.length / size;
  const where = () =>
    `tensor '${printable(name, 80)}' (${dtype} [${shape.join(', ')}], stride [${stride.join(', ')}], offset ${offset})`;

  let numel = 1;
  for (const d of shape) numel *= d;
  if (!Number.isSafeInteger(numel * size)) fail(`${where()} is too large`);
  if (offset > storageNumel) fail(`${where()} starts outside its storage of ${storageNumel} elements`);
  if (numel === 0) return { dtype, shape: [...shape], data: new Uint8Array(0) };

  let last = offset;
  for (let i = 0; i < shape.length; i++) last += (shape[i]! - 1) * stride[i]!;
  if (!Number.isSafeInteger(last) || last >= storageNumel) {
    fail(`${where()} reaches element ${last}, outside its storage of ${storageNumel} elements`);
  }
  if (isContiguous(shape, stride)) {
    return { dtype, shape: [...shape], data: storage.subarray(offset * size, (offset + numel) * size) };
  }

  const bytes = numel * size;
  if (bytes > budget.bytesLeft) {
    fail(
      `${where()}: copying this strided view would exceed the ${budget.bytesLeft}-byte budget left for copies`,
    );
  }
  budget.bytesLeft -= bytes;
  const out = new Uint8Array(bytes);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let source = offset;
  for (let n = 0; n < numel; n++) {
    const from = source * size;
    const to = n * size;
    for (let b = 0; b < size; b++) out[to + b] = storage[from + b]!;
    for (let axis = rank - 1; axis >= 0; axis--) {
      const next = index[axis]! + 1;
      source += stride[axis]!;
      if (next < shape[axis]!) {
        index[axis] = next;
        break;
      }
      source -= stride[axis]! * shape[axis]!;
      index[axis] = 0;
    }
  }
  return { dtype, shape: [...shape], data: out };
}
