/**
 * MXNet's SGD update in one pass over a parameter, in the same float32 operations and order as
 * `@fcn/train`'s Sgd composes them from tfjs ops (so the results are the same bits):
 *
 *   d = g + w·wd            (d = g when there is no weight decay)
 *   with momentum μ:  m' = m·μ − d·lr;  w' = w + m'
 *   without:          w' = w − d·lr
 *
 * Four functions, `sgd`, `sgd_wd`, `sgd_mom`, `sgd_mom_wd`, each
 * `(w, g, m, outW, outM, n, lr, wd, mu)` with byte addresses (m and outM unused without momentum).
 */
import { at, type Code, FunctionBuilder, forRange, type Lanes, SCALAR, VECTOR } from './function-builder.js';
import { I, T } from './wasm-encoding.js';

export function sgdFunctions(): FunctionBuilder[] {
  return [false, true].flatMap((momentum) => [false, true].map((decay) => sgdFunction(momentum, decay)));
}

function sgdFunction(momentum: boolean, decay: boolean): FunctionBuilder {
  const f = new FunctionBuilder(`sgd${momentum ? '_mom' : ''}${decay ? '_wd' : ''}`);
  const [w, g, m, outW, outM, n] = [0, 1, 2, 3, 4, 5].map(() => f.param(T.i32)) as number[];
  const [lr, wd, mu] = [0, 1, 2].map(() => f.param(T.f32)) as number[];
  const i = f.local(T.i32);
  const v = f.local(T.v128);
  const s = f.local(T.f32);
  const body = (L: Lanes, keep: number): Code => {
    const load = (base: number) => [...at(base, i), ...L.load];
    const decayed = [...load(g!), ...(decay ? [...load(w!), ...L.splat(wd!), ...L.mul, ...L.add] : [])];
    if (!momentum) {
      return [...at(outW!, i), ...load(w!), ...decayed, ...L.splat(lr!), ...L.mul, ...L.sub, ...L.store];
    }
    return [
      ...at(outM!, i),
      ...load(m!),
      ...L.splat(mu!),
      ...L.mul,
      ...decayed,
      ...L.splat(lr!),
      ...L.mul,
      ...L.sub,
      ...I.tee(keep),
      ...L.store,
      ...at(outW!, i),
      ...load(w!),
      ...I.get(keep),
      ...L.add,
      ...L.store,
    ];
  };
  const vectorEnd = [...I.get(n!), ...I.i32(-4), ...I.i32And];
  f.emit(
    forRange(i, I.i32(0), vectorEnd, 4, body(VECTOR, v)),
    forRange(i, vectorEnd, I.get(n!), 1, body(SCALAR, s)),
  );
  return f;
}
