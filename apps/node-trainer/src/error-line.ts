/**
 * The line `fcn` prints when a command fails: file-system errors translated (`describeFsError`),
 * control characters escaped (a message can quote a file's contents), and at most `MAX_ERROR_LINE`
 * characters, so one bad file never floods the terminal.
 */
import { describeFsError, translateFsMessages } from './fs-errors.js';
import { capLength, escapeControl } from './printable.js';

export const MAX_ERROR_LINE = 600;

export function errorLine(error: unknown): string {
  const message =
    describeFsError(error) ?? translateFsMessages(error instanceof Error ? error.message : String(error));
  return `fcn: ${capLength(escapeControl(message), MAX_ERROR_LINE)}`;
}
