import type { RawTensor } from '../safetensors/dtypes.js';
import { fail } from './errors.js';
import { copyBudget, materialize } from './materialize.js';
import { type StorageRef, TensorRef } from './torch-globals.js';
import { describe, printable } from './unpickle.js';

/** Entries of checkpoints that hold the state dict, in the order they are tried. */
const WRAPPER_KEYS = ['state_dict', 'model'] as const;

const allTensors = (dict: Map<unknown, unknown>) => [...dict.values()].every((v) => v instanceof TensorRef);

/**
 * The state dict a .pth pickle holds: the top-level dict when all its values are tensors, or else its
 * `state_dict` or `model` entry when that is a dict of tensors (a training checkpoint; its other entries,
 * such as `epoch` or an optimizer's state, are ignored). Anything else is refused.
 */
export function selectStateDict(top: unknown): Map<string, TensorRef> {
  if (!(top instanceof Map)) {
    fail(
      `the pickle holds ${describe(top)}, not a dict of tensors: only state dicts are read ` +
        '(torch.save(model.state_dict(), path))',
    );
  }
  if (allTensors(top)) return withStringKeys(top);
  for (const key of WRAPPER_KEYS) {
    const inner = top.get(key);
    if (inner instanceof Map && allTensors(inner)) return withStringKeys(inner);
  }
  const [key, value] = [...top.entries()].find(([, v]) => !(v instanceof TensorRef))!;
  fail(
    `the pickle holds a dict whose entry ${describeKey(key)} is ${describe(value)}, not a tensor, and no ` +
      "'state_dict' or 'model' entry holding a dict of tensors: only state dicts " +
      '(torch.save(model.state_dict(), path)) and checkpoints that wrap one are read',
  );
}

function describeKey(key: unknown): string {
  return typeof key === 'string' ? `'${printable(key, 80)}'` : describe(key);
}

function withStringKeys(dict: Map<unknown, unknown>): Map<string, TensorRef> {
  const out = new Map<string, TensorRef>();
  for (const [key, value] of dict) {
    if (typeof key !== 'string') fail(`a state dict key is ${describe(key)}, not a str`);
    out.set(key, value as TensorRef);
  }
  return out;
}

/**
 * The tensors of a state dict, contiguous. `storageBytes` gives the bytes of the elements a storage
 * reference covers (checked by the caller against the file).
 */
export function tensorsOf(
  stateDict: Map<string, TensorRef>,
  storageBytes: (storage: StorageRef) => Uint8Array,
  fileBytes: number,
): Map<string, RawTensor> {
  const budget = copyBudget(fileBytes);
  const out = new Map<string, RawTensor>();
  for (const [name, tensor] of stateDict) {
    out.set(name, materialize(name, tensor, storageBytes(tensor.storage), budget));
  }
  return out;
}
