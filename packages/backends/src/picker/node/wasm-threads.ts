import { availableParallelism } from 'node:os';
import { reportAtLeastCpus } from './logical-cores.js';
import { installPthreadWorkerShim } from './pthread-worker.js';

/** The most threads the tfjs wasm module uses: its C++ side caps the pool at 8 (and preloads 8 workers). */
export const MAX_WASM_THREADS = 8;

/** Default wasm threads in Node: one per logical CPU, at most 8. */
export function defaultWasmThreads(): number {
  return Math.min(MAX_WASM_THREADS, availableParallelism());
}

/** `threads` checked (a positive integer) and capped at MAX_WASM_THREADS. */
export function checkThreads(threads: number): number {
  if (!Number.isInteger(threads) || threads < 1)
    throw new Error(`threads must be a positive integer, got ${threads}`);
  return Math.min(threads, MAX_WASM_THREADS);
}

/** While the threaded wasm module starts: Node pthreads made to work. */
export interface PthreadSession {
  /** Rejects when a pthread fails while starting. */
  failed: Promise<never>;
  /** Undoes the setup once the module has started (or failed to). */
  end(): void;
  /** After a failed start: stops the workers it made. */
  abandon(): void;
}

/** Sets up what the threaded wasm module needs to start `threads` pthreads in Node. */
export function startNodePthreads(threads: number): PthreadSession {
  const shim = installPthreadWorkerShim();
  const restoreCpus = reportAtLeastCpus(2 * threads);
  return {
    failed: shim.failed,
    end() {
      restoreCpus();
      shim.uninstall();
    },
    abandon: () => shim.abandon(),
  };
}
