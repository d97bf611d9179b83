/**
 * The FCN-ResNet50 inference row: torchvision's `fcn_resnet50` as `@fcn/models` builds it
 * (`torchvisionFcn({ arch: 'resnet50' })`: dilated layer3-4, output stride 8, FCNHead, bilinear resize),
 * in eval mode, one forward of N x H x W x 3, next to PyTorch's (`bench/pytorch_fcn_resnet50.py`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { torchvisionFcn } from '@fcn/models';
import * as tf from '@tensorflow/tfjs-core';
import { OPENBLAS_ENV, PYTHON, repoRoot, TORCH_THREADS } from './pytorch-reference.js';
import { formatMs, type Timing, timeMedian, warmUp } from './timing.js';

/** torchvision's fcn_resnet50 (21 classes, no aux head), asserted on both sides. */
export const RESNET50_FCN_PARAMETERS = 32_957_013;

export interface Resnet50Options {
  batch: number;
  height: number;
  width: number;
  warmup: number;
  iters: number;
  progress: (line: string) => void;
}

export interface Resnet50Row {
  backend: string;
  forwardMs: number;
  forwardRunsMs: number[];
  forwardVsTorch?: number;
  tensorsBefore?: number;
  tensorsAfter?: number;
}

/** Times the eval-mode forward on the current backend; checks the output shape and that no tensor leaks. */
export async function measureResnet50(backend: string, o: Resnet50Options): Promise<Resnet50Row> {
  const model = torchvisionFcn({ arch: 'resnet50', numClasses: 21, seed: 0 }).eval();
  const x = tf.randomNormal([o.batch, o.height, o.width, 3], 0, 1, 'float32', 50);
  try {
    if (model.numParameters() !== RESNET50_FCN_PARAMETERS) {
      throw new Error(
        `FCN-ResNet50 has ${model.numParameters()} parameters, expected ${RESNET50_FCN_PARAMETERS}`,
      );
    }
    const expected = [o.batch, o.height, o.width, 21];
    const forward = async () => {
      const sum = tf.tidy(() => {
        const y = model.forward(x);
        if (!tf.util.arraysEqual(y.shape, expected))
          throw new Error(`FCN-ResNet50 output [${y.shape}], expected [${expected}]`);
        return tf.sum(y);
      });
      await sum.data();
      sum.dispose();
    };
    const say = (line: string) =>
      o.progress(`${backend} FCN-ResNet50 ${o.height}x${o.width} forward: ${line}`);
    await warmUp(forward, o.warmup, say);
    const before = tf.memory().numTensors;
    const timing: Timing = await timeMedian(forward, o.iters, say);
    const after = tf.memory().numTensors;
    say(`median ${formatMs(timing.medianMs)}; tf.memory().numTensors ${before} → ${after}`);
    return {
      backend,
      forwardMs: timing.medianMs,
      forwardRunsMs: timing.runsMs,
      tensorsBefore: before,
      tensorsAfter: after,
    };
  } finally {
    x.dispose();
    model.dispose();
  }
}

export interface TorchResnet50Report {
  torch: string;
  threads: number;
  parameters: number;
  forward_ms: number;
  forward_runs_ms: number[];
}

/** PyTorch's time for the same forward (`bench/pytorch_fcn_resnet50.py`), or why there is none. */
export function runPytorchResnet50(o: Omit<Resnet50Options, 'progress'>): {
  report?: TorchResnet50Report;
  skipped?: string;
  command: string;
} {
  const script = join(repoRoot(), 'bench', 'pytorch_fcn_resnet50.py');
  const args = [
    script,
    '--json',
    `--size=${o.height}x${o.width}`,
    `--batch=${o.batch}`,
    `--iters=${o.iters}`,
    `--warmup=${o.warmup}`,
    `--threads=${TORCH_THREADS}`,
  ];
  const command = `OPENBLAS_CORETYPE=${OPENBLAS_ENV.OPENBLAS_CORETYPE} ${PYTHON} ${args.join(' ')}`;
  if (!existsSync(PYTHON)) return { skipped: `${PYTHON} not found`, command };
  const child = spawnSync(PYTHON, args, {
    env: { ...process.env, ...OPENBLAS_ENV },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 15 * 60_000,
  });
  if (child.error) return { skipped: `could not run ${PYTHON}: ${child.error.message}`, command };
  if (child.status !== 0) {
    const why = (child.stderr ?? '').trim().split('\n').at(-1) || `exit code ${child.status ?? child.signal}`;
    return { skipped: `pytorch_fcn_resnet50.py failed: ${why}`, command };
  }
  try {
    return {
      report: JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '') as TorchResnet50Report,
      command,
    };
  } catch (error) {
    return { skipped: `pytorch_fcn_resnet50.py printed no JSON (${(error as Error).message})`, command };
  }
}

/** The row's table: backend, forward ms, ratio to torch. */
export function formatResnet50Table(rows: readonly Resnet50Row[]): string {
  const cells = [
    ['backend', 'forward ms', 'vs torch', 'tensors before→after'],
    ...rows.map((r) => [
      r.backend,
      r.forwardMs.toFixed(0),
      r.forwardVsTorch === undefined ? '-' : `${r.forwardVsTorch.toFixed(1)}x`,
      r.tensorsBefore === undefined ? '' : `${r.tensorsBefore}→${r.tensorsAfter}`,
    ]),
  ];
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)));
  return cells
    .map((line) =>
      line
        .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
