/**
 * The element types of the safetensors format and their sizes in bytes. Values are little-endian.
 * Every one is recognised when reading; `toFloat32` converts the numeric ones.
 */
export const DTYPE_BYTES = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
} as const;

export type Dtype = keyof typeof DTYPE_BYTES;

export function isDtype(value: unknown): value is Dtype {
  return typeof value === 'string' && Object.hasOwn(DTYPE_BYTES, value);
}

/** The dtypes that hold real numbers (weights can be stored in any of them). */
export const FLOAT_DTYPES: readonly Dtype[] = ['F32', 'F16', 'BF16', 'F64'];

/** One tensor of a safetensors file: its dtype, shape and raw little-endian bytes. */
export interface RawTensor {
  dtype: Dtype;
  shape: number[];
  data: Uint8Array;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function assertLittleEndian(): void {
  if (!LITTLE_ENDIAN) throw new Error('safetensors: big-endian platforms are not supported');
}

/** A copy of the bytes in a fresh, aligned buffer (also for a Node Buffer, whose `slice` copies nothing). */
function aligned(data: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(data.byteLength);
  copy.set(data);
  return copy.buffer;
}

/** The values of a tensor as float32, converting from any numeric dtype (a fresh array). */
export function toFloat32(tensor: RawTensor): Float32Array {
  assertLittleEndian();
  const { dtype, data } = tensor;
  switch (dtype) {
    case 'F32':
      return new Float32Array(aligned(data));
    case 'F64':
      return Float32Array.from(new Float64Array(aligned(data)));
    case 'F16':
      return Float32Array.from(new Uint16Array(aligned(data)), halfToFloat);
    case 'BF16': {
      const half = new Uint16Array(aligned(data));
      const bits = new Uint32Array(half.length);
      for (let i = 0; i < half.length; i++) bits[i] = half[i]! << 16;
      return new Float32Array(bits.buffer);
    }
    case 'BOOL':
    case 'U8':
      return Float32Array.from(data);
    case 'I8':
      return Float32Array.from(new Int8Array(aligned(data)));
    case 'I16':
      return Float32Array.from(new Int16Array(aligned(data)));
    case 'U16':
      return Float32Array.from(new Uint16Array(aligned(data)));
    case 'I32':
      return Float32Array.from(new Int32Array(aligned(data)));
    case 'U32':
      return Float32Array.from(new Uint32Array(aligned(data)));
    case 'I64':
      return Float32Array.from(new BigInt64Array(aligned(data)), Number);
    case 'U64':
      return Float32Array.from(new BigUint64Array(aligned(data)), Number);
    default:
      throw new Error(`safetensors: cannot convert dtype ${dtype} to float32`);
  }
}

/** IEEE 754 half precision (as its 16 bits) to a number. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * A number to the 16 bits of the nearest IEEE 754 half (round to nearest, ties to even; overflow to
 * infinity, NaN kept NaN, subnormals and signed zeros as such).
 */
export function floatToHalf(value: number): number {
  f32[0] = value;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    // Subnormal: the implicit 1 joins the mantissa, shifted right with rounding to nearest even.
    const m = mantissa | 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = m & ((1 << shift) - 1);
    let out = m >>> shift;
    if (rest > half || (rest === half && out & 1)) out++;
    return sign | out;
  }
  let out = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // Rounding may carry into the exponent (and up to infinity): adding 1 to the packed bits does it right.
  if (rest > 0x1000 || (rest === 0x1000 && out & 1)) out++;
  return sign | out;
}

/** The same tensors with every float32 one rounded to float16 (halving the file); others as they are. */
export function float16Tensors(tensors: Map<string, RawTensor>): Map<string, RawTensor> {
  assertLittleEndian();
  const out = new Map<string, RawTensor>();
  for (const [key, t] of tensors) {
    if (t.dtype !== 'F32') {
      out.set(key, t);
      continue;
    }
    const values = toFloat32(t);
    const half = Uint16Array.from(values, floatToHalf);
    out.set(key, { dtype: 'F16', shape: [...t.shape], data: new Uint8Array(half.buffer) });
  }
  return out;
}

/** A float32 tensor in safetensors form (the bytes are a copy). */
export function float32Tensor(values: Float32Array, shape: readonly number[]): RawTensor {
  assertLittleEndian();
  return { dtype: 'F32', shape: [...shape], data: new Uint8Array(values.slice().buffer) };
}

/** An int64 tensor in safetensors form, e.g. PyTorch's BatchNorm `num_batches_tracked` scalar. */
export function int64Tensor(values: readonly number[], shape: readonly number[]): RawTensor {
  assertLittleEndian();
  const array = BigInt64Array.from(values, (v) => BigInt(v));
  return { dtype: 'I64', shape: [...shape], data: new Uint8Array(array.buffer) };
}
