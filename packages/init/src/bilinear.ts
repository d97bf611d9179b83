import * as tf from '@tensorflow/tfjs-core';

/**
 * The 2-D bilinear interpolation filter of size k x k, row-major, exactly the FCN chapter's
 * `bilinear_kernel`: factor = floor((k + 1) / 2), centre = factor - 1 for odd k and factor - 0.5 for even k,
 * filt[i][j] = (1 - |i - centre| / factor) * (1 - |j - centre| / factor).
 */
export function bilinearFilter(kernelSize: number): Float32Array {
  if (!Number.isInteger(kernelSize) || kernelSize < 1) {
    throw new Error(`bilinearFilter: kernelSize must be a positive integer, got ${kernelSize}`);
  }
  const factor = Math.floor((kernelSize + 1) / 2);
  const centre = kernelSize % 2 === 1 ? factor - 1 : factor - 0.5;
  const filt = new Float32Array(kernelSize * kernelSize);
  for (let i = 0; i < kernelSize; i++) {
    for (let j = 0; j < kernelSize; j++) {
      filt[i * kernelSize + j] = (1 - Math.abs(i - centre) / factor) * (1 - Math.abs(j - centre) / factor);
    }
  }
  return filt;
}

/**
 * A transposed-convolution filter that performs bilinear upsampling, in TF.js's `conv2dTranspose`
 * layout [k, k, outChannels, inChannels]. Only the diagonal (input channel c to output channel c) holds the
 * bilinear filter; every other channel pair is zero. With stride s, padding s/2 and k = 2s, the transposed
 * conv scales height and width by s (the chapter's k=4/s=2/p=1 and k=64/s=32/p=16).
 */
export function bilinearKernel(inChannels: number, outChannels: number, kernelSize: number): tf.Tensor4D {
  const filt = bilinearFilter(kernelSize);
  const values = new Float32Array(kernelSize * kernelSize * outChannels * inChannels);
  const diagonal = Math.min(inChannels, outChannels);
  for (let p = 0; p < kernelSize * kernelSize; p++) {
    for (let c = 0; c < diagonal; c++) {
      values[(p * outChannels + c) * inChannels + c] = filt[p]!;
    }
  }
  return tf.tensor4d(values, [kernelSize, kernelSize, outChannels, inChannels]);
}
