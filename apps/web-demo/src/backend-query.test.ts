import { describe, expect, it } from 'vitest';
import { backendFromQuery } from './backend-query.js';

describe('backendFromQuery', () => {
  it('defaults to auto', () => {
    expect(backendFromQuery('')).toBe('auto');
    expect(backendFromQuery('?other=1&backend=')).toBe('auto');
  });

  it('reads a named backend', () => {
    expect(backendFromQuery('?backend=wasm')).toBe('wasm');
  });

  it('names the valid choices when the name is unknown', () => {
    expect(() => backendFromQuery('?backend=metal')).toThrow(/unknown backend 'metal'.*webgpu, webgl, wasm/);
  });
});
