/**
 * One row of the table: the forward pass and (optionally) the training step of a model at one batch
 * size on the current backend, with the live-tensor count checked around the timed runs.
 */
import type { SegmentationModel } from '@fcn/models';
import * as tf from '@tensorflow/tfjs-core';
import type { PytorchServer, TorchPhase } from './pytorch-server.js';
import type { Row } from './table.js';
import { formatMs, type PairedTiming, type Timing, timeMedian, timePaired, warmUp } from './timing.js';
import { benchSession, forwardPass, type SgdOptions } from './train-step.js';

export interface MeasureOptions {
  backend: string;
  batch: number;
  height: number;
  width: number;
  numClasses: number;
  warmup: number;
  iters: number;
  /** Time the training step too (the cpu backend skips it by default). */
  step: boolean;
  sgd: SgdOptions;
  progress: (line: string) => void;
  /** PyTorch, run once before each of this row's runs (warm-ups included); its row comes back too. */
  torch?: PytorchServer;
}

/** `tf.memory().numTensors` grew where it should not have. */
export interface Leak {
  backend: string;
  batch: number;
  phase: string;
  before: number;
  after: number;
}

export async function measureBatch(
  model: SegmentationModel,
  o: MeasureOptions,
): Promise<{ row: Row; torchRow?: Row; leaks: Leak[] }> {
  const label = `${o.backend} batch ${o.batch}`;
  const row: Row = { backend: o.backend, batch: o.batch };
  const torchRow: Row | undefined = o.torch ? { backend: 'torch', batch: o.batch } : undefined;
  const leaks: Leak[] = [];
  const tensorsAtStart = tf.memory().numTensors;
  const x: tf.Tensor4D = tf.randomNormal([o.batch, o.height, o.width, 3], 0, 1, 'float32', 1234 + o.batch);
  const labels: tf.Tensor3D = tf.randomUniform(
    [o.batch, o.height, o.width],
    0,
    o.numClasses,
    'int32',
    4321 + o.batch,
  );
  const expected = [o.batch, o.height, o.width, o.numClasses];
  const session = benchSession(model, o.batch, o.sgd);
  let steps = 0;

  // Both in training mode (batch statistics), as PyTorch's reference.
  const phases: { name: TorchPhase; action: () => Promise<void>; record: (t: Timing) => void }[] = [
    {
      name: 'forward',
      action: async () => {
        const shape = await forwardPass(model, x);
        if (!tf.util.arraysEqual(shape, expected)) {
          throw new Error(`${label}: output shape [${shape}], expected [${expected}]`);
        }
      },
      record: (t) => {
        row.forwardMs = t.medianMs;
        row.forwardRunsMs = t.runsMs;
      },
    },
  ];
  if (o.step) {
    phases.push({
      name: 'step',
      // Resolves once the update has landed; a NaN or infinite loss throws, naming the step.
      action: async () => {
        await session.step({ images: x, labels }, { where: `${label}, training step ${++steps}` });
      },
      record: (t) => {
        row.stepMs = t.medianMs;
        row.stepRunsMs = t.runsMs;
      },
    });
  }

  try {
    for (const phase of phases) {
      const say = (line: string) => o.progress(`${label} ${phase.name}: ${line}`);
      const torch = o.torch;
      const reference = torch ? () => torch.time(phase.name, o.batch) : undefined;
      await warmUp(phase.action, o.warmup, say, reference);
      const before = tf.memory().numTensors;
      const paired = reference ? await timePaired(phase.action, reference, o.iters, say) : undefined;
      const timing = paired ?? (await timeMedian(phase.action, o.iters, say));
      const after = tf.memory().numTensors;
      phase.record(timing);
      if (paired && torchRow) recordTorch(phase.name, paired, row, torchRow);
      row.tensorsBefore ??= before;
      row.tensorsAfter = after;
      if (after !== before)
        leaks.push({ backend: o.backend, batch: o.batch, phase: phase.name, before, after });
      say(`median ${formatMs(timing.medianMs)}; tf.memory().numTensors ${before} → ${after}`);
    }
  } finally {
    tf.dispose([x, labels]);
    session.dispose();
  }
  const tensorsAtEnd = tf.memory().numTensors;
  if (tensorsAtEnd !== tensorsAtStart) {
    leaks.push({
      backend: o.backend,
      batch: o.batch,
      phase: 'overall',
      before: tensorsAtStart,
      after: tensorsAtEnd,
    });
  }
  if (row.stepMs !== undefined) row.imagesPerSecond = (o.batch / row.stepMs) * 1000;
  if (torchRow?.stepMs !== undefined) torchRow.imagesPerSecond = (o.batch / torchRow.stepMs) * 1000;
  return { row, torchRow, leaks };
}

/** PyTorch's runs of a paired phase into its row, and the pairs' median ratio into ours. */
function recordTorch(phase: TorchPhase, timing: PairedTiming, row: Row, torchRow: Row): void {
  if (phase === 'forward') {
    torchRow.forwardMs = timing.referenceMedianMs;
    torchRow.forwardRunsMs = timing.referenceRunsMs;
    row.forwardVsTorch = timing.medianRatio;
  } else {
    torchRow.stepMs = timing.referenceMedianMs;
    torchRow.stepRunsMs = timing.referenceRunsMs;
    row.stepVsTorch = timing.medianRatio;
  }
}
