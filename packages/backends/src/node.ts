/**
 * `@fcn/backends/node`: pick and start the TF.js backend in a Node app.
 *
 * ```ts
 * import { initBackend } from '@fcn/backends/node';
 * const backend = await initBackend({ backend: 'auto', log: console.log });
 * ```
 */

export { formatBackendLine } from './picker/backend-line.js';
export {
  NODE_AUTO_ORDER,
  NODE_BACKENDS,
  type NodeBackendChoice,
  type NodeBackendName,
} from './picker/backend-names.js';
export type { BackendResult, Fallback } from './picker/backend-result.js';
export { BackendUnavailableError } from './picker/backend-unavailable.js';
export { initBackend, type NodeBackendOptions, type NodeBackendResult } from './picker/node/init-backend.js';
export type { InstallContext, PackageManager } from './picker/node/install-hint.js';
export type { NativePackageLoader } from './picker/node/native-package.js';
export { MAX_WASM_THREADS } from './picker/node/wasm-threads.js';
export { WASM_HEAP_MAX_BYTES } from './picker/wasm-heap.js';
