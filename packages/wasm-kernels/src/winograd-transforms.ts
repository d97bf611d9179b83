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
 * `count` consecutive tiles of {@link transformInput} from tile number `tile` on: reads a tile's patch at
 * element offsets `src` (row-major), each offset `step` further for the next tile, and writes its
 * transformed values per channel at `dst[k] + tile · channels`.
 */
export type InputTilePass = (
  src: Int32Array,
  dst: Int32Array,
  tile: number,
  channels: number,
  count: number,
  step: number,
) => void;

/**
 * `count` consecutive tiles of {@link transformOutput} from tile number `tile` on: reads the products
 * at `m[k] + tile · channels` and writes a tile's outputs at element offsets `out` (row-major), each
 * offset `step` further for the next tile.
 */
export type OutputTilePass = (
  m: Int32Array,
  out: Int32Array,
  tile: number,
  channels: number,
  count: number,
  step: number,
) => void;

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
 * Runs of tiles along one tile row: consecutive tile columns (one dilation phase, m·d apart) whose
 * `span` columns from the tile's origin (`offset` added) all lie in [0, size), as [first, count]
 * pairs of indices into `cols`; every other tile as a run of its own (`inside` false).
 */
function tileRuns(
  cols: Int32Array,
  offset: number,
  span: number,
  size: number,
  spacing: number,
): { first: number; count: number; inside: boolean }[] {
  const runs: { first: number; count: number; inside: boolean }[] = [];
  for (let j = 0; j < cols.length; j++) {
    const start = cols[j]! + offset;
    const inside = start >= 0 && start + span - 1 < size;
    const last = runs[runs.length - 1];
    if (inside && last?.inside && cols[j]! - cols[j - 1]! === spacing) last.count++;
    else runs.push({ first: j, count: 1, inside });
  }
  return runs;
}

/**
 * V = Bᵀ d B for every tile and input channel of the NHWC input at `x`: writes Vₖ [tiles, C] at
 * `out[k]` (k = alpha·row + column). Taps outside the input read `zeros` (at least inWidth · C zeros
 * on the heap). Tiles whose patch columns all lie inside the image go to `pass` a row's run at a time
 * (a patch row outside the image then reads the zero row, advancing with the run).
 */
export function transformInput(
  x: number,
  channels: number,
  tiling: WinogradTiling,
  zeros: number,
  out: readonly number[],
  pass: InputTilePass,
): void {
  const { batch, inHeight, inWidth, rows, cols, padTop, padLeft, dilation, alpha, m } = tiling;
  const src = new Int32Array(alpha * alpha);
  const dst = Int32Array.from(out);
  const runs = tileRuns(cols, -padLeft, (alpha - 1) * dilation[1] + 1, inWidth, m * dilation[1]);
  const rowStart = new Int32Array(alpha);
  let tile = 0;
  for (let n = 0; n < batch; n++) {
    const image = x + n * inHeight * inWidth * channels;
    for (const row of rows) {
      for (let s = 0; s < alpha; s++) {
        const iy = row + s * dilation[0] - padTop;
        rowStart[s] = iy >= 0 && iy < inHeight ? image + iy * inWidth * channels : zeros;
      }
      for (const { first, count, inside } of runs) {
        const col = cols[first]!;
        for (let s = 0; s < alpha; s++) {
          for (let u = 0; u < alpha; u++) {
            const ix = col + u * dilation[1] - padLeft;
            src[alpha * s + u] = inside || (ix >= 0 && ix < inWidth) ? rowStart[s]! + ix * channels : zeros;
          }
        }
        pass(src, dst, tile, channels, count, m * dilation[1] * channels);
        tile += count;
      }
    }
  }
}

/**
 * Where the m² outputs of the tiles lie, for {@link transformOutput} and {@link transformOutputGrad}:
 * calls `visit(addresses, tile, count, step)` per run of tiles along a tile row (as `tileRuns`), the
 * addresses of the run's first tile row-major; outputs outside the image go to `outside` (at least
 * outWidth · C floats: a row outside advances through it with the run).
 */
function forEachOutputRun(
  tiling: WinogradTiling,
  y: number,
  channels: number,
  outside: number,
  visit: (addresses: Int32Array, tile: number, count: number, step: number) => void,
): void {
  const { batch, outHeight, outWidth, rows, cols, dilation, m } = tiling;
  const addresses = new Int32Array(m * m);
  const runs = tileRuns(cols, 0, (m - 1) * dilation[1] + 1, outWidth, m * dilation[1]);
  const rowStart = new Int32Array(m);
  let tile = 0;
  for (let n = 0; n < batch; n++) {
    const image = y + n * outHeight * outWidth * channels;
    for (const row of rows) {
      for (let i = 0; i < m; i++) {
        const r = row + i * dilation[0];
        rowStart[i] = r < outHeight ? image + r * outWidth * channels : outside;
      }
      for (const { first, count, inside } of runs) {
        const col = cols[first]!;
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < m; j++) {
            const c = col + j * dilation[1];
            addresses[m * i + j] = inside || c < outWidth ? rowStart[i]! + c * channels : outside;
          }
        }
        visit(addresses, tile, count, m * dilation[1] * channels);
        tile += count;
      }
    }
  }
}

/**
 * Y = Aᵀ M A for every tile and output channel: reads Mₖ [tiles, C] at `products[k]` and writes the
 * NHWC output at `y`; outputs of a tile that fall outside the image go to `discard` (at least
 * outWidth · C floats).
 */
export function transformOutput(
  products: readonly number[],
  channels: number,
  tiling: WinogradTiling,
  y: number,
  discard: number,
  pass: OutputTilePass,
): void {
  const products32 = Int32Array.from(products);
  forEachOutputRun(tiling, y, channels, discard, (out, tile, count, step) =>
    pass(products32, out, tile, channels, count, step),
  );
}

/**
 * D = A dy Aᵀ for every tile and output channel of the NHWC gradient `dy` (of the convolution's output):
 * writes Dₖ [tiles, C] at `out[k]`. Outputs of a tile outside the image read `zeros` (at least
 * outWidth · C zeros on the heap).
 */
export function transformOutputGrad(
  dy: number,
  channels: number,
  tiling: WinogradTiling,
  zeros: number,
  out: readonly number[],
  pass: InputTilePass,
): void {
  const dst = Int32Array.from(out);
  forEachOutputRun(tiling, dy, channels, zeros, (src, tile, count, step) =>
    pass(src, dst, tile, channels, count, step),
  );
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

/**
 * A tile pass in JavaScript: for each of `count` tiles, per channel, the values at the source offsets
 * through `transform` to the target offsets; the image side steps by `step` a tile, the [tiles, C]
 * matrix side by `channels` (from tile number `tile` on).
 */
function jsTilePass(
  heap: Float32Array,
  transform: Sandwich,
  sourceCount: number,
  targetCount: number,
  imageSide: 'source' | 'target',
): (
  sources: Int32Array,
  targets: Int32Array,
  tile: number,
  channels: number,
  count: number,
  step: number,
) => void {
  const values = new Float64Array(sourceCount);
  const result = new Float64Array(targetCount);
  return (sources, targets, tile, channels, count, step) => {
    for (let t = 0; t < count; t++) {
      const image = t * step;
      const matrix = (tile + t) * channels;
      const sourceShift = imageSide === 'source' ? image : matrix;
      const targetShift = imageSide === 'source' ? matrix : image;
      for (let c = 0; c < channels; c++) {
        for (let k = 0; k < sourceCount; k++) values[k] = heap[sources[k]! + sourceShift + c]!;
        transform.apply(values, result);
        for (let k = 0; k < targetCount; k++) heap[targets[k]! + targetShift + c] = result[k]!;
      }
    }
  };
}

/** The passes of `variant` in JavaScript on `heap`, one channel at a time (any channel count). */
export function jsPasses(heap: Float32Array, variant: WinogradVariant): WinogradPasses {
  const { alpha, m, BT, G, AT } = variant;
  const patch = alpha * alpha;
  const A = transposed(AT);
  const filterT = new Sandwich(G, G);
  const filterGradT = new Sandwich(transposed(G), transposed(G));
  const values = new Float64Array(patch);
  const taps = new Float64Array(9);
  return {
    input: jsTilePass(heap, new Sandwich(BT, BT), patch, patch, 'source'),
    output: jsTilePass(heap, new Sandwich(AT, AT), patch, m * m, 'target'),
    outputGrad: jsTilePass(heap, new Sandwich(A, A), m * m, patch, 'source'),
    filter(filter, inChannels, outChannels, out) {
      const tap = inChannels * outChannels;
      for (let i = 0; i < tap; i++) {
        for (let k = 0; k < 9; k++) taps[k] = heap[filter + k * tap + i]!;
        filterT.apply(taps, values);
        for (let k = 0; k < patch; k++) heap[out[k]! + i] = values[k]!;
      }
    },
    filterGrad(products, dW, inChannels, outChannels) {
      const tap = inChannels * outChannels;
      for (let i = 0; i < tap; i++) {
        for (let k = 0; k < patch; k++) values[k] = heap[products[k]! + i]!;
        filterGradT.apply(values, taps);
        for (let k = 0; k < 9; k++) heap[dW + k * tap + i] = taps[k]!;
      }
    },
  };
}
