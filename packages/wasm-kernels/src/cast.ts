import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  Cast,
  type CastAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { identity } from './identity.js';

/**
 * `Cast` for the wasm backend. To the same dtype (`cast(step(x), 'float32')` in the relu
 * gradient, `cast(x, 'float32')` in `moments`) it shares the data like {@link identity} instead of
 * copying. To `bool` it maps `v !== 0` to 1 as the cpu backend does (the shipped kernel wraps
 * modulo 256, so 0.5 became false); otherwise it converts like a typed-array copy (truncation
 * towards zero into int32).
 */
export function cast(args: {
  inputs: { x: TensorInfo };
  backend: BackendWasm;
  attrs: CastAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  if (attrs.dtype === x.dtype) return identity({ inputs, backend });
  if (
    attrs.dtype === 'string' ||
    attrs.dtype === 'complex64' ||
    x.dtype === 'string' ||
    x.dtype === 'complex64'
  ) {
    throw new Error(`Cast on wasm from ${x.dtype} to ${attrs.dtype} is not supported`);
  }
  const out = backend.makeOutput(x.shape, attrs.dtype);
  const values = backend.typedArrayFromHeap(x);
  const outValues = backend.typedArrayFromHeap(out);
  if (attrs.dtype === 'bool') {
    for (let i = 0; i < values.length; i++) outValues[i] = values[i] !== 0 ? 1 : 0;
  } else {
    outValues.set(values);
  }
  return out;
}

export const castConfig: KernelConfig = {
  kernelName: Cast,
  backendName: 'wasm',
  kernelFunc: cast as unknown as KernelFunc,
};
