import { readFile } from 'node:fs/promises';
import { decode } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/temp-voc.js';
import { IGNORE_LABEL, VOID_INDEX } from '../colormap.js';
import type { Size } from '../image.js';
import { readVocSplit } from './read-split.js';
import { generateSyntheticVoc, type SyntheticVoc } from './synthetic-voc.js';
import { vocPaths } from './voc-layout.js';

const crop: Size = [44, 60];
let voc: SyntheticVoc;

beforeAll(async () => {
  const root = await tempDir();
  // Some sizes fit the crop, some are too narrow or too short (the chapter's filter drops those).
  voc = await generateSyntheticVoc({
    root,
    seed: 3,
    train: 14,
    val: 6,
    sizes: [
      [48, 64],
      [64, 48],
      [40, 64],
      [44, 60],
    ],
  });
});

const fits = (e: { height: number; width: number }) => e.height >= crop[0] && e.width >= crop[1];

describe('readVocSplit', () => {
  it('keeps the images at least as large as the crop, and says how many', async () => {
    for (const split of ['train', 'val'] as const) {
      const expected = voc[split].filter(fits);
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(voc[split].length);
      const ds = await readVocSplit({ root: voc.root, split, crop });
      expect(ds.length).toBe(expected.length);
      expect(ds.ids).toEqual(expected.map((e) => e.id));
      expect(ds.filtered).toBe(voc[split].length - expected.length);
      expect(ds.report).toBe(`read ${expected.length} examples`);
      expect(ds.skipped).toEqual([]);
      expect(ds.size(0)).toEqual([expected[0]!.height, expected[0]!.width]);
    }
  });

  it("maps void to background (the chapter) or to the ignore label, matching the PNGs' indices", async () => {
    const background = await readVocSplit({ root: voc.root, split: 'train', crop, void: 'background' });
    const ignore = await readVocSplit({ root: voc.root, split: 'train', crop, void: 'ignore' });
    let voids = 0;
    for (let i = 0; i < background.length; i++) {
      const raw = decode(await readFile(vocPaths.label(voc.root, background.ids[i]!))).data;
      const b = (await background.sample(i)).label.data;
      const g = (await ignore.sample(i)).label.data;
      for (let p = 0; p < raw.length; p++) {
        if (raw[p] === VOID_INDEX) voids++;
        expect(b[p]).toBe(raw[p] === VOID_INDEX ? 0 : raw[p]);
        expect(g[p]).toBe(raw[p] === VOID_INDEX ? IGNORE_LABEL : raw[p]);
      }
    }
    expect(voids).toBeGreaterThan(0);
  });

  it('caches uint8 pixels (4 bytes a pixel: RGB + label), or nothing with cache: none', async () => {
    const decoded = await readVocSplit({ root: voc.root, split: 'train', crop });
    const none = await readVocSplit({ root: voc.root, split: 'train', crop, cache: 'none' });
    const pixels = voc.train.filter(fits).reduce((s, e) => s + e.height * e.width, 0);
    expect(decoded.cacheBytes).toBe(pixels * 4);
    expect(none.cacheBytes).toBe(0);
    const a = await decoded.sample(1);
    const b = await none.sample(1);
    expect(b.image.data).toEqual(a.image.data);
    expect(b.label.data).toEqual(a.label.data);
  });

  it('reads only the first ids with limit, and checks the crop', async () => {
    const ds = await readVocSplit({ root: voc.root, split: 'train', crop, limit: 4 });
    expect(ds.length).toBe(voc.train.slice(0, 4).filter(fits).length);
    await expect(readVocSplit({ root: voc.root, split: 'train', crop: [0, 10] })).rejects.toThrow(
      /crop must be/,
    );
    await expect(ds.sample(99)).rejects.toThrow(RangeError);
  });
});
