/**
 * Streaming checksums: bytes are hashed as they are written (after those already on disk when a
 * download resumes), and the digest is compared with the description's.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { ChecksumAlgorithm, DownloadableFile } from './downloadable.js';

export function newHash(algorithm: ChecksumAlgorithm): Hash {
  return createHash(algorithm === 'sha1' ? 'sha1' : 'sha256');
}

/** The hash of the first `bytes` bytes of `path`, ready for more. */
export async function hashFilePrefix(
  path: string,
  algorithm: ChecksumAlgorithm,
  bytes: number,
): Promise<Hash> {
  const hash = newHash(algorithm);
  if (bytes === 0) return hash;
  for await (const chunk of createReadStream(path, { start: 0, end: bytes - 1 }))
    hash.update(chunk as Buffer);
  return hash;
}

/** Whether a full hex digest matches the file's checksum (for `sha256-prefix`, its first digits). */
export function checksumMatches(checksum: DownloadableFile['checksum'], digestHex: string): boolean {
  const expected = checksum.hex.toLowerCase();
  return checksum.algorithm === 'sha256-prefix' ? digestHex.startsWith(expected) : digestHex === expected;
}

/** A digest shown at the expected one's length, and its algorithm's name (`sha256`, `sha1`). */
export function describeDigest(checksum: DownloadableFile['checksum'], digestHex: string): string {
  const name = checksum.algorithm === 'sha1' ? 'SHA-1' : 'SHA-256';
  const shown = checksum.algorithm === 'sha256-prefix' ? digestHex.slice(0, checksum.hex.length) : digestHex;
  return `its ${name} ${checksum.algorithm === 'sha256-prefix' ? 'starts with' : 'is'} ${shown}, not ${checksum.hex}`;
}
