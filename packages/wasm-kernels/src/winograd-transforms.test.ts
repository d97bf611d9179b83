import { describe, expect, it } from 'vitest';
import { jsPasses, transformInput, transformOutput, winogradTiling } from './winograd-transforms.js';
import { F2X2_3X3, F4X4_3X3, type WinogradVariant } from './winograd-variants.js';

/** Deterministic values in [-1, 1). */
function seeded(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

interface Case {
  n: number;
  h: number;
  w: number;
  cin: number;
  cout: number;
  pad: [number, number, number, number]; // top, bottom, left, right
  dilation: [number, number];
}

/** The direct 3x3 stride-1 convolution, in float64. */
function directConv(x: Float32Array, f: Float32Array, c: Case, oh: number, ow: number): Float64Array {
  const y = new Float64Array(c.n * oh * ow * c.cout);
  for (let n = 0; n < c.n; n++)
    for (let r = 0; r < oh; r++)
      for (let q = 0; q < ow; q++)
        for (let kh = 0; kh < 3; kh++)
          for (let kw = 0; kw < 3; kw++) {
            const iy = r + kh * c.dilation[0] - c.pad[0];
            const ix = q + kw * c.dilation[1] - c.pad[2];
            if (iy < 0 || iy >= c.h || ix < 0 || ix >= c.w) continue;
            for (let ci = 0; ci < c.cin; ci++) {
              const xv = x[((n * c.h + iy) * c.w + ix) * c.cin + ci]!;
              for (let co = 0; co < c.cout; co++) {
                y[((n * oh + r) * ow + q) * c.cout + co]! +=
                  xv * f[((kh * 3 + kw) * c.cin + ci) * c.cout + co]!;
              }
            }
          }
  return y;
}

/** The three passes with the alpha² products done in plain loops, on one array standing in for the heap. */
function winogradConv(
  variant: WinogradVariant,
  x: Float32Array,
  f: Float32Array,
  c: Case,
  oh: number,
  ow: number,
): Float32Array {
  const { alpha } = variant;
  const P = alpha * alpha;
  const tiling = winogradTiling(
    [c.n, c.h, c.w, c.cin],
    [c.n, oh, ow, c.cout],
    { top: c.pad[0], left: c.pad[2] },
    c.dilation,
    variant.m,
  );
  const T = tiling.tiles;
  const sizes = {
    x: x.length,
    f: f.length,
    u: P * c.cin * c.cout,
    v: P * T * c.cin,
    m: P * T * c.cout,
    y: c.n * oh * ow * c.cout,
  };
  let at = 0;
  const place = (n: number) => {
    const start = at;
    at += n;
    return start;
  };
  const xo = place(sizes.x);
  const fo = place(sizes.f);
  const uo = place(sizes.u);
  const vo = place(sizes.v);
  const mo = place(sizes.m);
  const yo = place(sizes.y);
  const zeros = place(c.w * c.cin);
  const discard = place(ow * c.cout);
  const heap = new Float32Array(at);
  heap.set(x, xo);
  heap.set(f, fo);
  const u = Array.from({ length: P }, (_, k) => uo + k * c.cin * c.cout);
  const v = Array.from({ length: P }, (_, k) => vo + k * T * c.cin);
  const m = Array.from({ length: P }, (_, k) => mo + k * T * c.cout);
  const passes = jsPasses(heap, variant);
  passes.filter(fo, c.cin, c.cout, u);
  transformInput(xo, c.cin, tiling, zeros, v, passes.input);
  for (let k = 0; k < P; k++)
    for (let t = 0; t < T; t++)
      for (let co = 0; co < c.cout; co++) {
        let sum = 0;
        for (let ci = 0; ci < c.cin; ci++)
          sum += heap[v[k]! + t * c.cin + ci]! * heap[u[k]! + ci * c.cout + co]!;
        heap[m[k]! + t * c.cout + co] = sum;
      }
  heap.fill(Number.NaN, yo, yo + sizes.y);
  transformOutput(m, c.cout, tiling, yo, discard, passes.output);
  return heap.slice(yo, yo + sizes.y);
}

const cases: Case[] = [
  { n: 1, h: 6, w: 6, cin: 3, cout: 2, pad: [1, 1, 1, 1], dilation: [1, 1] },
  { n: 2, h: 5, w: 7, cin: 4, cout: 5, pad: [1, 1, 1, 1], dilation: [1, 1] }, // odd output sizes
  { n: 1, h: 7, w: 8, cin: 2, cout: 3, pad: [0, 0, 0, 0], dilation: [1, 1] }, // valid
  { n: 1, h: 6, w: 5, cin: 3, cout: 4, pad: [2, 0, 1, 2], dilation: [1, 1] }, // uneven padding
  { n: 1, h: 9, w: 11, cin: 3, cout: 2, pad: [2, 2, 2, 2], dilation: [2, 2] }, // dilation 2, 'same'
  { n: 2, h: 13, w: 10, cin: 2, cout: 3, pad: [4, 4, 3, 3], dilation: [4, 3] }, // unequal dilations
  { n: 1, h: 3, w: 3, cin: 2, cout: 2, pad: [0, 0, 0, 0], dilation: [1, 1] }, // one output
];

describe.each([F2X2_3X3, F4X4_3X3])('Winograd $name transforms', (variant) => {
  it.each(cases)('equal the direct convolution: %o', (c) => {
    const oh = c.h + c.pad[0] + c.pad[1] - 2 * c.dilation[0];
    const ow = c.w + c.pad[2] + c.pad[3] - 2 * c.dilation[1];
    const x = seeded(c.n * c.h * c.w * c.cin, 1);
    const f = seeded(9 * c.cin * c.cout, 2);
    const expected = directConv(x, f, c, oh, ow);
    const actual = winogradConv(variant, x, f, c, oh, ow);
    let worst = 0;
    let largest = 0;
    for (let i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
      largest = Math.max(largest, Math.abs(expected[i]!));
    }
    expect(actual.some(Number.isNaN), 'every output written').toBe(false);
    // float32 rounding in the transforms: relative to the largest output
    expect(worst / largest).toBeLessThan(1e-5);
  });
});

describe('Winograd tiling', () => {
  it('tiles every output once, per dilation phase', () => {
    const f2 = winogradTiling([1, 9, 9, 1], [1, 9, 9, 1], { top: 2, left: 2 }, [2, 2], 2);
    // rows: phase 0 -> 0, 4, 8; phase 1 -> 1, 5.  Each tile covers origin and origin + 2.
    expect([...f2.rows]).toEqual([0, 4, 8, 1, 5]);
    expect(f2.tiles).toBe(25);
    const f4 = winogradTiling([1, 9, 9, 1], [1, 9, 9, 1], { top: 2, left: 2 }, [2, 2], 4);
    // phase 0 -> 0 (0, 2, 4, 6), 8; phase 1 -> 1 (1, 3, 5, 7).
    expect([...f4.rows]).toEqual([0, 8, 1]);
  });
});
