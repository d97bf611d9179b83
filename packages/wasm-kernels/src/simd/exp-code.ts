/**
 * exp on 4 float32 lanes (Cephes' expf: n = round(x / ln 2), r = x - n ln 2 in two parts, a degree-5
 * polynomial, times 2^n built in the exponent bits): about 1 ulp in the normal range. Above
 * 88.7228 it gives +Infinity, NaN stays NaN, and results below about 1.8e-38 (x < -87.0) may come out
 * as 0 where libm gives a subnormal.
 */
import { at, type Code, FunctionBuilder, forRange } from './function-builder.js';
import { I, T } from './wasm-encoding.js';

const HI = 88.72283;
const LO = -87.33654;
const LOG2E = Math.LOG2E;
const C1 = 0.693359375;
const C2 = -2.1219444e-4;
const P = [
  1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1,
];

/** Temporaries of {@link exp4}: four v128 locals of the calling function. */
export interface ExpLocals {
  x: number;
  n: number;
  r: number;
  y: number;
}

export function expLocals(f: FunctionBuilder): ExpLocals {
  return { x: f.local(T.v128), n: f.local(T.v128), r: f.local(T.v128), y: f.local(T.v128) };
}

/** Pops a v128 of 4 float32 and pushes their exp. */
export function exp4(t: ExpLocals): Code {
  const { x, n, r, y } = t;
  const poly: Code = [...I.vF32(P[0]!)];
  for (const c of P.slice(1)) poly.push(...I.get(r), ...I.f32x4Mul, ...I.vF32(c), ...I.f32x4Add);
  return [
    ...I.set(x),
    // r = clamp(x) - n·C1 - n·C2 with n = nearest(clamp(x) · log2 e)
    ...I.get(x),
    ...I.vF32(LO),
    ...I.f32x4Max,
    ...I.vF32(HI),
    ...I.f32x4Min,
    ...I.tee(r),
    ...I.vF32(LOG2E),
    ...I.f32x4Mul,
    ...I.f32x4Nearest,
    ...I.set(n),
    ...I.get(r),
    ...I.get(n),
    ...I.vF32(C1),
    ...I.f32x4Mul,
    ...I.f32x4Sub,
    ...I.get(n),
    ...I.vF32(C2),
    ...I.f32x4Mul,
    ...I.f32x4Sub,
    ...I.set(r),
    // y = poly(r) · r² + r + 1
    ...poly,
    ...I.get(r),
    ...I.get(r),
    ...I.f32x4Mul,
    ...I.f32x4Mul,
    ...I.get(r),
    ...I.f32x4Add,
    ...I.vF32(1),
    ...I.f32x4Add,
    // · 2^(n-1) · 2 (n - 1 + 127 keeps n = 128 in range)
    ...I.get(n),
    ...I.i32x4TruncSatF32x4S,
    ...I.vI32(126),
    ...I.i32x4Add,
    ...I.i32(23),
    ...I.i32x4Shl,
    ...I.f32x4Mul,
    ...I.vF32(2),
    ...I.f32x4Mul,
    ...I.set(y),
    // x > HI: +Infinity
    ...I.vF32(Number.POSITIVE_INFINITY),
    ...I.get(y),
    ...I.get(x),
    ...I.vF32(HI),
    ...I.f32x4Gt,
    ...I.vBitselect,
  ];
}

/** `exp(x, out, n)`: out[i] = exp(x[i]) for n float32 at byte addresses x and out. */
export function expFunction(): FunctionBuilder {
  const f = new FunctionBuilder('exp');
  const x = f.param(T.i32);
  const out = f.param(T.i32);
  const n = f.param(T.i32);
  const i = f.local(T.i32);
  const t = expLocals(f);
  const vectorEnd = [...I.get(n), ...I.i32(-4), ...I.i32And];
  f.emit(
    forRange(i, I.i32(0), vectorEnd, 4, [
      ...at(out, i),
      ...at(x, i),
      ...I.vLoad(),
      ...exp4(t),
      ...I.vStore(),
    ]),
    forRange(i, vectorEnd, I.get(n), 1, [
      ...at(out, i),
      ...at(x, i),
      ...I.f32Load(),
      ...I.f32x4Splat,
      ...exp4(t),
      ...I.f32x4Extract(0),
      ...I.f32Store(),
    ]),
  );
  return f;
}
