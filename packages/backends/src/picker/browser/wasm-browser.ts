import { registerWasmTrainingKernels } from '@fcn/wasm-kernels';
import { env, setBackend } from '@tensorflow/tfjs-core';
import type { StartedBackend } from '../backend-result.js';
import { BackendUnavailableError } from '../backend-unavailable.js';
import { WASM_HEAP_MAX_BYTES } from '../wasm-heap.js';

export interface WasmBrowserOptions {
  /** Folder (URL prefix ending in `/`) serving `@tensorflow/tfjs-backend-wasm/dist/*.wasm`. */
  wasmPaths?: string;
  /** XNNPACK threads when cross-origin isolated; default tfjs's (half the logical CPUs, at most 8). */
  threads?: number;
  /** Threads need SharedArrayBuffer, which browsers allow only on cross-origin isolated pages. */
  crossOriginIsolated: boolean;
}

/**
 * Starts the wasm backend in a page or worker, loading its binaries from `wasmPaths`, with threads
 * when the page is cross-origin isolated, and registers the training kernels.
 */
export async function startWasmBrowser(options: WasmBrowserOptions): Promise<StartedBackend> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (options.wasmPaths !== undefined) wasm.setWasmPaths(options.wasmPaths);
  if (!options.crossOriginIsolated) env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (options.threads !== undefined) wasm.setThreadsCount(options.threads);
  if (!(await setBackend('wasm').catch(() => false))) {
    const where = options.wasmPaths ?? "the bundle's folder (wasmPaths not set)";
    throw new BackendUnavailableError(
      'wasm',
      `its binaries did not load from ${where} (copy @tensorflow/tfjs-backend-wasm/dist/*.wasm there)`,
    );
  }
  registerWasmTrainingKernels();
  const threads = wasm.getThreadsCount();
  const simd = (await env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const details = [`${threads} thread${threads === 1 ? '' : 's'}`, simd ? 'SIMD' : 'no SIMD'];
  if (!options.crossOriginIsolated) details.push('no threads: page not cross-origin isolated');
  return { memoryLimitBytes: WASM_HEAP_MAX_BYTES, threads, details };
}
