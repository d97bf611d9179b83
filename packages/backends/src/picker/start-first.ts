import { describeReason, formatBackendLine } from './backend-line.js';
import type { BackendResult, Fallback, StartedBackend } from './backend-result.js';
import { asUnavailable } from './backend-unavailable.js';

export interface StartFirstOptions<Name extends string> {
  /** Backends to try, in order. */
  candidates: readonly Name[];
  /** With 'auto', a failure moves on to the next candidate; with a name, it is the error. */
  auto: boolean;
  /** What was passed over before any start was tried (e.g. software GPU adapters). */
  passedOver?: readonly Fallback[];
  start: (name: Name) => Promise<StartedBackend>;
  log?: (line: string) => void;
}

/**
 * Start the first candidate that starts, recording why each earlier one did not, and log the one line
 * that says what runs and why. Shared by the Node and browser pickers.
 */
export async function startFirst<Name extends string>(
  options: StartFirstOptions<Name>,
): Promise<BackendResult<Name>> {
  const fallbacks: Fallback[] = [...(options.passedOver ?? [])];
  for (const name of options.candidates) {
    let started: StartedBackend;
    try {
      started = await options.start(name);
    } catch (error) {
      const unavailable = asUnavailable(name, error);
      if (!options.auto) throw unavailable;
      fallbacks.push({ backend: name, why: unavailable.why });
      continue;
    }
    const reason = describeReason(
      options.auto,
      fallbacks.map((fallback) => fallback.backend),
    );
    const result: BackendResult<Name> = { name, reason, ...started, fallbacks };
    options.log?.(formatBackendLine(result));
    return result;
  }
  throw new Error(`no backend started: ${fallbacks.map((f) => `${f.backend}: ${f.why}`).join('; ')}`);
}
