import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type SimdKernels, simdKernels, simdSupported } from './simd/simd-module.js';
import { jsPasses, type WinogradPasses } from './winograd-transforms.js';
import type { WinogradVariant } from './winograd-variants.js';

/** The SIMD passes where the module runs and the channels come in fours, else JavaScript's on `heap`. */
export function winogradPasses(
  backend: BackendWasm,
  heap: Float32Array,
  variant: WinogradVariant,
  channels: number,
): WinogradPasses {
  if (channels % 4 === 0 && simdSupported()) return simdPasses(simdKernels(backend), variant);
  return jsPasses(heap, variant);
}

type Fn = (...args: number[]) => void;

/**
 * `variant`'s passes on the SIMD module (`simd/winograd-code.ts`), four channels at a time: for
 * channel counts that are a multiple of 4 (the JavaScript passes take the others). Offsets in, byte
 * addresses out.
 */
export function simdPasses(kernels: SimdKernels, variant: WinogradVariant): WinogradPasses {
  const { alpha, m } = variant;
  const {
    [`wino_in_${m}`]: input,
    [`wino_out_${m}`]: output,
    [`wino_filter_${m}`]: filter,
    [`wino_dy_${m}`]: outputGrad,
    [`wino_fgrad_${m}`]: filterGrad,
  } = kernels as unknown as Record<string, Fn>;
  if (!input || !output || !filter || !outputGrad || !filterGrad) {
    throw new Error(`the SIMD module has no Winograd passes for m = ${m}`);
  }
  const patch = alpha * alpha;
  const inArgs = new Array<number>(2 * patch + 3);
  const outArgs = new Array<number>(patch + m * m + 3);
  const run = (args: number[], at: number, channels: number, count: number, step: number) => {
    args[at] = channels * 4;
    args[at + 1] = count;
    args[at + 2] = step * 4;
  };
  return {
    input(src, dst, tile, channels, count, step) {
      const offset = tile * channels;
      for (let k = 0; k < patch; k++) {
        inArgs[k] = src[k]! * 4;
        inArgs[patch + k] = (dst[k]! + offset) * 4;
      }
      run(inArgs, 2 * patch, channels, count, step);
      input(...inArgs);
    },
    output(products, out, tile, channels, count, step) {
      const offset = tile * channels;
      for (let k = 0; k < patch; k++) outArgs[k] = (products[k]! + offset) * 4;
      for (let k = 0; k < m * m; k++) outArgs[patch + k] = out[k]! * 4;
      run(outArgs, patch + m * m, channels, count, step);
      output(...outArgs);
    },
    filter(src, inChannels, outChannels, out) {
      const tap = inChannels * outChannels * 4;
      filter(src * 4, tap, ...out.map((offset) => offset * 4), tap);
    },
    outputGrad(src, dst, tile, channels, count, step) {
      const offset = tile * channels;
      for (let k = 0; k < m * m; k++) outArgs[k] = src[k]! * 4;
      for (let k = 0; k < patch; k++) outArgs[m * m + k] = (dst[k]! + offset) * 4;
      run(outArgs, patch + m * m, channels, count, step);
      outputGrad(...outArgs);
    },
    filterGrad(products, dW, inChannels, outChannels) {
      const tap = inChannels * outChannels * 4;
      filterGrad(...products.map((offset) => offset * 4), dW * 4, tap, tap);
    },
  };
}
