/**
 * The three passes of a Winograd 3x3 convolution (`winograd-variants.ts`) over float32 arrays, indexed
 * from element offsets so they run on the wasm heap in place: the filter transform U = G g Gᵀ, the
 * input transform V = Bᵀ d B of every tile, and the output transform Y = Aᵀ M A of the products.
 * Here in JavaScript, one channel at a time; `simd/winograd-code.ts` generates the same passes as SIMD
 * code for channels in fours.
 *
 * Dilation d is carried by the tiling: outputs y, y + d, …, y + (m − 1)d form a tile, whose patch is
 * the input at y + d·{0, …, m + 1} − pad.
 */
import { transposed, type WinogradVariant } from './winograd-variants.js';

/** Where the tiles of one convolution lie: NHWC input and output, 3x3 filter, stride 1. */
export interface WinogradTiling {
  batch: number;
  inHeight: number;
  inWidth: number;
  outHeight: number;
  outWidth: number;
  padTop: number;
  padLeft: number;
  dilation: [number, number];
  /** Outputs per tile side (the variant's m) and the patch side (m + 2). */
  m: number;
  alpha: number;
  /** Tile origins (output row and column of the tile's first output), per image. */
  rows: Int32Array;
  cols: Int32Array;
  tiles: number;
}

/** Tile origins along one axis: per phase p < d, outputs p, p + md, p + 2md, … */
function tileOrigins(outSize: number, dilation: number, m: number): Int32Array {
  const origins: number[] = [];
  for (let phase = 0; phase < dilation && phase < outSize; phase++) {
    for (let o = phase; o < outSize; o += m * dilation) origins.push(o);
  }
  return Int32Array.from(origins);
}

export function winogradTiling(
  inShape: [number, number, number, number],
  outShape: [number, number, number, number],
  pads: { top: number; left: number },
  dilation: [number, number],
  m: number,
): WinogradTiling {
  const [batch, inHeight, inWidth] = inShape;
  const [, outHeight, outWidth] = outShape;
  const rows = tileOrigins(outHeight, dilation[0], m);
  const cols = tileOrigins(outWidth, dilation[1], m);
  return {
    batch,
    inHeight,
    inWidth,
    outHeight,
    outWidth,
    padTop: pads.top,
    padLeft: pads.left,
    dilation,
    m,
    alpha: m + 2,
    rows,
    cols,
    tiles: batch * rows.length * cols.length,
  };
}

/** Tiles in a convolution's output with tiles of m x m (per dilation phase). */
export function tileCount(outShape: number[], dilation: [number, number], m: number): number {
  const [batch, outHeight, outWidth] = outShape as [number, number, number];
  return batch * tileOrigins(outHeight, dilation[0], m).length * tileOrigins(outWidth, dilation[1], m).length;
}

/**
 * One tile of {@link transformInput}: reads the patch at element offsets `src` (row-major) and writes
 * its transformed values per channel at `dst[k] + tile · channels`.
 */
export type InputTilePass = (src: Int32Array, dst: Int32Array, tile: number, channels: number) => void;

/**
 * One tile of {@link transformOutput}: reads the products at `m[k] + tile · channels` and writes the
 * tile's outputs at element offsets `out` (row-major).
 */
export type OutputTilePass = (m: Int32Array, out: Int32Array, tile: number, channels: number) => void;

/** U = G g Gᵀ of an HWIO 3x3 filter at `filter` into the matrices Uₖ [Cin, Cout] at `out[k]`. */
export type FilterPass = (
  filter: number,
  inChannels: number,
  outChannels: number,
  out: readonly number[],
) => void;

/**
 * dW = Gᵀ M G (the adjoint of the filter transform) of the alpha² matrices Mₖ [Cin, Cout] at `products[k]`
 * into the HWIO 3x3 gradient at `dW`.
 */
export type FilterGradPass = (
  products: readonly number[],
  dW: number,
  inChannels: number,
  outChannels: number,
) => void;

/**
 * The passes of one variant: the convolution's three, and for its filter gradient (the adjoints of the
 * output and filter transforms) `outputGrad` (D = A dy Aᵀ of one tile: reads the m² outputs' gradients
 * at element offsets `src`, writes per channel at `dst[k] + tile · channels`) and `filterGrad`.
 */
export interface WinogradPasses {
  input: InputTilePass;
  output: OutputTilePass;
  filter: FilterPass;
  outputGrad: InputTilePass;
  filterGrad: FilterGradPass;
}

/**
 * V = Bᵀ d B for every tile and input channel of the NHWC input at `x`: writes Vₖ [tiles, C] at
 * `out[k]` (k = alpha·row + column). Taps outside the input read `zeros` (C zeros on the heap).
 */
export function transformInput(
  x: number,
  channels: number,
  tiling: WinogradTiling,
  zeros: number,
  out: readonly number[],
  pass: InputTilePass,
): void {
  const { batch, inHeight, inWidth, rows, cols, padTop, padLeft, dilation, alpha } = tiling;
  const src = new Int32Array(alpha * alpha);
  const dst = Int32Array.from(out);
  let tile = 0;
  for (let n = 0; n < batch; n++) {
    const image = x + n * inHeight * inWidth * channels;
    for (const row of rows) {
      for (const col of cols) {
        for (let s = 0; s < alpha; s++) {
          const iy = row + s * dilation[0] - padTop;
          for (let u = 0; u < alpha; u++) {
            const ix = col + u * dilation[1] - padLeft;
            const inside = iy >= 0 && iy < inHeight && ix >= 0 && ix < inWidth;
            src[alpha * s + u] = inside ? image + (iy * inWidth + ix) * channels : zeros;
          }
        }
        pass(src, dst, tile, channels);
        tile++;
      }
    }
  }
}

/**
 * Y = Aᵀ M A for every tile and output channel: reads Mₖ [tiles, C] at `products[k]` and writes the
 * NHWC output at `y`; outputs of a tile that fall outside the image go to `discard` (C floats).
 */
export function transformOutput(
  products: readonly number[],
  channels: number,
  tiling: WinogradTiling,
  y: number,
  discard: number,
  pass: OutputTilePass,
): void {
  const { batch, outHeight, outWidth, rows, cols, dilation, m } = tiling;
  const products32 = Int32Array.from(products);
  const out = new Int32Array(m * m);
  let tile = 0;
  for (let n = 0; n < batch; n++) {
    const image = y + n * outHeight * outWidth * channels;
    for (const row of rows) {
      for (const col of cols) {
        for (let i = 0; i < m; i++) {
          const r = row + i * dilation[0];
          for (let j = 0; j < m; j++) {
            const c = col + j * dilation[1];
            out[m * i + j] = r < outHeight && c < outWidth ? image + (r * outWidth + c) * channels : discard;
          }
        }
        pass(products32, out, tile, channels);
        tile++;
      }
    }
  }
}

/**
 * D = A dy Aᵀ for every tile and output channel of the NHWC gradient `dy` (of the convolution's output):
 * writes Dₖ [tiles, C] at `out[k]`. Outputs of a tile outside the image read `zeros` (C zeros on the heap).
 */
export function transformOutputGrad(
  dy: number,
  channels: number,
  tiling: WinogradTiling,
  zeros: number,
  out: readonly number[],
  pass: InputTilePass,
): void {
  const { batch, outHeight, outWidth, rows, cols, dilation, m } = tiling;
  const src = new Int32Array(m * m);
  const dst = Int32Array.from(out);
  let tile = 0;
  for (let n = 0; n < batch; n++) {
    const image = dy + n * outHeight * outWidth * channels;
    for (const row of rows) {
      for (const col of cols) {
        for (let i = 0; i < m; i++) {
          const r = row + i * dilation[0];
          for (let j = 0; j < m; j++) {
            const c = col + j * dilation[1];
            src[m * i + j] = r < outHeight && c < outWidth ? image + (r * outWidth + c) * channels : zeros;
          }
        }
        pass(src, dst, tile, channels);
        tile++;
      }
    }
  }
}

/** out = L · X · Rᵀ for X (p x q, row-major), with L (a x p) and R (b x q) as sparse rows. */
class Sandwich {
  private readonly left: [number, number][][];
  private readonly right: [number, number][][];
  private readonly middle: Float64Array;
  readonly inner: number;

  constructor(L: number[][], R: number[][]) {
    const sparse = (rows: number[][]) =>
      rows.map((row) => row.flatMap((coef, j) => (coef === 0 ? [] : [[j, coef] as [number, number]])));
    this.left = sparse(L);
    this.right = sparse(R);
    this.inner = R[0]!.length;
    this.middle = new Float64Array(L.length * this.inner);
  }

  apply(x: Float64Array, out: Float64Array): void {
    const { left, right, middle, inner } = this;
    for (let a = 0; a < left.length; a++) {
      for (let j = 0; j < inner; j++) {
        let sum = 0;
        for (const [p, coef] of left[a]!) sum += coef * x[p * inner + j]!;
        middle[a * inner + j] = sum;
      }
    }
    for (let a = 0; a < left.length; a++) {
      for (let b = 0; b < right.length; b++) {
        let sum = 0;
        for (const [q, coef] of right[b]!) sum += coef * middle[a * inner + q]!;
        out[a * right.length + b] = sum;
      }
    }
  }
}

/** The passes of `variant` in JavaScript on `heap`, one channel at a time (any channel count). */
export function jsPasses(heap: Float32Array, variant: WinogradVariant): WinogradPasses {
  const { alpha, m, BT, G, AT } = variant;
  const inputT = new Sandwich(BT, BT);
  const outputT = new Sandwich(AT, AT);
  const filterT = new Sandwich(G, G);
  const outputGradT = new Sandwich(transposed(AT), transposed(AT));
  const filterGradT = new Sandwich(transposed(G), transposed(G));
  const patch = new Float64Array(alpha * alpha);
  const result = new Float64Array(alpha * alpha);
  const taps = new Float64Array(9);
  return {
    input(src, dst, tile, channels) {
      const base = tile * channels;
      for (let c = 0; c < channels; c++) {
        for (let k = 0; k < alpha * alpha; k++) patch[k] = heap[src[k]! + c]!;
        inputT.apply(patch, result);
        for (let k = 0; k < alpha * alpha; k++) heap[dst[k]! + base + c] = result[k]!;
      }
    },
    output(products, out, tile, channels) {
      const base = tile * channels;
      for (let c = 0; c < channels; c++) {
        for (let k = 0; k < alpha * alpha; k++) patch[k] = heap[products[k]! + base + c]!;
        outputT.apply(patch, result);
        for (let k = 0; k < m * m; k++) heap[out[k]! + c] = result[k]!;
      }
    },
    filter(filter, inChannels, outChannels, out) {
      const tap = inChannels * outChannels;
      for (let i = 0; i < tap; i++) {
        for (let k = 0; k < 9; k++) taps[k] = heap[filter + k * tap + i]!;
        filterT.apply(taps, result);
        for (let k = 0; k < alpha * alpha; k++) heap[out[k]! + i] = result[k]!;
      }
    },
    outputGrad(src, dst, tile, channels) {
      const base = tile * channels;
      for (let c = 0; c < channels; c++) {
        for (let k = 0; k < m * m; k++) patch[k] = heap[src[k]! + c]!;
        outputGradT.apply(patch, result);
        for (let k = 0; k < alpha * alpha; k++) heap[dst[k]! + base + c] = result[k]!;
      }
    },
    filterGrad(products, dW, inChannels, outChannels) {
      const tap = inChannels * outChannels;
      for (let i = 0; i < tap; i++) {
        for (let k = 0; k < alpha * alpha; k++) patch[k] = heap[products[k]! + i]!;
        filterGradT.apply(patch, taps);
        for (let k = 0; k < 9; k++) heap[dW + k * tap + i] = taps[k]!;
      }
    },
  };
}
