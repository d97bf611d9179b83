import type { SimdKernels } from './simd/simd-module.js';
import type { FilterPass, InputTilePass, OutputTilePass } from './winograd-transforms.js';

/**
 * The Winograd tile passes on the SIMD module (`simd/winograd-code.ts`), four channels at a time.
 * For channel counts that are a multiple of 4 (the JavaScript passes take the others).
 */
export function simdTilePasses(kernels: SimdKernels): {
  input: InputTilePass;
  output: OutputTilePass;
  filter: FilterPass;
} {
  const inArgs = new Array<number>(33);
  const outArgs = new Array<number>(21);
  return {
    input(_heap, src, dst, tile, channels) {
      const offset = tile * channels;
      for (let k = 0; k < 16; k++) {
        inArgs[k] = src[k]! * 4;
        inArgs[16 + k] = (dst[k]! + offset) * 4;
      }
      inArgs[32] = channels * 4;
      kernels.wino_in(...inArgs);
    },
    output(_heap, m, out, tile, channels) {
      const offset = tile * channels;
      for (let k = 0; k < 16; k++) outArgs[k] = (m[k]! + offset) * 4;
      for (let k = 0; k < 4; k++) outArgs[16 + k] = out[k]! * 4;
      outArgs[20] = channels * 4;
      kernels.wino_out(...outArgs);
    },
    filter(_heap, filter, inChannels, outChannels, out) {
      const tap = inChannels * outChannels * 4;
      kernels.wino_filter(filter * 4, tap, ...out.map((offset) => offset * 4), tap);
    },
  };
}
