/** A PyTorch `.pth` file that cannot be read; the message says what is wrong and where. */
export class PthError extends Error {
  override name = 'PthError';
}

/** A corrupted or unexpected file. */
export function fail(message: string): never {
  throw new PthError(`invalid .pth file: ${message}`);
}

/**
 * Raised inside the unpickler when a pickle asks for something a state dict never needs (a Python
 * global outside the allowed few, constructing an object); the unpickler adds where it happened.
 */
export class PickleRefusal extends Error {}
