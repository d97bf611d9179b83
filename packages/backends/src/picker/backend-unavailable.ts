/** A backend that cannot run here. `why` is one sentence that names the fix where there is one. */
export class BackendUnavailableError extends Error {
  constructor(
    readonly backend: string,
    readonly why: string,
  ) {
    super(`backend '${backend}' is unavailable: ${why}`);
    this.name = 'BackendUnavailableError';
  }
}

/** The first line of an error's message, for one-line reports. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.trim().split('\n')[0] ?? '';
}

/** `error` as a BackendUnavailableError for `backend` (kept as is when it already is one). */
export function asUnavailable(backend: string, error: unknown): BackendUnavailableError {
  if (error instanceof BackendUnavailableError) return error;
  return new BackendUnavailableError(backend, `failed to start: ${firstLine(error)}`);
}
