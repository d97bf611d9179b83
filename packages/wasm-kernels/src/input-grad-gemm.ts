import type { TensorInfo } from '@tensorflow/tfjs-core';
import { addRuns } from './add-runs.js';
import type { ForwardConv } from './conv-geometry.js';
import { float32Heap } from './heap.js';
import { transposeTensor } from './transpose.js';
import type { WasmScratch } from './wasm-scratch.js';
import { PASS_NS, productNs } from './xnnpack-costs.js';

/**
 * Whether dX of a convolution is cheaper as {@link inputGradByGemm} than as convolutions of `dy` with
 * the flipped (and, at stride > 1, phase-split) filter. XNNPACK repacks a convolution's weights on
 * every call with new weights (a training step always has new ones), at about 10 ns a weight on the
 * development machine; the matrix product below packs `dy` instead. Where the filter is much larger
 * than `dy` (ResNet-18's layer4 at 320x480: 2.4 M weights, 77 K values of `dy` per image), that wins:
 * 45 -> 18 ms at batch 1. Only for kernels up to 3x3, where it was measured: the FCN's 64x64 upsampler
 * took 168 ms this way against 85 ms by sub-pixel phases (its col2im is 13 M adds).
 */
export function prefersGemm(conv: ForwardConv, dyPixels: number, inChannels: number): boolean {
  const [kh, kw] = conv.filter;
  return kh * kw <= 9 && dyPixels * 4 <= kh * kw * inChannels;
}

/**
 * The estimated time of {@link inputGradByGemm} (`xnnpack-costs.ts`): one product packing `dyᵀ`, the
 * col2im's adds, and the transposes of `dy` and dX.
 */
export function inputGradGemmCostNs(
  conv: ForwardConv,
  dyPixels: number,
  inputShape: [number, number, number, number],
  outChannels: number,
): number {
  const [kh, kw] = conv.filter;
  const inChannels = inputShape[3];
  const col = kh * kw * inChannels * dyPixels;
  const dx = inputShape[0] * inputShape[1] * inputShape[2] * inChannels;
  return (
    productNs(outChannels * dyPixels, 1, 2 * col * outChannels) +
    PASS_NS * (col + dyPixels * outChannels + dx)
  );
}

/**
 * dX of a convolution `y = conv2d(x, W)` (NHWC, W as [kh, kw, Cin, Cout], strides sh, sw) as one
 * matrix product on XNNPACK's fully-connected kernel and a col2im:
 *
 *   colT[(i, j, ci), m] = sum_co W[(i, j, ci), co] · dyT[co, m],   m = (n, oh, ow)
 *   dxT[ci, (n, oh·sh + i - top, ow·sw + j - left)] += colT[(i, j, ci), (n, oh, ow)]
 *
 * then dx = dxT transposed. W is the product's left operand, which XNNPACK does not repack.
 */
export function inputGradByGemm(
  scratch: WasmScratch,
  dy: TensorInfo,
  filter: TensorInfo,
  inputShape: [number, number, number, number],
  conv: ForwardConv,
): TensorInfo {
  const [batch, height, width, inChannels] = inputShape;
  const [, outHeight, outWidth, outChannels] = dy.shape as [number, number, number, number];
  const [kh, kw] = conv.filter;
  const pixels = batch * outHeight * outWidth;
  const dyT = transposeTensor(scratch, { ...dy, shape: [pixels, outChannels] }, [1, 0]);
  const colT = scratch.run(
    'BatchMatMul',
    {
      a: { ...filter, shape: [1, kh * kw * inChannels, outChannels] },
      b: { ...dyT, shape: [1, outChannels, pixels] },
    },
    { transposeA: false, transposeB: false },
  );
  scratch.free(dyT);
  const dxT = scratch.allocate([inChannels, batch * height * width]);
  const { heap, offsetOf } = float32Heap(scratch.backend, dxT);
  const out0 = offsetOf(dxT);
  const col0 = offsetOf(colT);
  heap.fill(0, out0, out0 + inChannels * batch * height * width);
  const [sh, sw] = conv.strides;
  for (let i = 0; i < kh; i++) {
    // Output row oh lands on x row oh·sh + i - top: oh in [oh0, oh1) stays inside x.
    const oh0 = Math.max(0, Math.ceil((conv.pads.top - i) / sh));
    const oh1 = Math.min(outHeight, Math.floor((height - 1 - i + conv.pads.top) / sh) + 1);
    if (oh1 <= oh0) continue;
    for (let j = 0; j < kw; j++) {
      // Output column ow lands on x column ow·sw + j - left: ow in [ow0, ow1) stays inside x.
      const shift = j - conv.pads.left;
      const ow0 = Math.max(0, Math.ceil(-shift / sw));
      const ow1 = Math.min(outWidth, Math.floor((width - 1 - shift) / sw) + 1);
      if (ow1 <= ow0) continue;
      for (let n = 0; n < batch; n++) {
        // Every input channel's plane: rows oh0..oh1 of the tap's block into rows h0, h0 + sh, ...
        const src = col0 + (i * kw + j) * inChannels * pixels + (n * outHeight + oh0) * outWidth + ow0;
        const h0 = oh0 * sh + i - conv.pads.top;
        const dst = out0 + (n * height + h0) * width + ow0 * sw + shift;
        addRuns(scratch.backend, heap, src, dst, {
          outer: inChannels,
          outerSrc: pixels,
          outerDst: batch * height * width,
          runs: oh1 - oh0,
          runSrc: outWidth,
          runDst: sh * width,
          length: ow1 - ow0,
          step: sw,
        });
      }
    }
  }
  scratch.free(colT);
  const dx = transposeTensor(scratch, dxT, [1, 0]);
  return scratch.run('Reshape', { x: dx }, { shape: inputShape });
}
