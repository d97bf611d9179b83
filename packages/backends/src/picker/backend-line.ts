import type { BackendResult } from './backend-result.js';

/**
 * The one line apps print first, e.g.
 * `backend: wasm (2 threads, SIMD) — auto: tensorflow-gpu: … not installed …; tensorflow: …`.
 */
export function formatBackendLine(result: BackendResult<string>): string {
  const details = result.details.length > 0 ? ` (${result.details.join(', ')})` : '';
  const passedOver = result.fallbacks.map((fallback) => `${fallback.backend}: ${fallback.why}`).join('; ');
  const why = passedOver === '' ? result.reason : `auto: ${passedOver}`;
  return `backend: ${result.name}${details} — ${why}`.replace(/\s*\n\s*/g, ' ');
}

/** The `reason` for a result: by name, or what `auto` passed over. */
export function describeReason(auto: boolean, passedOver: readonly string[]): string {
  if (!auto) return 'asked for by name';
  return passedOver.length === 0 ? 'auto: first choice' : `auto: passed over ${passedOver.join(', ')}`;
}
