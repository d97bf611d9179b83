import { bilinearKernel } from '@fcn/init';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff, naiveConvTranspose2d } from '../test/naive-conv.js';
import { ConvTranspose2d } from './conv-transpose2d.js';
import { Conv2d } from './conv2d.js';

describe('ConvTranspose2d', () => {
  it('maps the chapter conv output (1, 32, 32, 10) back to (1, 64, 64, 3) with k=4, p=1, s=2', () => {
    const conv = new Conv2d(3, 10, 4, { padding: 1, stride: 2, seed: 1 });
    const convTrans = new ConvTranspose2d(10, 3, 4, { padding: 1, stride: 2, seed: 2 });
    const y = conv.forward(tf.randomUniform([1, 64, 64, 3], 0, 1, 'float32', 2));
    expect(convTrans.forward(y).shape).toEqual([1, 64, 64, 3]);
    conv.dispose();
    convTrans.dispose();
  });

  it('k=64, s=32, p=16 maps (1, 10, 15, 21) to (1, 320, 480, 21), the FCN-32s upsampler', () => {
    const up = new ConvTranspose2d(21, 21, 64, {
      padding: 16,
      stride: 32,
      bias: false,
      weightInit: () => bilinearKernel(21, 21, 64),
    });
    expect(up.outputSize(10, 15)).toEqual([320, 480]);
    expect(up.forward(tf.randomUniform([1, 10, 15, 21], 0, 1, 'float32', 3)).shape).toEqual([
      1, 320, 480, 21,
    ]);
    up.dispose();
  });

  it('bilinear-initialised (k=4, s=2, p=1) doubles height and width and interpolates bilinearly', () => {
    const up = new ConvTranspose2d(3, 3, 4, {
      padding: 1,
      stride: 2,
      bias: false,
      weightInit: () => bilinearKernel(3, 3, 4),
    });
    const img = tf.randomUniform([1, 9, 12, 3], 0, 1, 'float32', 4);
    const out = up.forward(img);
    expect(out.shape).toEqual([1, 18, 24, 3]);
    // Half-pixel bilinear resize equals the transposed conv everywhere except the one-pixel border,
    // where the transposed conv sees the zero padding instead of clamping to the edge.
    const resized = tf.image.resizeBilinear(img as tf.Tensor4D, [18, 24], false, true);
    const interior = (t: tf.Tensor) => tf.slice(t, [0, 1, 1, 0], [1, 16, 22, 3]).dataSync();
    expect(maxAbsDiff(interior(out), interior(resized))).toBeLessThan(1e-5);
    // At the border the zero padding darkens the result: the rows really differ there.
    const edge = (t: tf.Tensor) => tf.slice(t, [0, 0, 0, 0], [1, 1, 24, 3]).dataSync();
    expect(maxAbsDiff(edge(out), edge(resized))).toBeGreaterThan(0.01);
    up.dispose();
  });

  it.each([
    { k: 4, stride: 2, padding: 1 },
    { k: 3, stride: 1, padding: 1 },
    { k: 3, stride: 2, padding: 0 },
    { k: 8, stride: 4, padding: 2 },
  ])('matches a direct scatter loop: k=$k s=$stride p=$padding', ({ k, stride, padding }) => {
    const layer = new ConvTranspose2d(3, 2, k, { stride, padding, bias: false, seed: 8 });
    const x = tf.randomUniform([2, 4, 5, 3], -1, 1, 'float32', 9);
    const ref = naiveConvTranspose2d({
      x: x.dataSync() as Float32Array,
      xShape: [2, 4, 5, 3],
      w: layer.weight.dataSync() as Float32Array,
      k: [k, k],
      outChannels: 2,
      stride,
      padding,
    });
    const y = layer.forward(x);
    expect(y.shape).toEqual(ref.shape);
    expect(maxAbsDiff(y.dataSync(), ref.values)).toBeLessThan(1e-5);
    layer.dispose();
  });

  it('adds outputPadding rows and columns (PyTorch output_padding)', () => {
    const layer = new ConvTranspose2d(2, 2, 3, { stride: 2, padding: 1, outputPadding: 1, seed: 1 });
    expect(layer.forward(tf.ones([1, 5, 6, 2])).shape).toEqual([1, 10, 12, 2]);
    expect(() => new ConvTranspose2d(2, 2, 3, { stride: 2, outputPadding: 2 })).toThrow(
      /smaller than stride/,
    );
    layer.dispose();
  });
});
