/**
 * What the inference worker does with each request, apart from the worker itself (so tests run it
 * in Node): start the backend once, hold one model at a time, segment pixels (`segment` of `@fcn/train`). Every request gets
 * exactly one answer, `done` or `failed`, and `segment` sends `progress` after each window before it.
 */
import { formatBackendLine, initBrowserBackend } from '@fcn/backends/browser';
import { segment } from '@fcn/train/browser';
import { type LoadedModel, loadModel, untrainedModel } from './model-loader.js';
import type { WorkerMessage, WorkerRequest } from './worker-protocol.js';

export type Post = (message: WorkerMessage, transfer?: Transferable[]) => void;

export class InferenceEngine {
  private loaded: LoadedModel | undefined;
  private backendReady = false;
  /** Requests run one after another, in the order they came (a load never frees a model mid-segment). */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly post: Post) {}

  /** Queues one request; the promise settles once it is answered. Never rejects (failures are posted). */
  handle(request: WorkerRequest): Promise<void> {
    this.queue = this.queue.then(() => this.answer(request));
    return this.queue;
  }

  private async answer(request: WorkerRequest): Promise<void> {
    const { id } = request;
    try {
      switch (request.type) {
        case 'init': {
          const result = await initBrowserBackend({ backend: request.backend, wasmPaths: request.wasmPaths });
          this.backendReady = true;
          this.post({ type: 'done', id, value: { line: formatBackendLine(result), name: result.name } });
          return;
        }
        case 'load':
          this.requireBackend();
          this.replace(await loadModel(new Uint8Array(request.bytes), request.origin));
          this.post({ type: 'done', id, value: this.loaded!.card });
          return;
        case 'untrained':
          this.requireBackend();
          this.replace(untrainedModel());
          this.post({ type: 'done', id, value: this.loaded!.card });
          return;
        case 'segment': {
          if (!this.loaded) throw new Error('no model is loaded yet');
          const { width, height } = request;
          const data = new Uint8ClampedArray(request.rgba);
          if (data.length !== width * height * 4) {
            throw new Error(`${data.length} bytes of pixels for a ${width}x${height} RGBA image`);
          }
          const start = performance.now();
          const { data: labels, windows } = await segment(
            this.loaded.model,
            { width, height, data },
            {
              onProgress: (done, total) => this.post({ type: 'progress', id, done, total }),
            },
          );
          const result = { labels, width, height, ms: performance.now() - start, windows };
          this.post({ type: 'done', id, value: result }, [labels.buffer]);
          return;
        }
      }
    } catch (error) {
      this.post({ type: 'failed', id, message: error instanceof Error ? error.message : String(error) });
    }
  }

  private requireBackend(): void {
    if (!this.backendReady) throw new Error('the backend has not started (send init first)');
  }

  /** The new model replaces (and frees) the old one only once it has loaded. */
  private replace(next: LoadedModel): void {
    this.loaded?.model.dispose();
    this.loaded = next;
  }
}
