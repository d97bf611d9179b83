/**
 * The FCN-ResNet50 inference row: torchvision's `fcn_resnet50` as `@fcn/models` builds it
 * (`torchvisionFcn({ arch: 'resnet50' })`: dilated layer3-4, output stride 8, FCNHead, bilinear resize),
 * in eval mode, one forward of N x H x W x 3, next to PyTorch's (`bench/pytorch_fcn_resnet50.py`).
 */
import { torchvisionFcn } from '@fcn/models';
import * as tf from '@tensorflow/tfjs-core';
import { type PytorchServer, type StartedServer, startServer } from './pytorch-server.js';
import { formatMs, timeMedian, timePaired, warmUp } from './timing.js';

/** torchvision's fcn_resnet50 (21 classes, no aux head), asserted on both sides. */
export const RESNET50_FCN_PARAMETERS = 32_957_013;

export interface Resnet50Options {
  batch: number;
  height: number;
  width: number;
  warmup: number;
  iters: number;
  progress: (line: string) => void;
  /** PyTorch, run once before each of this row's runs (warm-ups included); its row comes back too. */
  torch?: PytorchServer<TorchResnet50Server>;
}

export interface Resnet50Row {
  backend: string;
  forwardMs: number;
  forwardRunsMs: number[];
  forwardVsTorch?: number;
  tensorsBefore?: number;
  tensorsAfter?: number;
}

/**
 * Times the eval-mode forward on the current backend; checks the output shape and that no tensor leaks.
 * With `o.torch`, each run follows one of PyTorch's and the ratio is the median of the pairs' ratios.
 */
export async function measureResnet50(
  backend: string,
  o: Resnet50Options,
): Promise<{ row: Resnet50Row; torchRow?: Resnet50Row }> {
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
    const torch = o.torch;
    const reference = torch ? () => torch.time('forward', o.batch) : undefined;
    await warmUp(forward, o.warmup, say, reference);
    const before = tf.memory().numTensors;
    const paired = reference ? await timePaired(forward, reference, o.iters, say) : undefined;
    const timing = paired ?? (await timeMedian(forward, o.iters, say));
    const after = tf.memory().numTensors;
    say(`median ${formatMs(timing.medianMs)}; tf.memory().numTensors ${before} → ${after}`);
    const row: Resnet50Row = {
      backend,
      forwardMs: timing.medianMs,
      forwardRunsMs: timing.runsMs,
      forwardVsTorch: paired?.medianRatio,
      tensorsBefore: before,
      tensorsAfter: after,
    };
    const torchRow = paired
      ? { backend: 'torch', forwardMs: paired.referenceMedianMs, forwardRunsMs: paired.referenceRunsMs }
      : undefined;
    return { row, torchRow };
  } finally {
    x.dispose();
    model.dispose();
  }
}

/** What `bench/pytorch_fcn_resnet50.py --serve` reports before its first run. */
export interface TorchResnet50Server {
  model: string;
  torch: string;
  threads: number;
  python: string;
  batch: number;
  height: number;
  width: number;
  parameters: number;
}

/**
 * PyTorch timing the same forward one run per request (`bench/pytorch_fcn_resnet50.py --serve`), or why
 * it could not start.
 */
export function startPytorchResnet50(o: {
  batch: number;
  height: number;
  width: number;
}): Promise<StartedServer<TorchResnet50Server>> {
  return startServer<TorchResnet50Server>('pytorch_fcn_resnet50.py', [
    `--size=${o.height}x${o.width}`,
    `--batch=${o.batch}`,
  ]);
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
