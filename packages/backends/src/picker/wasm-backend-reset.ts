import {
  findBackend,
  findBackendFactory,
  type KernelBackend,
  registerBackend,
  removeBackend,
} from '@tensorflow/tfjs-core';

/** Priority tfjs-backend-wasm registers with. */
const WASM_PRIORITY = 2;
let wasmFactory: (() => KernelBackend | Promise<KernelBackend>) | undefined;

/**
 * Drops the `'wasm'` backend instance (disposing it and terminating its threads) and registers the
 * factory tfjs-backend-wasm registered again, so the next `setBackend('wasm')` builds a fresh module:
 * how the thread count changes, and how a failed threaded start falls back to one thread.
 * Needs `@tensorflow/tfjs-backend-wasm` imported. Kernels registered for `'wasm'` stay registered.
 */
export function resetWasmBackend(): void {
  wasmFactory ??= findBackendFactory('wasm') ?? undefined;
  if (wasmFactory == null)
    throw new Error('the wasm backend is not registered: import @tensorflow/tfjs-backend-wasm');
  removeBackend('wasm');
  registerBackend('wasm', wasmFactory, WASM_PRIORITY);
}

/** Whether a `'wasm'` backend instance exists (initialised, active or not). */
export function wasmBackendExists(): boolean {
  return findBackend('wasm') != null;
}
