import { describe, expect, it } from 'vitest';
import { float16Tensors, floatToHalf, halfToFloat, type RawTensor, toFloat32 } from './dtypes.js';

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

describe('floatToHalf', () => {
  it('gives back every half-precision value exactly (normal, subnormal, zero, infinity)', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const nan = (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0;
      if (nan) expect(Number.isNaN(halfToFloat(floatToHalf(halfToFloat(bits))))).toBe(true);
      else expect(floatToHalf(halfToFloat(bits))).toBe(bits);
    }
  });

  it("rounds as numpy's float32 to float16 cast does (to nearest, ties to even; overflow to infinity)", () => {
    // numpy: np.array(v, np.float32).astype(np.float16).view(np.uint16)
    const cases: [number, number][] = [
      [1 + 2 ** -11, 0x3c00],
      [1 + 3 * 2 ** -11, 0x3c02],
      [65519, 0x7bff],
      [65520, 0x7c00],
      [2 ** -25, 0x0],
      [3 * 2 ** -26, 0x1],
      [-0, 0x8000],
      [1e-8, 0x0],
      [0.1, 0x2e66],
      [-1234.567, 0xe4d3],
      [2 ** -14 - 2 ** -25, 0x400],
    ];
    for (const [value, bits] of cases) expect(floatToHalf(value), `${value}`).toBe(bits);
  });

  it('float16Tensors halves float32 tensors and leaves others alone', () => {
    const f = new Float32Array([1, -2.5, 0.1]);
    const ints = new BigInt64Array([7n]);
    const out = float16Tensors(
      new Map([
        ['w', raw('F32', f, [3])],
        ['n', raw('I64', ints, [])],
      ]),
    );
    expect(out.get('w')!.dtype).toBe('F16');
    expect(out.get('w')!.data.byteLength).toBe(6);
    expect(Array.from(toFloat32(out.get('w')!))).toEqual([1, -2.5, halfToFloat(0x2e66)]);
    expect(out.get('n')!.dtype).toBe('I64');
  });
});
