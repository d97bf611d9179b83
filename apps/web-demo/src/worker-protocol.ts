/**
 * The messages between the page and its inference worker. The worker owns the TF.js backend and the
 * model; the page sends it pixels and weight bytes (their buffers transferred, not copied) and gets
 * back progress per window, the label map and the model's card.
 */
import type { ModelCard } from './model-card.js';

/** Where a model's bytes came from, as the page tells the worker (for the card). */
export interface WeightsOrigin {
  /** `default`: the build's `pnpm train` checkpoint; `file`: picked or dropped; `url`: fetched. */
  kind: 'default' | 'file' | 'url';
  /** The file name, or the URL. */
  name: string;
}

export type WorkerRequest =
  | { type: 'init'; id: number; backend: string; wasmPaths: string }
  | { type: 'load'; id: number; bytes: ArrayBuffer; origin: WeightsOrigin }
  | { type: 'untrained'; id: number }
  | { type: 'segment'; id: number; width: number; height: number; rgba: ArrayBuffer };

export interface BackendReady {
  /** The picker's one-line summary (`backend: wasm (1 thread, SIMD) ...`). */
  line: string;
  name: string;
}

export interface SegmentResult {
  /** Class index per pixel, row-major. */
  labels: Uint8Array;
  width: number;
  height: number;
  /** Wall time of the prediction in the worker, in milliseconds. */
  ms: number;
  /** Windows the image was cut into (1: the whole image at once). */
  windows: number;
}

/** What each request answers with. */
export interface WorkerReplies {
  init: BackendReady;
  load: ModelCard;
  untrained: ModelCard;
  segment: SegmentResult;
}

export type WorkerMessage =
  | { type: 'done'; id: number; value: WorkerReplies[keyof WorkerReplies] }
  | { type: 'failed'; id: number; message: string }
  | { type: 'progress'; id: number; done: number; total: number };
