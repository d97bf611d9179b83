import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  Tile,
  type TileAttrs,
  util,
} from '@tensorflow/tfjs-core';

/**
 * `Tile` for the wasm backend, replacing the shipped kernel (which computes every output index
 * with heap-allocated vectors): `out[i_0, ..., i_k] = x[i_0 mod x_0, ..., i_k mod x_k]`, built by
 * copying `x` once and then replicating ever larger blocks with `copyWithin` (memmove), doubling
 * the copied span each time. Inner axes with `reps = 1` are merged into the axis outside them,
 * so e.g. `[1, 1, 1, C]` tiled by `[N, H, W, 1]` is a single chain of doublings.
 */
export function tile(args: {
  inputs: { x: TensorInfo };
  backend: BackendWasm;
  attrs: TileAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  if (x.dtype === 'string') throw new Error('Tile on wasm does not support string tensors');
  const outShape = x.shape.map((size, axis) => size * attrs.reps[axis]!);
  const out = backend.makeOutput(outShape, x.dtype);
  if (util.sizeFromShape(outShape) === 0) return out;
  const { sizes, reps } = mergeUntiledAxes(x.shape, attrs.reps);
  const bytes = util.bytesPerElement(x.dtype);
  const heap = new Uint8Array(backend.typedArrayFromHeap(out).buffer);
  const outBlock = blockSizes(
    sizes.map((size, axis) => size * reps[axis]!),
    bytes,
  );
  const xBlock = blockSizes(sizes, bytes);
  const last = sizes.length - 1;
  /** Writes the output block of axes `>= axis` at byte `to` from the input block at byte `from`. */
  const fill = (axis: number, from: number, to: number): void => {
    if (axis === last) {
      heap.copyWithin(to, from, from + sizes[axis]! * bytes);
    } else {
      for (let i = 0; i < sizes[axis]!; i++)
        fill(axis + 1, from + i * xBlock[axis]!, to + i * outBlock[axis]!);
    }
    replicate(heap, to, sizes[axis]! * outBlock[axis]!, reps[axis]!);
  };
  fill(0, backend.getMemoryOffset(x.dataId), backend.getMemoryOffset(out.dataId));
  return out;
}

/** Byte size of one step along each axis (row-major strides times element size). */
function blockSizes(shape: number[], bytes: number): number[] {
  const blocks = new Array<number>(shape.length);
  let block = bytes;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    blocks[axis] = block;
    block *= shape[axis]!;
  }
  return blocks;
}

/** Turns `length` bytes at `start` into `copies` back-to-back copies of them. */
function replicate(heap: Uint8Array, start: number, length: number, copies: number): void {
  for (let done = 1; done < copies; ) {
    const now = Math.min(done, copies - done);
    heap.copyWithin(start + done * length, start, start + now * length);
    done += now;
  }
}

/**
 * Drops size-1 axes tiled once and merges each axis with `reps = 1` into the axis outside it
 * (`(a, b)` tiled `(r, 1)` is `(a*b)` tiled `r`). Never empty.
 */
export function mergeUntiledAxes(shape: number[], tileReps: number[]): { sizes: number[]; reps: number[] } {
  const sizes: number[] = [];
  const reps: number[] = [];
  shape.forEach((size, axis) => {
    const rep = tileReps[axis]!;
    if (size === 1 && rep === 1) return;
    if (rep === 1 && sizes.length > 0) sizes[sizes.length - 1]! *= size;
    else {
      sizes.push(size);
      reps.push(rep);
    }
  });
  return sizes.length > 0 ? { sizes, reps } : { sizes: [1], reps: [1] };
}

export const tileConfig: KernelConfig = {
  kernelName: Tile,
  backendName: 'wasm',
  kernelFunc: tile as unknown as KernelFunc,
};
