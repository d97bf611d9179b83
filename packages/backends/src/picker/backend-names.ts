/** What `initBackend` (Node) accepts as `backend`. */
export const NODE_BACKENDS = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'webgpu', 'cpu'] as const;
export type NodeBackendChoice = (typeof NODE_BACKENDS)[number];
/** A concrete Node backend (what `auto` resolves to). */
export type NodeBackendName = Exclude<NodeBackendChoice, 'auto'>;
/** `auto` in Node: native TensorFlow (GPU, then CPU), then wasm, then plain JS. WebGPU only by name. */
export const NODE_AUTO_ORDER: readonly NodeBackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** What `initBrowserBackend` accepts as `backend`. */
export const BROWSER_BACKENDS = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BrowserBackendChoice = (typeof BROWSER_BACKENDS)[number];
/** A concrete browser backend (what `auto` resolves to). */
export type BrowserBackendName = Exclude<BrowserBackendChoice, 'auto'>;
/** `auto` in the browser: GPU first, then wasm, then plain JS; software GPU adapters are passed over. */
export const BROWSER_AUTO_ORDER: readonly BrowserBackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/**
 * `value` as one of `valid`, or an error listing the valid names. `undefined` means `'auto'`.
 */
export function parseBackendChoice<T extends string>(value: string | undefined, valid: readonly T[]): T {
  const asked = value ?? 'auto';
  if ((valid as readonly string[]).includes(asked)) return asked as T;
  throw new Error(`unknown backend '${asked}'; choose one of ${valid.join(', ')}`);
}
