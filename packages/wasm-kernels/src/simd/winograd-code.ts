/**
 * The passes of a Winograd 3x3 convolution (`winograd-transforms.ts` has them in JavaScript, with the
 * layout) as SIMD code generated from the variant's matrices, four channels at a time. For a variant
 * with m outputs and an alpha = m + 2 patch per tile side (`winograd-variants.ts`), named by m:
 *
 *   `wino_in_{m}(s…, d…, bytes, count, step)`: V = Bᵀ d B for `count` tiles: the alpha² patch pixels at
 *   byte addresses s… (row-major), the alpha² transformed values of each channel at d…, over `bytes`
 *   bytes of channels (a multiple of 16); after each tile the s… advance by `step` bytes (the next tile
 *   along a row of the image) and the d… by `bytes` (the next tile's row of each Vₖ [tiles, C]).
 *
 *   `wino_out_{m}(p…, o…, bytes, count, step)`: Y = Aᵀ M A for `count` tiles: the alpha² products at
 *   p… (advancing by `bytes`), the m² outputs at o… (row-major, advancing by `step`).
 *
 *   `wino_filter_{m}(src, tap, u…, bytes)`: U = G g Gᵀ for `bytes` bytes of an HWIO filter's (ci, co)
 *   entries: tap k of entry i at src + k·tap + i, its alpha² transformed values at u… + i.
 *
 *   `wino_dy_{m}(s…, d…, bytes, count, step)`: D = A dy Aᵀ for `count` tiles (A = (Aᵀ)ᵀ, the adjoint of
 *   the output transform): the m² output gradients at s… (advancing by `step`), the alpha² values at d…
 *   (advancing by `bytes`).
 *
 *   `wino_fgrad_{m}(p…, dst, tap, bytes)`: dW = Gᵀ M G (the adjoint of the filter transform) for `bytes`
 *   bytes of (ci, co) entries: the alpha² values at p… + i, tap k of entry i at dst + k·tap + i.
 *
 * A coefficient ±1 is an addition or subtraction, 0 is skipped, others multiply by a constant.
 */
import { transposed, type WinogradVariant } from '../winograd-variants.js';
import { type Code, FunctionBuilder, forRange } from './function-builder.js';
import { I, T } from './wasm-encoding.js';

const g = I.get;

/** Σ coefficients[j] · terms[j] over v128 locals. */
function linear(coefficients: number[], terms: number[]): Code {
  const code: Code = [];
  let first = true;
  coefficients.forEach((coef, j) => {
    if (coef === 0) return;
    const term = g(terms[j]!);
    if (first) {
      code.push(...(coef === 1 ? term : [...term, ...I.vF32(coef), ...I.f32x4Mul]));
      first = false;
    } else if (coef === 1) {
      code.push(...term, ...I.f32x4Add);
    } else if (coef === -1) {
      code.push(...term, ...I.f32x4Sub);
    } else {
      code.push(...term, ...I.vF32(coef), ...I.f32x4Mul, ...I.f32x4Add);
    }
  });
  return first ? I.vF32(0) : code;
}

/** Byte address local `base` + local `c`. */
const address = (base: number, c: number): Code => [...g(base), ...g(c), ...I.i32Add];

/**
 * The body that computes L · X · Rᵀ of the v128 locals `x` (p x q) and stores element (a, b) with
 * `store(a·rows(R) + b, value)`.
 */
function sandwich(
  f: FunctionBuilder,
  L: number[][],
  R: number[][],
  x: number[],
  store: (k: number, value: Code) => Code,
): Code[] {
  const inner = R[0]!.length;
  const middle = Array.from({ length: L.length * inner }, () => f.local(T.v128));
  const body: Code[] = [];
  L.forEach((row, a) => {
    for (let j = 0; j < inner; j++) {
      const column = row.map((_, p) => x[p * inner + j]!);
      body.push([...linear(row, column), ...I.set(middle[a * inner + j]!)]);
    }
  });
  L.forEach((_, a) => {
    R.forEach((row, b) => {
      const terms = row.map((_, q) => middle[a * inner + q]!);
      body.push(store(a * R.length + b, linear(row, terms)));
    });
  });
  return body;
}

/** The parameters every per-tile function ends with, and its loop counters. */
interface TileRun {
  bytes: number;
  count: number;
  step: number;
  tile: number;
  c: number;
}

function tileRunParams(f: FunctionBuilder): TileRun {
  const [bytes, count, step] = f.paramList(3, T.i32);
  const [tile, c] = f.localList(2, T.i32);
  return { bytes, count, step, tile, c };
}

/**
 * `count` tiles from one call: the channel loop `body` once per tile, then every address in `stepped`
 * advanced by `step` bytes and every one in `perTile` by `bytes` (the next row of a [tiles, C] matrix).
 */
function tileRun(
  { bytes, count, step, tile, c }: TileRun,
  body: Code[],
  stepped: number[],
  perTile: number[],
): Code {
  const advance = (locals: number[], by: number): Code[] =>
    locals.map((local) => [...g(local), ...g(by), ...I.i32Add, ...I.set(local)]);
  return forRange(
    tile,
    I.i32(0),
    g(count),
    1,
    forRange(c, I.i32(0), g(bytes), 16, ...body),
    ...advance(stepped, step),
    ...advance(perTile, bytes),
  );
}

/**
 * A per-tile pass: loads the values at the source addresses, stores L · X · Rᵀ at the target addresses,
 * for a run of tiles (`tileRun`); the image side (`'source'` or `'target'`) steps by `step`, the
 * [tiles, C] matrix side by `bytes`. Parameters: the sources, the targets, then `tileRunParams`'.
 */
function tilePassFunction(
  name: string,
  L: number[][],
  R: number[][],
  sourceCount: number,
  imageSide: 'source' | 'target',
): FunctionBuilder {
  const f = new FunctionBuilder(name);
  const sources = f.paramList(sourceCount, T.i32);
  const targets = f.paramList(L.length * R.length, T.i32);
  const run = tileRunParams(f);
  const values = f.localList(sourceCount, T.v128);
  const body: Code[] = sources.map((s, k) => [...address(s, run.c), ...I.vLoad(), ...I.set(values[k]!)]);
  body.push(
    ...sandwich(f, L, R, values, (k, value) => [...address(targets[k]!, run.c), ...value, ...I.vStore()]),
  );
  const [stepped, perTile] = imageSide === 'source' ? [sources, targets] : [targets, sources];
  f.emit(tileRun(run, body, stepped, perTile));
  return f;
}

export function winogradInputFunction({ alpha, m, BT }: WinogradVariant): FunctionBuilder {
  return tilePassFunction(`wino_in_${m}`, BT, BT, alpha * alpha, 'source');
}

export function winogradOutputFunction({ alpha, m, AT }: WinogradVariant): FunctionBuilder {
  return tilePassFunction(`wino_out_${m}`, AT, AT, alpha * alpha, 'target');
}

/** Byte address `base + k·tap + c` (tap k of the entry at byte offset c). */
const tapAddress = (base: number, tap: number, k: number, c: number): Code => [
  ...g(base),
  ...g(tap),
  ...I.i32(k),
  ...I.i32Mul,
  ...I.i32Add,
  ...g(c),
  ...I.i32Add,
];

export function winogradFilterFunction(variant: WinogradVariant): FunctionBuilder {
  const { alpha, m, G } = variant;
  const f = new FunctionBuilder(`wino_filter_${m}`);
  const src = f.param(T.i32);
  const tap = f.param(T.i32);
  const dst = f.paramList(alpha * alpha, T.i32);
  const bytes = f.param(T.i32);
  const c = f.local(T.i32);
  const taps = f.localList(9, T.v128);
  const body: Code[] = taps.map((local, k) => [...tapAddress(src, tap, k, c), ...I.vLoad(), ...I.set(local)]);
  body.push(...sandwich(f, G, G, taps, (k, value) => [...address(dst[k]!, c), ...value, ...I.vStore()]));
  f.emit(forRange(c, I.i32(0), g(bytes), 16, ...body));
  return f;
}

export function winogradOutputGradFunction({ m, AT }: WinogradVariant): FunctionBuilder {
  const A = transposed(AT);
  return tilePassFunction(`wino_dy_${m}`, A, A, m * m, 'source');
}

export function winogradFilterGradFunction(variant: WinogradVariant): FunctionBuilder {
  const { alpha, m, G } = variant;
  const GT = transposed(G);
  const f = new FunctionBuilder(`wino_fgrad_${m}`);
  const products = f.paramList(alpha * alpha, T.i32);
  const dst = f.param(T.i32);
  const tap = f.param(T.i32);
  const bytes = f.param(T.i32);
  const c = f.local(T.i32);
  const values = f.localList(alpha * alpha, T.v128);
  const body: Code[] = products.map((p, k) => [...address(p, c), ...I.vLoad(), ...I.set(values[k]!)]);
  body.push(
    ...sandwich(f, GT, GT, values, (k, value) => [...tapAddress(dst, tap, k, c), ...value, ...I.vStore()]),
  );
  f.emit(forRange(c, I.i32(0), g(bytes), 16, ...body));
  return f;
}

/** Every variant's five functions. */
export function winogradFunctions(variants: WinogradVariant[]): FunctionBuilder[] {
  return variants.flatMap((v) => [
    winogradInputFunction(v),
    winogradOutputFunction(v),
    winogradFilterFunction(v),
    winogradOutputGradFunction(v),
    winogradFilterGradFunction(v),
  ]);
}
