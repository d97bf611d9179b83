/**
 * The project's own SIMD kernels (`*-code.ts`), assembled into one small WebAssembly module that
 * imports the tfjs wasm backend's memory, so they read and write tensors in place on its heap. One
 * instance per tfjs module (the picker may rebuild that module to change the thread count); the
 * kernels run on the calling thread.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { F2X2_3X3, F4X4_3X3 } from '../winograd-variants.js';
import { addRunsFunction } from './add-runs-code.js';
import { batchNormFunctions } from './batch-norm-code.js';
import { expFunction } from './exp-code.js';
import { im2colFunction } from './im2col-code.js';
import { maxPoolGradFunctions } from './max-pool-grad-code.js';
import { sgdFunctions } from './sgd-code.js';
import { softmaxXentFunction } from './softmax-xent-code.js';
import { transposeFunction } from './transpose-code.js';
import { encodeModule } from './wasm-encoding.js';
import { winogradFunctions } from './winograd-code.js';

type Fn = (...args: number[]) => number;
type SumsFn = (...args: number[]) => void;

export interface SimdKernels {
  exp(x: number, out: number, n: number): void;
  sgd: Fn;
  sgd_wd: Fn;
  sgd_mom: Fn;
  sgd_mom_wd: Fn;
  xent: Fn;
  bn_sum_v: SumsFn;
  bn_sum_s: SumsFn;
  bn_sqdiff_v: SumsFn;
  bn_sqdiff_s: SumsFn;
  bn_grad_sums_v: SumsFn;
  bn_grad_sums_s: SumsFn;
  bn_apply_v: SumsFn;
  bn_apply_s: SumsFn;
  bn_dx_v: SumsFn;
  bn_dx_s: SumsFn;
  maxpool_grad_v: SumsFn;
  maxpool_grad_s: SumsFn;
  im2col_tap: SumsFn;
  transpose: SumsFn;
  add_runs: SumsFn;
  wino_in_2: SumsFn;
  wino_out_2: SumsFn;
  wino_filter_2: SumsFn;
  wino_in_4: SumsFn;
  wino_out_4: SumsFn;
  wino_filter_4: SumsFn;
  wino_dy_2: SumsFn;
  wino_fgrad_2: SumsFn;
  wino_dy_4: SumsFn;
  wino_fgrad_4: SumsFn;
}

const functions = () => [
  expFunction(),
  ...sgdFunctions(),
  softmaxXentFunction(),
  ...batchNormFunctions(),
  ...maxPoolGradFunctions(),
  im2colFunction(),
  transposeFunction(),
  addRunsFunction(),
  ...winogradFunctions([F2X2_3X3, F4X4_3X3]),
];

/** The module's bytes for a shared (threaded tfjs build) or plain memory. */
export function simdModuleBytes(sharedMemory: boolean): Uint8Array {
  return encodeModule(
    functions().map((f) => f.spec()),
    sharedMemory,
  );
}

let supported: boolean | undefined;

/**
 * Whether this engine runs the module: it has WebAssembly SIMD and lets this thread compile a module
 * synchronously (Chromium refuses modules over 4 KB on a page's main thread; workers and Node may).
 * The kernels that use the module are registered only then.
 */
export function simdSupported(): boolean {
  if (supported === undefined) {
    try {
      new WebAssembly.Module(simdModuleBytes(false) as BufferSource);
      supported = true;
    } catch {
      supported = false;
    }
  }
  return supported;
}

const instances = new WeakMap<WebAssembly.Memory, SimdKernels>();

/** The tfjs module's memory: imported by the threaded build (`wasmMemory`), exported by the others. */
export function tfjsMemory(backend: BackendWasm): WebAssembly.Memory {
  const module = backend.wasm as unknown as {
    wasmMemory?: WebAssembly.Memory;
    asm?: { memory?: WebAssembly.Memory };
  };
  const memory = module.wasmMemory ?? module.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) throw new Error('the tfjs wasm module exposes no memory');
  return memory;
}

/** The kernels bound to `backend`'s memory (instantiated on first use; a small synchronous compile). */
export function simdKernels(backend: BackendWasm): SimdKernels {
  const memory = tfjsMemory(backend);
  let kernels = instances.get(memory);
  if (!kernels) {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const module = new WebAssembly.Module(simdModuleBytes(shared) as BufferSource);
    kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as SimdKernels;
    instances.set(memory, kernels);
  }
  return kernels;
}
