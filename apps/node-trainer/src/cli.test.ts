/**
 * The shipped command: bundled by tsup exactly as `pnpm fcn` bundles it (into `.test-dist/`), then run
 * as a child process, to check what a user sees on failure: one line on stderr and a non-zero exit.
 */
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const appDir = join(import.meta.dirname, '..');
const cli = join(appDir, '.test-dist', 'cli.js');

beforeAll(() => {
  execFileSync(
    join(appDir, 'node_modules', '.bin', 'tsup'),
    ['--silent', '--out-dir', '.test-dist', '--no-sourcemap'],
    {
      cwd: appDir,
      stdio: 'inherit',
    },
  );
});

async function fcn(...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, ...args], { cwd: appDir });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the fcn binary', () => {
  it('prints the backend line first and exits 0', async () => {
    const run = await fcn('info', '--backend', 'cpu');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe('backend: cpu — asked for by name');
  });

  it('fails in one line and with exit status 1 on a missing input file', async () => {
    const run = await fcn(
      'predict',
      '--weights',
      'missing.safetensors',
      '--image',
      'x.jpg',
      '--backend',
      'cpu',
    );
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^fcn: image .*x\.jpg does not exist$/),
    ]);
  });

  it('shows the usage after a bad flag, with a non-zero exit', async () => {
    const run = await fcn('train', '--crop', 'big');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/^error: option '--crop <HxW>' argument 'big' is invalid/m);
  });
});
