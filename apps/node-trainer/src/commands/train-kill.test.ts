/**
 * `kill -9` at spread-out moments: the shipped command (bundled as `pnpm fcn` bundles it) trains a tiny
 * model on a tiny synthetic VOC, checkpointing every step, and is killed again and again; each time
 * it is started again (`--resume` when there is a checkpoint, plainly when the kill came before the
 * first one), and the final weights must be byte-identical to an uninterrupted run's. Seeded delays,
 * a few kills: bounded in time.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticVoc } from '@fcn/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Kill times as fractions of a run in [0, 1), spread without a random generator: the golden-ratio
 * sequence frac(0.5 + k·0.618…), so every run of the test kills at the same moments, none twice alike.
 */
function spreadFractions(): () => number {
  let k = 0;
  return () => (0.5 + k++ * 0.6180339887498949) % 1;
}

const appDir = join(import.meta.dirname, '..', '..');
// Inside node_modules so the bundle finds TF.js and its wasm files; its own folder, apart from cli.test.ts's.
const bundleDir = join(appDir, 'node_modules', '.cache', 'fcn-kill-test');
const cli = join(bundleDir, 'cli.js');
const KILLS = 5;

let dir: string;
let voc: string;

beforeAll(async () => {
  execFileSync(
    join(appDir, 'node_modules', '.bin', 'tsup'),
    ['--silent', '--out-dir', bundleDir, '--no-sourcemap'],
    {
      cwd: appDir,
      stdio: 'inherit',
    },
  );
  dir = await mkdtemp(join(tmpdir(), 'fcn-kill-'));
  voc = join(dir, 'voc');
  await generateSyntheticVoc({ root: voc, train: 8, val: 2, sizes: [[64, 96]], seed: 0 });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const tiny = (out: string) => [
  'train',
  '--data',
  voc,
  '--out',
  out,
  '--epochs',
  '3',
  '--batch-size',
  '4',
  '--crop',
  '64x64',
  '--width',
  '4',
  '--backend',
  'wasm',
  '--threads',
  '1',
  '--checkpoint-every',
  '1',
];

interface ChildRun {
  code: number | null;
  killed: boolean;
  stderr: string;
}

/** Runs the command; with `killAfterMs`, sends SIGKILL then (if it is still running). */
function runChild(args: string[], killAfterMs?: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const timer =
      killAfterMs === undefined
        ? undefined
        : setTimeout(() => {
            killed = child.kill('SIGKILL');
          }, killAfterMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, killed: killed && code !== 0, stderr });
    });
  });
}

describe('fcn train under kill -9', () => {
  it('resumes after kills at random moments to the weights of an uninterrupted run, leaving no temporary files', async () => {
    const reference = join(dir, 'reference');
    const t0 = performance.now();
    const ref = await runChild(tiny(reference));
    expect(ref.code, ref.stderr).toBe(0);
    // Kills land anywhere from start-up to the end of a run of this length.
    const runMs = performance.now() - t0;

    const out = join(dir, 'killed');
    const random = spreadFractions();
    let kills = 0;
    let starts = 0;
    // The machine's load changes the run's length: a run that ends before its kill, before any kill
    // landed, starts again from nothing with the kills coming sooner.
    let scale = 1;
    for (;;) {
      starts++;
      if (starts > KILLS + 8) throw new Error(`the run did not finish after ${starts - 1} starts`);
      const resume = existsSync(join(out, 'checkpoint.safetensors'));
      const delay = kills < KILLS ? (0.05 + 0.9 * random()) * runMs * scale : undefined;
      const run = await runChild([...tiny(out), ...(resume ? ['--resume'] : [])], delay);
      if (run.killed) {
        kills++;
        continue;
      }
      // (A kill after the last checkpoint leaves a finished run: the resume brings its files up to date.)
      expect(run.code, run.stderr).toBe(0);
      if (kills === 0) {
        await rm(out, { recursive: true, force: true });
        scale /= 2;
        continue;
      }
      break;
    }
    expect(kills).toBeGreaterThan(0);
    const [a, b] = await Promise.all([
      readFile(join(reference, 'model.safetensors')),
      readFile(join(out, 'model.safetensors')),
    ]);
    expect(a.equals(b)).toBe(true);
    const metrics = (await readFile(join(out, 'metrics.jsonl'), 'utf8')).trim().split('\n');
    expect(metrics.map((l) => JSON.parse(l).epoch)).toEqual([1, 2, 3]);
    const left = await readdir(out);
    expect(left.filter((f) => f.includes('.tmp-') || f.endsWith('.lock'))).toEqual([]);
  }, 150_000);
});
