import type { Dtype } from '../safetensors/dtypes.js';
import { PickleRefusal } from './errors.js';
import { describe, isTuple, PyCallable, PyObject, printable } from './unpickle.js';

/**
 * The few Python globals a state dict's pickle uses, and what they become here. Nothing from the file is
 * ever constructed or called: these functions only check their arguments and return descriptions
 * (`TensorRef`, `StorageType`) or an empty dict; every other global is refused.
 */

/** torch's storage classes and the safetensors dtype of their elements. */
export const STORAGE_DTYPES: Readonly<Record<string, Dtype>> = {
  FloatStorage: 'F32',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  DoubleStorage: 'F64',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};

/** A storage class (`torch.FloatStorage`), as it appears inside a persistent id. */
export class StorageType extends PyObject {
  constructor(
    readonly name: string,
    readonly dtype: Dtype,
  ) {
    super();
  }
  get pyType(): string {
    return `the global torch.${this.name}`;
  }
}

/**
 * A storage that a persistent id refers to: the record `key` (zip) or the storage `key` (legacy), its
 * dtype, and the elements [elementOffset, elementOffset + numel) of it that it covers (a legacy storage
 * view; otherwise the whole storage).
 */
export class StorageRef extends PyObject {
  constructor(
    readonly key: string,
    readonly type: StorageType,
    readonly numel: number,
    readonly elementOffset = 0,
    readonly isView = false,
  ) {
    super();
  }
  get dtype(): Dtype {
    return this.type.dtype;
  }
  get pyType(): string {
    return `a torch.${this.type.name}`;
  }
}

/** A tensor: a strided view (`shape`, `stride`, `offset`, in elements) of a storage. */
export class TensorRef extends PyObject {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: readonly number[],
    readonly stride: readonly number[],
  ) {
    super();
  }
  get pyType(): string {
    return `a tensor of shape [${this.shape.join(', ')}]`;
  }
}

const MAX_RANK = 64;

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function count(v: unknown, what: string): number {
  if (!isCount(v)) throw new Error(`${what} is ${describe(v)}, not a non-negative int`);
  return v;
}

function dims(v: unknown, what: string): number[] {
  if (!Array.isArray(v)) throw new Error(`${what} is ${describe(v)}, not a tuple of ints`);
  if (v.length > MAX_RANK) throw new Error(`${what} has ${v.length} dimensions (at most ${MAX_RANK})`);
  return v.map((d, i) => count(d, `${what}[${i}]`));
}

function rebuildTensor(fn: string, args: readonly unknown[]): TensorRef {
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof StorageRef)) throw new Error(`${fn}: the storage is ${describe(storage)}`);
  const shape = dims(size, `${fn}: the size`);
  const strides = dims(stride, `${fn}: the stride`);
  if (shape.length !== strides.length) {
    throw new Error(`${fn}: size [${shape}] and stride [${strides}] have different lengths`);
  }
  return new TensorRef(storage, count(offset, `${fn}: the storage offset`), shape, strides);
}

function arity(fn: string, args: readonly unknown[], ...allowed: number[]): void {
  if (!allowed.includes(args.length)) {
    throw new Error(`${fn} takes ${allowed.join(' or ')} arguments, got ${args.length}`);
  }
}

const CALLABLES: Record<string, (args: readonly unknown[]) => unknown> = {
  // OrderedDict() then SETITEMS (and BUILD for `_metadata`): __reduce__ never passes arguments.
  'collections.OrderedDict': (args) => {
    if (args.length > 1 || (args.length === 1 && !(Array.isArray(args[0]) && args[0].length === 0))) {
      throw new Error('collections.OrderedDict is called with items; torch.save passes none');
    }
    return new Map();
  },
  // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
  'torch._utils._rebuild_tensor_v2': (args) => {
    arity('torch._utils._rebuild_tensor_v2', args, 6, 7);
    return rebuildTensor('torch._utils._rebuild_tensor_v2', args);
  },
  // (storage, storage_offset, size, stride): PyTorch 0.3 and earlier.
  'torch._utils._rebuild_tensor': (args) => {
    arity('torch._utils._rebuild_tensor', args, 4);
    return rebuildTensor('torch._utils._rebuild_tensor', args);
  },
  // (data, requires_grad, backward_hooks): an nn.Parameter is its data here.
  'torch._utils._rebuild_parameter': (args) => parameter('torch._utils._rebuild_parameter', args, 3),
  // (data, requires_grad, backward_hooks, state): the state holds Python attributes, ignored.
  'torch._utils._rebuild_parameter_with_state': (args) =>
    parameter('torch._utils._rebuild_parameter_with_state', args, 4),
  'torch.Size': (args) => {
    arity('torch.Size', args, 1);
    return Object.freeze(dims(args[0], 'torch.Size'));
  },
};

function parameter(fn: string, args: readonly unknown[], n: number): TensorRef {
  arity(fn, args, n);
  const data = args[0];
  if (!(data instanceof TensorRef)) throw new Error(`${fn}: the data is ${describe(data)}, not a tensor`);
  return data;
}

/** What a GLOBAL opcode pushes for `module.name`: an allowed callable or storage class, or a refusal. */
export function torchGlobal(module: string, name: string): unknown {
  const qualified = `${module}.${name}`;
  const fn = Object.hasOwn(CALLABLES, qualified) ? CALLABLES[qualified] : undefined;
  if (fn) return new PyCallable(qualified, fn);
  if (module === 'torch' && Object.hasOwn(STORAGE_DTYPES, name))
    return new StorageType(name, STORAGE_DTYPES[name]!);
  throw new PickleRefusal(
    `the pickle uses the Python global '${printable(qualified)}', which is not allowed: a .pth pickle may ` +
      'run code in Python, so only state dicts (dicts of tensors) are read, with only the globals they need ' +
      `(${Object.keys(CALLABLES).join(', ')}, torch.*Storage)`,
  );
}

/**
 * The storage a persistent id names: ('storage', storage_type, key, location, numel) in the zip format,
 * with a sixth item in the legacy format: None, or (view_key, offset, view_numel) for a storage view.
 */
export function storageFromPid(pid: unknown): StorageRef {
  if (!isTuple(pid) || (pid.length !== 5 && pid.length !== 6)) {
    throw new Error(
      `a persistent id is ${describe(pid)}, not a storage's ('storage', type, key, location, numel)`,
    );
  }
  const [kind, type, key, location, numel, view] = pid;
  if (kind !== 'storage')
    throw new Error(`a persistent id of kind ${describe(kind)}; only storages are read`);
  if (!(type instanceof StorageType)) throw new Error(`a storage's type is ${describe(type)}`);
  if (typeof key !== 'string') throw new Error(`a storage's key is ${describe(key)}, not a str`);
  if (typeof location !== 'string')
    throw new Error(`a storage's location is ${describe(location)}, not a str`);
  const size = count(numel, `storage '${printable(key, 40)}': the element count`);
  if (view === undefined || view === null) return new StorageRef(key, type, size);
  if (!isTuple(view) || view.length !== 3) throw new Error(`a storage view is ${describe(view)}`);
  const at = count(view[1], `storage view of '${printable(key, 40)}': the offset`);
  const viewNumel = count(view[2], `storage view of '${printable(key, 40)}': the element count`);
  return new StorageRef(key, type, viewNumel, at, true);
}
