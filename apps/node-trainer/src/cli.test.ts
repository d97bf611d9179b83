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

  it('prints one line with control characters escaped, and file-system errors in words', async () => {
    const run = await fcn(
      'predict',
      '--weights',
      'w.safetensors',
      '--image',
      '\u001b[2J\u001b[31mx.jpg',
      '--backend',
      'cpu',
    );
    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain('\u001b');
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^fcn: image .*\\x1b\[2J\\x1b\[31mx\.jpg does not exist$/),
    ]);

    // A folder asked for inside a file: Node's ENOTDIR, said in words with the path.
    const inFile = join(appDir, 'package.json', 'voc');
    const synth = await fcn('synth-voc', '--out', inFile, '--train', '1', '--val', '0');
    expect(synth.code).toBe(1);
    expect(synth.stderr.trim()).toMatch(
      /^fcn: .*package\.json\/voc.*: part of this path is a file, not a folder; check the path$/,
    );
  });
});
