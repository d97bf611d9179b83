import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readVocSplit } from '@fcn/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorMessage, runCli } from '../testing/run-cli.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fcn-cli-synth-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fcn synth-voc', () => {
  it('writes a VOC2012 folder that the reader reads, of the asked-for sizes and counts', async () => {
    const out = join(dir, 'voc');
    const run = await runCli([
      'synth-voc',
      '--out',
      out,
      '--train',
      '3',
      '--val',
      '2',
      '--seed',
      '7',
      '--size',
      '64x96',
      '--size',
      '96x64',
    ]);
    expect(run.error).toBeUndefined();
    expect(run.out).toMatch(/^wrote 3 training and 2 validation images to .*voc in \d+\.\d s$/m);
    expect((await readdir(out)).sort()).toEqual(['ImageSets', 'JPEGImages', 'SegmentationClass']);
    expect(
      (await readFile(join(out, 'ImageSets', 'Segmentation', 'val.txt'), 'utf8')).trim().split('\n'),
    ).toHaveLength(2);
    const train = await readVocSplit({ root: out, split: 'train', crop: [32, 32] });
    expect(train.length).toBe(3);
    for (let i = 0; i < train.length; i++)
      expect([
        [64, 96],
        [96, 64],
      ]).toContainEqual([...train.size(i)]);
  });

  it('has help, and refuses a missing --out and a bad count', async () => {
    expect((await runCli(['synth-voc', '--help'])).out).toMatch(
      /--train <n>\s+training images \(default: 200\)/,
    );
    expect(errorMessage(await runCli(['synth-voc']))).toMatch(/required option '--out <dir>' not specified/);
    expect(errorMessage(await runCli(['synth-voc', '--out', dir, '--train', '0']))).toMatch(
      /option '--train <n>' argument '0' is invalid\. expected a positive integer, got '0'/,
    );
  });
});
