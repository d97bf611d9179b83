import { getKernel, type KernelConfig, type KernelFunc } from '@tensorflow/tfjs-core';

/** The wasm backend's own kernels that ours replace, kept for the cases ours hand back to them. */
const shipped = new Map<string, KernelConfig>();

/**
 * `ours` as it should be registered: remembers the kernel it replaces (unless that is already
 * ours) and carries over its setup and dispose functions, so that a wasm module built later (the
 * backend picker rebuilds it to change the thread count) binds the shipped kernel's entry points
 * for {@link shippedKernel}.
 */
export function replacing(ours: KernelConfig): KernelConfig {
  const current = getKernel(ours.kernelName, 'wasm');
  if (current !== undefined && current.kernelFunc !== ours.kernelFunc) shipped.set(ours.kernelName, current);
  const replaced = shipped.get(ours.kernelName);
  return { ...ours, setupFunc: replaced?.setupFunc, disposeFunc: replaced?.disposeFunc };
}

/** The shipped wasm kernel `kernelName` that ours replaced. */
export function shippedKernel(kernelName: string): KernelFunc {
  const kernel = shipped.get(kernelName);
  if (kernel === undefined) throw new Error(`No shipped wasm kernel ${kernelName} was recorded`);
  return kernel.kernelFunc;
}
