import { BatchNorm2d, type Module } from '@fcn/layers';
import * as tf from '@tensorflow/tfjs-core';
import {
  FLOAT_DTYPES,
  float32Tensor,
  int64Tensor,
  type RawTensor,
  toFloat32,
} from '../safetensors/dtypes.js';

/**
 * Moving a module's state in and out of weight files. Inside, conv filters are HWIO [kh, kw, in, out] and
 * transposed-conv filters [kh, kw, out, in]; PyTorch stores Conv2d weights OIHW [out, in, kh, kw] and
 * ConvTranspose2d weights [in, out, kh, kw]. Both conversions are the same axis permutation, so in a
 * PyTorch-layout file every rank-4 tensor is permuted and every other tensor is copied as it is.
 */
export type TensorLayout = 'tfjs' | 'pytorch';

/** Ours (HWIO, or [kh, kw, out, in]) to PyTorch (OIHW, or [in, out, kh, kw]). */
export const TO_PYTORCH = [3, 2, 0, 1] as const;
/** PyTorch to ours. */
export const FROM_PYTORCH = [2, 3, 1, 0] as const;

export interface Transfer {
  /** What the file is called in errors, e.g. 'torchvision ResNet'. */
  name: string;
  layout: TensorLayout;
  /** The file key of one of the module's own state-dict keys. */
  fileKey: (key: string) => string;
  /** File keys that are neither expected nor an error (e.g. `fc.weight`, `*.num_batches_tracked`). */
  ignore?: (fileKey: string) => boolean;
}

export function fileShape(shape: readonly number[], layout: TensorLayout): number[] {
  return layout === 'pytorch' && shape.length === 4 ? TO_PYTORCH.map((axis) => shape[axis]!) : [...shape];
}

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

function listed(label: string, items: string[], max = 5): string {
  const more = items.length > max ? ` and ${items.length - max} more` : '';
  return `${label}: ${items.slice(0, max).join(', ')}${more}`;
}

/**
 * Load a file's tensors into `target`. Every key of the target's state dict must be in the file with
 * the expected shape (in the file's layout) and a float dtype; any other file key must be ignorable.
 * All problems are gathered into one error that names the keys, and nothing changes unless all pass.
 * Returns the file keys that were ignored.
 */
export function loadInto(target: Module, tensors: Map<string, RawTensor>, transfer: Transfer): string[] {
  const own = target.stateDict();
  const problems: string[] = [];
  const missing: string[] = [];
  const wanted = new Set<string>();
  for (const [key, variable] of own) {
    const fileKey = transfer.fileKey(key);
    wanted.add(fileKey);
    const expected = fileShape(variable.shape, transfer.layout);
    const found = tensors.get(fileKey);
    if (!found) {
      missing.push(`'${fileKey}' ${fmt(expected)}`);
      continue;
    }
    if (!FLOAT_DTYPES.includes(found.dtype)) {
      problems.push(`'${fileKey}': expected a float tensor, got ${found.dtype}`);
    } else if (!tf.util.arraysEqual(found.shape, expected)) {
      problems.push(`'${fileKey}': expected shape ${fmt(expected)}, got ${fmt(found.shape)}`);
    }
  }
  const ignored: string[] = [];
  const unexpected: string[] = [];
  for (const fileKey of tensors.keys()) {
    if (wanted.has(fileKey)) continue;
    if (transfer.ignore?.(fileKey)) ignored.push(fileKey);
    else unexpected.push(`'${fileKey}'`);
  }
  if (missing.length) problems.unshift(listed('missing keys', missing));
  if (unexpected.length) problems.push(listed('unexpected keys', unexpected));
  if (problems.length) {
    // At most a few problems in the line (a width mismatch gives one per key): the first say enough.
    const shown =
      problems.length > 4 ? [...problems.slice(0, 4), `and ${problems.length - 4} more`] : problems;
    throw new Error(
      `${transfer.name} weights do not fit this ${target.constructor.name}: ${shown.join('; ')}`,
    );
  }
  const incoming = new Map<string, tf.Tensor>();
  try {
    for (const [key, variable] of own) {
      const raw = tensors.get(transfer.fileKey(key))!;
      incoming.set(
        key,
        tf.tidy(() => {
          const t = tf.tensor(toFloat32(raw), raw.shape, 'float32');
          return transfer.layout === 'pytorch' && variable.rank === 4
            ? tf.transpose(t, [...FROM_PYTORCH])
            : t;
        }),
      );
    }
    target.loadStateDict(incoming);
  } finally {
    for (const t of incoming.values()) t.dispose();
  }
  return ignored;
}

export interface SaveOptions {
  /** Add PyTorch's BatchNorm `num_batches_tracked` (int64 scalar 0) so strict PyTorch loading sees every key. */
  numBatchesTracked?: boolean;
}

/** The module's state as float32 safetensors entries under the file's keys and layout. */
export function stateToFile(
  source: Module,
  transfer: Transfer,
  options: SaveOptions = {},
): Map<string, RawTensor> {
  const out = new Map<string, RawTensor>();
  for (const [key, variable] of source.stateDict()) {
    const permute = transfer.layout === 'pytorch' && variable.rank === 4;
    const values = permute ? tf.transpose(variable, [...TO_PYTORCH]) : variable;
    out.set(
      transfer.fileKey(key),
      float32Tensor(values.dataSync() as Float32Array, fileShape(variable.shape, transfer.layout)),
    );
    if (permute) values.dispose();
  }
  if (options.numBatchesTracked) {
    for (const [path, module] of source.namedModules()) {
      if (module instanceof BatchNorm2d) {
        out.set(transfer.fileKey(`${path}.num_batches_tracked`), int64Tensor([0], []));
      }
    }
  }
  return out;
}
