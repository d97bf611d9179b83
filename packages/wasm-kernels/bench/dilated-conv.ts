/**
 * One-off measurement, not a test: a dilated 3x3 convolution's forward and forward+backward on wasm
 * (one thread; @fcn/layers' `Conv2d`, i.e. `dilatedConv2d`), next to the undilated one of the same size, at a
 * torchvision FCN-ResNet layer-3/4 shape, with the dW formulations timed alone. The actions run in
 * interleaved rounds (after one warm-up round), so that load from other processes spreads over all.
 *
 *   pnpm bench && node .bench/dilated-conv.js [height] [channels] [rounds]
 */
import { Conv2d } from '@fcn/layers';
import * as tf from '@tensorflow/tfjs-core';
import { median } from './median.js';
import { startWasm } from './start-wasm.js';

const [height = 64, channels = 256, rounds = 7] = process.argv.slice(2).map(Number);

type Action = () => tf.Tensor | tf.Tensor[];

function padding(p: number): tf.backend_util.ExplicitPadding {
  return [
    [0, 0],
    [p, p],
    [p, p],
    [0, 0],
  ];
}

/** NHWC to [d·d·N, H/d, W/d, C]: phase (r, q) of every d-th row and column as its own image. */
function spaceToBatch(t: tf.Tensor4D, d: number): tf.Tensor4D {
  const [n, h, w, c] = t.shape;
  const split = tf.reshape(t, [n, h / d, d, w / d, d, c]);
  return tf.reshape(tf.transpose(split, [2, 4, 0, 1, 3, 5]), [d * d * n, h / d, w / d, c]) as tf.Tensor4D;
}

function timeRounds(actions: [string, Action][]): void {
  const runs = new Map<string, number[]>(actions.map(([label]) => [label, []]));
  for (let round = 0; round <= rounds; round++) {
    for (const [label, action] of actions) {
      const start = performance.now();
      const out = tf.tidy(action);
      const list = Array.isArray(out) ? out : [out];
      for (const t of list) t.dataSync();
      tf.dispose(list);
      if (round > 0) runs.get(label)!.push(performance.now() - start);
    }
  }
  for (const [label, times] of runs) {
    const ms = (v: number) => v.toFixed(0).padStart(5);
    console.log(`${label.padEnd(62)} median ${ms(median(times))} ms, min ${ms(Math.min(...times))} ms`);
  }
}

async function main(): Promise<void> {
  await startWasm((line) => console.log(line));
  console.log(
    `x [1, ${height}, ${height}, ${channels}], 3x3 conv ${channels} -> ${channels}, ${rounds} rounds`,
  );
  const x = tf.randomNormal([1, height, height, channels], 0, 1, 'float32', 1) as tf.Tensor4D;
  const dy = tf.randomNormal([1, height, height, channels], 0, 1, 'float32', 2) as tf.Tensor4D;
  const input = tf.variable(x);
  for (const dilation of [2, 4]) {
    const convs = [1, dilation].map(
      (d) => new Conv2d(channels, channels, 3, { padding: d, dilation: d, seed: 3 }),
    );
    const actions: [string, Action][] = [];
    for (const conv of convs) {
      const name = conv.dilation[0] === 1 ? 'undilated' : `dilation ${dilation}`;
      actions.push([`${name}: Conv2d forward`, () => conv.forward(x)]);
      actions.push([
        `${name}: Conv2d forward + backward (dX, dW, db)`,
        () => {
          const { value, grads } = tf.variableGrads(
            () => tf.sum(tf.mul(conv.forward(input), dy)),
            [input, conv.weight, conv.bias!],
          );
          return [value, ...Object.values(grads)];
        },
      ]);
    }
    const d = dilation;
    const pixels = height * height;
    actions.push(
      [
        `  dW undilated: Conv2DBackpropFilter (@fcn/wasm-kernels im2col)`,
        () =>
          tf
            .engine()
            .runKernel(
              'Conv2DBackpropFilter',
              { x, dy },
              { strides: 1, pad: padding(1), dataFormat: 'NHWC', filterShape: [3, 3, channels, channels] },
            ) as tf.Tensor,
      ],
      [
        `  dW d${d}, used: one 1x1 Conv2D per tap`,
        () => {
          const xt = tf.transpose(tf.pad(x, padding(d)), [3, 0, 1, 2]);
          const dyFilter = tf.reshape(dy, [1, 1, pixels, channels]) as tf.Tensor4D;
          const taps: tf.Tensor[] = [];
          for (let i = 0; i < 3; i++) {
            for (let j = 0; j < 3; j++) {
              const window = tf.slice(xt, [0, 0, i * d, j * d], [channels, 1, height, height]);
              taps.push(
                tf.conv2d(tf.reshape(window, [1, channels, 1, pixels]) as tf.Tensor4D, dyFilter, 1, 0),
              );
            }
          }
          return tf.concat(taps, 0);
        },
      ],
      [
        `  dW d${d}, alt: Conv2D of x^T with dy^T as filter, stride ${d}`,
        () => tf.conv2d(tf.transpose(x, [3, 1, 2, 0]), tf.transpose(dy, [1, 2, 0, 3]), d, padding(d), 'NHWC'),
      ],
      [
        `  dW d${d}, alt: space-to-batch + Conv2DBackpropFilter`,
        () =>
          tf
            .engine()
            .runKernel(
              'Conv2DBackpropFilter',
              { x: spaceToBatch(tf.pad(x, padding(d)), d), dy: spaceToBatch(dy, d) },
              { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, channels, channels] },
            ) as tf.Tensor,
      ],
    );
    timeRounds(actions);
    for (const conv of convs) conv.dispose();
  }
  tf.dispose([x, dy, input]);
  console.log(`tensors left: ${tf.memory().numTensors}`);
}

await main();
