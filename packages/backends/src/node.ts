/**
 * `@fcn/backends/node`: pick and start the TF.js backend in a Node app.
 *
 * ```ts
 * import { initBackend } from '@fcn/backends/node';
 * const backend = await initBackend({ backend: 'auto', log: console.log });
 * ```
 */

export { NODE_BACKENDS, type NodeBackendChoice, type NodeBackendName } from './picker/backend-names.js';
export type { BackendResult } from './picker/backend-result.js';
export { BackendUnavailableError } from './picker/backend-unavailable.js';
export { initBackend, type NodeBackendOptions, type NodeBackendResult } from './picker/node/init-backend.js';
export type { InstallContext, PackageManager } from './picker/node/install-hint.js';
