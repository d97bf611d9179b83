import { createRequire } from 'node:module';
import { totalmem } from 'node:os';
import { pathToFileURL } from 'node:url';
import { setBackend } from '@tensorflow/tfjs-core';
import type { StartedBackend } from '../backend-result.js';
import { BackendUnavailableError, firstLine } from '../backend-unavailable.js';
import { adapterInfo, describeAdapter, type GpuLike, softwareAdapterReason } from '../gpu-adapter.js';
import { addCommand, type InstallContext, installContext } from './install-hint.js';

/** The parts of the npm `webgpu` package (Dawn for Node) the picker uses. */
export interface DawnModule {
  create(flags: string[]): GpuLike;
  globals: object;
}

/** Loads the optional `webgpu` package; injectable for tests. */
export type LoadDawn = () => Promise<DawnModule>;

/**
 * Imports `webgpu` by resolved path rather than by name, so that bundlers (tsup) leave this optional,
 * native package out of the bundle instead of inlining its loader, which finds `dawn.node` by path.
 */
const loadDawnPackage: LoadDawn = async () => {
  const entry = createRequire(import.meta.url).resolve('webgpu');
  return (await import(pathToFileURL(entry).href)) as DawnModule;
};

/**
 * Starts `@tensorflow/tfjs-backend-webgpu` on Dawn (the optional npm `webgpu` package): its globals
 * (`GPUBufferUsage`, …) go on `globalThis` and its GPU on `navigator.gpu` before tfjs-backend-webgpu
 * is imported, since that checks for `navigator.gpu` as it loads. Only used when asked for by name.
 * The memory limit is the adapter's largest buffer (`maxBufferSize`), the biggest one tensor can be.
 */
export async function startWebGpuNode(
  loadDawn: LoadDawn = loadDawnPackage,
  install: InstallContext = installContext(),
): Promise<StartedBackend> {
  const unavailable = (why: string) => new BackendUnavailableError('webgpu', why);
  let dawn: DawnModule;
  try {
    dawn = await loadDawn();
  } catch (error) {
    throw unavailable(
      `the optional 'webgpu' package (Dawn) did not load: ${firstLine(error)} (${addCommand('webgpu', install)})`,
    );
  }
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter == null) {
    throw unavailable(
      'Dawn found no GPU adapter (it needs a Vulkan, Metal or D3D12 driver; on Linux without a GPU, Mesa ' +
        "25's lavapipe: apt-get install -t bookworm-backports mesa-vulkan-drivers on Debian 12)",
    );
  }
  installNavigatorGpu(gpu);
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await setBackend('webgpu').catch(() => false))) {
    throw unavailable('tfjs-backend-webgpu failed to initialise on the Dawn adapter');
  }
  const info = await adapterInfo(adapter);
  const software = softwareAdapterReason(adapter, info);
  return {
    memoryLimitBytes: adapter.limits?.maxBufferSize ?? totalmem(),
    details: [software ?? describeAdapter(info)],
  };
}

/** Puts `gpu` on `navigator.gpu`, making a `navigator` where Node (before 21) has none. */
function installNavigatorGpu(gpu: GpuLike): void {
  const scope = globalThis as { navigator?: object };
  if (scope.navigator == null) {
    Object.defineProperty(globalThis, 'navigator', { configurable: true, writable: true, value: {} });
  }
  Object.defineProperty(scope.navigator, 'gpu', { configurable: true, value: gpu });
}
