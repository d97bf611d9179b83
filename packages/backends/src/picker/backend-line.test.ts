import { describe, expect, it } from 'vitest';
import { describeReason, formatBackendLine } from './backend-line.js';

describe('formatBackendLine', () => {
  it('names the backend, its details and what auto passed over, on one line', () => {
    const line = formatBackendLine({
      name: 'wasm',
      reason: describeReason(true, ['tensorflow-gpu', 'tensorflow']),
      memoryLimitBytes: 1,
      threads: 2,
      details: ['2 threads', 'SIMD'],
      fallbacks: [
        { backend: 'tensorflow-gpu', why: 'not installed' },
        { backend: 'tensorflow', why: 'failed to load:\n  libtensorflow.so.2' },
      ],
    });
    expect(line).toBe(
      'backend: wasm (2 threads, SIMD) — auto: tensorflow-gpu: not installed; tensorflow: failed to load: libtensorflow.so.2',
    );
  });

  it('says when the backend was asked for by name or was auto’s first choice', () => {
    const base = { name: 'cpu', memoryLimitBytes: 1, details: [], fallbacks: [] };
    expect(formatBackendLine({ ...base, reason: describeReason(false, []) })).toBe(
      'backend: cpu — asked for by name',
    );
    expect(formatBackendLine({ ...base, reason: describeReason(true, []) })).toBe(
      'backend: cpu — auto: first choice',
    );
  });
});
