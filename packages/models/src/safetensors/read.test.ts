import { describe, expect, it } from 'vitest';
import { float32Tensor } from './dtypes.js';
import { readSafetensors, SafetensorsError } from './read.js';
import { writeSafetensors } from './write.js';

/** A file from a header object and a data section, without the writer's checks. */
function handMade(header: unknown, dataBytes: number, headerText = JSON.stringify(header)): Uint8Array {
  const json = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + json.byteLength + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.byteLength), true);
  out.set(json, 8);
  return out;
}

const f32 = (begin: number, end: number, shape: number[]) => ({
  dtype: 'F32',
  shape,
  data_offsets: [begin, end],
});

function good(): Uint8Array {
  return writeSafetensors(
    {
      w: float32Tensor(new Float32Array([1, 2, 3, 4]), [2, 2]),
      b: float32Tensor(new Float32Array([5, 6]), [2]),
    },
    { format: 'pt' },
  );
}

describe('readSafetensors', () => {
  it('reads a hand-made file laid out by another writer (unpadded header, any order)', () => {
    const file = handMade({ b: f32(16, 24, [2]), w: f32(0, 16, [2, 2]) }, 24);
    const parsed = readSafetensors(file);
    expect(parsed.tensors.get('w')!.shape).toEqual([2, 2]);
    expect(parsed.tensors.get('b')!.data.byteLength).toBe(8);
    expect(parsed.metadata).toEqual({});
  });

  it('accepts an ArrayBuffer and a view into a larger buffer', () => {
    const bytes = good();
    expect(readSafetensors(bytes.slice().buffer).tensors.size).toBe(2);
    const bigger = new Uint8Array(bytes.byteLength + 16);
    bigger.set(bytes, 16);
    expect(readSafetensors(bigger.subarray(16)).tensors.size).toBe(2);
  });

  it.each([
    ['an empty file', new Uint8Array(0), /0 bytes, too short for the 8-byte header length/],
    ['a file cut inside the length', good().subarray(0, 5), /5 bytes, too short/],
    ['a file cut inside the header', good().subarray(0, 30), /header claims \d+ bytes but only 22 follow/],
    ['a file cut inside the data', good().subarray(0, good().byteLength - 4), /data_offsets .* outside/],
  ])('refuses %s', (_, bytes, message) => {
    expect(() => readSafetensors(bytes)).toThrow(SafetensorsError);
    expect(() => readSafetensors(bytes)).toThrow(message);
  });

  it('refuses a header length beyond the limit before allocating anything', () => {
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setBigUint64(0, 2n ** 63n, true);
    expect(() => readSafetensors(bytes)).toThrow(/header length 9223372036854775808 exceeds the limit/);
    expect(() => readSafetensors(good(), { maxHeaderBytes: 16 })).toThrow(/exceeds the limit of 16 bytes/);
  });

  it('refuses headers that are not a UTF-8 JSON object', () => {
    expect(() => readSafetensors(handMade(null, 0, '[1, 2]'))).toThrow(/not a JSON object/);
    expect(() => readSafetensors(handMade(null, 0, '{"a": '))).toThrow(/not valid JSON/);
    const badUtf8 = handMade(null, 0, '{"a":1}');
    badUtf8[10] = 0xff;
    expect(() => readSafetensors(badUtf8)).toThrow(/not valid UTF-8/);
  });

  it('refuses unknown dtypes, bad shapes and malformed offsets, naming the tensor', () => {
    const dtype = handMade({ x: { dtype: 'F33', shape: [1], data_offsets: [0, 4] } }, 4);
    expect(() => readSafetensors(dtype)).toThrow(/tensor 'x' has unknown dtype "F33"/);
    const shape = handMade({ x: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, 4);
    expect(() => readSafetensors(shape)).toThrow(/tensor 'x' has shape \[-1\]/);
    const offsets = handMade({ x: { dtype: 'F32', shape: [1], data_offsets: [0] } }, 4);
    expect(() => readSafetensors(offsets)).toThrow(/tensor 'x' has data_offsets \[0\]/);
    const reversed = handMade({ x: f32(4, 0, [1]) }, 4);
    expect(() => readSafetensors(reversed)).toThrow(/'x' data_offsets \[4, 0\] lie outside/);
    const huge = handMade({ x: f32(0, 4, [2 ** 40, 2 ** 40]) }, 4);
    expect(() => readSafetensors(huge)).toThrow(/tensor 'x' shape .* is too large/);
  });

  it('refuses byte ranges that do not match the shape, overlap, leave gaps or leave bytes over', () => {
    expect(() => readSafetensors(handMade({ x: f32(0, 8, [3]) }, 8))).toThrow(
      /tensor 'x' holds 8 bytes but F32 \[3\] needs 12/,
    );
    expect(() => readSafetensors(handMade({ a: f32(0, 8, [2]), b: f32(4, 12, [2]) }, 12))).toThrow(
      /tensor 'b' \[4, 12\) overlaps tensor 'a'/,
    );
    expect(() => readSafetensors(handMade({ a: f32(0, 4, [1]), b: f32(8, 12, [1]) }, 12))).toThrow(
      /4 unused bytes lie before tensor 'b'/,
    );
    expect(() => readSafetensors(handMade({ a: f32(0, 4, [1]) }, 12))).toThrow(
      /8 bytes after the last tensor belong to no tensor/,
    );
  });

  it('refuses metadata that is not an object of strings', () => {
    expect(() => readSafetensors(handMade({ __metadata__: { epoch: 3 } }, 0))).toThrow(
      /__metadata__ entry 'epoch' is not a string/,
    );
  });

  it('refuses every single-byte corruption of the length prefix that points past the file', () => {
    const bytes = good();
    for (let i = 0; i < 8; i++) {
      const bad = bytes.slice();
      bad[i] = 0xff;
      expect(() => readSafetensors(bad)).toThrow(SafetensorsError);
    }
  });
});
