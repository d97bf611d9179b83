/**
 * One filter tap's block of the transposed im2col that `im2col.ts` describes (`im2colTransposed`):
 *
 *   `im2col_tap(src, dst, channels, batch, height, outHeight, outWidth, strideH, strideW, columns,
 *    r0, r1, kh, padTop, phase, q0, lo, hi)`
 *
 * writes, for each channel c and output row r in [r0, r1) (r = n·outHeight + oh), `outWidth` floats at
 * dst: zeros where the tap's input row h = oh·strideH + kh − padTop is outside the image, else zeros
 * on [0, lo), `xP[c, n, h, phase, q0 + ow]` on [lo, hi) and zeros on [hi, outWidth), with xP at src
 * laid out `[channels, batch, height, strideW, columns]` (`widthPhaseMajor`). Bulk-memory copies and
 * fills: the runs are short (30 to 240 floats in ResNet-18), where a JavaScript `copyWithin` per run
 * costs more than the copy.
 */
import { FunctionBuilder, forRange } from './function-builder.js';
import { I, T } from './wasm-encoding.js';

export function im2colFunction(): FunctionBuilder {
  const f = new FunctionBuilder('im2col_tap');
  const [src, dst, C, batch, height, outH, outW, sh, sw, columns, r0, r1, kh, padTop, phase, q0, lo, hi] =
    Array.from({ length: 18 }, () => f.param(T.i32)) as number[];
  const [c, r, n, h, at, from] = Array.from({ length: 6 }, () => f.local(T.i32)) as number[];
  const g = I.get;
  const bytes = (v: number[]) => [...v, ...I.i32(2), ...I.i32Shl];
  const fill0 = (start: number[], count: number[]) => [
    ...start,
    ...I.i32(0),
    ...bytes(count),
    ...I.memoryFill,
  ];
  f.emit(
    g(dst!),
    I.set(at!),
    forRange(c!, I.i32(0), g(C!), 1, [
      ...forRange(r!, g(r0!), g(r1!), 1, [
        ...g(r!),
        ...g(outH!),
        ...I.i32DivU,
        ...I.set(n!),
        // h = (r − n·outH)·sh + kh − padTop
        ...g(r!),
        ...g(n!),
        ...g(outH!),
        ...I.i32Mul,
        ...I.i32Sub,
        ...g(sh!),
        ...I.i32Mul,
        ...g(kh!),
        ...I.i32Add,
        ...g(padTop!),
        ...I.i32Sub,
        ...I.set(h!),
        ...g(h!),
        ...I.i32(0),
        ...I.i32LtS,
        ...g(h!),
        ...g(height!),
        ...I.i32GeS,
        ...I.i32Or,
        ...I.if,
        ...fill0(g(at!), g(outW!)),
        ...I.else,
        // from = src + ((((c·batch + n)·height + h)·sw + phase)·columns + lo + q0)·4
        ...g(src!),
        ...g(c!),
        ...g(batch!),
        ...I.i32Mul,
        ...g(n!),
        ...I.i32Add,
        ...g(height!),
        ...I.i32Mul,
        ...g(h!),
        ...I.i32Add,
        ...g(sw!),
        ...I.i32Mul,
        ...g(phase!),
        ...I.i32Add,
        ...g(columns!),
        ...I.i32Mul,
        ...g(lo!),
        ...I.i32Add,
        ...g(q0!),
        ...I.i32Add,
        ...I.i32(2),
        ...I.i32Shl,
        ...I.i32Add,
        ...I.set(from!),
        ...fill0(g(at!), g(lo!)),
        ...g(at!),
        ...bytes(g(lo!)),
        ...I.i32Add,
        ...g(from!),
        ...bytes([...g(hi!), ...g(lo!), ...I.i32Sub]),
        ...I.memoryCopy,
        ...fill0([...g(at!), ...bytes(g(hi!)), ...I.i32Add], [...g(outW!), ...g(hi!), ...I.i32Sub]),
        ...I.end,
        ...g(at!),
        ...bytes(g(outW!)),
        ...I.i32Add,
        ...I.set(at!),
      ]),
    ]),
  );
  return f;
}
