/**
 * Test harness: runs the `fcn` program in-process with commander's exits turned into exceptions and
 * everything the command prints (console, stdout, stderr) captured. Not a test file itself.
 */

import { initBackend } from '@fcn/backends/node';
import type { Command } from 'commander';
import { vi } from 'vitest';
import { buildProgram } from '../program.js';

export interface CliRun {
  /** Everything written to standard output, in order. */
  out: string;
  err: string;
  error: unknown;
}

export interface RunOptions {
  /** Called with each chunk of standard output as it is written (e.g. to send a signal mid-run). */
  onOut?: (text: string) => void;
  /** The program to run instead of `fcn`'s own (e.g. commands built with a test catalogue). */
  program?: Command;
}

export async function runCli(args: string[], options: RunOptions = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const toOut = (text: string) => {
    out.push(text);
    options.onOut?.(text);
  };
  const program = options.program ?? buildProgram();
  const quiet = (cmd: Command) => {
    cmd.exitOverride().configureOutput({ writeOut: toOut, writeErr: (s) => err.push(s) });
    for (const sub of cmd.commands) quiet(sub);
  };
  quiet(program);
  const spies = [
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => toOut(`${a.join(' ')}\n`)),
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(`${a.join(' ')}\n`)),
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      toOut(String(chunk));
      return true;
    }),
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      err.push(String(chunk));
      return true;
    }),
  ];
  let error: unknown;
  try {
    await program.parseAsync(['node', 'fcn', ...args]);
  } catch (e) {
    error = e;
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return { out: out.join(''), err: err.join(''), error };
}

/** The message of a run's error, or a failure naming what was printed when there was none. */
export function errorMessage(run: CliRun): string {
  if (run.error === undefined)
    throw new Error(`expected the command to fail; it printed:\n${run.out}${run.err}`);
  return run.error instanceof Error ? run.error.message : String(run.error);
}

/** The backend the commands under test use, started before a test builds models of its own. */
export async function startTestBackend(): Promise<void> {
  await initBackend({ backend: 'wasm' });
}
