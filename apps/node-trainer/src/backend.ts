/** `--backend` and `--threads`, shared by every command that computes, and the start-up that uses them. */
import {
  initBackend,
  NODE_BACKENDS,
  type NodeBackendChoice,
  type NodeBackendResult,
} from '@fcn/backends/node';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { parsePositiveInt } from './parse.js';

export interface BackendFlags {
  backend: NodeBackendChoice;
  threads?: number;
}

export function parseBackend(value: string): NodeBackendChoice {
  if ((NODE_BACKENDS as readonly string[]).includes(value)) return value as NodeBackendChoice;
  throw new InvalidArgumentError(`unknown backend '${value}'; choose one of ${NODE_BACKENDS.join(', ')}`);
}

/** Adds `--backend` and `--threads` to a command. */
export function withBackendOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--backend <name>', `TF.js backend: ${NODE_BACKENDS.join(' | ')}`)
        .default('auto')
        .argParser(parseBackend),
    )
    .option(
      '--threads <n>',
      'wasm threads (default: all cores, at most what the backend allows)',
      parsePositiveInt,
    );
}

/**
 * Starts the backend the flags ask for. Its first line (which backend runs, and why) goes to `log`:
 * standard output normally, standard error for commands whose standard output is JSON.
 */
export function startBackend(flags: BackendFlags, log: (line: string) => void): Promise<NodeBackendResult> {
  return initBackend({
    backend: flags.backend,
    ...(flags.threads !== undefined ? { threads: flags.threads } : {}),
    log,
  });
}

/** Where a command's informational lines go: stderr when its stdout is JSON. */
export function infoLog(json: boolean | undefined): (line: string) => void {
  return json ? (line) => console.error(line) : (line) => console.log(line);
}
