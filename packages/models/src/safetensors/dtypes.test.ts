import { describe, expect, it } from 'vitest';
import { halfToFloat, type RawTensor, toFloat32 } from './dtypes.js';

const raw = (dtype: RawTensor['dtype'], array: ArrayBufferView, shape: number[]): RawTensor => ({
  dtype,
  shape,
  data: new Uint8Array(array.buffer, array.byteOffset, array.byteLength),
});

describe('toFloat32', () => {
  it('decodes IEEE half precision, subnormals and infinities included', () => {
    // 1, -2, 0.5, 65504 (largest half), 2^-24 (smallest subnormal), +inf
    const bits = new Uint16Array([0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x7c00]);
    expect(Array.from(toFloat32(raw('F16', bits, [6])))).toEqual([1, -2, 0.5, 65504, 2 ** -24, Infinity]);
    expect(halfToFloat(0x7e00)).toBeNaN();
  });

  it('decodes bfloat16 as the top half of a float32', () => {
    const f = new Float32Array([1.5, -3.140625, 1024]);
    const top = Uint16Array.from(new Uint32Array(f.buffer), (u) => u >>> 16);
    expect(Array.from(toFloat32(raw('BF16', top, [3])))).toEqual([1.5, -3.140625, 1024]);
  });

  it('narrows float64 and integers, and reads from unaligned views', () => {
    expect(Array.from(toFloat32(raw('F64', new Float64Array([0.1, -2.5]), [2])))).toEqual([
      Math.fround(0.1),
      -2.5,
    ]);
    expect(Array.from(toFloat32(raw('I64', new BigInt64Array([-3n, 7n]), [2])))).toEqual([-3, 7]);
    expect(Array.from(toFloat32(raw('I8', new Int8Array([-128, 5]), [2])))).toEqual([-128, 5]);
    // A float32 tensor that starts at an odd byte offset inside a file.
    const buffer = new Uint8Array(9);
    buffer.set(new Uint8Array(new Float32Array([2.5, -1]).buffer), 1);
    expect(Array.from(toFloat32({ dtype: 'F32', shape: [2], data: buffer.subarray(1) }))).toEqual([2.5, -1]);
  });

  it('refuses the 8-bit float formats it cannot convert', () => {
    expect(() => toFloat32(raw('F8_E4M3', new Uint8Array(2), [2]))).toThrow(/cannot convert dtype F8_E4M3/);
  });
});
