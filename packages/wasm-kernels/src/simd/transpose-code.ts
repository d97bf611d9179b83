/**
 * A batched, strided 2-D transpose:
 *
 *   `transpose(src, dst, batches, rows, cols, srcBatch, srcRow, dstBatch, dstRow)`
 *
 * writes `dst[b·dstBatch + c·dstRow + r] = src[b·srcBatch + r·srcRow + c]` for every batch b, row r
 * and column c (element offsets; `src` and `dst` are byte addresses). Blocks of 4x4 go through
 * registers (four loads, eight shuffles, four stores); the columns are taken in strips of
 * {@link COLUMN_STRIP} so that the destination rows being filled stay in the L1 cache; rows and
 * columns past a multiple of four are copied one float at a time.
 */
import { type Code, elementAddress, FunctionBuilder, forRange } from './function-builder.js';
import { I, T } from './wasm-encoding.js';

/** Columns (destination rows) handled per pass over the rows: 64 rows of 64-byte lines stay in L1. */
export const COLUMN_STRIP = 64;

/** Byte lanes of float lanes `floats` (0-3 the first operand, 4-7 the second). */
const floatLanes = (floats: number[]) => floats.flatMap((f) => [4 * f, 4 * f + 1, 4 * f + 2, 4 * f + 3]);

export function transposeFunction(): FunctionBuilder {
  const f = new FunctionBuilder('transpose');
  const [src, dst, batches, rows, cols, srcBatch, srcRow, dstBatch, dstRow] = f.paramList(9, T.i32);
  const [b, strip, stripEnd, stripEnd4, r, rows4, c, from, to, srcBase, dstBase] = f.localList(11, T.i32);
  const [v0, v1, v2, v3] = f.localList(4, T.v128);
  const g = I.get;
  const address = elementAddress;
  const mul = (a: number, x: number): Code => [...g(a), ...g(x), ...I.i32Mul];
  /** One float: dst[c·dstRow + r] = src[r·srcRow + c] (relative to the batch bases). */
  const scalarCopy: Code = [
    ...address(dstBase, [...mul(c, dstRow), ...g(r), ...I.i32Add]),
    ...address(srcBase, [...mul(r, srcRow), ...g(c), ...I.i32Add]),
    ...I.f32Load(),
    ...I.f32Store(),
  ];
  const loadRow = (k: number, into: number): Code => [
    ...g(from),
    ...(k === 0 ? [] : [...g(srcRow), ...I.i32(4 * k), ...I.i32Mul, ...I.i32Add]),
    ...I.vLoad(),
    ...I.set(into),
  ];
  const storeColumn = (k: number, a: number, bb: number, lanes: number[]): Code => [
    ...g(to),
    ...(k === 0 ? [] : [...g(dstRow), ...I.i32(4 * k), ...I.i32Mul, ...I.i32Add]),
    ...g(a),
    ...g(bb),
    ...I.i8x16Shuffle(floatLanes(lanes)),
    ...I.vStore(),
  ];
  // The 4x4 block at (r, c): rows v0..v3, interleaved pairwise into v0..v3, then columns out.
  const block: Code = [
    ...address(srcBase, [...mul(r, srcRow), ...g(c), ...I.i32Add]),
    ...I.set(from),
    ...address(dstBase, [...mul(c, dstRow), ...g(r), ...I.i32Add]),
    ...I.set(to),
    ...loadRow(0, v0),
    ...loadRow(1, v1),
    ...loadRow(2, v2),
    ...loadRow(3, v3),
    // t0 = a0 b0 a1 b1, t1 = a2 b2 a3 b3 (into v0, v1); t2, t3 the same of rows 2 and 3 (into v2, v3)
    ...g(v0),
    ...g(v1),
    ...I.i8x16Shuffle(floatLanes([2, 6, 3, 7])),
    ...g(v0),
    ...g(v1),
    ...I.i8x16Shuffle(floatLanes([0, 4, 1, 5])),
    ...I.set(v0),
    ...I.set(v1),
    ...g(v2),
    ...g(v3),
    ...I.i8x16Shuffle(floatLanes([2, 6, 3, 7])),
    ...g(v2),
    ...g(v3),
    ...I.i8x16Shuffle(floatLanes([0, 4, 1, 5])),
    ...I.set(v2),
    ...I.set(v3),
    ...storeColumn(0, v0, v2, [0, 1, 4, 5]),
    ...storeColumn(1, v0, v2, [2, 3, 6, 7]),
    ...storeColumn(2, v1, v3, [0, 1, 4, 5]),
    ...storeColumn(3, v1, v3, [2, 3, 6, 7]),
  ];
  const min = (a: Code, x: Code): Code => [...a, ...x, ...a, ...x, ...I.i32LtS, ...I.select];
  f.emit(
    // rows4 = rows & ~3
    g(rows),
    I.i32(-4),
    I.i32And,
    I.set(rows4),
    forRange(b, I.i32(0), g(batches), 1, [
      ...address(src, mul(b, srcBatch)),
      ...I.set(srcBase),
      ...address(dst, mul(b, dstBatch)),
      ...I.set(dstBase),
      ...forRange(strip, I.i32(0), g(cols), COLUMN_STRIP, [
        ...min([...g(strip), ...I.i32(COLUMN_STRIP), ...I.i32Add], g(cols)),
        ...I.set(stripEnd),
        // stripEnd4 = strip + ((stripEnd − strip) & ~3)
        ...g(strip),
        ...g(stripEnd),
        ...g(strip),
        ...I.i32Sub,
        ...I.i32(-4),
        ...I.i32And,
        ...I.i32Add,
        ...I.set(stripEnd4),
        ...forRange(r, I.i32(0), g(rows4), 4, [
          ...forRange(c, g(strip), g(stripEnd4), 4, block),
          // the strip's last (cols mod 4) columns of these four rows
          ...forRange(c, g(stripEnd4), g(stripEnd), 1, [
            ...scalarCopy,
            ...[1, 2, 3].flatMap((k) => [
              ...address(dstBase, [...mul(c, dstRow), ...g(r), ...I.i32(k), ...I.i32Add, ...I.i32Add]),
              ...address(srcBase, [
                ...g(r),
                ...I.i32(k),
                ...I.i32Add,
                ...g(srcRow),
                ...I.i32Mul,
                ...g(c),
                ...I.i32Add,
              ]),
              ...I.f32Load(),
              ...I.f32Store(),
            ]),
          ]),
        ]),
        // the last (rows mod 4) rows
        ...forRange(r, g(rows4), g(rows), 1, [...forRange(c, g(strip), g(stripEnd), 1, scalarCopy)]),
      ]),
    ]),
  );
  return f;
}
