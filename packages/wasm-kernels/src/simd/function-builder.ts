/**
 * Writing a kernel function: named parameters and locals, counted loops, and `Lanes`, which lets one
 * loop body be emitted as SIMD (4 float32 lanes) or scalar code (for tails and odd channel counts).
 */
import { type FunctionSpec, I, T, type ValueType } from './wasm-encoding.js';

export type Code = number[];

/** A tuple of `N` local indices (what {@link FunctionBuilder.paramList} returns). */
export type Indices<N extends number, R extends number[] = []> = R['length'] extends N
  ? R
  : Indices<N, [number, ...R]>;

export class FunctionBuilder {
  private readonly params: ValueType[] = [];
  private readonly locals: ValueType[] = [];
  private readonly code: Code = [];

  constructor(
    readonly name: string,
    private readonly results: ValueType[] = [],
  ) {}

  /** Declares the next parameter; returns its local index. Declare all parameters before any local. */
  param(type: ValueType): number {
    if (this.locals.length > 0) throw new Error(`${this.name}: parameters must come before locals`);
    this.params.push(type);
    return this.params.length - 1;
  }

  local(type: ValueType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  /** Declares `count` parameters of `type`; returns their local indices. */
  paramList<N extends number>(count: N, type: ValueType): Indices<N> {
    return Array.from({ length: count }, () => this.param(type)) as Indices<N>;
  }

  /** Declares `count` locals of `type`; returns their indices. */
  localList<N extends number>(count: N, type: ValueType): Indices<N> {
    return Array.from({ length: count }, () => this.local(type)) as Indices<N>;
  }

  emit(...parts: Code[]): this {
    for (const part of parts) this.code.push(...part);
    return this;
  }

  spec(): FunctionSpec {
    return {
      name: this.name,
      params: this.params,
      results: this.results,
      locals: this.locals,
      body: this.code,
    };
  }
}

/** `for (i = start; i < limit; i += step) body` with i32 `i`; `start` and `limit` are code that pushes an i32. */
export function forRange(i: number, start: Code, limit: Code, step: number, ...body: Code[]): Code {
  return [
    ...start,
    ...I.set(i),
    ...I.block,
    ...I.loop,
    ...I.get(i),
    ...limit,
    ...I.i32GeS,
    ...I.brIf(1),
    ...body.flat(),
    ...I.get(i),
    ...I.i32(step),
    ...I.i32Add,
    ...I.set(i),
    ...I.br(0),
    ...I.end,
    ...I.end,
  ];
}

/** `base + index * 4`: the byte address of float32 element `index`, pushed by `index` (local `base`). */
export const elementAddress = (base: number, index: Code): Code => [
  ...I.get(base),
  ...index,
  ...I.i32(2),
  ...I.i32Shl,
  ...I.i32Add,
];

/** `base + index * 4`: the byte address of float32 element `index` (both i32 locals). */
export const at = (base: number, index: number): Code => [
  ...I.get(base),
  ...I.get(index),
  ...I.i32(2),
  ...I.i32Shl,
  ...I.i32Add,
];

/** float32 arithmetic on 4 lanes (v128) or 1 (f32), so that one body serves both. */
export interface Lanes {
  width: 1 | 4;
  type: ValueType;
  load: Code;
  store: Code;
  add: Code;
  sub: Code;
  mul: Code;
  /** Pushes local `scalar` (an f32) as this width's value. */
  splat(scalar: number): Code;
  zero: Code;
}

export const VECTOR: Lanes = {
  width: 4,
  type: T.v128,
  load: I.vLoad(),
  store: I.vStore(),
  add: I.f32x4Add,
  sub: I.f32x4Sub,
  mul: I.f32x4Mul,
  splat: (scalar) => [...I.get(scalar), ...I.f32x4Splat],
  zero: I.vF32(0),
};

export const SCALAR: Lanes = {
  width: 1,
  type: T.f32,
  load: I.f32Load(),
  store: I.f32Store(),
  add: I.f32Add,
  sub: I.f32Sub,
  mul: I.f32Mul,
  splat: (scalar) => I.get(scalar),
  zero: I.f32(0),
};
