/**
 * Strided accumulation of runs, the scatter-add of a col2im:
 *
 *   `add_runs(src, dst, outer, outerSrc, outerDst, runs, runSrc, runDst, length, step)`
 *
 * adds, for o < outer, r < runs and k < length,
 * `src[o·outerSrc + r·runSrc + k]` into `dst[o·outerDst + r·runDst + k·step]` (element strides; `src` and
 * `dst` byte addresses). With `step` 1 four floats at a time, the last (length mod 4) one at a time;
 * otherwise one at a time.
 */
import { type Code, elementAddress, FunctionBuilder, forRange } from './function-builder.js';
import { I, T } from './wasm-encoding.js';

export function addRunsFunction(): FunctionBuilder {
  const f = new FunctionBuilder('add_runs');
  const [src, dst, outer, outerSrc, outerDst, runs, runSrc, runDst, length, step] = f.paramList(10, T.i32);
  const [o, r, k, length4, from, to] = f.localList(6, T.i32);
  const g = I.get;
  /** Byte address `base + (a·x + b·y) · 4` of locals. */
  const address = (base: number, terms: [number, number][]): Code => [
    ...g(base),
    ...terms.flatMap(([a, x], i) => [...g(a), ...g(x), ...I.i32Mul, ...(i > 0 ? I.i32Add : [])]),
    ...I.i32(2),
    ...I.i32Shl,
    ...I.i32Add,
  ];
  const elementAt = elementAddress;
  const addScalar = (dstIndex: Code): Code => [
    ...elementAt(to, dstIndex),
    ...elementAt(to, dstIndex),
    ...I.f32Load(),
    ...elementAt(from, g(k)),
    ...I.f32Load(),
    ...I.f32Add,
    ...I.f32Store(),
  ];
  const addVector: Code = [
    ...elementAt(to, g(k)),
    ...elementAt(to, g(k)),
    ...I.vLoad(),
    ...elementAt(from, g(k)),
    ...I.vLoad(),
    ...I.f32x4Add,
    ...I.vStore(),
  ];
  f.emit(
    g(length),
    I.i32(-4),
    I.i32And,
    I.set(length4),
    forRange(o, I.i32(0), g(outer), 1, [
      ...forRange(r, I.i32(0), g(runs), 1, [
        ...address(src, [
          [o, outerSrc],
          [r, runSrc],
        ]),
        ...I.set(from),
        ...address(dst, [
          [o, outerDst],
          [r, runDst],
        ]),
        ...I.set(to),
        ...g(step),
        ...I.i32(1),
        ...I.i32Eq,
        ...I.if,
        ...forRange(k, I.i32(0), g(length4), 4, addVector),
        ...forRange(k, g(length4), g(length), 1, addScalar(g(k))),
        ...I.else,
        ...forRange(k, I.i32(0), g(length), 1, addScalar([...g(k), ...g(step), ...I.i32Mul])),
        ...I.end,
      ]),
    ]),
  );
  return f;
}
