import { describe, expect, it } from 'vitest';
import { errorMessage, runCli } from './testing/run-cli.js';

const COMMANDS = ['train', 'eval', 'predict', 'export', 'synth-voc', 'models', 'download', 'bench', 'info'];
/** Commands that compute, hence take --backend. */
const COMPUTING = ['train', 'eval', 'predict', 'bench', 'info'];

describe('fcn', () => {
  it('lists every command with a description, and each has --help with --backend where it computes', async () => {
    const top = (await runCli(['--help'])).out;
    for (const name of COMMANDS) expect(top).toMatch(new RegExp(`^  ${name} \\[options\\]\\s+\\S`, 'm'));
    for (const name of COMMANDS) {
      const help = await runCli([name, '--help']);
      expect(help.out).toMatch(new RegExp(`^Usage: fcn ${name} \\[options\\]`));
      if (COMPUTING.includes(name))
        expect(help.out).toMatch(/--backend <name>\s+TF\.js backend: auto \| tensorflow-gpu/);
    }
  });

  it('prints its version', async () => {
    const run = await runCli(['--version']);
    expect(run.out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('rejects an unknown backend or command in one line naming the valid ones', async () => {
    expect(errorMessage(await runCli(['info', '--backend', 'metal']))).toMatch(
      /unknown backend 'metal'; choose one of auto, tensorflow-gpu, tensorflow, wasm/,
    );
    expect(errorMessage(await runCli(['fit']))).toMatch(/unknown command 'fit'/);
  });

  it('info starts the asked-for backend and reports it', async () => {
    const { out, error } = await runCli(['info', '--backend', 'cpu', '--json']);
    expect(error).toBeUndefined();
    const result = JSON.parse(out) as { name: string; memoryLimitBytes: number };
    expect(result.name).toBe('cpu');
    expect(result.memoryLimitBytes).toBeGreaterThan(0);
  });
});
