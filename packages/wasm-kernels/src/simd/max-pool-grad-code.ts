/**
 * MaxPool's gradient (NHWC): each window's dy goes to its first maximum in row-major window order,
 * padding excluded (as the cpu backend and PyTorch), added into dx, which the caller zeroes:
 *
 *   `maxpool_grad_v` / `_s`(x, dy, dx, batch, inH, inW, channels, outH, outW, fh, fw, sh, sw, padTop,
 *   padLeft)`, byte addresses; `_v` takes 4 channels at once (channels a multiple of 4).
 *
 * A window whose values are all NaN (never `>` the running best, which starts at -Infinity) passes no
 * gradient, like the JavaScript kernel it replaces.
 */
import { type Code, FunctionBuilder, forRange, type Lanes, SCALAR, VECTOR } from './function-builder.js';
import { I, T } from './wasm-encoding.js';

export function maxPoolGradFunctions(): FunctionBuilder[] {
  return [maxPoolGrad(VECTOR), maxPoolGrad(SCALAR)];
}

const max = (a: Code, b: Code): Code => [...a, ...b, ...a, ...b, ...I.i32GtS, ...I.select];
const min = (a: Code, b: Code): Code => [...a, ...b, ...a, ...b, ...I.i32LtS, ...I.select];
const mul = (...parts: Code[]): Code => parts.flatMap((p, i) => (i === 0 ? p : [...p, ...I.i32Mul]));

function maxPoolGrad(L: Lanes): FunctionBuilder {
  const f = new FunctionBuilder(`maxpool_grad${L.width === 4 ? '_v' : '_s'}`);
  const [x, dy, dx, batch, inH, inW, C, outH, outW, fh, fw, sh, sw, padTop, padLeft] = Array.from(
    { length: 15 },
    () => f.param(T.i32),
  ) as number[];
  const [n, oh, ow, top, left, r0, r1, c0, c1, h, w, c, pix, dyAt, addr] = Array.from({ length: 15 }, () =>
    f.local(T.i32),
  ) as number[];
  const best = f.local(L.type);
  const v = f.local(L.type);
  const d = f.local(L.type);
  const bestAt = f.local(L.width === 4 ? T.v128 : T.i32);
  const mask = f.local(T.v128);
  const g = I.get;
  const cBytes = [...g(c!), ...I.i32(2), ...I.i32Shl];
  /** dx[at] += value, `at` being code that adds the element's byte offset to dx's address on the stack. */
  const addInto = (at: Code, value: Code): Code => [
    ...g(dx!),
    ...at,
    ...I.tee(addr!),
    ...g(addr!),
    ...I.f32Load(),
    ...value,
    ...I.f32Add,
    ...I.f32Store(),
  ];
  const window: Code =
    L.width === 4
      ? [
          ...g(x!),
          ...g(pix!),
          ...I.i32Add,
          ...cBytes,
          ...I.i32Add,
          ...I.vLoad(),
          ...I.set(v),
          ...g(v),
          ...g(best),
          ...I.f32x4Gt,
          ...I.set(mask),
          ...g(v),
          ...g(best),
          ...g(mask),
          ...I.vBitselect,
          ...I.set(best),
          ...g(pix!),
          ...I.i32x4Splat,
          ...g(bestAt),
          ...g(mask),
          ...I.vBitselect,
          ...I.set(bestAt),
        ]
      : [
          ...g(x!),
          ...g(pix!),
          ...I.i32Add,
          ...cBytes,
          ...I.i32Add,
          ...I.f32Load(),
          ...I.set(v),
          ...g(v),
          ...g(best),
          ...I.f32Gt,
          ...I.if,
          ...g(v),
          ...I.set(best),
          ...g(pix!),
          ...I.set(bestAt),
          ...I.end,
        ];
  const scatter: Code =
    L.width === 4
      ? [0, 1, 2, 3].flatMap((lane) => [
          ...g(bestAt),
          ...I.i32x4Extract(lane),
          ...I.i32(0),
          ...I.i32GeS,
          ...I.if,
          ...addInto(
            [
              ...g(bestAt),
              ...I.i32x4Extract(lane),
              ...I.i32Add,
              ...cBytes,
              ...I.i32Add,
              ...I.i32(4 * lane),
              ...I.i32Add,
            ],
            [...g(d), ...I.f32x4Extract(lane)],
          ),
          ...I.end,
        ])
      : [
          ...g(bestAt),
          ...I.i32(0),
          ...I.i32GeS,
          ...I.if,
          ...addInto([...g(bestAt), ...I.i32Add, ...cBytes, ...I.i32Add], g(d)),
          ...I.end,
        ];
  const perChannel: Code = [
    ...(L.width === 4 ? I.vF32(Number.NEGATIVE_INFINITY) : I.f32(Number.NEGATIVE_INFINITY)),
    ...I.set(best),
    ...(L.width === 4 ? I.vI32(-1) : I.i32(-1)),
    ...I.set(bestAt),
    ...forRange(h!, g(r0!), g(r1!), 1, [
      ...forRange(w!, g(c0!), g(c1!), 1, [
        // pix = ((n·inH + h)·inW + w)·C·4
        ...mul(
          [...mul([...mul(g(n!), g(inH!)), ...g(h!), ...I.i32Add], g(inW!)), ...g(w!), ...I.i32Add],
          g(C!),
        ),
        ...I.i32(2),
        ...I.i32Shl,
        ...I.set(pix!),
        ...window,
      ]),
    ]),
    ...g(dyAt!),
    ...cBytes,
    ...I.i32Add,
    ...L.load,
    ...I.set(d),
    ...scatter,
  ];
  f.emit(
    forRange(n!, I.i32(0), g(batch!), 1, [
      ...forRange(oh!, I.i32(0), g(outH!), 1, [
        ...mul(g(oh!), g(sh!)),
        ...g(padTop!),
        ...I.i32Sub,
        ...I.set(top!),
        ...max(I.i32(0), g(top!)),
        ...I.set(r0!),
        ...min(g(inH!), [...g(top!), ...g(fh!), ...I.i32Add]),
        ...I.set(r1!),
        ...forRange(ow!, I.i32(0), g(outW!), 1, [
          ...mul(g(ow!), g(sw!)),
          ...g(padLeft!),
          ...I.i32Sub,
          ...I.set(left!),
          ...max(I.i32(0), g(left!)),
          ...I.set(c0!),
          ...min(g(inW!), [...g(left!), ...g(fw!), ...I.i32Add]),
          ...I.set(c1!),
          // dyAt = dy + ((n·outH + oh)·outW + ow)·C·4
          ...g(dy!),
          ...mul(
            [...mul([...mul(g(n!), g(outH!)), ...g(oh!), ...I.i32Add], g(outW!)), ...g(ow!), ...I.i32Add],
            g(C!),
          ),
          ...I.i32(2),
          ...I.i32Shl,
          ...I.i32Add,
          ...I.set(dyAt!),
          ...forRange(c!, I.i32(0), g(C!), L.width, perChannel),
        ]),
      ]),
    ]),
  );
  return f;
}
