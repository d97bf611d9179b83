import { describe, expect, it, vi } from 'vitest';
import type { GpuAdapterLike } from '../gpu-adapter.js';
import { type BrowserScope, probeBrowser, type WebGlLike } from './browser-probes.js';

const SWIFTSHADER_GL =
  'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)';
const UNMASKED_RENDERER_WEBGL = 0x9246;
const RENDERER = 0x1f01;

/** A WebGL context whose renderer is `renderer` (visible only through WEBGL_debug_renderer_info). */
function fakeGl(renderer: string, loseContext = vi.fn()): WebGlLike {
  return {
    RENDERER,
    getExtension: (name) =>
      name === 'WEBGL_debug_renderer_info'
        ? { UNMASKED_RENDERER_WEBGL }
        : name === 'WEBGL_lose_context'
          ? { loseContext }
          : null,
    getParameter: (parameter) => (parameter === UNMASKED_RENDERER_WEBGL ? renderer : 'WebKit WebGL'),
  };
}

function scopeWith(adapter: GpuAdapterLike | null, gl: WebGlLike | null, isolated: boolean): BrowserScope {
  return {
    navigator: { gpu: { requestAdapter: async () => adapter } },
    crossOriginIsolated: isolated,
    document: { createElement: () => ({ getContext: (kind) => (kind === 'webgl2' ? gl : null) }) },
  };
}

describe('probeBrowser', () => {
  it('sees headless Chromium’s SwiftShader for what it is, on both WebGPU and WebGL', async () => {
    const loseContext = vi.fn();
    const adapter = { isFallbackAdapter: false, info: { vendor: 'google', architecture: 'swiftshader' } };
    const probes = await probeBrowser(scopeWith(adapter, fakeGl(SWIFTSHADER_GL, loseContext), false));
    expect(probes).toEqual({
      webgpu: { ok: true, name: 'google swiftshader', software: 'software adapter (google swiftshader)' },
      webgl: { ok: true, name: SWIFTSHADER_GL, software: `software renderer (${SWIFTSHADER_GL})` },
      crossOriginIsolated: false,
    });
    expect(loseContext).toHaveBeenCalledOnce();
  });

  it('sees a real GPU and cross-origin isolation', async () => {
    const adapter = { isFallbackAdapter: false, info: { vendor: 'nvidia', architecture: 'ampere' } };
    const gl = fakeGl('ANGLE (NVIDIA, NVIDIA GeForce RTX 3080 Direct3D11 vs_5_0 ps_5_0)');
    const probes = await probeBrowser({ ...scopeWith(adapter, gl, true) });
    expect(probes.webgpu).toEqual({ ok: true, name: 'nvidia ampere', software: null });
    expect(probes.webgl).toMatchObject({ ok: true, software: null });
    expect(probes.crossOriginIsolated).toBe(true);
  });

  it('says why when there is no navigator.gpu, no adapter or no WebGL context', async () => {
    const bare = await probeBrowser({});
    expect(bare.webgpu).toEqual({ ok: false, why: expect.stringMatching(/^navigator.gpu is missing/) });
    expect(bare.webgl).toEqual({ ok: false, why: expect.stringMatching(/^no WebGL context/) });
    const noAdapter = await probeBrowser(scopeWith(null, null, false));
    expect(noAdapter.webgpu).toEqual({ ok: false, why: expect.stringMatching(/^no WebGPU adapter/) });
  });

  it('prefers OffscreenCanvas and reads RENDERER when the debug extension is withheld', async () => {
    const gl: WebGlLike = {
      RENDERER,
      getExtension: () => null,
      getParameter: (p) => (p === RENDERER ? 'llvmpipe' : ''),
    };
    class OffscreenCanvas {
      getContext() {
        return gl;
      }
    }
    const probes = await probeBrowser({ OffscreenCanvas });
    expect(probes.webgl).toEqual({ ok: true, name: 'llvmpipe', software: 'software renderer (llvmpipe)' });
  });
});
