/** A backend that was passed over or could not start, and why, in one sentence. */
export interface Fallback {
  backend: string;
  why: string;
}

/** What a picker reports once a backend is set. */
export interface BackendResult<Name extends string> {
  /** The backend now active (`tensorflow-gpu` and `tensorflow` both run as TF.js backend `'tensorflow'`). */
  name: Name;
  /** Why this one: `'asked for by name'`, `'auto: first choice'` or `'auto: passed over …'`. */
  reason: string;
  /**
   * How much memory tensors may use, for sizing micro-batches: the wasm heap maximum, the machine's
   * memory for native and cpu, the largest buffer (WebGPU) or texture (WebGL) for GPUs.
   */
  memoryLimitBytes: number;
  /** wasm only: threads in its XNNPACK pool. */
  threads?: number;
  /** Facts for the log line, e.g. `['2 threads', 'SIMD']` or the GPU adapter. */
  details: string[];
  /** What `auto` tried before `name`, in order. Empty when asked for by name. */
  fallbacks: Fallback[];
}

/** What starting one backend yields; the picker adds name, reason and fallbacks. */
export type StartedBackend = Pick<BackendResult<string>, 'memoryLimitBytes' | 'threads' | 'details'>;
