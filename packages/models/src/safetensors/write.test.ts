import { describe, expect, it } from 'vitest';
import { float32Tensor, int64Tensor, toFloat32 } from './dtypes.js';
import { readSafetensors } from './read.js';
import { writeSafetensors } from './write.js';

function headerOf(bytes: Uint8Array): { length: number; json: Record<string, unknown> } {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { length, json: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) };
}

describe('writeSafetensors', () => {
  it('round-trips tensors, shapes, dtypes and metadata through readSafetensors', () => {
    const a = new Float32Array([1.5, -2, 3.25, 0, 1e-8, -7]);
    const bytes = writeSafetensors(
      new Map([
        ['a', float32Tensor(a, [2, 3])],
        ['count', int64Tensor([42], [])],
        ['empty', float32Tensor(new Float32Array(0), [0, 4])],
      ]),
      { format: 'pt', note: 'héllo' },
    );
    const file = readSafetensors(bytes);
    expect(file.metadata).toEqual({ format: 'pt', note: 'héllo' });
    expect([...file.tensors.keys()].sort()).toEqual(['a', 'count', 'empty']);
    expect(file.tensors.get('a')!.shape).toEqual([2, 3]);
    expect(Array.from(toFloat32(file.tensors.get('a')!))).toEqual(Array.from(a));
    expect(file.tensors.get('count')!.dtype).toBe('I64');
    expect(file.tensors.get('count')!.shape).toEqual([]);
    expect(Array.from(toFloat32(file.tensors.get('count')!))).toEqual([42]);
    expect(file.tensors.get('empty')!.data.byteLength).toBe(0);
  });

  it('pads the header with spaces to a multiple of 8 and aligns every tensor to its element size', () => {
    const bytes = writeSafetensors({
      f: float32Tensor(new Float32Array([1, 2, 3]), [3]),
      i: int64Tensor([1, 2], [2]),
    });
    const { length, json } = headerOf(bytes);
    expect(length % 8).toBe(0);
    expect(bytes[8 + length - 1]).toBe(0x20);
    // The 8-byte tensor goes first, then the 4-byte one: both start aligned.
    expect((json.i as { data_offsets: number[] }).data_offsets).toEqual([0, 16]);
    expect((json.f as { data_offsets: number[] }).data_offsets).toEqual([16, 28]);
    expect(bytes.byteLength).toBe(8 + length + 28);
  });

  it('keeps a tensor named __proto__ as a plain key', () => {
    const bytes = writeSafetensors(new Map([['__proto__', float32Tensor(new Float32Array([5]), [1])]]));
    expect(Array.from(toFloat32(readSafetensors(bytes).tensors.get('__proto__')!))).toEqual([5]);
  });

  it('refuses data that does not match the shape, and reserved names', () => {
    expect(() => writeSafetensors({ x: { dtype: 'F32', shape: [2, 2], data: new Float32Array(3) } })).toThrow(
      /'x' has 12 bytes; F32 \[2,2\] needs 16/,
    );
    expect(() => writeSafetensors({ __metadata__: float32Tensor(new Float32Array(1), [1]) })).toThrow(
      /invalid tensor name/,
    );
  });
});
