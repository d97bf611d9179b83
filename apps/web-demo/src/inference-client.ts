/**
 * The page's side of the inference worker: each call posts one request and resolves with its answer
 * (or rejects with the worker's message). Pixels and weight bytes go over as transferred buffers.
 * A worker that dies (its script fails to load, an uncaught error) rejects every pending call.
 */
import type { ModelCard } from './model-card.js';
import type {
  BackendReady,
  SegmentResult,
  WeightsOrigin,
  WorkerMessage,
  WorkerReplies,
  WorkerRequest,
} from './worker-protocol.js';

/** The parts of a `Worker` the client uses (tests pass an in-process fake). */
export interface WorkerLike {
  postMessage(message: WorkerRequest, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerMessage>) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
  addEventListener(type: 'messageerror', listener: (event: MessageEvent) => void): void;
  terminate(): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress?: (done: number, total: number) => void;
}

/** Starts the page's worker (Vite bundles it as a module worker). */
export function startInferenceWorker(): Worker {
  return new Worker(new URL('./inference.worker.ts', import.meta.url), { type: 'module', name: 'inference' });
}

/** A buffer holding exactly the view's bytes, safe to transfer (a copy when the view is a slice). */
function ownBuffer(view: Uint8Array | Uint8ClampedArray, copy: boolean): ArrayBuffer {
  if (!copy && view.byteOffset === 0 && view.byteLength === view.buffer.byteLength) {
    return view.buffer as ArrayBuffer;
  }
  return view.slice().buffer as ArrayBuffer;
}

export class InferenceClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private dead: Error | undefined;

  constructor(private readonly worker: WorkerLike) {
    worker.addEventListener('message', (event) => this.receive(event.data));
    worker.addEventListener('error', (event) => {
      event.preventDefault?.();
      this.fail(new Error(`the inference worker stopped: ${event.message || 'it could not start'}`));
    });
    worker.addEventListener('messageerror', () =>
      this.fail(new Error('the inference worker sent a message the page could not read')),
    );
  }

  /** Picks and starts the backend in the worker (`?backend=` choice, wasm binaries' URL folder). */
  init(backend: string, wasmPaths: string): Promise<BackendReady> {
    return this.request('init', { backend, wasmPaths }, []);
  }

  /** Builds a model from weight bytes in the worker; the bytes are transferred (`bytes` is emptied). */
  load(bytes: Uint8Array, origin: WeightsOrigin): Promise<ModelCard> {
    const buffer = ownBuffer(bytes, false);
    return this.request('load', { bytes: buffer, origin }, [buffer]);
  }

  /** An untrained FCN, so the page works with no weights at all. */
  untrained(): Promise<ModelCard> {
    return this.request('untrained', {}, []);
  }

  /** Segments a copy of the image's pixels (the page keeps its own to draw). */
  segment(image: ImageData, onProgress?: (done: number, total: number) => void): Promise<SegmentResult> {
    const rgba = ownBuffer(image.data, true);
    return this.request('segment', { width: image.width, height: image.height, rgba }, [rgba], onProgress);
  }

  terminate(): void {
    this.worker.terminate();
    this.fail(new Error('the inference worker was stopped'));
  }

  private request<K extends WorkerRequest['type']>(
    type: K,
    body: Omit<Extract<WorkerRequest, { type: K }>, 'id' | 'type'>,
    transfer: Transferable[],
    onProgress?: (done: number, total: number) => void,
  ): Promise<WorkerReplies[K]> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, onProgress });
      this.worker.postMessage({ ...body, type, id } as WorkerRequest, transfer);
    });
  }

  private receive(message: WorkerMessage): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.type === 'progress') {
      pending.onProgress?.(message.done, message.total);
      return;
    }
    this.pending.delete(message.id);
    if (message.type === 'done') pending.resolve(message.value);
    else pending.reject(new Error(message.message));
  }

  private fail(error: Error): void {
    this.dead ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
