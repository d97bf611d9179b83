// Runs in a fresh npm project that installed the packed @fcn/* tarballs (see run.mjs), never in the
// workspace: plain Node ESM, the published dist/ files, dependencies from the npm registry. run.mjs also
// type-checks it against the published .d.ts files (tsc --checkJs --strict --module nodenext).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@fcn/backends/node';
import { generateSyntheticVoc, readVocSplit } from '@fcn/data';
import { fcn } from '@fcn/models';
import { train } from '@fcn/train';
import { registerWasmTrainingKernels } from '@fcn/wasm-kernels';
import * as tf from '@tensorflow/tfjs-core';

const backend = await initBackend({ backend: 'wasm', threads: 2 });
assert.equal(tf.getBackend(), 'wasm');
// The picker registered @fcn/wasm-kernels' training kernels; registering again is idempotent.
assert.ok(registerWasmTrainingKernels().includes('Conv2DBackpropFilter'), 'the wasm training kernels');
assert.ok(tf.getKernel('Conv2DBackpropFilter', 'wasm'), 'Conv2DBackpropFilter is registered on wasm');

// An FCN-32s on a ResNet-18 trunk of a sixteenth of the width, three classes.
const model = fcn({ trunk: { arch: 'resnet18', width: 4 }, numClasses: 3, seed: 0 });
const x = tf.randomNormal([1, 64, 96, 3], 0, 1, 'float32', 0);
const logits = model.forward(x);
assert.deepEqual(logits.shape, [1, 64, 96, 3]);
assert.ok(Number.isFinite((await tf.sum(logits).data())[0]), 'the forward gives finite logits');
tf.dispose([x, logits]);

// One training step (a batch of 2 of 2 images) on a synthetic VOC of two object classes.
const work = await mkdtemp(join(tmpdir(), 'fcn-consumer-run-'));
try {
  const voc = await generateSyntheticVoc({
    root: join(work, 'voc'),
    train: 2,
    val: 1,
    sizes: [[64, 96]],
    classes: [1, 2],
  });
  const trainSet = await readVocSplit({ root: voc.root, split: 'train', crop: [64, 96], void: 'ignore' });
  const found = [...model.namedParameters()].find(([key]) => key.startsWith('final_conv.'));
  assert.ok(found, 'the FCN has a final_conv');
  const [name, weight] = found;
  const before = weight.dataSync().slice();
  /** @type {number[]} */
  const losses = [];
  const result = await train({
    model,
    train: trainSet,
    epochs: 1,
    batchSize: 2,
    lr: 0.1,
    momentum: 0.9,
    weightDecay: 1e-3,
    seed: 0,
    callbacks: {
      onStep: (step) => {
        losses.push(step.loss);
      },
    },
  });
  assert.equal(result.status, 'completed');
  assert.equal(result.stepsDone, 1);
  assert.equal(losses.length, 1);
  assert.ok(Number.isFinite(losses[0]) && losses[0] > 0, `a finite loss, not ${losses[0]}`);
  const after = weight.dataSync();
  assert.ok(
    after.some((v, i) => v !== before[i]),
    `the step changed ${name}`,
  );
  console.log(
    `consumer: ${backend.name} (${backend.threads} threads), forward [1, 64, 96, 3], one step: loss ${losses[0].toFixed(4)}, ${name} updated`,
  );
} finally {
  model.dispose();
  await rm(work, { recursive: true, force: true });
}
