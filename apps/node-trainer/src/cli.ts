import { ExitError } from './exit-error.js';
import { buildProgram } from './program.js';

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  // One clear line, no stack, non-zero exit.
  console.error(`fcn: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof ExitError ? error.exitCode : 1);
}
