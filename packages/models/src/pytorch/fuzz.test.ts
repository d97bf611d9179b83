/**
 * Seeded random damage to the torch.save fixtures (both formats): truncations, flipped bits, overwritten
 * runs of bytes, half of them aimed at the pickle. Every damaged file must either read (and then hold
 * well-formed tensors) or be refused with a PthError or SafetensorsError, quickly: never another error,
 * never a hang.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DTYPE_BYTES } from '../safetensors/dtypes.js';
import { SafetensorsError } from '../safetensors/read.js';
import { readWeightFile } from '../weight-file.js';
import { PthError } from './errors.js';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'pth', name)));

/** mulberry32: a small seeded generator of floats in [0, 1). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Where the pickle lies: the first zip record (torch writes data.pkl first), or a legacy file's head. */
function pickleRegion(file: Uint8Array): [number, number] {
  if (file[0] !== 0x50) return [0, Math.min(file.length, 2048)];
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const start = 30 + view.getUint16(26, true) + view.getUint16(28, true);
  return [start, start + view.getUint32(18, true)];
}

function mutate(file: Uint8Array, rand: () => number): Uint8Array {
  const int = (n: number) => Math.floor(rand() * n);
  const out = file.slice();
  const [from, to] = rand() < 0.5 ? pickleRegion(file) : [0, file.length];
  const at = () => from + int(to - from);
  switch (int(4)) {
    case 0:
      return out.subarray(0, int(file.length));
    case 1:
      for (let n = 1 + int(4); n > 0; n--) out[at()]! ^= 1 << int(8);
      return out;
    case 2:
      for (let n = 1 + int(3); n > 0; n--) out[at()] = [0x00, 0xff, 0x7f, 0x80, 0x28, 0x2e][int(6)]!;
      return out;
    default: {
      const start = at();
      for (let i = start; i < Math.min(out.length, start + 1 + int(16)); i++) out[i] = int(256);
      return out;
    }
  }
}

describe('damaged .pth files', () => {
  it.each(['state-dict.pth', 'state-dict-legacy.pth', 'module.pth', 'checkpoint-legacy.pth'])(
    '%s: 100 seeded mutations each read or throw PthError/SafetensorsError, quickly',
    (name) => {
      const file = fixture(name);
      const rand = random(name.length * 7919);
      const outcomes = { read: 0, refused: 0 };
      let slowest = 0;
      for (let trial = 0; trial < 100; trial++) {
        const damaged = mutate(file, rand);
        const start = performance.now();
        try {
          const { tensors } = readWeightFile(damaged);
          for (const [key, t] of tensors) {
            const numel = t.shape.reduce((a, b) => a * b, 1);
            expect(t.data.length, `trial ${trial}: ${key}`).toBe(numel * DTYPE_BYTES[t.dtype]);
          }
          outcomes.read++;
        } catch (e) {
          if (!(e instanceof PthError || e instanceof SafetensorsError)) {
            throw new Error(`trial ${trial} of ${name} threw ${String(e)}, not a PthError`);
          }
          outcomes.refused++;
        }
        slowest = Math.max(slowest, performance.now() - start);
      }
      expect(slowest).toBeLessThan(500);
      // Both outcomes occur: the damage reaches the data (still readable) and the structure (refused).
      expect(outcomes.read).toBeGreaterThan(0);
      expect(outcomes.refused).toBeGreaterThan(0);
    },
  );
});
