import { findBackend } from '@tensorflow/tfjs-core';

/**
 * Stops the cpu backend printing its "Hi, looks like you are running TensorFlow.js in Node.js…"
 * banner on its first tensor: the picker prints its own line. Clears that backend instance's
 * `firstUse` flag rather than turning on PROD mode for everything. Call after it is initialised.
 */
export function silenceCpuBanner(): void {
  const cpu = findBackend('cpu') as { firstUse?: boolean } | null;
  if (cpu != null) cpu.firstUse = false;
}
