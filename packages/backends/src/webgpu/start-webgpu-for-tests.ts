import { firstLine } from '../picker/backend-unavailable.js';
import { startWebGpuNode } from '../picker/node/webgpu-node.js';

/** How `.ci/run` gets a WebGPU adapter on a machine without a GPU: Mesa 25's lavapipe (Debian 12 backports). */
export const LAVAPIPE_INSTALL =
  "add the 'bookworm-backports' suite to apt's sources, apt-get update, then " +
  'apt-get install -y -t bookworm-backports mesa-vulkan-drivers (.ci/run does this)';

/**
 * Test support: starts the `webgpu` backend on Dawn (as `initBackend({ backend: 'webgpu' })` does) and
 * returns its details (the adapter, e.g. `software adapter (mesa llvmpipe …)`). Never skips: without
 * an adapter it throws one line naming the apt command that installs lavapipe.
 */
export async function startWebGpuForTests(): Promise<string[]> {
  try {
    return (await startWebGpuNode()).details;
  } catch (error) {
    throw new Error(`the webgpu tests need a WebGPU adapter: ${firstLine(error)}. Fix: ${LAVAPIPE_INSTALL}`);
  }
}
