import { backend, env, setBackend } from '@tensorflow/tfjs-core';
import type { BrowserBackendName } from '../backend-names.js';
import type { StartedBackend } from '../backend-result.js';
import { BackendUnavailableError } from '../backend-unavailable.js';
import { setCpuBackend } from '../cpu-backend.js';
import type { BrowserProbes, DeviceProbe } from './browser-probes.js';
import { startWasmBrowser } from './wasm-browser.js';

const GIB = 2 ** 30;

export interface BrowserStartOptions {
  probes: BrowserProbes;
  wasmPaths?: string;
  threads?: number;
}

/**
 * Starts one browser backend. Backend packages are imported on demand, so a bundle only fetches the
 * one it uses. Memory limits: WebGPU, the device's largest buffer; WebGL, the largest float texture
 * (max texture size² × 4 channels × 4 bytes); wasm, its heap maximum; cpu, `navigator.deviceMemory`
 * (4 GiB when the browser does not say).
 */
export async function startBrowserBackend(
  name: BrowserBackendName,
  options: BrowserStartOptions,
): Promise<StartedBackend> {
  switch (name) {
    case 'webgpu': {
      await import('@tensorflow/tfjs-backend-webgpu');
      await setGpuBackend('webgpu');
      const device = (backend() as unknown as { device?: { limits?: { maxBufferSize?: number } } }).device;
      const memoryLimitBytes = device?.limits?.maxBufferSize ?? 2 * GIB;
      return { memoryLimitBytes, details: deviceDetails(options.probes.webgpu) };
    }
    case 'webgl': {
      await import('@tensorflow/tfjs-backend-webgl');
      await setGpuBackend('webgl');
      const size = env().getNumber('WEBGL_MAX_TEXTURE_SIZE');
      return { memoryLimitBytes: size * size * 16, details: deviceDetails(options.probes.webgl) };
    }
    case 'wasm':
      return startWasmBrowser({ ...options, crossOriginIsolated: options.probes.crossOriginIsolated });
    case 'cpu': {
      await setCpuBackend();
      const deviceMemory = (globalThis as { navigator?: { deviceMemory?: number } }).navigator?.deviceMemory;
      return { memoryLimitBytes: (deviceMemory ?? 4) * GIB, details: [] };
    }
  }
}

async function setGpuBackend(name: 'webgpu' | 'webgl'): Promise<void> {
  if (!(await setBackend(name).catch(() => false))) {
    throw new BackendUnavailableError(name, `tfjs-backend-${name} failed to initialise (see the console)`);
  }
}

function deviceDetails(probe: DeviceProbe): string[] {
  if (!probe.ok) return [];
  return [probe.software ?? probe.name];
}
