import { readFile, rm, truncate, writeFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/temp-voc.js';
import { VocDataError } from '../errors.js';
import type { Size } from '../image.js';
import { encodeLabelPng } from '../label-png.js';
import { readVocSplit } from './read-split.js';
import { generateSyntheticVoc } from './synthetic-voc.js';
import { vocPaths } from './voc-layout.js';

const crop: Size = [32, 48];

/** Six readable examples; `damage` then spoils the one with id `victim`. */
async function damagedVoc(damage: (root: string, victim: string) => Promise<void>) {
  const root = await tempDir();
  const voc = await generateSyntheticVoc({ root, seed: 7, train: 6, val: 0, sizes: [[40, 56]] });
  const victim = voc.train[2]!.id;
  await damage(root, victim);
  return { root, victim };
}

const cases: [
  string,
  (root: string, id: string) => Promise<void>,
  (root: string, id: string) => string,
  RegExp,
][] = [
  ['a missing JPEG', (r, id) => rm(vocPaths.image(r, id)), vocPaths.image, /file not found/],
  ['a missing label PNG', (r, id) => rm(vocPaths.label(r, id)), vocPaths.label, /file not found/],
  [
    'a truncated JPEG',
    async (r, id) =>
      truncate(vocPaths.image(r, id), Math.floor((await readFile(vocPaths.image(r, id))).length / 2)),
    vocPaths.image,
    // libvips words a truncated JPEG differently across runs ("premature end" or a failOn warning).
    /cannot decode the image \((.*premature end|.*failOn)/,
  ],
  [
    'a JPEG that is not an image',
    (r, id) => writeFile(vocPaths.image(r, id), 'not a jpeg at all'),
    vocPaths.image,
    /cannot decode the image \(.*unsupported image format/,
  ],
  [
    'a truncated label PNG',
    async (r, id) => truncate(vocPaths.label(r, id), 60),
    vocPaths.label,
    /not a readable PNG/,
  ],
  [
    'a label whose size differs from its image',
    (r, id) =>
      writeFile(
        vocPaths.label(r, id),
        encodeLabelPng({ width: 56, height: 41, data: new Uint8Array(56 * 41) }),
      ),
    vocPaths.label,
    /label is 41x56 \(HxW\) but its image .*JPEGImages.* is 40x56/,
  ],
  [
    'a label with out-of-range indices',
    (r, id) =>
      writeFile(
        vocPaths.label(r, id),
        encodeLabelPng({ width: 56, height: 40, data: new Uint8Array(56 * 40).fill(42) }),
      ),
    vocPaths.label,
    /label index 42 at \(x=0, y=0\) is out of range/,
  ],
];

describe('bad input', () => {
  for (const [what, damage, fileOf, problem] of cases) {
    it(`stops on ${what}, naming the file and the problem; skips and counts it on request`, async () => {
      const { root, victim } = await damagedVoc(damage);
      const file = fileOf(root, victim);
      const error = await readVocSplit({ root, split: 'train', crop }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VocDataError);
      expect((error as VocDataError).file).toBe(file);
      expect((error as VocDataError).message.startsWith(`${file}: `)).toBe(true);
      expect((error as VocDataError).problem).toMatch(problem);

      const ds = await readVocSplit({ root, split: 'train', crop, onBadSample: 'skip' });
      expect(ds.length).toBe(5);
      expect(ds.ids).not.toContain(victim);
      expect(ds.skipped).toHaveLength(1);
      expect(ds.skipped[0]).toMatchObject({ id: victim, file });
      expect(ds.skipped[0]!.problem).toMatch(problem);
      expect(ds.report).toBe('read 5 examples (skipped 1 bad sample)');
    });
  }

  it('stops on a missing list whatever onBadSample says', async () => {
    const root = await tempDir();
    await expect(readVocSplit({ root, split: 'train', crop, onBadSample: 'skip' })).rejects.toThrow(
      /ImageSets.Segmentation.train\.txt: file not found/,
    );
  });

  it('catches files spoilt after reading (cache: none): stop, or skip and report at the end', async () => {
    const { root, victim } = await damagedVoc(async () => {});
    for (const onBadSample of ['error', 'skip'] as const) {
      const ds = await readVocSplit({ root, split: 'train', crop, cache: 'none', onBadSample });
      expect(ds.report).toBe('read 6 examples');
      await writeFile(vocPaths.image(root, victim), 'spoilt');
      const sizes: number[] = [];
      const run = async () => {
        for await (const batch of ds.batches({ batchSize: 3 })) {
          sizes.push(batch.images.shape[0]);
          tf.dispose([batch.images, batch.labels]);
        }
      };
      if (onBadSample === 'error') {
        await expect(run()).rejects.toThrow(`${vocPaths.image(root, victim)}: cannot decode the image`);
      } else {
        await run();
        expect(sizes).toEqual([2, 3]);
        expect(ds.skipped.map((s) => s.id)).toEqual([victim]);
        expect(ds.report).toBe('read 6 examples (skipped 1 bad sample)');
      }
      await generateSyntheticVoc({ root, seed: 7, train: 6, val: 0, sizes: [[40, 56]] });
    }
  });
});
