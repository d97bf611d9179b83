import { NODE_BACKENDS, type NodeBackendChoice } from '@fcn/backends/node';
import { InvalidArgumentError, Option } from 'commander';

/** `--backend`, shared by every command that computes. */
export function backendOption(): Option {
  return new Option('--backend <name>', `TF.js backend: ${NODE_BACKENDS.join(' | ')}`)
    .default('auto')
    .argParser(parseBackend);
}

export function parseBackend(value: string): NodeBackendChoice {
  if ((NODE_BACKENDS as readonly string[]).includes(value)) return value as NodeBackendChoice;
  throw new InvalidArgumentError(`unknown backend '${value}'; choose one of ${NODE_BACKENDS.join(', ')}`);
}
