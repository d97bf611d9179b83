/**
 * Training-mode batch normalisation over the channel (last) axis of x viewed as [pixels, channels], in
 * the fewest passes: per-channel sums, then one elementwise pass. Every function comes twice: `_v`
 * (4 channels per SIMD lane group; channels must be a multiple of 4) and `_s` (one channel at a time).
 * Per-channel vectors (mean, rstd, ...) are float32 [channels] at byte addresses.
 *
 * - `bn_sums(x, dy, mean, rstd, acc0, blk0, acc1, blk1, pixels, channels)`, in three variants:
 *   `bn_sum`: acc0 = Σ x;  `bn_sqdiff`: acc0 = Σ (x − mean)²;
 *   `bn_grad_sums`: acc0 = Σ dy, acc1 = Σ dy · x̂ with x̂ = (x − mean) · rstd.
 *   Sums run over blocks of 64 pixels (blk*), then add into acc*: float32 error grows with
 *   64 + pixels / 64 rather than with pixels.
 * - `bn_apply(x, mean, rstd, gamma, beta, y, pixels, channels)`: y = ((x − mean) · rstd) · gamma + beta.
 * - `bn_dx(dy, x, mean, rstd, a, b, k, dx, pixels, channels)`: dx = ((dy − a) − x̂ · b) · k, with
 *   a = Σdy / N, b = Σdy·x̂ / N and k = gamma · rstd from the caller.
 *
 * The operation order is that of `@fcn/layers`' BatchNorm2d with tfjs ops, so the elementwise results
 * agree with it to the last bit given the same statistics.
 */
import { type Code, FunctionBuilder, forRange, type Lanes, SCALAR, VECTOR } from './function-builder.js';
import { I, T } from './wasm-encoding.js';

const BLOCK = 64;

export function batchNormFunctions(): FunctionBuilder[] {
  return [VECTOR, SCALAR].flatMap((L) => [
    sums('bn_sum', L, (v) => [v.x()]),
    sums('bn_sqdiff', L, (v) => [
      [...v.x(), ...v.mean(), ...L.sub, ...I.tee(v.tmp), ...I.get(v.tmp), ...L.mul],
    ]),
    sums('bn_grad_sums', L, (v) => [v.dy(), [...v.dy(), ...v.xHat(), ...L.mul]]),
    apply(L),
    dx(L),
  ]);
}

const suffix = (L: Lanes) => (L.width === 4 ? '_v' : '_s');

/** Loads of one element of a [pixels, channels] tensor or [channels] vector at the current (p, c). */
interface Access {
  x(): Code;
  dy(): Code;
  mean(): Code;
  xHat(): Code;
  tmp: number;
}

/** Loop locals: `o` the element's byte offset, `q` the channel's. */
function elementLoop(
  f: FunctionBuilder,
  L: Lanes,
  pixelsFrom: Code,
  pixelsTo: Code,
  channels: number,
  body: Code,
): Code {
  const p = f.local(T.i32);
  const c = f.local(T.i32);
  const row = f.local(T.i32);
  return forRange(p, pixelsFrom, pixelsTo, 1, [
    ...I.get(p),
    ...I.get(channels),
    ...I.i32Mul,
    ...I.i32(2),
    ...I.i32Shl,
    ...I.set(row),
    ...forRange(c, I.i32(0), I.get(channels), L.width, [
      ...I.get(row),
      ...I.get(c),
      ...I.i32(2),
      ...I.i32Shl,
      ...I.tee(q(f)),
      ...I.i32Add,
      ...I.set(o(f)),
      ...body,
    ]),
  ]);
}

const offsets = new WeakMap<FunctionBuilder, { o: number; q: number }>();
function offsetLocals(f: FunctionBuilder) {
  let locals = offsets.get(f);
  if (!locals) {
    locals = { o: f.local(T.i32), q: f.local(T.i32) };
    offsets.set(f, locals);
  }
  return locals;
}
const o = (f: FunctionBuilder) => offsetLocals(f).o;
const q = (f: FunctionBuilder) => offsetLocals(f).q;
const element = (f: FunctionBuilder, base: number) => [...I.get(base), ...I.get(o(f)), ...I.i32Add];
const channel = (f: FunctionBuilder, base: number) => [...I.get(base), ...I.get(q(f)), ...I.i32Add];

/** A loop over channels alone (c in bytes, in q). */
function channelLoop(f: FunctionBuilder, L: Lanes, channels: number, body: Code): Code {
  const c = f.local(T.i32);
  return forRange(c, I.i32(0), I.get(channels), L.width, [
    ...I.get(c),
    ...I.i32(2),
    ...I.i32Shl,
    ...I.set(q(f)),
    ...body,
  ]);
}

function sums(name: string, L: Lanes, terms: (v: Access) => Code[]): FunctionBuilder {
  const f = new FunctionBuilder(name + suffix(L));
  const [x, dy, mean, rstd, acc0, blk0, acc1, blk1, pixels, channels] = Array.from({ length: 10 }, () =>
    f.param(T.i32),
  ) as number[];
  const tmp = f.local(L.type);
  const from = f.local(T.i32);
  const to = f.local(T.i32);
  const load = (base: number, at: (f: FunctionBuilder, b: number) => Code) => [...at(f, base), ...L.load];
  const v: Access = {
    x: () => load(x!, element),
    dy: () => load(dy!, element),
    mean: () => load(mean!, channel),
    xHat: () => [...load(x!, element), ...load(mean!, channel), ...L.sub, ...load(rstd!, channel), ...L.mul],
    tmp,
  };
  const list = terms(v);
  const accs = [acc0!, acc1!].slice(0, list.length);
  const blks = [blk0!, blk1!].slice(0, list.length);
  const zero = (bases: number[]) =>
    channelLoop(
      f,
      L,
      channels!,
      bases.flatMap((b) => [...channel(f, b), ...L.zero, ...L.store]),
    );
  f.emit(
    zero(accs),
    I.i32(0),
    I.set(from),
    I.block,
    I.loop,
    [...I.get(from), ...I.get(pixels!), ...I.i32GeS, ...I.brIf(1)],
    // to = min(from + BLOCK, pixels)
    [
      ...I.get(from),
      ...I.i32(BLOCK),
      ...I.i32Add,
      ...I.get(pixels!),
      ...I.get(from),
      ...I.i32(BLOCK),
      ...I.i32Add,
    ],
    [...I.get(pixels!), ...I.i32LtS, ...I.select, ...I.set(to)],
    zero(blks),
    elementLoop(
      f,
      L,
      I.get(from),
      I.get(to),
      channels!,
      list.flatMap((term, k) => [
        ...channel(f, blks[k]!),
        ...channel(f, blks[k]!),
        ...L.load,
        ...term,
        ...L.add,
        ...L.store,
      ]),
    ),
    channelLoop(
      f,
      L,
      channels!,
      accs.flatMap((acc, k) => [
        ...channel(f, acc),
        ...channel(f, acc),
        ...L.load,
        ...channel(f, blks[k]!),
        ...L.load,
        ...L.add,
        ...L.store,
      ]),
    ),
    I.get(to),
    I.set(from),
    I.br(0),
    I.end,
    I.end,
  );
  return f;
}

function apply(L: Lanes): FunctionBuilder {
  const f = new FunctionBuilder(`bn_apply${suffix(L)}`);
  const [x, mean, rstd, gamma, beta, y, pixels, channels] = Array.from({ length: 8 }, () =>
    f.param(T.i32),
  ) as number[];
  const ld = (base: number, at: (f: FunctionBuilder, b: number) => Code) => [...at(f, base), ...L.load];
  f.emit(
    elementLoop(f, L, I.i32(0), I.get(pixels!), channels!, [
      ...element(f, y!),
      ...ld(x!, element),
      ...ld(mean!, channel),
      ...L.sub,
      ...ld(rstd!, channel),
      ...L.mul,
      ...ld(gamma!, channel),
      ...L.mul,
      ...ld(beta!, channel),
      ...L.add,
      ...L.store,
    ]),
  );
  return f;
}

function dx(L: Lanes): FunctionBuilder {
  const f = new FunctionBuilder(`bn_dx${suffix(L)}`);
  const [dy, x, mean, rstd, a, b, k, out, pixels, channels] = Array.from({ length: 10 }, () =>
    f.param(T.i32),
  ) as number[];
  const ld = (base: number, at: (f: FunctionBuilder, b: number) => Code) => [...at(f, base), ...L.load];
  f.emit(
    elementLoop(f, L, I.i32(0), I.get(pixels!), channels!, [
      ...element(f, out!),
      ...ld(dy!, element),
      ...ld(a!, channel),
      ...L.sub,
      ...ld(x!, element),
      ...ld(mean!, channel),
      ...L.sub,
      ...ld(rstd!, channel),
      ...L.mul,
      ...ld(b!, channel),
      ...L.mul,
      ...L.sub,
      ...ld(k!, channel),
      ...L.mul,
      ...L.store,
    ]),
  );
  return f;
}
