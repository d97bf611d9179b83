/**
 * Winograd's F(2x2, 3x3) minimal filtering (Lavin & Gray, "Fast Algorithms for Convolutional Neural
 * Networks", 2015) as three passes over float32 arrays: each 2x2 block of outputs of a 3x3
 * convolution is Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A, with d the 4x4 input patch. Summed over input channels,
 * the element-wise products become 16 matrix products [tiles, Cin] x [Cin, Cout], 4 multiplies per
 * output instead of 9. The transforms use only additions and halvings, so the result differs from
 * the direct convolution by float32 rounding only.
 *
 * Dilation d is carried by the tiling: outputs y, y + d (and x, x + d) form a tile, whose 4x4 patch is
 * the input at y + d·{0,1,2,3} - pad. Every array is indexed from an element offset so the passes can
 * run on the wasm heap in place.
 */

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
  /** Tile origins (output row and column of the tile's first output), per image. */
  rows: Int32Array;
  cols: Int32Array;
  tiles: number;
}

/** Tile origins along one axis: per phase p < d, outputs p, p + d, ... paired as (p + 2dk, p + 2dk + d). */
function tileOrigins(outSize: number, dilation: number): Int32Array {
  const origins: number[] = [];
  for (let phase = 0; phase < dilation && phase < outSize; phase++) {
    for (let o = phase; o < outSize; o += 2 * dilation) origins.push(o);
  }
  return Int32Array.from(origins);
}

export function winogradTiling(
  inShape: [number, number, number, number],
  outShape: [number, number, number, number],
  pads: { top: number; left: number },
  dilation: [number, number],
): WinogradTiling {
  const [batch, inHeight, inWidth] = inShape;
  const [, outHeight, outWidth] = outShape;
  const rows = tileOrigins(outHeight, dilation[0]);
  const cols = tileOrigins(outWidth, dilation[1]);
  return {
    batch,
    inHeight,
    inWidth,
    outHeight,
    outWidth,
    padTop: pads.top,
    padLeft: pads.left,
    dilation,
    rows,
    cols,
    tiles: batch * rows.length * cols.length,
  };
}

/** {@link transformFilter}'s signature, for a faster implementation of it. */
export type FilterPass = (
  heap: Float32Array,
  filter: number,
  inChannels: number,
  outChannels: number,
  out: readonly number[],
) => void;

/**
 * U = G g Gᵀ for every (ci, co) of an HWIO 3x3 filter at `filter`: writes the 16 matrices
 * Uₖ [Cin, Cout] (k = 4·row + column of U) at `out[k]`.
 */
export function transformFilter(
  heap: Float32Array,
  filter: number,
  inChannels: number,
  outChannels: number,
  out: readonly number[],
): void {
  const tap = inChannels * outChannels;
  const g = new Float32Array(9);
  const t = new Float32Array(12);
  for (let i = 0; i < tap; i++) {
    for (let k = 0; k < 9; k++) g[k] = heap[filter + k * tap + i]!;
    // t = G g: rows 0..3 of a 4x3.
    for (let c = 0; c < 3; c++) {
      const g0 = g[c]!;
      const g1 = g[3 + c]!;
      const g2 = g[6 + c]!;
      t[c] = g0;
      t[3 + c] = 0.5 * (g0 + g1 + g2);
      t[6 + c] = 0.5 * (g0 - g1 + g2);
      t[9 + c] = g2;
    }
    // U = t Gᵀ.
    for (let r = 0; r < 4; r++) {
      const t0 = t[3 * r]!;
      const t1 = t[3 * r + 1]!;
      const t2 = t[3 * r + 2]!;
      heap[out[4 * r]! + i] = t0;
      heap[out[4 * r + 1]! + i] = 0.5 * (t0 + t1 + t2);
      heap[out[4 * r + 2]! + i] = 0.5 * (t0 - t1 + t2);
      heap[out[4 * r + 3]! + i] = t2;
    }
  }
}

/**
 * One tile of {@link transformInput}: reads the 4x4 patch at element offsets `src` (row-major) and
 * writes its 16 transformed values per channel at `dst[k] + tile · channels`.
 */
export type InputTilePass = (
  heap: Float32Array,
  src: Int32Array,
  dst: Int32Array,
  tile: number,
  channels: number,
) => void;

/**
 * Y = Aᵀ M A for one tile of {@link transformOutput}: reads the products at `m[k] + tile · channels`
 * and writes the 2x2 outputs at element offsets `out` (row-major).
 */
export type OutputTilePass = (
  heap: Float32Array,
  m: Int32Array,
  out: Int32Array,
  tile: number,
  channels: number,
) => void;

/**
 * V = Bᵀ d B for every tile and input channel of the NHWC input at `x`: writes Vₖ [tiles, C] at
 * `out[k]`. Taps outside the input read `zeros` (C zeros on the heap). `pass` does the arithmetic of
 * one tile (default: {@link inputTileJs}).
 */
export function transformInput(
  heap: Float32Array,
  x: number,
  channels: number,
  tiling: WinogradTiling,
  zeros: number,
  out: readonly number[],
  pass: InputTilePass = inputTileJs,
): void {
  const { batch, inHeight, inWidth, rows, cols, padTop, padLeft, dilation } = tiling;
  const src = new Int32Array(16);
  const dst = Int32Array.from(out);
  let tile = 0;
  for (let n = 0; n < batch; n++) {
    const image = x + n * inHeight * inWidth * channels;
    for (const row of rows) {
      for (const col of cols) {
        for (let s = 0; s < 4; s++) {
          const iy = row + s * dilation[0] - padTop;
          for (let u = 0; u < 4; u++) {
            const ix = col + u * dilation[1] - padLeft;
            const inside = iy >= 0 && iy < inHeight && ix >= 0 && ix < inWidth;
            src[4 * s + u] = inside ? image + (iy * inWidth + ix) * channels : zeros;
          }
        }
        pass(heap, src, dst, tile, channels);
        tile++;
      }
    }
  }
}

/** {@link InputTilePass} in JavaScript, one channel at a time. */
export function inputTileJs(
  heap: Float32Array,
  src: Int32Array,
  dst: Int32Array,
  tile: number,
  channels: number,
): void {
  const base = tile * channels;
  for (let c = 0; c < channels; c++) {
    const d00 = heap[src[0]! + c]!;
    const d01 = heap[src[1]! + c]!;
    const d02 = heap[src[2]! + c]!;
    const d03 = heap[src[3]! + c]!;
    const d10 = heap[src[4]! + c]!;
    const d11 = heap[src[5]! + c]!;
    const d12 = heap[src[6]! + c]!;
    const d13 = heap[src[7]! + c]!;
    const d20 = heap[src[8]! + c]!;
    const d21 = heap[src[9]! + c]!;
    const d22 = heap[src[10]! + c]!;
    const d23 = heap[src[11]! + c]!;
    const d30 = heap[src[12]! + c]!;
    const d31 = heap[src[13]! + c]!;
    const d32 = heap[src[14]! + c]!;
    const d33 = heap[src[15]! + c]!;
    // Bᵀ d: row combinations.
    const a0 = d00 - d20;
    const a1 = d01 - d21;
    const a2 = d02 - d22;
    const a3 = d03 - d23;
    const b0 = d10 + d20;
    const b1 = d11 + d21;
    const b2 = d12 + d22;
    const b3 = d13 + d23;
    const e0 = d20 - d10;
    const e1 = d21 - d11;
    const e2 = d22 - d12;
    const e3 = d23 - d13;
    const f0 = d10 - d30;
    const f1 = d11 - d31;
    const f2 = d12 - d32;
    const f3 = d13 - d33;
    // (Bᵀ d) B: the same combinations of columns.
    const i = base + c;
    heap[dst[0]! + i] = a0 - a2;
    heap[dst[1]! + i] = a1 + a2;
    heap[dst[2]! + i] = a2 - a1;
    heap[dst[3]! + i] = a1 - a3;
    heap[dst[4]! + i] = b0 - b2;
    heap[dst[5]! + i] = b1 + b2;
    heap[dst[6]! + i] = b2 - b1;
    heap[dst[7]! + i] = b1 - b3;
    heap[dst[8]! + i] = e0 - e2;
    heap[dst[9]! + i] = e1 + e2;
    heap[dst[10]! + i] = e2 - e1;
    heap[dst[11]! + i] = e1 - e3;
    heap[dst[12]! + i] = f0 - f2;
    heap[dst[13]! + i] = f1 + f2;
    heap[dst[14]! + i] = f2 - f1;
    heap[dst[15]! + i] = f1 - f3;
  }
}

/**
 * Y = Aᵀ M A for every tile and output channel: reads Mₖ [tiles, C] at `products[k]` and writes the
 * NHWC output at `y`; outputs of a tile that fall outside the image go to `discard` (C floats).
 * `pass` does the arithmetic of one tile (default: {@link outputTileJs}).
 */
export function transformOutput(
  heap: Float32Array,
  products: readonly number[],
  channels: number,
  tiling: WinogradTiling,
  y: number,
  discard: number,
  pass: OutputTilePass = outputTileJs,
): void {
  const { batch, outHeight, outWidth, rows, cols, dilation } = tiling;
  const m = Int32Array.from(products);
  const out = new Int32Array(4);
  let tile = 0;
  for (let n = 0; n < batch; n++) {
    const image = y + n * outHeight * outWidth * channels;
    for (const row of rows) {
      for (const col of cols) {
        const row1 = row + dilation[0];
        const col1 = col + dilation[1];
        out[0] = image + (row * outWidth + col) * channels;
        out[1] = col1 < outWidth ? image + (row * outWidth + col1) * channels : discard;
        out[2] = row1 < outHeight ? image + (row1 * outWidth + col) * channels : discard;
        out[3] = row1 < outHeight && col1 < outWidth ? image + (row1 * outWidth + col1) * channels : discard;
        pass(heap, m, out, tile, channels);
        tile++;
      }
    }
  }
}

/** {@link OutputTilePass} in JavaScript, one channel at a time. */
export function outputTileJs(
  heap: Float32Array,
  m: Int32Array,
  out: Int32Array,
  tile: number,
  channels: number,
): void {
  const base = tile * channels;
  const [o00, o01, o10, o11] = out as unknown as [number, number, number, number];
  for (let c = 0; c < channels; c++) {
    const i = base + c;
    const m00 = heap[m[0]! + i]!;
    const m01 = heap[m[1]! + i]!;
    const m02 = heap[m[2]! + i]!;
    const m03 = heap[m[3]! + i]!;
    const m10 = heap[m[4]! + i]!;
    const m11 = heap[m[5]! + i]!;
    const m12 = heap[m[6]! + i]!;
    const m13 = heap[m[7]! + i]!;
    const m20 = heap[m[8]! + i]!;
    const m21 = heap[m[9]! + i]!;
    const m22 = heap[m[10]! + i]!;
    const m23 = heap[m[11]! + i]!;
    const m30 = heap[m[12]! + i]!;
    const m31 = heap[m[13]! + i]!;
    const m32 = heap[m[14]! + i]!;
    const m33 = heap[m[15]! + i]!;
    // Aᵀ M: rows (m0 + m1 + m2) and (m1 - m2 - m3).
    const p0 = m00 + m10 + m20;
    const p1 = m01 + m11 + m21;
    const p2 = m02 + m12 + m22;
    const p3 = m03 + m13 + m23;
    const q0 = m10 - m20 - m30;
    const q1 = m11 - m21 - m31;
    const q2 = m12 - m22 - m32;
    const q3 = m13 - m23 - m33;
    heap[o00 + c] = p0 + p1 + p2;
    heap[o01 + c] = p1 - p2 - p3;
    heap[o10 + c] = q0 + q1 + q2;
    heap[o11 + c] = q1 - q2 - q3;
  }
}
