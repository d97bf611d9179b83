import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { ForwardConv } from './conv-geometry.js';
import { filterGradIm2colCostNs } from './filter-grad-im2col.js';
import { float32Heap } from './heap.js';
import { simdSupported } from './simd/simd-module.js';
import { matrixTranspose, transposeOnHeap } from './transpose.js';
import type { WasmScratch } from './wasm-scratch.js';
import { inputTransform } from './winograd-conv.js';
import { winogradPasses } from './winograd-simd.js';
import { tileCount, transformOutputGrad, winogradTiling } from './winograd-transforms.js';
import { F2X2_3X3, F4X4_3X3, type WinogradVariant } from './winograd-variants.js';
import { PASS_NS, productNs } from './xnnpack-costs.js';

/**
 * dW of a 3x3 stride-1 convolution by Winograd's minimal filtering, the adjoint of the forward's
 * (`winograd-conv.ts`): the forward computes each m x m tile of outputs as Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A,
 * so the filter's gradient, summed over tiles and images, is
 *
 *   dW[ci, co] = Gᵀ [ Σ_tiles Vₖ[tile, ci] · Dₖ[tile, co] ]ₖ G,   V = Bᵀ d B,  D = A dy Aᵀ
 *
 * — alpha² matrix products Mₖ = Vₖᵀ [Cin, tiles] x Dₖ [tiles, Cout] on XNNPACK (which packs the Dₖ),
 * then the 3x3 taps of every (ci, co) from its alpha² values. F(4x4, 3x3) does 36/144 of the im2col
 * product's multiplies, F(2x2, 3x3) 64/144; the price is packing Dₖ (alpha²/m² times dy) where the
 * im2col product packs dy once, and transposing the Vₖ. Needs the SIMD module (its transposes).
 */
export function filterGradByWinograd(
  scratch: WasmScratch,
  x: TensorInfo,
  dy: TensorInfo,
  conv: ForwardConv,
  variant: WinogradVariant,
): TensorInfo {
  const { backend } = scratch;
  const inChannels = x.shape[3]!;
  const outChannels = dy.shape[3]!;
  const { alpha } = variant;
  const k = alpha * alpha;
  const tiling = winogradTiling(
    x.shape as [number, number, number, number],
    dy.shape as [number, number, number, number],
    { top: conv.pads.top, left: conv.pads.left },
    [1, 1],
    variant.m,
  );
  const { tiles } = tiling;
  const v = scratch.allocate([k, tiles, inChannels]);
  const d = Array.from({ length: k }, () => scratch.allocate([1, tiles, outChannels]));
  const vStart = float32Heap(backend, v).offsetOf(v);
  inputTransform(
    scratch,
    x,
    tiling,
    variant,
    Array.from({ length: k }, (_, i) => vStart + i * tiles * inChannels),
  );
  // D = A dy Aᵀ; outputs of a tile outside the image read a row of zeros.
  const zeros = scratch.allocate([dy.shape[2]!, outChannels]);
  {
    const { heap, offsetOf } = float32Heap(backend, zeros);
    heap.fill(0, offsetOf(zeros), offsetOf(zeros) + dy.shape[2]! * outChannels);
    const { outputGrad } = winogradPasses(backend, heap, variant, outChannels);
    transformOutputGrad(offsetOf(dy), outChannels, tiling, offsetOf(zeros), d.map(offsetOf), outputGrad);
  }
  scratch.free(zeros);
  const products = d.map((dk, i) => {
    const vT = scratch.allocate([1, inChannels, tiles]);
    transposeOnHeap(scratch, v, vT, matrixTranspose(tiles, inChannels), i * tiles * inChannels);
    const product = scratch.run('BatchMatMul', { a: vT, b: dk }, { transposeA: false, transposeB: false });
    scratch.free(vT);
    scratch.free(dk);
    return product;
  });
  scratch.free(v);
  const dW = scratch.allocate([3, 3, inChannels, outChannels]);
  const { heap, offsetOf } = float32Heap(backend, dW);
  winogradPasses(backend, heap, variant, outChannels).filterGrad(
    products.map(offsetOf),
    offsetOf(dW),
    inChannels,
    outChannels,
  );
  return dW;
}

/**
 * The variant for {@link filterGradByWinograd}, or null where the im2col product
 * (`filter-grad-im2col.ts`) is estimated cheaper (`xnnpack-costs.ts`) or Winograd does not apply: 3x3,
 * stride 1, at least 16 channels in and out, the SIMD module. ResNet-18 at 320x480, batch 1: F(4x4) for
 * layers 1-3, F(2x2) for layer4.
 */
export function winogradFilterGradVariant(
  conv: ForwardConv,
  inputShape: number[],
  dyShape: number[],
): WinogradVariant | null {
  const [kh, kw] = conv.filter;
  const [sh, sw] = conv.strides;
  const inChannels = inputShape[3]!;
  const [batch, outHeight, outWidth, outChannels] = dyShape as [number, number, number, number];
  if (kh !== 3 || kw !== 3 || sh !== 1 || sw !== 1 || !simdSupported()) return null;
  if (inChannels < 16 || outChannels < 16) return null;
  let best: WinogradVariant | null = null;
  let bestNs = filterGradIm2colCostNs(conv, inputShape, batch * outHeight * outWidth, outChannels);
  for (const variant of [F2X2_3X3, F4X4_3X3]) {
    const k = variant.alpha * variant.alpha;
    const tiles = tileCount(dyShape, [1, 1], variant.m);
    const ns =
      productNs(k * tiles * outChannels, k, 2 * k * tiles * inChannels * outChannels) +
      PASS_NS * k * (2 * tiles * inChannels + tiles * outChannels + inChannels * outChannels);
    if (ns < bestNs) {
      best = variant;
      bestNs = ns;
    }
  }
  return best;
}
