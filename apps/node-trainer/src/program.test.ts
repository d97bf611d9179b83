import type { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildProgram } from './program.js';

/** Run the program in-process, capturing what it prints instead of exiting. */
async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const program = buildProgram();
  const quiet = (cmd: Command) => {
    cmd.exitOverride().configureOutput({
      writeOut: (s) => out.push(s),
      writeErr: (s) => err.push(s),
    });
    for (const sub of cmd.commands) quiet(sub);
  };
  quiet(program);
  vi.spyOn(console, 'log').mockImplementation((s: string) => out.push(s));
  let error: unknown;
  try {
    await program.parseAsync(['node', 'fcn', ...args]);
  } catch (e) {
    error = e;
  }
  return { out: out.join('\n'), err: err.join('\n'), error };
}

afterEach(() => vi.restoreAllMocks());

describe('fcn', () => {
  it('has help text for every command', async () => {
    expect((await run(['--help'])).out).toMatch(/info \[options\]\s+pick a TF\.js backend/);
    expect((await run(['info', '--help'])).out).toMatch(
      /--backend <name>\s+TF\.js backend: auto \| tensorflow-gpu/,
    );
  });

  it('rejects an unknown backend in one line naming the valid ones', async () => {
    const { err, error } = await run(['info', '--backend', 'metal']);
    expect(error).toBeDefined();
    expect(err).toMatch(/unknown backend 'metal'; choose one of auto, tensorflow-gpu, tensorflow, wasm/);
  });

  it('info starts the asked-for backend and reports it', async () => {
    const { out, error } = await run(['info', '--backend', 'cpu', '--json']);
    expect(error).toBeUndefined();
    const result = JSON.parse(out) as { name: string; reason: string; memoryLimitBytes: number };
    expect(result.name).toBe('cpu');
    expect(result.memoryLimitBytes).toBeGreaterThan(0);
  });
});
