import { describe, expect, it } from 'vitest';
import { type FCN, fcn } from './fcn.js';
import { float32Tensor } from './safetensors/dtypes.js';
import { readSafetensors } from './safetensors/read.js';
import { writeSafetensors } from './safetensors/write.js';
import { CHECKSUM_KEY, ChecksumError, crc32, tensorChecksum, verifyChecksum } from './weight-checksum.js';
import { fromWeights, loadWeights, saveWeights } from './weights.js';

const small = (seed: number) => fcn({ numClasses: 3, trunk: { arch: 'resnet18', width: 2 }, seed });

/** Flip one bit of the last byte of the data section (inside some tensor). */
function flipDataByte(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  copy[copy.length - 1]! ^= 0x10;
  return copy;
}

describe('weight checksums', () => {
  it('computes the standard CRC-32 (zlib, PNG)', () => {
    expect(crc32(new TextEncoder().encode('123456789')).toString(16)).toBe('cbf43926');
    expect(crc32(new Uint8Array(0))).toBe(0);
    // Continuing a CRC over a split input gives the CRC of the whole.
    const all = new TextEncoder().encode('hello, world');
    expect(crc32(all.subarray(5), crc32(all.subarray(0, 5)))).toBe(crc32(all));
  });

  it('depends on the tensors, not on their order or the file layout', () => {
    const a = float32Tensor(Float32Array.from([1, 2]), [2]);
    const b = float32Tensor(Float32Array.from([3]), [1]);
    expect(
      tensorChecksum(
        new Map([
          ['a', a],
          ['b', b],
        ]),
      ),
    ).toBe(
      tensorChecksum(
        new Map([
          ['b', b],
          ['a', a],
        ]),
      ),
    );
    expect(tensorChecksum(new Map([['a', a]]))).not.toBe(tensorChecksum(new Map([['a', b]])));
    // The name and shape count too.
    expect(tensorChecksum(new Map([['a', a]]))).not.toBe(tensorChecksum(new Map([['c', a]])));
    expect(tensorChecksum(new Map([['a', a]]))).not.toBe(
      tensorChecksum(new Map([['a', { ...a, shape: [1, 2] }]])),
    );
  });

  it('every saved format carries it, and a flipped data byte is refused by loadWeights and fromWeights', () => {
    const model = small(1);
    for (const format of ['native', 'd2l', 'torchvision'] as const) {
      const bytes = saveWeights(model, { format });
      const file = readSafetensors(bytes);
      expect(file.metadata[CHECKSUM_KEY]).toMatch(/^[0-9a-f]{8}$/);
      expect(() => verifyChecksum(file)).not.toThrow();
      const damaged = flipDataByte(bytes);
      expect(() => verifyChecksum(readSafetensors(damaged))).toThrow(ChecksumError);
      expect(() => loadWeights(small(2), damaged)).toThrow(
        /tensor data do not match the checksum .*the file is damaged; use another copy/,
      );
    }
    expect(() => fromWeights(flipDataByte(saveWeights(model)))).toThrow(ChecksumError);
    const rebuilt = fromWeights(saveWeights(model)) as FCN;
    expect(rebuilt.config.trunk.width).toBe(2);
    rebuilt.dispose();
    model.dispose();
  });

  it('files without a checksum (older files, PyTorch exports) load as before', () => {
    const model = small(1);
    const file = readSafetensors(saveWeights(model));
    const { [CHECKSUM_KEY]: _, ...metadata } = file.metadata;
    const bare = writeSafetensors(file.tensors, metadata);
    const rebuilt = fromWeights(bare);
    expect(rebuilt.numParameters()).toBe(model.numParameters());
    rebuilt.dispose();
    model.dispose();
  });
});
