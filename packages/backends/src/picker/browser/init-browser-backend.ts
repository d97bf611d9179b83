import {
  BROWSER_BACKENDS,
  type BrowserBackendChoice,
  type BrowserBackendName,
  parseBackendChoice,
} from '../backend-names.js';
import type { BackendResult } from '../backend-result.js';
import { startFirst } from '../start-first.js';
import { type BrowserProbes, probeBrowser } from './browser-probes.js';
import { chooseBrowserBackend } from './choose-browser-backend.js';
import { startBrowserBackend } from './start-browser-backend.js';

export interface BrowserBackendOptions {
  /** Which backend; `'auto'` (the default) tries webgpu → webgl → wasm → cpu, skipping software GPUs. */
  backend?: BrowserBackendChoice | (string & {});
  /**
   * URL folder (ending in `/`) serving `tfjs-backend-wasm.wasm`, `tfjs-backend-wasm-simd.wasm` and
   * `tfjs-backend-wasm-threaded-simd.wasm` from `@tensorflow/tfjs-backend-wasm/dist/`.
   */
  wasmPaths?: string;
  /** wasm threads on a cross-origin isolated page; default tfjs's (half the logical CPUs, at most 8). */
  threads?: number;
  /** Gets the one-line summary once the backend is set. */
  log?: (line: string) => void;
  /** What the picker decides from; default `probeBrowser()` on `globalThis`. Tests inject fakes. */
  probes?: BrowserProbes;
}

export type BrowserBackendResult = BackendResult<BrowserBackendName>;

/**
 * Picks and sets the TF.js backend for a page, once, at startup; same result shape as the Node
 * picker. A backend asked for by name that cannot start is an error; unknown names list the valid ones.
 */
export async function initBrowserBackend(options: BrowserBackendOptions = {}): Promise<BrowserBackendResult> {
  const choice = parseBackendChoice(options.backend, BROWSER_BACKENDS);
  const probes = options.probes ?? (await probeBrowser());
  const plan = chooseBrowserBackend(choice, probes);
  return startFirst({
    candidates: plan.candidates,
    auto: choice === 'auto',
    passedOver: plan.passedOver,
    start: (name) => startBrowserBackend(name, { ...options, probes }),
    log: options.log,
  });
}
