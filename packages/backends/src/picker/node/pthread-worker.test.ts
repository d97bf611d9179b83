import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { installPthreadWorkerShim } from './pthread-worker.js';

const scope = globalThis as { Worker?: unknown };

describe('installPthreadWorkerShim', () => {
  it('serves its Worker while installed, then leaves what the glue assigned', () => {
    const before = Object.getOwnPropertyDescriptor(globalThis, 'Worker');
    const shim = installPthreadWorkerShim();
    try {
      expect(Object.getPrototypeOf(scope.Worker)).toBe(Worker);
      scope.Worker = Worker; // what the Emscripten glue does as it starts
      expect(scope.Worker).not.toBe(Worker);
    } finally {
      shim.uninstall();
    }
    expect(scope.Worker).toBe(Worker);
    if (before) Object.defineProperty(globalThis, 'Worker', before);
    else Reflect.deleteProperty(globalThis, 'Worker');
  });

  it('puts back the previous global when the glue assigned nothing', () => {
    const before = Object.getOwnPropertyDescriptor(globalThis, 'Worker');
    installPthreadWorkerShim().uninstall();
    expect(Object.getOwnPropertyDescriptor(globalThis, 'Worker')).toEqual(before);
  });

  it('rejects `failed` when a worker errors while installed', async () => {
    const shim = installPthreadWorkerShim({ workerSource: 'throw new Error("broken pthread")' });
    try {
      const PthreadWorker = scope.Worker as new (url: string) => Worker;
      new PthreadWorker('blob:nodedata:unused');
      await expect(shim.failed).rejects.toThrow('broken pthread');
    } finally {
      shim.abandon();
      shim.uninstall();
    }
  });
});
