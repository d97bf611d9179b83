/**
 * Just enough of the WebAssembly binary format to write small SIMD kernels from TypeScript: value
 * types, the opcodes the kernels use, LEB128 integers, and a module with one imported memory and
 * exported functions. The kernels (`*-code.ts` beside this file) build function bodies as byte arrays
 * with these helpers; `simd-module.ts` assembles and instantiates them on the tfjs wasm memory.
 */

export const T = { i32: 0x7f, f32: 0x7d, f64: 0x7c, v128: 0x7b } as const;
export type ValueType = (typeof T)[keyof typeof T];

export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const f32Bytes = (value: number) => [...new Uint8Array(new Float32Array([value]).buffer)];
const simd = (opcode: number, ...immediates: number[]) => [0xfd, ...uleb(opcode), ...immediates];
/** memarg: alignment hint (log2 bytes) and a constant byte offset. */
const mem = (opcode: number[], align: number, offset = 0) => [...opcode, align, ...uleb(offset)];

/** Instructions, each as its bytes. Locals are indices; control flow nests with `end`. */
export const I = {
  get: (local: number) => [0x20, ...uleb(local)],
  set: (local: number) => [0x21, ...uleb(local)],
  tee: (local: number) => [0x22, ...uleb(local)],
  i32: (value: number) => [0x41, ...sleb(value)],
  f32: (value: number) => [0x43, ...f32Bytes(value)],
  /** A v128 constant with `value` (as float32) in all four lanes. */
  vF32: (value: number) => [
    0xfd,
    ...uleb(0x0c),
    ...f32Bytes(value),
    ...f32Bytes(value),
    ...f32Bytes(value),
    ...f32Bytes(value),
  ],
  vI32: (value: number) => {
    const lane = [...new Uint8Array(new Int32Array([value]).buffer)];
    return [0xfd, ...uleb(0x0c), ...lane, ...lane, ...lane, ...lane];
  },
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  drop: [0x1a],
  /** memory.copy (dst, src, bytes) and memory.fill (dst, byte, bytes): bulk memory. */
  memoryCopy: [0xfc, 0x0a, 0x00, 0x00],
  memoryFill: [0xfc, 0x0b, 0x00],
  select: [0x1b],
  // i32
  i32Load: (offset = 0) => mem([0x28], 2, offset),
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32DivU: [0x6e],
  i32Shl: [0x74],
  i32And: [0x71],
  i32Or: [0x72],
  i32Eqz: [0x45],
  i32Eq: [0x46],
  i32Ne: [0x47],
  i32LtS: [0x48],
  i32LtU: [0x49],
  i32GeS: [0x4e],
  i32GeU: [0x4f],
  i32GtS: [0x4a],
  // f32
  f32Load: (offset = 0) => mem([0x2a], 2, offset),
  f32Store: (offset = 0) => mem([0x38], 2, offset),
  f32Add: [0x92],
  f32Sub: [0x93],
  f32Mul: [0x94],
  f32Div: [0x95],
  f32Max: [0x97],
  f32Sqrt: [0x91],
  f32Gt: [0x5e],
  // v128
  vLoad: (offset = 0) => mem([0xfd, 0x00], 0, offset),
  vStore: (offset = 0) => mem([0xfd, 0x0b], 0, offset),
  /** Picks 16 bytes from the two v128 operands (0-15 the first, 16-31 the second). */
  i8x16Shuffle: (lanes: number[]) => simd(0x0d, ...lanes),
  vAnd: simd(0x4e),
  vBitselect: simd(0x52),
  f32x4Splat: simd(0x13),
  i32x4Splat: simd(0x11),
  f32x4Extract: (lane: number) => simd(0x1f, lane),
  i32x4Extract: (lane: number) => simd(0x1b, lane),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  f32x4Div: simd(0xe7),
  f32x4Min: simd(0xe8),
  f32x4Max: simd(0xe9),
  f32x4Gt: simd(0x44),
  f32x4Nearest: simd(0x6a),
  i32x4TruncSatF32x4S: simd(0xf8),
  i32x4Add: simd(0xae),
  i32x4Shl: simd(0xab),
};

export interface FunctionSpec {
  name: string;
  params: ValueType[];
  results: ValueType[];
  /** Extra locals, numbered after the parameters. */
  locals: ValueType[];
  body: number[];
}

const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
const vector = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const utf8 = (text: string) => {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
};

/**
 * A module importing `env.memory` (shared with a maximum of 65536 pages, as the threaded tfjs build
 * makes it, or plain) and exporting `functions`. It has no data segments: it writes only where the
 * kernels are told to.
 */
export function encodeModule(functions: FunctionSpec[], sharedMemory: boolean): Uint8Array {
  const types = functions.map((f) => [
    0x60,
    ...vector(f.params.map((t) => [t])),
    ...vector(f.results.map((t) => [t])),
  ]);
  const limits = sharedMemory ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)];
  const imports = vector([[...utf8('env'), ...utf8('memory'), 0x02, ...limits]]);
  const codes = functions.map((f) => {
    const groups = f.locals.map((t) => [...uleb(1), t]);
    const code = [...vector(groups), ...f.body, ...I.end];
    return [...uleb(code.length), ...code];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(2, imports),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(7, vector(functions.map((f, i) => [...utf8(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vector(codes)),
  ]);
}
