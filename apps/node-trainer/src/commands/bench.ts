import type { Size } from '@fcn/data';
import { FCN_VARIANTS, type FcnVariant, fcn } from '@fcn/models';
import { TrainingSession } from '@fcn/train';
import * as tf from '@tensorflow/tfjs-core';
import { Command } from 'commander';
import { type BackendFlags, infoLog, startBackend, withBackendOptions } from '../backend.js';
import { oneOf, parseIntInRange, parseNonNegativeInt, parsePositiveInt, parseSize } from '../parse.js';
import { MAX_WIDTH } from '../presets.js';

interface BenchFlags extends BackendFlags {
  batchSize: number;
  crop: Size;
  width: number;
  variant: FcnVariant;
  microBatch?: number;
  iters: number;
  warmup: number;
  json?: boolean;
}

const NUM_CLASSES = 21;

/** `fcn bench`: forward and training-step time of the FCN on the backend picked at startup. */
export function benchCommand(): Command {
  return withBackendOptions(
    new Command('bench').description('time the FCN forward pass and one SGD training step on one backend'),
  )
    .option('--batch-size <n>', 'images per step', parsePositiveInt, 4)
    .option('--crop <HxW>', 'input size, sides multiples of 32', parseSize, [320, 480] as Size)
    .option(
      '--width <n>',
      `trunk width, at most ${MAX_WIDTH} (64 is ResNet-18's own)`,
      parseIntInRange(1, MAX_WIDTH, "64 is ResNet-18's own width; memory grows with its square"),
      64,
    )
    .option('--variant <v>', `FCN variant: ${FCN_VARIANTS.join(' | ')}`, oneOf(FCN_VARIANTS), '32s')
    .option(
      '--micro-batch <n>',
      "images per forward/backward pass (default: from the backend's memory)",
      parsePositiveInt,
    )
    .option('--iters <n>', 'timed runs; the median is reported', parsePositiveInt, 3)
    .option('--warmup <n>', 'untimed runs first', parseNonNegativeInt, 1)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nAcross backends and against PyTorch: pnpm bench:backends (see bench/README.md).')
    .action(async (flags: BenchFlags) => {
      const log = infoLog(flags.json);
      const [height, width] = flags.crop;
      if (height % 32 || width % 32)
        throw new Error(`--crop ${height}x${width}: both sides must be multiples of 32`);
      const backend = await startBackend(flags, log);
      const model = fcn({
        numClasses: NUM_CLASSES,
        variant: flags.variant,
        trunk: { arch: 'resnet18', width: flags.width },
        seed: 0,
      });
      // The step `fcn train` takes (micro-batches from the backend's memory), as SGD lr 0.1, wd 1e-3.
      const session = new TrainingSession({
        model,
        batchSize: flags.batchSize,
        crop: flags.crop,
        lr: 0.1,
        weightDecay: 1e-3,
        memoryLimitBytes: backend.memoryLimitBytes,
        ...(flags.microBatch !== undefined ? { microBatch: flags.microBatch } : {}),
      });
      const { plan } = session;
      const x: tf.Tensor4D = tf.randomNormal([flags.batchSize, height, width, 3], 0, 1, 'float32', 1);
      const labels: tf.Tensor3D = tf.randomUniform(
        [flags.batchSize, height, width],
        0,
        NUM_CLASSES,
        'int32',
        2,
      );
      try {
        const forward = async () => {
          const sum = tf.tidy(() => tf.sum(model.forward(x)));
          await sum.data();
          sum.dispose();
        };
        // Resolves once the update has landed.
        const step = async () => void (await session.step({ images: x, labels }));
        const forwardMs = await medianMs(forward, flags, (l) => log(`forward ${l}`));
        const tensorsBefore = tf.memory().numTensors;
        const stepMs = await medianMs(step, flags, (l) => log(`step ${l}`));
        const tensorsAfter = tf.memory().numTensors;
        const result = {
          backend: backend.name,
          batchSize: flags.batchSize,
          microBatch: plan.microBatch,
          crop: flags.crop,
          width: flags.width,
          variant: flags.variant,
          forwardMs,
          stepMs,
          imagesPerSec: (flags.batchSize / stepMs) * 1000,
          tensorsBefore,
          tensorsAfter,
        };
        if (flags.json) {
          console.log(JSON.stringify(result, null, 2));
        } else {
          console.log(
            `FCN-${flags.variant} width ${flags.width}, batch ${flags.batchSize} (micro-batch ${plan.microBatch}) of ${height}x${width} on ${backend.name}: ` +
              `forward ${Math.round(forwardMs)} ms, training step ${Math.round(stepMs)} ms, ${result.imagesPerSec.toFixed(2)} images/sec; ` +
              `tf.memory().numTensors ${tensorsBefore} → ${tensorsAfter}`,
          );
        }
      } finally {
        tf.dispose([x, labels]);
        session.dispose();
        model.dispose();
      }
    });
}

async function medianMs(
  action: () => Promise<void>,
  flags: BenchFlags,
  say: (line: string) => void,
): Promise<number> {
  for (let i = 0; i < flags.warmup; i++) await action();
  const runs: number[] = [];
  for (let i = 0; i < flags.iters; i++) {
    const start = performance.now();
    await action();
    runs.push(performance.now() - start);
  }
  say(`runs: ${runs.map((r) => `${Math.round(r)} ms`).join(', ')}`);
  runs.sort((a, b) => a - b);
  const mid = Math.floor(runs.length / 2);
  return runs.length % 2 ? runs[mid]! : (runs[mid - 1]! + runs[mid]!) / 2;
}
