import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  backend_util,
  type KernelConfig,
  type KernelFunc,
  MaxPoolGrad,
  type MaxPoolGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { float32Heap } from './heap.js';
import { simdKernels, simdSupported } from './simd/simd-module.js';

/**
 * `MaxPoolGrad` for the wasm backend (NHWC), replacing the shipped kernel, which is slow and
 * wrong for windows whose values are all `<= 0` (it seeds its running max with `FLT_MIN` and
 * keeps the last maximum). Like the cpu backend and PyTorch, each window's gradient goes to its
 * first maximum in row-major window order, padding excluded:
 *
 *   dx[n, h, w, c] = sum over windows (oh, ow) whose first argmax is (h, w) of dy[n, oh, ow, c]
 *
 * One pass over the windows: in the project's SIMD module (`simd/max-pool-grad-code.ts`, 4 channels at
 * a time), or where the engine lacks WebAssembly SIMD, in JavaScript with the channel loop innermost.
 */
export function maxPoolGrad(args: {
  inputs: { dy: TensorInfo; input: TensorInfo };
  backend: BackendWasm;
  attrs: MaxPoolGradAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, input } = inputs;
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const dx = backend.makeOutput(input.shape, 'float32');
  const { heap, offsetOf } = float32Heap(backend, dx);
  const x0 = offsetOf(input);
  const dx0 = offsetOf(dx);
  heap.fill(0, dx0, dx0 + batchSize * inHeight * inWidth * channels);
  if (simdSupported()) {
    const kernels = simdKernels(backend);
    const at = (t: TensorInfo) => backend.getMemoryOffset(t.dataId);
    (channels % 4 === 0 ? kernels.maxpool_grad_v : kernels.maxpool_grad_s)(
      at(input),
      at(dy),
      at(dx),
      batchSize,
      inHeight,
      inWidth,
      channels,
      outHeight,
      outWidth,
      filterHeight,
      filterWidth,
      strideHeight,
      strideWidth,
      info.padInfo.top,
      info.padInfo.left,
    );
    return dx;
  }
  const best = new Float32Array(channels);
  const bestAt = new Int32Array(channels);
  let dyAt = offsetOf(dy);
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const top = oh * strideHeight - info.padInfo.top;
      const rowFrom = Math.max(0, top);
      const rowTo = Math.min(inHeight, top + filterHeight);
      for (let ow = 0; ow < outWidth; ow++, dyAt += channels) {
        const left = ow * strideWidth - info.padInfo.left;
        const colFrom = Math.max(0, left);
        const colTo = Math.min(inWidth, left + filterWidth);
        best.fill(Number.NEGATIVE_INFINITY);
        bestAt.fill(-1);
        for (let h = rowFrom; h < rowTo; h++) {
          for (let w = colFrom; w < colTo; w++) {
            const pixel = ((n * inHeight + h) * inWidth + w) * channels;
            for (let c = 0; c < channels; c++) {
              const value = heap[x0 + pixel + c]!;
              if (value > best[c]!) {
                best[c] = value;
                bestAt[c] = pixel + c;
              }
            }
          }
        }
        for (let c = 0; c < channels; c++) {
          const at = bestAt[c]!;
          if (at >= 0) heap[dx0 + at] = heap[dx0 + at]! + heap[dyAt + c]!;
        }
      }
    }
  }
  return dx;
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
