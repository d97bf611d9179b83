import { createRequire } from 'node:module';
import { type TransferListItem, Worker } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const THREADED_GLUE = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd';

/** An install of the pthread Worker shim. */
export interface PthreadWorkerShim {
  /** Rejects when a pthread worker errors while the shim is installed. */
  failed: Promise<never>;
  /** Puts the global `Worker` back as the Emscripten glue left it. */
  uninstall(): void;
  /** After a failed start: terminates the workers made so far and silences them. */
  abandon(): void;
}

/**
 * Lets the threaded tfjs wasm module start its Emscripten pthreads in Node, which tfjs does not do
 * (it turns wasm threads off in Node). Until `uninstall()`, the global `Worker` is a
 * `worker_threads.Worker` that
 * - runs the pthread script tfjs ships as a string (`wasmWorkerContents`), where tfjs hands
 *   Emscripten a `blob:` URL that Node's Worker cannot open;
 * - points the pthread at the glue file on disk instead of the Blob tfjs makes of the module's main
 *   script (`urlOrBlob` in the `load` message): in tfjs's Node bundle that Blob holds a rewritten
 *   copy of the glue that refers to the bundle's own variables, which do not exist in a worker;
 * - starts with no `execArgv`: the parent's (`--input-type=module`, `--import tsx`, …) would make the
 *   CommonJS script fail or slow every thread's start;
 * - never holds the process open (`ref()` does nothing): pthreads only work while the main thread
 *   waits on them, and an idle XNNPACK pool would otherwise keep Node from exiting;
 * - reports worker errors through `failed` instead of Emscripten rethrowing them as uncaught.
 * The glue assigns `global.Worker = worker_threads.Worker` as it starts; the shim keeps that aside
 * and restores it on uninstall, so afterwards globals are as stock tfjs would leave them.
 * `workerSource` replaces the pthread script (tests use it to make workers fail).
 */
export function installPthreadWorkerShim(options: { workerSource?: string } = {}): PthreadWorkerShim {
  const source = options.workerSource ?? pthreadWorkerSource();
  const mainScript = require.resolve(`${THREADED_GLUE}.js`);
  const workers: Worker[] = [];
  let listening = true;
  let silenced = false;
  let fail: (error: Error) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  failed.catch(() => {}); // callers race on it; an error after they stop listening is not unhandled

  class PthreadWorker extends Worker {
    constructor(_blobUrl: string | URL) {
      // No inherited execArgv: flags like --input-type=module or --import hooks break the script.
      super(source, { eval: true, execArgv: [] });
      workers.push(this);
    }

    override postMessage(message: unknown, transferList?: readonly TransferListItem[]): void {
      super.postMessage(
        isLoadMessage(message) ? { ...message, urlOrBlob: mainScript } : message,
        transferList,
      );
    }

    override ref(): void {}

    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (event !== 'error' || !(listening || silenced)) return super.emit(event, ...args);
      if (listening) fail(args[0] instanceof Error ? args[0] : new Error(String(args[0])));
      return true;
    }
  }

  const previous = Object.getOwnPropertyDescriptor(globalThis, 'Worker');
  let assigned: unknown;
  Object.defineProperty(globalThis, 'Worker', {
    configurable: true,
    get: () => PthreadWorker,
    set: (value: unknown) => {
      assigned = value;
    },
  });
  return {
    failed,
    uninstall() {
      listening = false;
      if (assigned !== undefined) {
        Object.defineProperty(globalThis, 'Worker', { configurable: true, writable: true, value: assigned });
      } else if (previous) {
        Object.defineProperty(globalThis, 'Worker', previous);
      } else {
        Reflect.deleteProperty(globalThis, 'Worker');
      }
    },
    abandon() {
      silenced = true;
      for (const worker of workers) void worker.terminate();
    },
  };
}

/**
 * The pthread script, runnable with `eval: true`: tfjs's string with newlines escaped as tfjs does
 * before making its Blob (the template literal turned `\n` inside string literals into line breaks).
 */
function pthreadWorkerSource(): string {
  const { wasmWorkerContents } = require(`${THREADED_GLUE}.worker.js`) as { wasmWorkerContents: string };
  return wasmWorkerContents.replace(/\n/g, '\\n');
}

/** Whether this is Emscripten's `{cmd: 'load', urlOrBlob}` message to a new pthread. */
function isLoadMessage(message: unknown): message is { cmd: 'load'; urlOrBlob: unknown } {
  return typeof message === 'object' && message != null && (message as { cmd?: unknown }).cmd === 'load';
}
