import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { float32Heap } from './heap.js';
import { simdKernels, simdSupported } from './simd/simd-module.js';
import type { WasmScratch } from './wasm-scratch.js';
import { simdPasses } from './winograd-simd.js';
import {
  jsPasses,
  tileCount,
  transformInput,
  transformOutput,
  type WinogradPasses,
  winogradTiling,
} from './winograd-transforms.js';
import { F2X2_3X3, F4X4_3X3, type WinogradVariant } from './winograd-variants.js';

/** The SIMD passes where the module runs and the channels come in fours, else JavaScript's. */
function passes(
  backend: BackendWasm,
  heap: Float32Array,
  variant: WinogradVariant,
  channels: number,
): WinogradPasses {
  if (channels % 4 === 0 && simdSupported()) return simdPasses(simdKernels(backend), variant);
  return jsPasses(heap, variant);
}

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
 * The variant for an output of `outShape`: F(4x4, 3x3) (2.25 multiplies an output instead of 4) where
 * its tiles are at least 64 and cover the output with little waste (at most 1/4 more outputs than the
 * output has), and, for a new filter (`reused` false), at least one tile per input channel (its
 * transform and XNNPACK's packing of it are 4x the weights: measured slower below that, e.g. 50 ms
 * against 39 for ResNet-18's layer3 at batch 4); else F(2x2, 3x3).
 */
export function winogradVariant(
  outShape: number[],
  dilation: [number, number],
  inChannels: number,
  reused: boolean,
): WinogradVariant {
  const outputs = outShape[0]! * outShape[1]! * outShape[2]!;
  const tiles4 = tileCount(outShape, dilation, 4);
  const covers = tiles4 >= 64 && tiles4 * 16 <= 1.25 * outputs;
  return covers && (reused || tiles4 >= inChannels) ? F4X4_3X3 : F2X2_3X3;
}

/**
 * Whether a 3x3 stride-1 convolution goes through {@link convByWinograd}: float32 NHWC, at least 16
 * channels in and out (below that the matrix products are too thin for XNNPACK to run well), and
 * enough tiles to amortise the transforms. A filter seen before (`reused`) has its transform kept, so
 * only the products and the input and output passes remain: worth it from a handful of tiles. A new
 * filter (training: new weights every step) also pays for transforming it and for XNNPACK packing
 * the transformed matrices (16/9 or 4x the weights): only where there are at least Cin / 4 tiles of
 * 2x2 (measured: ResNet-18's layer4 at batch 1, 40 tiles for 512 channels, is slower this way; at
 * batch 4, 150 tiles, 1.6x faster).
 */
export function prefersWinograd(
  filterShape: number[],
  strides: [number, number],
  outPixels: number,
  reused: boolean,
): boolean {
  const [kh, kw, inChannels, outChannels] = filterShape as [number, number, number, number];
  if (kh !== 3 || kw !== 3 || strides[0] !== 1 || strides[1] !== 1) return false;
  if (inChannels < 16 || outChannels < 16) return false;
  const tiles = outPixels / 4;
  return reused ? tiles >= 16 : 4 * tiles >= inChannels;
}

/**
 * y = conv2d(x, W) for a 3x3 stride-1 filter (any dilation and padding) by Winograd's minimal
 * filtering (`winograd-variants.ts`): input transform, alpha² XNNPACK matrix products
 * Vₖ [tiles, Cin] x Uₖ [Cin, Cout] (threaded), output transform. `keep` keeps the filter's transform
 * for the next call with the same filter (a reused one). `variant` defaults to {@link winogradVariant}'s
 * choice.
 */
export function convByWinograd(
  scratch: WasmScratch,
  x: TensorInfo,
  filter: TensorInfo,
  pads: { top: number; left: number },
  dilation: [number, number],
  outShape: [number, number, number, number],
  keep: boolean,
  variant = winogradVariant(outShape, dilation, x.shape[3]!, keep),
): TensorInfo {
  const { backend } = scratch;
  const [, , inChannels, outChannels] = filter.shape as [number, number, number, number];
  const { alpha, m } = variant;
  const tiling = winogradTiling(x.shape as [number, number, number, number], outShape, pads, dilation, m);
  freeKeptOfDisposedFilters(backend);

  const known = kept.get(filter.dataId);
  let u = known?.variant === variant ? known.u : undefined;
  const v = Array.from({ length: alpha * alpha }, () => scratch.allocate([1, tiling.tiles, inChannels]));
  const zeros = scratch.allocate([inChannels]);
  if (u === undefined) {
    const bytes = alpha * alpha * inChannels * outChannels * 4;
    const keepThis = keep && known === undefined && keptBytes + bytes <= KEPT_BYTES_LIMIT;
    u = Array.from({ length: alpha * alpha }, () =>
      keepThis
        ? backend.makeOutput([1, inChannels, outChannels], 'float32')
        : scratch.allocate([1, inChannels, outChannels]),
    );
    const { heap, offsetOf } = float32Heap(backend, filter);
    passes(backend, heap, variant, outChannels).filter(
      offsetOf(filter),
      inChannels,
      outChannels,
      u.map(offsetOf),
    );
    if (keepThis) {
      kept.set(filter.dataId, { backend, variant, u, bytes });
      keptBytes += bytes;
    }
  }
  {
    const { heap, offsetOf } = float32Heap(backend, x);
    heap.fill(0, offsetOf(zeros), offsetOf(zeros) + inChannels);
    const { input } = passes(backend, heap, variant, inChannels);
    transformInput(offsetOf(x), inChannels, tiling, offsetOf(zeros), v.map(offsetOf), input);
  }
  scratch.free(zeros);

  const products = v.map((vk, k) => {
    const product = scratch.run('BatchMatMul', { a: vk, b: u[k]! }, { transposeA: false, transposeB: false });
    scratch.free(vk);
    return product;
  });
  if (kept.get(filter.dataId)?.u !== u) for (const uk of u) scratch.free(uk);

  const y = scratch.allocate(outShape);
  const discard = scratch.allocate([outChannels]);
  const { heap, offsetOf } = float32Heap(backend, y);
  const { output } = passes(backend, heap, variant, outChannels);
  transformOutput(products.map(offsetOf), outChannels, tiling, offsetOf(y), offsetOf(discard), output);
  return y;
}
