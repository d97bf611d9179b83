import { totalmem } from 'node:os';
import '@tensorflow/tfjs-backend-wasm';
import {
  NODE_AUTO_ORDER,
  NODE_BACKENDS,
  type NodeBackendChoice,
  type NodeBackendName,
  parseBackendChoice,
} from '../backend-names.js';
import type { BackendResult, StartedBackend } from '../backend-result.js';
import { setCpuBackend } from '../cpu-backend.js';
import { startFirst } from '../start-first.js';
import { type InstallContext, installContext } from './install-hint.js';
import { startNativeBackend } from './native-backend.js';
import { type NativePackageLoader, nodePackageLoader } from './native-package.js';
import { startWasmNode } from './wasm-node.js';
import { checkThreads, defaultWasmThreads } from './wasm-threads.js';
import { type LoadDawn, startWebGpuNode } from './webgpu-node.js';

export interface NodeBackendOptions {
  /** Which backend; `'auto'` (the default) tries tensorflow-gpu → tensorflow → wasm → cpu. */
  backend?: NodeBackendChoice | (string & {});
  /** wasm threads; default one per logical CPU, at most 8. */
  threads?: number;
  /** Gets the one-line summary once the backend is set. */
  log?: (line: string) => void;
  /**
   * The package manager and package that install hints name ("pnpm add … in my-app"); default: the one
   * that started this process (`npm_config_user_agent`, else npm) and the package of its main script.
   */
  install?: InstallContext;
  /** Finds and imports tfjs-node(-gpu); tests inject fakes. */
  nativeLoader?: NativePackageLoader;
  /** Loads the optional `webgpu` package; tests inject fakes. */
  loadDawn?: LoadDawn;
}

export type NodeBackendResult = BackendResult<NodeBackendName>;

/**
 * Picks and sets the TF.js backend for a Node app, once, at startup. `auto` takes the first that
 * starts of tensorflow-gpu, tensorflow, wasm, cpu, and says in `fallbacks` (and the log line) why it
 * passed over the others. A backend asked for by name that cannot start is an error naming the fix;
 * an unknown name is an error listing the valid ones.
 */
export async function initBackend(options: NodeBackendOptions = {}): Promise<NodeBackendResult> {
  const choice = parseBackendChoice(options.backend, NODE_BACKENDS);
  const threads = checkThreads(options.threads ?? defaultWasmThreads());
  return startFirst({
    candidates: choice === 'auto' ? NODE_AUTO_ORDER : [choice],
    auto: choice === 'auto',
    start: (name) => startNodeBackend(name, threads, options),
    log: options.log,
  });
}

async function startNodeBackend(
  name: NodeBackendName,
  threads: number,
  options: NodeBackendOptions,
): Promise<StartedBackend> {
  switch (name) {
    case 'tensorflow-gpu':
    case 'tensorflow':
      return startNativeBackend(name, {
        loader: options.nativeLoader ?? nodePackageLoader(),
        install: options.install ?? installContext(),
      });
    case 'wasm':
      return startWasmNode({ threads });
    case 'webgpu':
      return startWebGpuNode(options.loadDawn, options.install);
    case 'cpu':
      await setCpuBackend();
      return { memoryLimitBytes: totalmem(), details: [] };
  }
}
