/**
 * How the bench runs PyTorch: the repo's `bench/pytorch_fcn.py` (the same FCN and training step in
 * torch.nn) with Debian's python3-torch, 2 threads, and OpenBLAS told the real core type
 * (`pytorch-server.ts` runs it; `resnet50-fcn.ts` its FCN-ResNet50 sibling).
 */
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

/** The repository root: the nearest folder above this file holding pnpm-workspace.yaml. */
export function repoRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`);
  }
}
