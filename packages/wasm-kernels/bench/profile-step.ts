/**
 * `node .bench/profile-step.js [--batch N] [--size HxW] [--momentum M]`: one training step of the
 * ResNet-18 FCN on wasm (one thread), as `fcn train` takes it (`TrainingSession`'s step), profiled kernel by kernel
 * with `tf.profile`, and the wasm heap's size (its high-water mark) before and after. For finding
 * where the step's time goes; not part of any test.
 */
import { parseArgs } from 'node:util';
import { fcn, torchvisionFcn } from '@fcn/models';
import { TrainingSession } from '@fcn/train';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { startWasm } from './start-wasm.js';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '2' },
    size: { type: 'string', default: '320x480' },
    momentum: { type: 'string', default: '0' },
    steps: { type: 'string', default: '2' },
    /** Kernels to unregister after start-up (e.g. FcnSgdUpdate,Exp), to time the paths without them. */
    without: { type: 'string', default: '' },
    /** Profile torchvision's FCN-ResNet50 eval forward instead of a ResNet-18 FCN training step. */
    resnet50: { type: 'boolean', default: false },
    /** Also list the slowest single kernel calls with their shapes. */
    calls: { type: 'string', default: '0' },
  },
});
const batch = Number(values.batch);
const [height, width] = values.size.split('x').map(Number) as [number, number];
const classes = 21;

await startWasm((l) => process.stderr.write(`${l}\n`));
for (const name of values.without.split(',').filter(Boolean)) tf.unregisterKernel(name, 'wasm');
const wasm = tf.backend() as BackendWasm;
/** The tfjs module's memory: imported by the threaded build (`wasmMemory`), exported by the others. */
const module = wasm.wasm as unknown as {
  wasmMemory?: WebAssembly.Memory;
  asm?: { memory?: WebAssembly.Memory };
};
const heapBytes = () => (module.wasmMemory ?? module.asm?.memory)?.buffer.byteLength ?? 0;
const model = values.resnet50
  ? torchvisionFcn({ arch: 'resnet50', numClasses: classes, seed: 0 }).eval()
  : fcn({ numClasses: classes, variant: '32s', trunk: 'resnet18', seed: 0 });
/** The whole batch at once (no memory limit), SGD lr 0.1, wd 1e-3: its step and its memory estimate. */
const session = values.resnet50
  ? undefined
  : new TrainingSession({
      model,
      batchSize: batch,
      crop: [height, width],
      lr: 0.1,
      weightDecay: 1e-3,
      momentum: Number(values.momentum),
    });
const x = tf.randomNormal([batch, height, width, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
const labels = tf.randomUniform([batch, height, width], 0, classes, 'int32', 2) as tf.Tensor3D;
const step = async () => {
  if (!session) {
    const sum = tf.tidy(() => tf.sum(model.forward(x)));
    await sum.data();
    sum.dispose();
    return;
  }
  await session.step({ images: x, labels }); // resolves once the update has landed
};
const listCalls = (kernels: Awaited<ReturnType<typeof tf.profile>>['kernels']) => {
  const top = [...kernels].sort((a, b) => (b.kernelTimeMs as number) - (a.kernelTimeMs as number));
  for (const k of top.slice(0, Number(values.calls))) {
    const shapes = k.inputShapes.map((s: number[]) => `[${s}]`).join(' ');
    console.log(
      `  ${k.name.padEnd(24)} ${(k.kernelTimeMs as number).toFixed(1).padStart(8)} ms  ${shapes} -> [${k.outputShapes[0]}]`,
    );
  }
};
const heapBefore = heapBytes();
for (let s = 0; s < Number(values.steps); s++) {
  const t0 = performance.now();
  await step();
  process.stderr.write(`step ${s + 1}: ${Math.round(performance.now() - t0)} ms\n`);
}
const before = tf.memory().numTensors;
const t0 = performance.now();
const info = await tf.profile(step);
const wall = performance.now() - t0;
const byKernel = new Map<string, { ms: number; count: number }>();
for (const k of info.kernels) {
  const e = byKernel.get(k.name) ?? { ms: 0, count: 0 };
  e.ms += k.kernelTimeMs as number;
  e.count += 1;
  byKernel.set(k.name, e);
}
const total = [...byKernel.values()].reduce((a, e) => a + e.ms, 0);
console.log(
  `batch ${batch} ${height}x${width}: profiled step ${Math.round(wall)} ms wall, ${Math.round(total)} ms in kernels`,
);
for (const [name, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms)) {
  if (e.ms < total * 0.002) continue;
  console.log(
    `${name.padEnd(28)} ${e.ms.toFixed(0).padStart(6)} ms ${((100 * e.ms) / total).toFixed(1).padStart(5)}%  x${e.count}`,
  );
}
listCalls(info.kernels);
console.log(
  `heap ${(heapBefore / 2 ** 20).toFixed(0)} MiB before the steps, ${(heapBytes() / 2 ** 20).toFixed(0)} MiB after; tf.profile peakBytes ${(info.peakBytes / 2 ** 20).toFixed(0)} MiB; numTensors ${before} → ${tf.memory().numTensors}`,
);
const estimate = session?.estimatedStepBytes ?? 0;
console.log(`estimate ${(estimate / 2 ** 20).toFixed(0)} MiB (TrainingSession's estimatedStepBytes)`);
tf.dispose([x, labels]);
session?.dispose();
model.dispose();
process.exit(0);
