import { describe, expect, it } from 'vitest';
import { softwareGpuLabel } from './software-gpu.js';

describe('softwareGpuLabel', () => {
  it('names webgpu on Mesa lavapipe, on another software adapter, and not on a GPU', () => {
    const lavapipe = 'software adapter (mesa software llvmpipe-llvm-15-0-6-256-bits- llvmpipe: Mesa 25.0.7)';
    expect(softwareGpuLabel('webgpu', [lavapipe])).toBe('webgpu (lavapipe)');
    expect(softwareGpuLabel('webgpu', ['fallback adapter (google swiftshader)'])).toBe('webgpu (software)');
    expect(softwareGpuLabel('webgpu', ['nvidia hopper'])).toBeNull();
    expect(softwareGpuLabel('wasm', ['2 threads', 'SIMD'])).toBeNull();
  });
});
