import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decode } from 'fast-png';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/temp-voc.js';
import { VOC_PALETTE, VOID_INDEX } from '../colormap.js';
import { generateSyntheticVoc } from './synthetic-voc.js';
import { vocPaths } from './voc-layout.js';

const small = { train: 5, val: 3, sizes: [[48, 64] as const, [64, 48] as const] };

describe('synthetic VOC', () => {
  it('writes the VOC2012 layout: JPEGs, palette PNGs with void borders, the ImageSets lists', async () => {
    const root = await tempDir();
    const voc = await generateSyntheticVoc({ root, seed: 1, ...small });
    expect(voc.train).toHaveLength(5);
    expect(voc.val).toHaveLength(3);
    const list = async (split: string) =>
      (await readFile(vocPaths.splitList(root, split), 'utf8')).split('\n').filter(Boolean);
    expect(await list('train')).toEqual(voc.train.map((e) => e.id));
    expect(await list('val')).toEqual(voc.val.map((e) => e.id));
    expect(await list('trainval')).toEqual([...voc.train, ...voc.val].map((e) => e.id));
    expect((await readdir(join(root, 'JPEGImages'))).sort()).toEqual(
      [...voc.train, ...voc.val].map((e) => `${e.id}.jpg`).sort(),
    );
    for (const e of [...voc.train, ...voc.val]) {
      const meta = await sharp(await readFile(vocPaths.image(root, e.id))).metadata();
      expect([meta.format, meta.height, meta.width]).toEqual(['jpeg', e.height, e.width]);
      const png = decode(await readFile(vocPaths.label(root, e.id)));
      expect([png.height, png.width, png.depth, png.channels]).toEqual([e.height, e.width, 8, 1]);
      expect(png.palette?.flat()).toEqual([...VOC_PALETTE]);
      const values = new Set(png.data);
      expect(values.has(VOID_INDEX)).toBe(true);
      for (const v of values) expect(v === 0 || v === VOID_INDEX || e.classes.includes(v)).toBe(true);
    }
  });

  it('is byte-for-byte deterministic per seed', async () => {
    const [a, b, c] = await Promise.all([tempDir(), tempDir(), tempDir()]);
    const [va] = await Promise.all([
      generateSyntheticVoc({ root: a, seed: 9, ...small }),
      generateSyntheticVoc({ root: b, seed: 9, ...small }),
      generateSyntheticVoc({ root: c, seed: 10, ...small }),
    ]);
    let differs = 0;
    for (const e of [...va.train, ...va.val]) {
      for (const path of [vocPaths.image, vocPaths.label]) {
        const bytes = await readFile(path(a, e.id));
        expect(await readFile(path(b, e.id))).toEqual(bytes);
        if (!bytes.equals(await readFile(path(c, e.id)).catch(() => Buffer.alloc(0)))) differs++;
      }
    }
    expect(differs).toBeGreaterThan(0);
  });
});
