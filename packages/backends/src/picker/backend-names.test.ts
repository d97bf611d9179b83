import { describe, expect, it } from 'vitest';
import { BROWSER_BACKENDS, NODE_AUTO_ORDER, NODE_BACKENDS, parseBackendChoice } from './backend-names.js';

describe('parseBackendChoice', () => {
  it('accepts each valid name and treats undefined as auto', () => {
    for (const name of NODE_BACKENDS) expect(parseBackendChoice(name, NODE_BACKENDS)).toBe(name);
    expect(parseBackendChoice(undefined, BROWSER_BACKENDS)).toBe('auto');
  });

  it('rejects an unknown name, listing the valid ones', () => {
    expect(() => parseBackendChoice('webgl', NODE_BACKENDS)).toThrow(
      "unknown backend 'webgl'; choose one of auto, tensorflow-gpu, tensorflow, wasm, webgpu, cpu",
    );
  });

  it('never tries webgpu in the Node auto order', () => {
    expect(NODE_AUTO_ORDER).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
  });
});
