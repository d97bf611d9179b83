import { describe, expect, it } from 'vitest';
import { startWebGpuNode } from './webgpu-node.js';

describe('startWebGpuNode', () => {
  it('says how to get Dawn when the webgpu package does not load', async () => {
    const missing = () => Promise.reject(new Error("Cannot find package 'webgpu'"));
    await expect(startWebGpuNode(missing, { packageManager: 'npm', app: 'my-app' })).rejects.toThrow(
      "backend 'webgpu' is unavailable: the optional 'webgpu' package (Dawn) did not load: Cannot find package 'webgpu' (npm install webgpu in my-app)",
    );
  });

  it('says what is missing when Dawn finds no adapter', async () => {
    const noAdapter = async () => ({ globals: {}, create: () => ({ requestAdapter: async () => null }) });
    await expect(startWebGpuNode(noAdapter)).rejects.toThrow(/Dawn found no GPU adapter \(it needs a Vulkan/);
  });
});
