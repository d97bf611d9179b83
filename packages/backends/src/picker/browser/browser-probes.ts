import {
  adapterInfo,
  describeAdapter,
  type GpuLike,
  isSoftwareRenderer,
  softwareAdapterReason,
} from '../gpu-adapter.js';

/** What a probe found: a usable device (maybe a software one), or why there is none. */
export type DeviceProbe = { ok: true; name: string; software: string | null } | { ok: false; why: string };

/** What the browser picker decides from. */
export interface BrowserProbes {
  webgpu: DeviceProbe;
  webgl: DeviceProbe;
  /** Whether SharedArrayBuffer, hence wasm threads, is allowed (the page is served with COOP/COEP). */
  crossOriginIsolated: boolean;
}

/** The parts of a WebGL context the probe reads. */
export interface WebGlLike {
  RENDERER: number;
  getExtension(name: string): unknown;
  getParameter(parameter: number): unknown;
}

export interface CanvasLike {
  getContext(kind: 'webgl2' | 'webgl'): WebGlLike | null;
}

/** The globals the probes read: `globalThis` in a page or worker; fakes in tests. */
export interface BrowserScope {
  navigator?: { gpu?: GpuLike };
  crossOriginIsolated?: boolean;
  OffscreenCanvas?: new (width: number, height: number) => CanvasLike;
  document?: { createElement(tag: 'canvas'): CanvasLike };
}

/** Looks at WebGPU, WebGL and cross-origin isolation in `scope`. Never throws. */
export async function probeBrowser(scope: BrowserScope = globalThis as BrowserScope): Promise<BrowserProbes> {
  return {
    webgpu: await probeWebGpu(scope.navigator?.gpu),
    webgl: probeWebGl(scope),
    crossOriginIsolated: scope.crossOriginIsolated === true,
  };
}

/** The WebGPU adapter tfjs-backend-webgpu would get, and whether it is a fallback/software one. */
export async function probeWebGpu(gpu: GpuLike | undefined): Promise<DeviceProbe> {
  if (gpu == null) {
    return {
      ok: false,
      why: 'navigator.gpu is missing (no WebGPU in this browser, or not a secure context)',
    };
  }
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (adapter == null)
      return { ok: false, why: 'no WebGPU adapter (GPU blocklisted or disabled: see chrome://gpu)' };
    const info = await adapterInfo(adapter);
    return { ok: true, name: describeAdapter(info), software: softwareAdapterReason(adapter, info) };
  } catch (error) {
    return {
      ok: false,
      why: `requestAdapter() failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/**
 * The WebGL renderer (unmasked through WEBGL_debug_renderer_info where allowed), and whether it is a
 * software rasteriser such as SwiftShader or llvmpipe. Frees its context afterwards.
 */
export function probeWebGl(scope: BrowserScope): DeviceProbe {
  try {
    const canvas = scope.OffscreenCanvas
      ? new scope.OffscreenCanvas(1, 1)
      : scope.document?.createElement('canvas');
    const gl = canvas?.getContext('webgl2') ?? canvas?.getContext('webgl') ?? null;
    if (gl == null)
      return { ok: false, why: 'no WebGL context (WebGL disabled or unsupported: see chrome://gpu)' };
    const debugInfo = gl.getExtension('WEBGL_debug_renderer_info') as {
      UNMASKED_RENDERER_WEBGL: number;
    } | null;
    const renderer = String(
      gl.getParameter(debugInfo?.UNMASKED_RENDERER_WEBGL ?? gl.RENDERER) ?? 'unknown renderer',
    );
    (gl.getExtension('WEBGL_lose_context') as { loseContext(): void } | null)?.loseContext();
    return {
      ok: true,
      name: renderer,
      software: isSoftwareRenderer(renderer) ? `software renderer (${renderer})` : null,
    };
  } catch (error) {
    return { ok: false, why: `WebGL failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
