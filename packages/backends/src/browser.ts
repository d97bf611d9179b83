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
  BROWSER_BACKENDS,
  type BrowserBackendChoice,
  type BrowserBackendName,
} from './picker/backend-names.js';
export type { BackendResult } from './picker/backend-result.js';
export {
  type BrowserBackendOptions,
  type BrowserBackendResult,
  initBrowserBackend,
} from './picker/browser/init-browser-backend.js';
