import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { float32Heap } from './heap.js';
import { simdSupported } from './simd/simd-module.js';
import { matrixTranspose, transposeOnHeap } from './transpose.js';
import type { WasmScratch } from './wasm-scratch.js';
import { winogradPasses } from './winograd-simd.js';
import {
  tileCount,
  transformInput,
  transformOutput,
  type WinogradTiling,
  winogradTiling,
} from './winograd-transforms.js';
import { F2X2_3X3, F4X4_3X3, type WinogradVariant } from './winograd-variants.js';
import { PASS_NS, productNs } from './xnnpack-costs.js';

/** A reused filter's transform: the variant's alpha² matrices Uₖ [1, Cin, Cout] on the wasm heap. */
interface KeptTransform {
  /** The backend whose heap holds `u` (a picker may replace the wasm backend to change its threads). */
  backend: BackendWasm;
  variant: WinogradVariant;
  u: TensorInfo[];
  bytes: number;
}

/**
 * Transformed filters kept for filters used more than once (inference: the same weights every call),
 * keyed by the filter's data id; XNNPACK's matrix-product cache then keeps their packing too. An entry
 * is freed at the first Winograd convolution after its filter is disposed (or its backend replaced). At most
 * {@link KEPT_BYTES_LIMIT} are kept (F(4x4) transforms hold 4x the filter): past it a filter is
 * transformed at every call.
 */
const kept = new Map<object, KeptTransform>();
let keptBytes = 0;
export const KEPT_BYTES_LIMIT = 512 * 2 ** 20;

function freeKeptOfDisposedFilters(backend: BackendWasm): void {
  for (const [dataId, entry] of kept) {
    const current = entry.backend === backend;
    if (current && backend.dataIdMap.has(dataId)) continue;
    // A replaced backend's module is gone (or goes with its own memory): nothing to free there.
    if (current) for (const info of entry.u) backend.disposeData(info.dataId);
    keptBytes -= entry.bytes;
    kept.delete(dataId);
  }
}

/** How many filters have transformed copies kept (for tests). */
export function keptWinogradFilters(): number {
  return kept.size;
}

/**
 * The variant for a reused filter (its transform kept and packed once): F(4x4, 3x3) (2.25 multiplies
 * an output instead of 4) where its tiles are at least 32 and cover the output with little waste (at
 * most 1/4 more outputs than the output has), else F(2x2, 3x3). ResNet-18's layer3 at 320x480, batch 1
 * (40 tiles of 4x4), A/B on 2 threads: 8.7 -> 7.5 ms.
 */
export function winogradVariant(outShape: number[], dilation: [number, number]): WinogradVariant {
  const outputs = outShape[0]! * outShape[1]! * outShape[2]!;
  const tiles4 = tileCount(outShape, dilation, 4);
  return tiles4 >= 32 && tiles4 * 16 <= 1.25 * outputs ? F4X4_3X3 : F2X2_3X3;
}

/**
 * Whether a 3x3 stride-1 convolution goes through {@link convByWinograd}: float32 NHWC, at least 16
 * channels in and out (below that the matrix products are too thin for XNNPACK to run well), and
 * enough tiles to amortise the transforms: 16 of 2x2. Without the SIMD module (`canPackInput` false), a
 * new filter (training: new weights every step) also needs at least Cin / 4 tiles, since XNNPACK then
 * packs the filter's transform (16/9 or 4x the weights) at every call; with it, the products pack the
 * input's transform where that is smaller ({@link winogradPlan}): ResNet-18's layer4 at batch 1, 40
 * tiles for 512 channels, 30 -> 21 ms against one matrix product over the im2col.
 */
export function prefersWinograd(
  filterShape: number[],
  strides: [number, number],
  outPixels: number,
  reused: boolean,
  canPackInput = simdSupported(),
): boolean {
  const [kh, kw, inChannels, outChannels] = filterShape as [number, number, number, number];
  if (kh !== 3 || kw !== 3 || strides[0] !== 1 || strides[1] !== 1) return false;
  if (inChannels < 16 || outChannels < 16) return false;
  const tiles = outPixels / 4;
  return reused || canPackInput ? tiles >= 16 : 4 * tiles >= inChannels;
}

/**
 * Which operand of the alpha² matrix products XNNPACK packs. Its fully-connected kernel repacks its
 * right operand on every call with new values (`xnnpack-costs.ts`), nearly the products' own time at
 * these sizes. `'filter'`: Vₖ [tiles, Cin] x Uₖ [Cin, Cout], packing the filter's transform, the only
 * choice worth its keeping for a reused filter (XNNPACK keeps it packed too). `'input'`: Uₖᵀ [Cout, Cin]
 * x Vₖᵀ [Cin, tiles], packing the input's transform, smaller where there are fewer tiles than output
 * channels (ResNet-18's layer3 at batch 1: 40 tiles of 4x4 for 256 channels), at the price of
 * transposing the Vₖ and the products.
 */
export type WinogradPacking = 'filter' | 'input';

export interface WinogradPlan {
  variant: WinogradVariant;
  packs: WinogradPacking;
}

export interface WinogradPlanOptions {
  /** Whether the products may pack the input's transform (needs the SIMD module's transposes). */
  canPackInput?: boolean;
  /** The convolution is with W flipped ({@link WinogradFilter}). */
  flipped?: boolean;
}

/**
 * The variant and packed operand for a convolution from `inChannels` to `outChannels`. A reused filter
 * keeps its transform packed: {@link winogradVariant}, packing the filter. A new filter (training)
 * takes the variant and packing of least {@link winogradCostNs}. ResNet-18 at 320x480, new filters:
 * layer1-2 pack the filter with F(4x4); layer3 packs the input with F(4x4) (batch 1: 15.1 -> 10.5 ms),
 * layer4 packs the input, with F(2x2) at batch 1 and F(4x4) from batch 2 (batch 4: 67.7 -> 45.9 ms).
 */
export function winogradPlan(
  outShape: number[],
  dilation: [number, number],
  inChannels: number,
  outChannels: number,
  reused: boolean,
  { canPackInput = simdSupported(), flipped = false }: WinogradPlanOptions = {},
): WinogradPlan {
  if (reused) return { variant: winogradVariant(outShape, dilation), packs: 'filter' };
  const packings: WinogradPacking[] = canPackInput ? ['filter', 'input'] : ['filter'];
  const options = [F2X2_3X3, F4X4_3X3].flatMap((variant) => packings.map((packs) => ({ variant, packs })));
  const cost = (plan: WinogradPlan) =>
    winogradCostNs(plan, outShape, dilation, inChannels, outChannels, flipped);
  return options.reduce((best, option) => (cost(option) < cost(best) ? option : best));
}

/**
 * The estimated time of {@link convByWinograd} with a new filter (`xnnpack-costs.ts`): XNNPACK packing
 * the products' right operands, the products, and the values the transforms, transposes and copies
 * write.
 */
export function winogradCostNs(
  { variant, packs }: WinogradPlan,
  outShape: number[],
  dilation: [number, number],
  inChannels: number,
  outChannels: number,
  flipped: boolean,
): number {
  const k = variant.alpha * variant.alpha;
  const tiles = tileCount(outShape, dilation, variant.m);
  const u = k * inChannels * outChannels;
  const v = k * tiles * inChannels;
  const products = k * tiles * outChannels;
  // Packing the input transposes the Vₖ and the products; the taps are copied unless W is used as it is.
  const transposed = packs === 'input' ? v + products : 0;
  const taps = packs === 'filter' && !flipped ? 0 : 9 * inChannels * outChannels;
  return (
    productNs(packs === 'filter' ? u : v, k, 2 * k * tiles * inChannels * outChannels) +
    PASS_NS * (u + v + products + transposed + taps)
  );
}

/** What {@link convByWinograd} convolves with. */
export interface WinogradFilter {
  /** The HWIO 3x3 filter W. */
  filter: TensorInfo;
  /**
   * Convolve with W rotated 180° and its channel axes swapped (the convolution that is dX of a
   * stride-1 convolution with W: from W's output channels to its input channels).
   */
  flipped: boolean;
}

/**
 * y = conv2d(x, W) for a 3x3 stride-1 filter (any dilation and padding) by Winograd's minimal
 * filtering (`winograd-variants.ts`): input transform, alpha² XNNPACK matrix products
 * (threaded; which operand they pack: {@link WinogradPacking}), output transform. `keep` keeps the
 * filter's transform for the next call with the same filter (a reused one; not for a flipped one).
 * `plan` defaults to {@link winogradPlan}'s choice.
 */
export function convByWinograd(
  scratch: WasmScratch,
  x: TensorInfo,
  { filter, flipped }: WinogradFilter,
  pads: { top: number; left: number },
  dilation: [number, number],
  outShape: [number, number, number, number],
  keep: boolean,
  plan = winogradPlan(outShape, dilation, x.shape[3]!, outShape[3], keep, { flipped }),
): TensorInfo {
  const { variant } = plan;
  const outChannels = outShape[3];
  const tiling = winogradTiling(
    x.shape as [number, number, number, number],
    outShape,
    pads,
    dilation,
    variant.m,
  );
  freeKeptOfDisposedFilters(scratch.backend);
  const keepThis = keep && !flipped;
  const packInput = plan.packs === 'input' && !keepThis && simdSupported();
  const products = packInput
    ? productsPackingInput(scratch, x, { filter, flipped }, tiling, variant)
    : productsPackingFilter(scratch, x, { filter, flipped }, tiling, variant, keepThis);
  const y = scratch.allocate(outShape);
  const discard = scratch.allocate([outShape[2], outChannels]);
  const { heap, offsetOf } = float32Heap(scratch.backend, y);
  const { output } = winogradPasses(scratch.backend, heap, variant, outChannels);
  transformOutput(products, outChannels, tiling, offsetOf(y), offsetOf(discard), output);
  return y;
}

/**
 * The 3x3 filter of the convolution `w` describes, taps in order, with its channels as
 * `[in, out]` (`outFirst` false) or `[out, in]` of that convolution: `w.filter` itself where it is
 * already so, else a copy (taps reversed where flipped, each tap transposed where the order differs
 * from W's own).
 */
function tapsInLayout(
  scratch: WasmScratch,
  { filter, flipped }: WinogradFilter,
  outFirst: boolean,
): TensorInfo {
  // W's own layout is [in, out] of W, which is [out, in] of the flipped convolution.
  const transposeTaps = outFirst !== flipped;
  if (!flipped && !transposeTaps) return filter;
  const [, , rows, cols] = filter.shape as [number, number, number, number];
  const tap = rows * cols;
  const out = scratch.allocate(transposeTaps ? [3, 3, cols, rows] : [3, 3, rows, cols]);
  const { heap, offsetOf } = float32Heap(scratch.backend, out);
  for (let t = 0; t < 9; t++) {
    const from = t * tap;
    const to = (flipped ? 8 - t : t) * tap;
    if (transposeTaps) transposeOnHeap(scratch, filter, out, matrixTranspose(rows, cols), from, to);
    else heap.copyWithin(offsetOf(out) + to, offsetOf(filter) + from, offsetOf(filter) + from + tap);
  }
  return out;
}

/**
 * Vₖ of every tile of `x` into `out` (the alpha² matrices [tiles, Cin] at element offsets `out[k]`), taps
 * outside `x` reading a row of zeros made for the call.
 */
export function inputTransform(
  scratch: WasmScratch,
  x: TensorInfo,
  tiling: WinogradTiling,
  variant: WinogradVariant,
  out: number[],
): void {
  const inChannels = x.shape[3]!;
  const zeros = scratch.allocate([x.shape[2]!, inChannels]);
  const { heap, offsetOf } = float32Heap(scratch.backend, x);
  heap.fill(0, offsetOf(zeros), offsetOf(zeros) + x.shape[2]! * inChannels);
  const { input } = winogradPasses(scratch.backend, heap, variant, inChannels);
  transformInput(offsetOf(x), inChannels, tiling, offsetOf(zeros), out, input);
  scratch.free(zeros);
}

/**
 * The products Mₖ = Vₖ [tiles, Cin] x Uₖ [Cin, Cout] (XNNPACK packs Uₖ), with the filter's transform
 * taken from or put into the kept ones as `keep` says.
 */
function productsPackingFilter(
  scratch: WasmScratch,
  x: TensorInfo,
  w: WinogradFilter,
  tiling: WinogradTiling,
  variant: WinogradVariant,
  keep: boolean,
): number[] {
  const { backend } = scratch;
  const inChannels = x.shape[3]!;
  const k = variant.alpha * variant.alpha;
  const known = kept.get(w.filter.dataId);
  let u = known?.variant === variant && !w.flipped ? known.u : undefined;
  const v = Array.from({ length: k }, () => scratch.allocate([1, tiling.tiles, inChannels]));
  if (u === undefined) {
    const taps = tapsInLayout(scratch, w, false);
    const outChannels = taps.shape[3]!;
    const bytes = k * inChannels * outChannels * 4;
    const keepThis = keep && known === undefined && keptBytes + bytes <= KEPT_BYTES_LIMIT;
    u = Array.from({ length: k }, () =>
      keepThis
        ? backend.makeOutput([1, inChannels, outChannels], 'float32')
        : scratch.allocate([1, inChannels, outChannels]),
    );
    const { heap, offsetOf } = float32Heap(backend, taps);
    winogradPasses(backend, heap, variant, outChannels).filter(
      offsetOf(taps),
      inChannels,
      outChannels,
      u.map(offsetOf),
    );
    scratch.free(taps);
    if (keepThis) {
      kept.set(w.filter.dataId, { backend, variant, u, bytes });
      keptBytes += bytes;
    }
  }
  const { offsetOf } = float32Heap(backend, x);
  inputTransform(scratch, x, tiling, variant, v.map(offsetOf));
  const products = v.map((vk, i) => {
    const product = scratch.run('BatchMatMul', { a: vk, b: u[i]! }, { transposeA: false, transposeB: false });
    scratch.free(vk);
    return product;
  });
  if (kept.get(w.filter.dataId)?.u !== u) for (const uk of u) scratch.free(uk);
  return products.map(offsetOf);
}

/**
 * The same products as Mₖᵀ = Uₖᵀ [Cout, Cin] x Vₖᵀ [Cin, tiles] (XNNPACK packs Vₖᵀ), transposed back
 * into one [alpha², tiles, Cout] buffer: Uₖᵀ is the filter transform of the taps as [Cout, Cin] (W's
 * own layout for a flipped convolution, else a SIMD transpose of each tap), and the Vₖ are written
 * into one buffer and transposed one by one into the products' right operands. Needs the SIMD module.
 */
function productsPackingInput(
  scratch: WasmScratch,
  x: TensorInfo,
  w: WinogradFilter,
  tiling: WinogradTiling,
  variant: WinogradVariant,
): number[] {
  const { backend } = scratch;
  const inChannels = x.shape[3]!;
  const { tiles } = tiling;
  const k = variant.alpha * variant.alpha;
  const taps = tapsInLayout(scratch, w, true);
  const outChannels = taps.shape[2]!;
  const uT = Array.from({ length: k }, () => scratch.allocate([1, outChannels, inChannels]));
  const { heap, offsetOf } = float32Heap(backend, taps);
  winogradPasses(backend, heap, variant, inChannels).filter(
    offsetOf(taps),
    outChannels,
    inChannels,
    uT.map(offsetOf),
  );
  scratch.free(taps);
  // Vₖ into one buffer, then each Vₖᵀ [Cin, tiles] on its own.
  const v = scratch.allocate([k, tiles, inChannels]);
  const vT = Array.from({ length: k }, () => scratch.allocate([1, inChannels, tiles]));
  const vStart = float32Heap(backend, v).offsetOf(v);
  inputTransform(
    scratch,
    x,
    tiling,
    variant,
    Array.from({ length: k }, (_, i) => vStart + i * tiles * inChannels),
  );
  for (let i = 0; i < k; i++) {
    transposeOnHeap(scratch, v, vT[i]!, matrixTranspose(tiles, inChannels), i * tiles * inChannels);
  }
  scratch.free(v);
  const products = scratch.allocate([k, tiles, outChannels]);
  for (let i = 0; i < k; i++) {
    const productT = scratch.run(
      'BatchMatMul',
      { a: uT[i]!, b: vT[i]! },
      { transposeA: false, transposeB: false },
    );
    scratch.free(uT[i]!);
    scratch.free(vT[i]!);
    transposeOnHeap(
      scratch,
      productT,
      products,
      matrixTranspose(outChannels, tiles),
      0,
      i * tiles * outChannels,
    );
    scratch.free(productT);
  }
  const start = float32Heap(backend, products).offsetOf(products);
  return Array.from({ length: k }, (_, i) => start + i * tiles * outChannels);
}
