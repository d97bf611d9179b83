/**
 * The PyTorch reference row: runs the repo's `bench/pytorch_fcn.py` (the same FCN and training step in
 * torch.nn) with Debian's python3-torch, 2 threads, and OpenBLAS told the real core type.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PYTHON = '/usr/bin/python3';
export const TORCH_THREADS = 2;
/**
 * OpenBLAS misdetects this CPU (AVX-512 EPYC under a hypervisor) and falls back to slow kernels; its
 * GEMM, which PyTorch's transposed convolution uses, then runs about 2x slower (4x for the forward at
 * batch 4). Naming the core type fixes it.
 */
export const OPENBLAS_ENV = { OPENBLAS_CORETYPE: 'SkylakeX' } as const;

export interface TorchRow {
  batch: number;
  forward_ms: number;
  step_ms: number;
  forward_runs_ms: number[];
  step_runs_ms: number[];
}

export interface TorchReport {
  torch: string;
  threads: number;
  openblas_coretype: string | null;
  mkldnn: boolean;
  trunk_parameters: number;
  parameters: number;
  results: TorchRow[];
}

export interface TorchRun {
  report?: TorchReport;
  /** Why there is no report. */
  skipped?: string;
  command: string;
}

/** The repository root: the nearest folder above this file holding pnpm-workspace.yaml. */
export function repoRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`);
  }
}

export function runPytorchReference(options: {
  batches: number[];
  iters: number;
  warmup: number;
  height: number;
  width: number;
}): TorchRun {
  const script = join(repoRoot(), 'bench', 'pytorch_fcn.py');
  const args = [
    script,
    '--json',
    `--batches=${options.batches.join(',')}`,
    `--iters=${options.iters}`,
    `--warmup=${options.warmup}`,
    `--threads=${TORCH_THREADS}`,
    `--height=${options.height}`,
    `--width=${options.width}`,
  ];
  const command = `OPENBLAS_CORETYPE=${OPENBLAS_ENV.OPENBLAS_CORETYPE} ${PYTHON} ${args.join(' ')}`;
  if (!existsSync(PYTHON)) return { skipped: `${PYTHON} not found`, command };
  if (!existsSync(script)) return { skipped: `${script} not found`, command };
  const child = spawnSync(PYTHON, args, {
    env: { ...process.env, ...OPENBLAS_ENV },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 16 * 1024 * 1024,
    timeout: 15 * 60_000,
  });
  if (child.error) return { skipped: `could not run ${PYTHON}: ${child.error.message}`, command };
  if (child.status !== 0) {
    const why = (child.stderr ?? '').trim().split('\n').at(-1) || `exit code ${child.status ?? child.signal}`;
    return { skipped: `pytorch_fcn.py failed: ${why}`, command };
  }
  try {
    const lastLine = child.stdout.trim().split('\n').at(-1) ?? '';
    return { report: JSON.parse(lastLine) as TorchReport, command };
  } catch (error) {
    return { skipped: `pytorch_fcn.py printed no JSON (${(error as Error).message})`, command };
  }
}
