/** What the pickers read from a WebGPU adapter (structural, so fakes and Dawn both fit). */
export interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: GpuAdapterInfoLike;
  /** Older Chrome (before `adapter.info`). */
  requestAdapterInfo?: () => Promise<GpuAdapterInfoLike>;
  limits?: { maxBufferSize?: number; maxStorageBufferBindingSize?: number };
}

export interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}

/** `navigator.gpu`, as far as the pickers use it. */
export interface GpuLike {
  requestAdapter(options?: {
    powerPreference?: 'high-performance' | 'low-power';
  }): Promise<GpuAdapterLike | null>;
}

/** Renderer names of CPU rasterisers posing as GPUs (Chrome's SwiftShader, Mesa's llvmpipe/lavapipe, …). */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render|microsoft warp/i;

/** Whether a WebGL renderer string or WebGPU adapter description names a software renderer. */
export function isSoftwareRenderer(name: string): boolean {
  return SOFTWARE_RENDERER.test(name);
}

/** The adapter's info, from `adapter.info` or the older `requestAdapterInfo()`; empty when neither. */
export async function adapterInfo(adapter: GpuAdapterLike): Promise<GpuAdapterInfoLike> {
  if (adapter.info) return adapter.info;
  try {
    return (await adapter.requestAdapterInfo?.()) ?? {};
  } catch {
    return {};
  }
}

/** A short name for an adapter, e.g. `nvidia ampere` or `google swiftshader`. */
export function describeAdapter(info: GpuAdapterInfoLike): string {
  const parts = [info.vendor, info.architecture, info.device, info.description].filter(
    (part): part is string => typeof part === 'string' && part !== '',
  );
  return parts.length > 0 ? [...new Set(parts)].join(' ') : 'unknown adapter';
}

/** Why an adapter is a software one (a fallback adapter or a software renderer), or null for real hardware. */
export function softwareAdapterReason(adapter: GpuAdapterLike, info: GpuAdapterInfoLike): string | null {
  if (adapter.isFallbackAdapter === true) return `fallback adapter (${describeAdapter(info)})`;
  const name = describeAdapter(info);
  return isSoftwareRenderer(name) ? `software adapter (${name})` : null;
}
