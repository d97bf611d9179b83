/**
 * The inference worker: owns the TF.js backend and the model, so the page's thread only draws. The
 * page starts it with `new Worker(new URL('./inference.worker.ts', import.meta.url), { type: 'module' })`
 * and talks to it through `InferenceClient`.
 */
import { InferenceEngine } from './inference-engine.js';
import type { WorkerMessage, WorkerRequest } from './worker-protocol.js';

const scope = self as unknown as {
  postMessage(message: WorkerMessage, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerRequest>) => void): void;
};

const engine = new InferenceEngine((message, transfer = []) => scope.postMessage(message, transfer));
scope.addEventListener('message', (event) => void engine.handle(event.data));
