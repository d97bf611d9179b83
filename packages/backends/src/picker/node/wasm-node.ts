import { registerWasmTrainingKernels } from '@fcn/wasm-kernels';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { env, getBackend, setBackend } from '@tensorflow/tfjs-core';
import type { StartedBackend } from '../backend-result.js';
import { firstLine } from '../backend-unavailable.js';
import { resetWasmBackend, wasmBackendExists } from '../wasm-backend-reset.js';
import { WASM_HEAP_MAX_BYTES } from '../wasm-heap.js';
import { MAX_WASM_THREADS, type PthreadSession, startNodePthreads } from './wasm-threads.js';

/** How long the threaded module may take to start its workers before we fall back to one thread. */
const THREADED_START_TIMEOUT_MS = 20_000;

export interface WasmNodeOptions {
  /** Threads wanted (a positive integer; more than MAX_WASM_THREADS gets that many); 1 skips the threaded build. */
  threads: number;
  /** Sets up Node pthreads; injectable so tests can make the threaded start fail. */
  startPthreads?: (threads: number) => PthreadSession;
}

/**
 * Starts the wasm backend in Node with `threads` XNNPACK threads and registers the training kernels.
 * tfjs turns wasm threads off in Node; here the threaded SIMD build runs on `worker_threads` (see
 * startNodePthreads). If that fails, it says so in the details and runs on one thread.
 */
export async function startWasmNode(options: WasmNodeOptions): Promise<StartedBackend> {
  const startPthreads = options.startPthreads ?? startNodePthreads;
  const wanted = Math.min(options.threads, MAX_WASM_THREADS);
  let threadsNote: string | undefined;
  if (wanted > 1) {
    try {
      await setWasmBackend(wanted, startPthreads);
    } catch (error) {
      threadsNote = `${wanted} threads failed (${firstLine(error)}), so 1`;
      await setWasmBackend(1, startPthreads);
    }
  } else {
    await setWasmBackend(1, startPthreads);
  }
  registerWasmTrainingKernels();
  const threads = getThreadsCount();
  if (threadsNote === undefined && threads !== options.threads) {
    threadsNote = `asked for ${options.threads} threads`;
  }
  const simd = (await env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const details = [`${threads} thread${threads === 1 ? '' : 's'}`, simd ? 'SIMD' : 'no SIMD'];
  if (threadsNote !== undefined) details.push(threadsNote);
  return { memoryLimitBytes: WASM_HEAP_MAX_BYTES, threads, details };
}

/** Makes `'wasm'` the backend with `threads` threads, building a fresh module if it has another count. */
async function setWasmBackend(
  threads: number,
  startPthreads: (threads: number) => PthreadSession,
): Promise<void> {
  if (wasmBackendExists()) {
    if (getThreadsCount() === threads && (await setBackend('wasm'))) return;
    resetWasmBackend();
  }
  setThreadsCount(threads);
  env().set('WASM_HAS_MULTITHREAD_SUPPORT', threads > 1);
  const session = threads > 1 ? startPthreads(threads) : undefined;
  try {
    const starting = setBackend('wasm');
    const started = session ? await raceThreadedStart(starting, session.failed) : await starting;
    if (!started || getBackend() !== 'wasm') throw new Error('tf.setBackend("wasm") failed');
  } catch (error) {
    session?.abandon();
    resetWasmBackend();
    throw error;
  } finally {
    session?.end();
  }
}

/** `starting`, unless a pthread fails first or it takes longer than THREADED_START_TIMEOUT_MS. */
async function raceThreadedStart(starting: Promise<boolean>, failed: Promise<never>): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    const seconds = THREADED_START_TIMEOUT_MS / 1000;
    timer = setTimeout(
      () => reject(new Error(`its workers did not start in ${seconds} s`)),
      THREADED_START_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([starting, failed, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
