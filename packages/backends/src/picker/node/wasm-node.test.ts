import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { installPthreadWorkerShim } from './pthread-worker.js';
import { startWasmNode } from './wasm-node.js';

/** A 3x3 conv big enough that XNNPACK splits it across threads. */
function conv(): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor4d(ramp(2 * 24 * 24 * 16, 0.37), [2, 24, 24, 16]);
    const w = tf.tensor4d(ramp(3 * 3 * 16 * 32, 0.11), [3, 3, 16, 32]);
    return tf.conv2d(x, w, 1, 'same').dataSync() as Float32Array;
  });
}

function ramp(size: number, step: number): Float32Array {
  return Float32Array.from({ length: size }, (_, i) => Math.sin(i * step));
}

describe('startWasmNode', () => {
  it('runs 2 threads in Node, with the same results as 1 thread', async () => {
    const two = await startWasmNode({ threads: 2 });
    expect(tf.getBackend()).toBe('wasm');
    expect(getThreadsCount()).toBe(2);
    expect(two.threads).toBe(2);
    expect(two.details).toEqual(['2 threads', 'SIMD']);
    const withTwo = conv();

    const one = await startWasmNode({ threads: 1 });
    expect(getThreadsCount()).toBe(1);
    expect(one.details).toEqual(['1 thread', 'SIMD']);
    expect(conv()).toEqual(withTwo);
  });

  it('caps threads at 8, the most the module pool takes, and says so', async () => {
    const started = await startWasmNode({ threads: 12 });
    expect(getThreadsCount()).toBe(8);
    expect(started.details).toEqual(['8 threads', 'SIMD', 'asked for 12 threads']);
  });

  it('falls back to 1 thread, saying why, when the threaded start fails', async () => {
    const started = await startWasmNode({
      threads: 2,
      startPthreads: () => {
        throw new Error('no workers here');
      },
    });
    expect(tf.getBackend()).toBe('wasm');
    expect(started.threads).toBe(1);
    expect(started.details).toEqual(['1 thread', 'SIMD', '2 threads failed (no workers here), so 1']);
  });

  it('falls back to 1 thread when a pthread worker errors while starting', async () => {
    const started = await startWasmNode({
      threads: 2,
      startPthreads: () => ({ failed: Promise.reject(new Error('worker crashed')), end() {}, abandon() {} }),
    });
    expect(started.threads).toBe(1);
    expect(started.details.at(-1)).toBe('2 threads failed (worker crashed), so 1');
  });
});

describe('startWasmNode with real pthread workers that fail', () => {
  it('falls back to 1 thread without the failing workers crashing the process', async () => {
    const started = await startWasmNode({
      threads: 2,
      startPthreads: () => {
        const shim = installPthreadWorkerShim({ workerSource: 'throw new Error("pthread script broken")' });
        return { failed: shim.failed, end: shim.uninstall, abandon: shim.abandon };
      },
    });
    expect(started.threads).toBe(1);
    expect(started.details.at(-1)).toBe('2 threads failed (pthread script broken), so 1');
    await new Promise((resolve) => setTimeout(resolve, 200)); // let any stray worker errors surface
    expect(conv()).toHaveLength(2 * 24 * 24 * 32);
  });
});
