/**
 * `node .bench/conv-shapes.js [--batch N] [--size HxW] [--iters N] [--only NAME,...] [--json]`: times
 * every convolution shape of the ResNet-18 FCN at one input size on wasm (one thread, with the training kernels):
 * each with new weights every run, as in training: the forward `Conv2D`, the input gradient `Conv2DBackpropInput` (dX) and the filter gradient
 * `Conv2DBackpropFilter` (dW), each the median of `--iters` runs after one warm-up, with how many
 * times a training step runs it and the resulting share of the step. For choosing a composition per
 * shape.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { median } from './median.js';
import { startWasm } from './start-wasm.js';

export interface ConvShape {
  name: string;
  /** Input height and width as fractions of the image's (1/2^k). */
  inStride: number;
  inC: number;
  outC: number;
  k: number;
  stride: number;
  pad: number;
  /** How many convolutions of the step have this shape. */
  count: number;
  /** The stem's input is the image: a step needs no dX there. */
  needsDx: boolean;
}

/** ResNet-18's convolutions (torchvision's layout) and the FCN's 1x1 head. */
export const RESNET18_CONVS: ConvShape[] = [
  {
    name: 'stem 7x7/2 3>64',
    inStride: 1,
    inC: 3,
    outC: 64,
    k: 7,
    stride: 2,
    pad: 3,
    count: 1,
    needsDx: false,
  },
  { name: 'layer1 3x3 64', inStride: 4, inC: 64, outC: 64, k: 3, stride: 1, pad: 1, count: 4, needsDx: true },
  {
    name: 'layer2.0 3x3/2 64>128',
    inStride: 4,
    inC: 64,
    outC: 128,
    k: 3,
    stride: 2,
    pad: 1,
    count: 1,
    needsDx: true,
  },
  {
    name: 'layer2.0 down 1x1/2',
    inStride: 4,
    inC: 64,
    outC: 128,
    k: 1,
    stride: 2,
    pad: 0,
    count: 1,
    needsDx: true,
  },
  {
    name: 'layer2 3x3 128',
    inStride: 8,
    inC: 128,
    outC: 128,
    k: 3,
    stride: 1,
    pad: 1,
    count: 3,
    needsDx: true,
  },
  {
    name: 'layer3.0 3x3/2 128>256',
    inStride: 8,
    inC: 128,
    outC: 256,
    k: 3,
    stride: 2,
    pad: 1,
    count: 1,
    needsDx: true,
  },
  {
    name: 'layer3.0 down 1x1/2',
    inStride: 8,
    inC: 128,
    outC: 256,
    k: 1,
    stride: 2,
    pad: 0,
    count: 1,
    needsDx: true,
  },
  {
    name: 'layer3 3x3 256',
    inStride: 16,
    inC: 256,
    outC: 256,
    k: 3,
    stride: 1,
    pad: 1,
    count: 3,
    needsDx: true,
  },
  {
    name: 'layer4.0 3x3/2 256>512',
    inStride: 16,
    inC: 256,
    outC: 512,
    k: 3,
    stride: 2,
    pad: 1,
    count: 1,
    needsDx: true,
  },
  {
    name: 'layer4.0 down 1x1/2',
    inStride: 16,
    inC: 256,
    outC: 512,
    k: 1,
    stride: 2,
    pad: 0,
    count: 1,
    needsDx: true,
  },
  {
    name: 'layer4 3x3 512',
    inStride: 32,
    inC: 512,
    outC: 512,
    k: 3,
    stride: 1,
    pad: 1,
    count: 3,
    needsDx: true,
  },
  {
    name: 'head 1x1 512>21',
    inStride: 32,
    inC: 512,
    outC: 21,
    k: 1,
    stride: 1,
    pad: 0,
    count: 1,
    needsDx: true,
  },
];

const { values } = parseArgs({
  // `pnpm bench -- --batch 4` hands the script a '--' first.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    batch: { type: 'string', default: '1' },
    size: { type: 'string', default: '320x480' },
    iters: { type: 'string', default: '5' },
    only: { type: 'string', default: '' },
    json: { type: 'boolean', default: false },
  },
});
const batch = Number(values.batch);
const [height, width] = values.size.split('x').map(Number) as [number, number];
const iters = Number(values.iters);
const only = values.only.split(',').filter(Boolean);

await startWasm((l) => process.stderr.write(`${l}\n`));

/** Median ms of `run(i)` for i = 1..iters after a warm-up run(0). */
function timeKernel(run: (i: number) => tf.Tensor): number {
  const once = (i: number) => {
    const start = performance.now();
    const out = run(i);
    out.dataSync();
    const ms = performance.now() - start;
    out.dispose();
    return ms;
  };
  once(0);
  return median(Array.from({ length: iters }, (_, i) => once(i + 1)));
}

const rows = [];
for (const s of RESNET18_CONVS) {
  if (only.length > 0 && !only.some((o) => s.name.includes(o))) continue;
  const h = Math.ceil(height / s.inStride);
  const w = Math.ceil(width / s.inStride);
  const oh = Math.floor((h + 2 * s.pad - s.k) / s.stride) + 1;
  const ow = Math.floor((w + 2 * s.pad - s.k) / s.stride) + 1;
  const x = tf.randomNormal([batch, h, w, s.inC], 0, 1, 'float32', 1);
  // A new filter every run, as in training (XNNPACK caches its packed weights per filter tensor).
  const filters = Array.from({ length: iters + 1 }, (_, i) =>
    tf.randomNormal([s.k, s.k, s.inC, s.outC], 0, 0.1, 'float32', 2 + i),
  );
  const dy = tf.randomNormal([batch, oh, ow, s.outC], 0, 1, 'float32', 3);
  const pad = [
    [0, 0],
    [s.pad, s.pad],
    [s.pad, s.pad],
    [0, 0],
  ] as [[number, number], [number, number], [number, number], [number, number]];
  const attrs = { strides: [s.stride, s.stride], pad, dataFormat: 'NHWC', dilations: [1, 1] };
  const engine = tf.engine();
  const forward = timeKernel(
    (i) => engine.runKernel('Conv2D', { x, filter: filters[i]! }, attrs) as tf.Tensor,
  );
  const dx = s.needsDx
    ? timeKernel(
        (i) =>
          engine.runKernel(
            'Conv2DBackpropInput',
            { dy, filter: filters[i]! },
            { ...attrs, inputShape: x.shape },
          ) as tf.Tensor,
      )
    : 0;
  const dw = timeKernel(
    () =>
      engine.runKernel(
        'Conv2DBackpropFilter',
        { x, dy },
        { ...attrs, filterShape: filters[0]!.shape },
      ) as tf.Tensor,
  );
  const gflop = (2 * batch * oh * ow * s.outC * s.inC * s.k * s.k) / 1e9;
  rows.push({ ...s, in: `${h}x${w}`, out: `${oh}x${ow}`, gflop, forward, dx, dw });
  tf.dispose([x, dy, ...filters]);
}
if (values.json) {
  console.log(JSON.stringify({ batch, height, width, iters, rows }, null, 2));
} else {
  const total = rows.reduce((a, r) => a + r.count * (r.forward + r.dx + r.dw), 0);
  console.log(
    `ResNet-18 convolutions on wasm, batch ${batch}, image ${height}x${width}; median of ${iters} (ms); GFLOP/s in ()`,
  );
  const gf = (g: number, ms: number) => (ms > 0 ? `(${(g / (ms / 1000)).toFixed(0)})` : '');
  console.log(
    `${'shape'.padEnd(24)} ${'in'.padStart(7)} ${'GFLOP'.padStart(6)} ${'x'.padStart(2)} ${'forward'.padStart(13)} ${'dX'.padStart(13)} ${'dW'.padStart(13)} ${'share'.padStart(6)}`,
  );
  for (const r of rows) {
    const share = (100 * r.count * (r.forward + r.dx + r.dw)) / total;
    console.log(
      `${r.name.padEnd(24)} ${r.in.padStart(7)} ${r.gflop.toFixed(2).padStart(6)} ${String(r.count).padStart(2)} ` +
        `${`${r.forward.toFixed(1)} ${gf(r.gflop, r.forward)}`.padStart(13)} ${`${r.dx.toFixed(1)} ${gf(r.gflop, r.dx)}`.padStart(13)} ` +
        `${`${r.dw.toFixed(1)} ${gf(r.gflop, r.dw)}`.padStart(13)} ${share.toFixed(1).padStart(5)}%`,
    );
  }
  console.log(`total over a step's convolutions (count x (forward + dX + dW)): ${total.toFixed(0)} ms`);
}
process.exit(0);
