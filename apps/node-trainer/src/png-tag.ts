/**
 * PNGs that `fcn` writes carry a `tEXt` chunk `Software: fcn.ts` right after the header, so that a
 * later run can tell its own output (safe to replace) from a user's file (not replaced without
 * `--force`). Readers ignore the chunk.
 */
import { crc32 } from 'node:zlib';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const KEYWORD = 'Software';
const SOFTWARE = 'fcn.ts';
/** Signature (8) + IHDR chunk (4 length + 4 type + 13 data + 4 CRC). */
const AFTER_IHDR = 33;

function isPng(bytes: Uint8Array): boolean {
  return (
    bytes.length >= AFTER_IHDR &&
    SIGNATURE.every((b, i) => bytes[i] === b) &&
    String.fromCharCode(...bytes.subarray(12, 16)) === 'IHDR'
  );
}

/** The PNG with the `Software: fcn.ts` text chunk after its header. */
export function tagPng(png: Uint8Array): Uint8Array {
  if (!isPng(png)) throw new Error('tagPng: not a PNG with an IHDR header');
  const data = new TextEncoder().encode(`${KEYWORD}\u0000${SOFTWARE}`);
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set(new TextEncoder().encode('tEXt'), 4);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  const out = new Uint8Array(png.length + chunk.length);
  out.set(png.subarray(0, AFTER_IHDR));
  out.set(chunk, AFTER_IHDR);
  out.set(png.subarray(AFTER_IHDR), AFTER_IHDR + chunk.length);
  return out;
}

/** Whether these (first) bytes of a file are a PNG that `tagPng` tagged. */
export function isTaggedPng(head: Uint8Array): boolean {
  if (!isPng(head)) return false;
  const expected = new TextEncoder().encode(`tEXt${KEYWORD}\u0000${SOFTWARE}`);
  const at = AFTER_IHDR + 4;
  return head.length >= at + expected.length && expected.every((b, i) => head[at + i] === b);
}
