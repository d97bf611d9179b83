/**
 * Softmax cross-entropy with an ignore label, forward and backward in one pass over the logits:
 *
 *   `xent(logits, labels, grad, stats, pixels, classes, ignore, scale)`
 *
 * For each pixel p of `logits` [pixels, classes] whose int32 label y is a class (0 ≤ y < classes,
 * y ≠ ignore): grad[p] = (softmax(logits[p]) − onehot(y)) · scale, stats[p] = (max − logits[p, y],
 * Σ exp(logits[p] − max)), so that its loss is stats[p][0] + log(stats[p][1]) (the caller takes the
 * log). Other pixels: grad[p] = 0, stats[p] = (0, 1).
 */

import { exp4, expLocals } from './exp-code.js';
import { at, type Code, FunctionBuilder, forRange } from './function-builder.js';
import { I, T } from './wasm-encoding.js';

export function softmaxXentFunction(): FunctionBuilder {
  const f = new FunctionBuilder('xent');
  const [logits, labels, grad, stats, pixels, classes, ignore] = [0, 1, 2, 3, 4, 5, 6].map(() =>
    f.param(T.i32),
  ) as number[];
  const scale = f.param(T.f32);
  const p = f.local(T.i32);
  const c = f.local(T.i32);
  const row = f.local(T.i32);
  const out = f.local(T.i32);
  const label = f.local(T.i32);
  const vectorEnd = f.local(T.i32);
  const max = f.local(T.f32);
  const sum = f.local(T.f32);
  const k = f.local(T.f32);
  const acc = f.local(T.v128);
  const ev = f.local(T.v128);
  const t = expLocals(f);
  const e = f.local(T.f32);
  const rowBytes = [...I.get(p!), ...I.get(classes!), ...I.i32Mul, ...I.i32(2), ...I.i32Shl];
  const stat = (lane: 0 | 1) => [
    ...I.get(stats!),
    ...I.get(p!),
    ...I.i32(3),
    ...I.i32Shl,
    ...I.i32Add,
    ...(lane ? I.i32(4) : []),
    ...(lane ? I.i32Add : []),
  ];
  const fillRow = (value: Code) =>
    [
      forRange(c, I.i32(0), I.get(vectorEnd), 4, [...at(out, c), ...value, ...I.f32x4Splat, ...I.vStore()]),
      forRange(c, I.get(vectorEnd), I.get(classes!), 1, [...at(out, c), ...value, ...I.f32Store()]),
    ].flat();
  const counted: Code = [
    ...I.get(label),
    ...I.i32(0),
    ...I.i32GeS,
    ...I.get(label),
    ...I.get(classes!),
    ...I.i32LtS,
    ...I.i32And,
    ...I.get(label),
    ...I.get(ignore!),
    ...I.i32Ne,
    ...I.i32And,
  ];
  const perPixel: Code = [
    ...I.get(logits!),
    ...rowBytes,
    ...I.i32Add,
    ...I.set(row),
    ...I.get(grad!),
    ...rowBytes,
    ...I.i32Add,
    ...I.set(out),
    ...I.get(labels!),
    ...I.get(p!),
    ...I.i32(2),
    ...I.i32Shl,
    ...I.i32Add,
    ...I.i32Load(),
    ...I.set(label),
    ...counted,
    ...I.i32Eqz,
    ...I.if,
    ...fillRow(I.f32(0)),
    ...stat(0),
    ...I.f32(0),
    ...I.f32Store(),
    ...stat(1),
    ...I.f32(1),
    ...I.f32Store(),
    ...I.else,
    // max over the row
    ...I.f32(Number.NEGATIVE_INFINITY),
    ...I.set(max),
    ...forRange(c, I.i32(0), I.get(classes!), 1, [
      ...I.get(max),
      ...at(row, c),
      ...I.f32Load(),
      ...I.f32Max,
      ...I.set(max),
    ]),
    // e = exp(x - max) into the gradient row, summed
    ...I.vF32(0),
    ...I.set(acc),
    ...forRange(c, I.i32(0), I.get(vectorEnd), 4, [
      ...at(out, c),
      ...at(row, c),
      ...I.vLoad(),
      ...I.get(max),
      ...I.f32x4Splat,
      ...I.f32x4Sub,
      ...exp4(t),
      ...I.tee(ev),
      ...I.vStore(),
      ...I.get(acc),
      ...I.get(ev),
      ...I.f32x4Add,
      ...I.set(acc),
    ]),
    ...I.get(acc),
    ...I.f32x4Extract(0),
    ...I.get(acc),
    ...I.f32x4Extract(1),
    ...I.f32Add,
    ...I.get(acc),
    ...I.f32x4Extract(2),
    ...I.f32Add,
    ...I.get(acc),
    ...I.f32x4Extract(3),
    ...I.f32Add,
    ...I.set(sum),
    ...forRange(c, I.get(vectorEnd), I.get(classes!), 1, [
      ...at(out, c),
      ...at(row, c),
      ...I.f32Load(),
      ...I.get(max),
      ...I.f32Sub,
      ...I.f32x4Splat,
      ...exp4(t),
      ...I.f32x4Extract(0),
      ...I.tee(e),
      ...I.f32Store(),
      ...I.get(sum),
      ...I.get(e),
      ...I.f32Add,
      ...I.set(sum),
    ]),
    // grad = e · (scale / sum), then − scale at the label
    ...I.get(scale),
    ...I.get(sum),
    ...I.f32Div,
    ...I.set(k),
    ...forRange(c, I.i32(0), I.get(vectorEnd), 4, [
      ...at(out, c),
      ...at(out, c),
      ...I.vLoad(),
      ...I.get(k),
      ...I.f32x4Splat,
      ...I.f32x4Mul,
      ...I.vStore(),
    ]),
    ...forRange(c, I.get(vectorEnd), I.get(classes!), 1, [
      ...at(out, c),
      ...at(out, c),
      ...I.f32Load(),
      ...I.get(k),
      ...I.f32Mul,
      ...I.f32Store(),
    ]),
    ...at(out, label),
    ...at(out, label),
    ...I.f32Load(),
    ...I.get(scale),
    ...I.f32Sub,
    ...I.f32Store(),
    ...stat(0),
    ...I.get(max),
    ...at(row, label),
    ...I.f32Load(),
    ...I.f32Sub,
    ...I.f32Store(),
    ...stat(1),
    ...I.get(sum),
    ...I.f32Store(),
    ...I.end,
  ];
  f.emit(
    [...I.get(classes!), ...I.i32(-4), ...I.i32And, ...I.set(vectorEnd)],
    forRange(p, I.i32(0), I.get(pixels!), 1, perPixel),
  );
  return f;
}
