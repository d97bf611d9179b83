/**
 * Shared pieces of the hub's tests: seeded fixture bytes described as a downloadable file, and a
 * fresh temporary cache folder per test.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DownloadableFile } from '../src/downloadable.js';

/** `length` bytes from a seeded linear congruential generator (the same for the same seed). */
export function seededBytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** A weights-like file named torchvision's way (`<stem>-<first 8 hex of its SHA-256>.pth`), served at `urls`. */
export function describeWeights(body: Uint8Array, urlsFor: (fileName: string) => string[]): DownloadableFile {
  const prefix = createHash('sha256').update(body).digest('hex').slice(0, 8);
  const fileName = `tiny-${prefix}.pth`;
  return {
    name: 'tiny',
    fileName,
    urls: urlsFor(fileName),
    checksum: { algorithm: 'sha256-prefix', hex: prefix },
  };
}

/** A fresh temporary folder and its removal. */
export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
