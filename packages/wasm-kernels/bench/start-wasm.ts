/**
 * The benches' wasm start: tfjs's wasm backend as it starts in Node (one thread: tfjs turns wasm
 * threads off there), with this package's training kernels. The threaded start in Node is
 * `@fcn/backends/node`'s picker, which depends on this package, so the benches here cannot use it;
 * `pnpm bench:backends` times whole steps with threads.
 */
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '@fcn/wasm-kernels';
import * as tf from '@tensorflow/tfjs-core';

/** Makes wasm the backend, registers the training kernels and says so on `log`. */
export async function startWasm(log: (line: string) => void): Promise<void> {
  if (!(await tf.setBackend('wasm'))) throw new Error('bench: tf.setBackend("wasm") failed');
  const kernels = registerWasmTrainingKernels();
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  log(`backend: wasm (1 thread, ${simd ? 'SIMD' : 'no SIMD'}), ${kernels.length} training kernels`);
}
