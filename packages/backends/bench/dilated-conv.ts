/**
 * One-off measurement, not a test: a dilated 3x3 convolution's forward and forward+backward on wasm
 * (@fcn/layers' `Conv2d`, i.e. `dilatedConv2d`), next to the undilated one of the same size, at a
 * torchvision FCN-ResNet layer-3/4 shape, with the backward's parts timed alone.
 *
 *   pnpm exec tsup --config bench/tsup.config.ts --entry.dilated-conv bench/dilated-conv.ts \
 *     && node .bench/dilated-conv.js [height] [channels] [iters]
 */
import { initBackend } from '@fcn/backends/node';
import { Conv2d } from '@fcn/layers';
import * as tf from '@tensorflow/tfjs-core';

const [height = 64, channels = 256, iters = 5] = process.argv.slice(2).map(Number);

function timeIt(label: string, action: () => tf.Tensor | tf.Tensor[]): number {
  const run = () => {
    const out = tf.tidy(action);
    const list = Array.isArray(out) ? out : [out];
    for (const t of list) t.dataSync();
    tf.dispose(list);
  };
  run();
  const runs: number[] = [];
  for (let i = 0; i < iters; i++) {
    const start = performance.now();
    run();
    runs.push(performance.now() - start);
  }
  const sorted = [...runs].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const ms = (v: number) => v.toFixed(0).padStart(6);
  console.log(`${label.padEnd(58)} median ${ms(median)} ms, min ${ms(sorted[0]!)} ms`);
  return median;
}

async function main(): Promise<void> {
  const backend = await initBackend({ backend: 'wasm', log: (line) => console.log(line) });
  console.log(
    `x [1, ${height}, ${height}, ${channels}], 3x3 conv ${channels} -> ${channels}, median and min of ${iters} after one warm-up`,
  );
  const x = tf.randomNormal([1, height, height, channels], 0, 1, 'float32', 1) as tf.Tensor4D;
  const dy = tf.randomNormal([1, height, height, channels], 0, 1, 'float32', 2) as tf.Tensor4D;
  const input = tf.variable(x);
  for (const dilation of [1, 2, 4]) {
    const conv = new Conv2d(channels, channels, 3, { padding: dilation, dilation, seed: 3 });
    const name = dilation === 1 ? 'undilated' : `dilation ${dilation}`;
    timeIt(`${name}: Conv2d forward`, () => conv.forward(x));
    timeIt(`${name}: Conv2d forward + backward (dX, dW, db)`, () => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.mul(conv.forward(input), dy)),
        [input, conv.weight, conv.bias!],
      );
      return [value, ...Object.values(grads)];
    });
    if (dilation > 1) {
      const w = conv.weight as tf.Tensor4D;
      const pad = [
        [0, 0],
        [dilation, dilation],
        [dilation, dilation],
        [0, 0],
      ] as tf.backend_util.ExplicitPadding;
      timeIt(`  part: dX, conv of dy, flipped filter, dilation ${dilation}`, () =>
        tf.conv2d(dy, tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]), 1, pad, 'NHWC', dilation),
      );
      timeIt(`  part: dW, conv of x^T with dy^T as filter, stride ${dilation}`, () =>
        tf.conv2d(tf.transpose(x, [3, 1, 2, 0]), tf.transpose(dy, [1, 2, 0, 3]), dilation, pad, 'NHWC'),
      );
      timeIt(`  alt dW: space-to-batch + Conv2DBackpropFilter kernel`, () => {
        const d = dilation;
        const padded = (height + 2 * d) / d;
        const xs = tf.reshape(
          tf.transpose(tf.reshape(tf.pad(x, pad), [1, padded, d, padded, d, channels]), [2, 4, 0, 1, 3, 5]),
          [d * d, padded, padded, channels],
        ) as tf.Tensor4D;
        const o = height / d;
        const dys = tf.reshape(tf.transpose(tf.reshape(dy, [1, o, d, o, d, channels]), [2, 4, 0, 1, 3, 5]), [
          d * d,
          o,
          o,
          channels,
        ]) as tf.Tensor4D;
        return tf
          .engine()
          .runKernel(
            'Conv2DBackpropFilter',
            { x: xs, dy: dys },
            { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, channels, channels] },
          ) as tf.Tensor;
      });
    } else {
      timeIt(
        '  part: dW, Conv2DBackpropFilter kernel (undilated)',
        () =>
          tf.engine().runKernel(
            'Conv2DBackpropFilter',
            { x, dy },
            {
              strides: 1,
              pad: [
                [0, 0],
                [1, 1],
                [1, 1],
                [0, 0],
              ],
              dataFormat: 'NHWC',
              filterShape: [3, 3, channels, channels],
            },
          ) as tf.Tensor,
      );
    }
    conv.dispose();
  }
  tf.dispose([x, dy, input]);
  console.log(`tensors left: ${tf.memory().numTensors}; threads ${backend.threads}`);
}

await main();
