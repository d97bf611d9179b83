/**
 * `@fcn/backends/browser`: pick and start the TF.js backend in a page (no Node imports; bundles
 * with Vite).
 *
 * ```ts
 * import { initBrowserBackend } from '@fcn/backends/browser';
 * const backend = await initBrowserBackend({ backend: 'auto', wasmPaths: '/tfjs-wasm/', log: console.log });
 * ```
 */

export { formatBackendLine } from './picker/backend-line.js';
export {
  BROWSER_AUTO_ORDER,
  BROWSER_BACKENDS,
  type BrowserBackendChoice,
  type BrowserBackendName,
} from './picker/backend-names.js';
export type { BackendResult, Fallback } from './picker/backend-result.js';
export { BackendUnavailableError } from './picker/backend-unavailable.js';
export { type BrowserProbes, type DeviceProbe, probeBrowser } from './picker/browser/browser-probes.js';
export { type BrowserPlan, chooseBrowserBackend } from './picker/browser/choose-browser-backend.js';
export {
  type BrowserBackendOptions,
  type BrowserBackendResult,
  initBrowserBackend,
} from './picker/browser/init-browser-backend.js';
export { WASM_HEAP_MAX_BYTES } from './picker/wasm-heap.js';
