/**
 * The per-tile passes of Winograd's F(2x2, 3x3) (`winograd-transforms.ts` has the same in JavaScript
 * and the derivation), four channels at a time:
 *
 *   `wino_in(s0..s15, d0..d15, bytes)`: V = Bᵀ d B for one tile: reads the 16 input pixels of the
 *   tile's 4x4 patch at byte addresses s0..s15 (row-major) and writes the 16 transformed values of
 *   each channel at d0..d15, over `bytes` bytes of channels (a multiple of 16).
 *
 *   `wino_out(m0..m15, o0..o3, bytes)`: Y = Aᵀ M A for one tile: reads the 16 products at m0..m15 and
 *   writes the tile's 2x2 outputs at o0..o3 (row-major).
 *
 *   `wino_filter(src, tap, u0..u15, bytes)`: U = G g Gᵀ for `bytes` bytes of an HWIO filter's
 *   (ci, co) entries: tap k of entry i at src + k·tap + i, its 16 transformed values at u0..u15 + i.
 */
import { type Code, FunctionBuilder, forRange } from './function-builder.js';
import { I, T } from './wasm-encoding.js';

const g = I.get;

/** v128 at address local `base` + byte offset local `c`. */
const load = (base: number, c: number): Code => [...g(base), ...g(c), ...I.i32Add, ...I.vLoad()];
const store = (base: number, c: number, value: Code): Code => [
  ...g(base),
  ...g(c),
  ...I.i32Add,
  ...value,
  ...I.vStore(),
];
const add = (a: number, b: number): Code => [...g(a), ...g(b), ...I.f32x4Add];
const sub = (a: number, b: number): Code => [...g(a), ...g(b), ...I.f32x4Sub];

/** The four combinations of a row or column that Bᵀ makes: (x0 − x2, x1 + x2, x2 − x1, x1 − x3). */
const inputCombinations = (x: number[]): Code[] => [
  sub(x[0]!, x[2]!),
  add(x[1]!, x[2]!),
  sub(x[2]!, x[1]!),
  sub(x[1]!, x[3]!),
];

export function winogradInputFunction(): FunctionBuilder {
  const f = new FunctionBuilder('wino_in');
  const src = Array.from({ length: 16 }, () => f.param(T.i32));
  const dst = Array.from({ length: 16 }, () => f.param(T.i32));
  const bytes = f.param(T.i32);
  const c = f.local(T.i32);
  const d = Array.from({ length: 16 }, () => f.local(T.v128));
  const rows = Array.from({ length: 16 }, () => f.local(T.v128));
  const body: Code[] = src.map((s, k) => [...load(s, c), ...I.set(d[k]!)]);
  // Bᵀ d: combinations of the patch's rows, column by column; rows[4·i + j] is row i, column j.
  for (let j = 0; j < 4; j++) {
    const column = [d[j]!, d[4 + j]!, d[8 + j]!, d[12 + j]!];
    inputCombinations(column).forEach((code, i) => {
      body.push([...code, ...I.set(rows[4 * i + j]!)]);
    });
  }
  // (Bᵀ d) B: the same combinations of each row's columns, stored.
  for (let i = 0; i < 4; i++) {
    const row = [rows[4 * i]!, rows[4 * i + 1]!, rows[4 * i + 2]!, rows[4 * i + 3]!];
    inputCombinations(row).forEach((code, j) => {
      body.push(store(dst[4 * i + j]!, c, code));
    });
  }
  f.emit(forRange(c, I.i32(0), g(bytes), 16, ...body));
  return f;
}

export function winogradOutputFunction(): FunctionBuilder {
  const f = new FunctionBuilder('wino_out');
  const products = Array.from({ length: 16 }, () => f.param(T.i32));
  const out = Array.from({ length: 4 }, () => f.param(T.i32));
  const bytes = f.param(T.i32);
  const c = f.local(T.i32);
  const m = Array.from({ length: 16 }, () => f.local(T.v128));
  const p = Array.from({ length: 8 }, () => f.local(T.v128));
  const body: Code[] = products.map((s, k) => [...load(s, c), ...I.set(m[k]!)]);
  // Aᵀ M: p[j] = m0j + m1j + m2j, p[4 + j] = m1j − m2j − m3j.
  for (let j = 0; j < 4; j++) {
    body.push([...add(m[j]!, m[4 + j]!), ...g(m[8 + j]!), ...I.f32x4Add, ...I.set(p[j]!)]);
    body.push([...sub(m[4 + j]!, m[8 + j]!), ...g(m[12 + j]!), ...I.f32x4Sub, ...I.set(p[4 + j]!)]);
  }
  // (Aᵀ M) A: per row r, (p0 + p1 + p2, p1 − p2 − p3).
  for (let r = 0; r < 2; r++) {
    const [p0, p1, p2, p3] = [p[4 * r]!, p[4 * r + 1]!, p[4 * r + 2]!, p[4 * r + 3]!];
    body.push(store(out[2 * r]!, c, [...add(p0, p1), ...g(p2), ...I.f32x4Add]));
    body.push(store(out[2 * r + 1]!, c, [...sub(p1, p2), ...g(p3), ...I.f32x4Sub]));
  }
  f.emit(forRange(c, I.i32(0), g(bytes), 16, ...body));
  return f;
}

/** The four rows G makes of three: (g0, (g0 + g1 + g2) / 2, (g0 − g1 + g2) / 2, g2). */
const filterCombinations = (x: number[], half: number): Code[] => [
  g(x[0]!),
  [...add(x[0]!, x[1]!), ...g(x[2]!), ...I.f32x4Add, ...g(half), ...I.f32x4Mul],
  [...sub(x[0]!, x[1]!), ...g(x[2]!), ...I.f32x4Add, ...g(half), ...I.f32x4Mul],
  g(x[2]!),
];

export function winogradFilterFunction(): FunctionBuilder {
  const f = new FunctionBuilder('wino_filter');
  const src = f.param(T.i32);
  const tap = f.param(T.i32);
  const dst = Array.from({ length: 16 }, () => f.param(T.i32));
  const bytes = f.param(T.i32);
  const c = f.local(T.i32);
  const at = f.local(T.i32);
  const half = f.local(T.v128);
  const taps = Array.from({ length: 9 }, () => f.local(T.v128));
  const rows = Array.from({ length: 12 }, () => f.local(T.v128));
  const body: Code[] = [];
  // Tap k (k = 3·kh + kw) of this block of entries.
  taps.forEach((local, k) => {
    body.push([...g(src), ...g(tap), ...I.i32(k), ...I.i32Mul, ...I.i32Add, ...g(c), ...I.i32Add]);
    body.push([...I.set(at), ...g(at), ...I.vLoad(), ...I.set(local)]);
  });
  // G g: rows[3·i + j] is row i, column j.
  for (let j = 0; j < 3; j++) {
    filterCombinations([taps[j]!, taps[3 + j]!, taps[6 + j]!], half).forEach((code, i) => {
      body.push([...code, ...I.set(rows[3 * i + j]!)]);
    });
  }
  // (G g) Gᵀ: the same combinations of each row's three columns, stored.
  for (let i = 0; i < 4; i++) {
    filterCombinations([rows[3 * i]!, rows[3 * i + 1]!, rows[3 * i + 2]!], half).forEach((code, j) => {
      body.push(store(dst[4 * i + j]!, c, code));
    });
  }
  f.emit([...I.vF32(0.5), ...I.set(half)], forRange(c, I.i32(0), g(bytes), 16, ...body));
  return f;
}
