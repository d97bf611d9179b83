import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { float32Heap } from './heap.js';
import { simdKernels, simdSupported } from './simd/simd-module.js';
import type { WasmScratch } from './wasm-scratch.js';
import { simdTilePasses } from './winograd-simd.js';
import {
  type FilterPass,
  type InputTilePass,
  inputTileJs,
  type OutputTilePass,
  outputTileJs,
  transformFilter,
  transformInput,
  transformOutput,
  winogradTiling,
} from './winograd-transforms.js';

/** The SIMD passes where the module runs and the channels come in fours, else JavaScript's. */
function tilePasses(
  backend: BackendWasm,
  channels: number,
): { input: InputTilePass; output: OutputTilePass; filter: FilterPass } {
  if (channels % 4 === 0 && simdSupported()) return simdTilePasses(simdKernels(backend));
  return { input: inputTileJs, output: outputTileJs, filter: transformFilter };
}

/**
 * Transformed filters kept for filters used more than once (inference: the same weights every call),
 * keyed by the filter's data id. Each holds 16 tensors Uₖ [1, Cin, Cout] on the wasm heap, whose
 * XNNPACK packing the backend's matrix-product cache then keeps too. An entry is freed at the first
 * Winograd convolution after its filter is disposed.
 */
const kept = new Map<object, TensorInfo[]>();

function freeKeptOfDisposedFilters(backend: BackendWasm): void {
  for (const [dataId, u] of kept) {
    if (backend.dataIdMap.has(dataId)) continue;
    for (const info of u) backend.disposeData(info.dataId);
    kept.delete(dataId);
  }
}

/** How many filters have transformed copies kept (for tests). */
export function keptWinogradFilters(): number {
  return kept.size;
}

/**
 * Whether a 3x3 stride-1 convolution goes through {@link convByWinograd}: float32 NHWC, at least 16
 * channels in and out (below that the 16 matrix products are too thin for XNNPACK to run well), and
 * enough tiles to amortise the transforms. A filter seen before (`reused`) has its transform kept, so
 * only the products and the input and output passes remain: worth it from a handful of tiles. A new
 * filter (training: new weights every step) also pays for transforming it and for XNNPACK packing
 * 16 matrices of Cin x Cout (16/9 of the weights): only where there are at least Cin / 4 tiles
 * (measured: ResNet-18's layer4 at batch 1, 40 tiles for 512 channels, is slower this way; at batch 4,
 * 150 tiles, 1.6x faster).
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
 * y = conv2d(x, W) for a 3x3 stride-1 filter (any dilation and padding) by Winograd's F(2x2, 3x3):
 * input transform, 16 XNNPACK matrix products Vₖ [tiles, Cin] x Uₖ [Cin, Cout] (threaded), output
 * transform. `keep` keeps the filter's transform for the next call with the same filter.
 */
export function convByWinograd(
  scratch: WasmScratch,
  x: TensorInfo,
  filter: TensorInfo,
  pads: { top: number; left: number },
  dilation: [number, number],
  outShape: [number, number, number, number],
  keep: boolean,
): TensorInfo {
  const { backend } = scratch;
  const [, , inChannels, outChannels] = filter.shape as [number, number, number, number];
  const tiling = winogradTiling(x.shape as [number, number, number, number], outShape, pads, dilation);
  freeKeptOfDisposedFilters(backend);

  let u = kept.get(filter.dataId);
  const v = Array.from({ length: 16 }, () => scratch.allocate([1, tiling.tiles, inChannels]));
  const zeros = scratch.allocate([inChannels]);
  if (u === undefined) {
    u = Array.from({ length: 16 }, () =>
      keep
        ? backend.makeOutput([1, inChannels, outChannels], 'float32')
        : scratch.allocate([1, inChannels, outChannels]),
    );
    const { heap, offsetOf } = float32Heap(backend, filter);
    const { filter: transform } = tilePasses(backend, outChannels);
    transform(heap, offsetOf(filter), inChannels, outChannels, u.map(offsetOf));
    if (keep) kept.set(filter.dataId, u);
  }
  {
    const { heap, offsetOf } = float32Heap(backend, x);
    heap.fill(0, offsetOf(zeros), offsetOf(zeros) + inChannels);
    const { input } = tilePasses(backend, inChannels);
    transformInput(heap, offsetOf(x), inChannels, tiling, offsetOf(zeros), v.map(offsetOf), input);
  }
  scratch.free(zeros);

  const products = v.map((vk, k) => {
    const product = scratch.run('BatchMatMul', { a: vk, b: u[k]! }, { transposeA: false, transposeB: false });
    scratch.free(vk);
    return product;
  });
  if (!kept.has(filter.dataId)) for (const uk of u) scratch.free(uk);

  const y = scratch.allocate(outShape);
  const discard = scratch.allocate([outChannels]);
  const { heap, offsetOf } = float32Heap(backend, y);
  const { output } = tilePasses(backend, outChannels);
  transformOutput(heap, products.map(offsetOf), outChannels, tiling, offsetOf(y), offsetOf(discard), output);
  return y;
}
