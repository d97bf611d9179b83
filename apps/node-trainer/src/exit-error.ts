/** An error that ends the command with its own exit status (e.g. 130 after Ctrl-C), not 1. */
export class ExitError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
