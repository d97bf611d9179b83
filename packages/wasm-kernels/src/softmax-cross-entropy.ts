import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type KernelConfig, type KernelFunc, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { SOFTMAX_CROSS_ENTROPY } from './fused-kernel-names.js';
import { simdKernels } from './simd/simd-module.js';
import { withScratch } from './wasm-scratch.js';

export interface SoftmaxCrossEntropyAttrs {
  ignoreLabel: number;
  /** What the summed loss is divided by (at least 1); negative: the number of labelled pixels. */
  denominator: number;
}

/**
 * `FcnSoftmaxCrossEntropy` on wasm: the masked softmax cross-entropy of `@fcn/train` and its
 * gradient in one pass over the logits (`simd/softmax-xent-code.ts`, with a SIMD exp). A pixel counts
 * when its label is a class (0 ≤ y < C) other than `ignoreLabel`. Outputs the loss (summed over counted
 * pixels, divided by the denominator) and dLoss/dLogits.
 */
export function softmaxCrossEntropy(args: {
  inputs: { logits: TensorInfo; labels: TensorInfo };
  backend: BackendWasm;
  attrs: SoftmaxCrossEntropyAttrs;
}): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const { logits, labels } = inputs;
  const classes = logits.shape.at(-1)!;
  const pixels = util.sizeFromShape(labels.shape);
  if (logits.dtype !== 'float32' || labels.dtype !== 'int32') {
    throw new Error(
      `${SOFTMAX_CROSS_ENTROPY}: logits must be float32 and labels int32, got ${logits.dtype} and ${labels.dtype}`,
    );
  }
  if (!util.arraysEqual(logits.shape.slice(0, -1), labels.shape)) {
    throw new Error(
      `${SOFTMAX_CROSS_ENTROPY}: logits [${logits.shape}] and labels [${labels.shape}] do not match`,
    );
  }
  const kernels = simdKernels(backend);
  const ignore = attrs.ignoreLabel;
  const grad = backend.makeOutput(logits.shape, 'float32');
  const loss = backend.makeOutput([], 'float32');
  withScratch(backend, (scratch) => {
    const stats = scratch.allocate([pixels, 2]);
    const at = (t: TensorInfo) => backend.getMemoryOffset(t.dataId);
    const label = backend.typedArrayFromHeap(labels) as Int32Array;
    let counted = 0;
    for (let p = 0; p < pixels; p++) {
      const y = label[p]!;
      if (y >= 0 && y < classes && y !== ignore) counted++;
    }
    const denominator = Math.max(attrs.denominator >= 0 ? attrs.denominator : counted, 1);
    kernels.xent(at(logits), at(labels), at(grad), at(stats), pixels, classes, ignore, 1 / denominator);
    const s = backend.typedArrayFromHeap(stats) as Float32Array;
    let total = 0;
    for (let p = 0; p < pixels; p++) total += s[2 * p]! + Math.log(s[2 * p + 1]!);
    (backend.typedArrayFromHeap(loss) as Float32Array)[0] = total / denominator;
    return loss;
  });
  return [loss, grad];
}

export const softmaxCrossEntropyConfig: KernelConfig = {
  kernelName: SOFTMAX_CROSS_ENTROPY,
  backendName: 'wasm',
  kernelFunc: softmaxCrossEntropy as unknown as KernelFunc,
};
