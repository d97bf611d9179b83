/**
 * A `webgpu` backend on a software adapter (Mesa's lavapipe, Vulkan on the CPU; SwiftShader; …): the
 * table names it as such and times it briefly, since it says nothing of a GPU's speed, only that the
 * GPU path runs (at 320x480 a lavapipe training step takes tens of seconds on two cores).
 */

/** One warm-up (shader compilation) and one timed run, at the smallest batch only. */
export const SOFTWARE_GPU_QUICK = { warmup: 1, iters: 1 };

/**
 * The row's name for `backend` started with `details` (initBackend's): `webgpu (lavapipe)` or
 * `webgpu (software)` on a software adapter, null otherwise (a real GPU, or another backend).
 */
export function softwareGpuLabel(backend: string, details: readonly string[] = []): string | null {
  if (backend !== 'webgpu') return null;
  const software = details.find((d) => /^(software|fallback) adapter/.test(d));
  if (software === undefined) return null;
  return /llvmpipe|lavapipe/i.test(software) ? 'webgpu (lavapipe)' : 'webgpu (software)';
}
