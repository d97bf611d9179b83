import { errorLine } from './error-line.js';
import { ExitError } from './exit-error.js';
import { buildProgram } from './program.js';

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  // One clear line (file-system errors translated, control characters escaped, capped), no stack.
  console.error(errorLine(error));
  process.exit(error instanceof ExitError ? error.exitCode : 1);
}
