import { describe, expect, it } from 'vitest';
import { adapterInfo, describeAdapter, isSoftwareRenderer, softwareAdapterReason } from './gpu-adapter.js';

describe('isSoftwareRenderer', () => {
  it.each([
    'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
    'llvmpipe (LLVM 15.0.7, 256 bits)',
    'Google SwiftShader',
    'Microsoft Basic Render Driver',
  ])('flags %s', (renderer) => {
    expect(isSoftwareRenderer(renderer)).toBe(true);
  });

  it.each(['ANGLE (NVIDIA, NVIDIA GeForce RTX 3080 Direct3D11 vs_5_0 ps_5_0)', 'Apple M2', 'Mali-G78'])(
    'passes %s',
    (renderer) => {
      expect(isSoftwareRenderer(renderer)).toBe(false);
    },
  );
});

describe('softwareAdapterReason', () => {
  it('flags a fallback adapter and a SwiftShader architecture, not a real GPU', () => {
    const swiftshader = { vendor: 'google', architecture: 'swiftshader' };
    expect(softwareAdapterReason({ isFallbackAdapter: true }, { vendor: 'google' })).toBe(
      'fallback adapter (google)',
    );
    expect(softwareAdapterReason({ isFallbackAdapter: false }, swiftshader)).toBe(
      'software adapter (google swiftshader)',
    );
    expect(softwareAdapterReason({}, { vendor: 'nvidia', architecture: 'ampere' })).toBeNull();
  });
});

describe('adapterInfo', () => {
  it('reads adapter.info, or falls back to requestAdapterInfo()', async () => {
    expect(await adapterInfo({ info: { vendor: 'apple' } })).toEqual({ vendor: 'apple' });
    expect(await adapterInfo({ requestAdapterInfo: async () => ({ vendor: 'intel' }) })).toEqual({
      vendor: 'intel',
    });
    expect(describeAdapter(await adapterInfo({}))).toBe('unknown adapter');
  });
});
