/**
 * A checksum of a weight file's tensors, kept in its metadata (`fcn.crc32`) so that a damaged copy
 * (flipped bytes, a partial write patched up) is refused on load instead of training or predicting
 * garbage. CRC-32 (the zlib/PNG polynomial) over the tensors in name order: each tensor's name, dtype,
 * shape and data bytes. It depends on the tensors only, not on the file's layout, so a subset (a
 * checkpoint's model part) gets its own checksum by the same rule. Pure code: Node and the browser.
 * Files without the key (older files, PyTorch's) load as before.
 */
import type { RawTensor } from './safetensors/dtypes.js';
import type { Safetensors } from './safetensors/read.js';

export const CHECKSUM_KEY = 'fcn.crc32';

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 of `bytes`, continuing from `crc` (start: 0). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** The checksum of a set of tensors, as 8 lowercase hex digits. */
export function tensorChecksum(
  tensors: ReadonlyMap<string, Pick<RawTensor, 'dtype' | 'shape' | 'data'>>,
): string {
  const encoder = new TextEncoder();
  let crc = 0;
  for (const name of [...tensors.keys()].sort()) {
    const t = tensors.get(name)!;
    crc = crc32(encoder.encode(`${name}\u0000${t.dtype}\u0000${t.shape.join(',')}\u0000`), crc);
    crc = crc32(t.data, crc);
  }
  return crc.toString(16).padStart(8, '0');
}

/** `metadata` with the tensors' checksum added (replacing any stale one). */
export function withChecksum(
  tensors: ReadonlyMap<string, RawTensor>,
  metadata: Record<string, string>,
): Record<string, string> {
  return { ...metadata, [CHECKSUM_KEY]: tensorChecksum(tensors) };
}

/** A file whose stored checksum does not match its tensors: damaged on disk or in transfer. */
export class ChecksumError extends Error {
  override name = 'ChecksumError';
}

/**
 * Throws a `ChecksumError` when the file carries a checksum and its tensors do not match it; a file
 * without one passes (it cannot be checked).
 */
export function verifyChecksum(file: Safetensors): void {
  const stored = file.metadata[CHECKSUM_KEY];
  if (stored === undefined) return;
  const computed = tensorChecksum(file.tensors);
  if (stored.toLowerCase() !== computed) {
    throw new ChecksumError(
      `the tensor data do not match the checksum in the file's metadata ('${CHECKSUM_KEY}' ` +
        `${stored.slice(0, 16)}, computed ${computed}): the file is damaged; use another copy ` +
        `(a file edited on purpose loads once its '${CHECKSUM_KEY}' metadata is removed)`,
    );
  }
}
