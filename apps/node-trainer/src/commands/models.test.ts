import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VOC2012 } from '@fcn/data';
import { cachedPath, partialPath, unpackedPath } from '@fcn/hub';
import { UNPACKED_MARKER } from '@fcn/hub/testing';
import { MODEL_ZOO } from '@fcn/models';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../testing/run-cli.js';

let cache: string;

beforeAll(async () => {
  cache = await mkdtemp(join(tmpdir(), 'fcn-cli-models-'));
  // What the cache holds: resnet18 whole, half of fcn_resnet50, VOC2012 unpacked.
  await mkdir(join(cache, 'downloads'), { recursive: true });
  await writeFile(cachedPath(MODEL_ZOO.resnet18, { cacheDir: cache }), 'weights');
  await writeFile(partialPath(MODEL_ZOO.fcn_resnet50, { cacheDir: cache }), new Uint8Array(1500));
  await mkdir(join(unpackedPath(VOC2012, { cacheDir: cache }), 'VOCdevkit', 'VOC2012'), { recursive: true });
  await writeFile(join(unpackedPath(VOC2012, { cacheDir: cache }), UNPACKED_MARKER), '{}');
});

afterAll(async () => {
  await rm(cache, { recursive: true, force: true });
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('fcn models', () => {
  it('lists the zoo and VOC2012 with sizes, published metrics and what the cache ($FCN_CACHE_DIR) holds', async () => {
    vi.stubEnv('FCN_CACHE_DIR', cache);
    const run = await runCli(['models']);
    expect(run.error).toBeUndefined();
    const lines = run.out.split('\n');
    expect(lines[0]).toMatch(/^name\s+kind\s+size\s+in cache\s+published$/);
    expect(lines.slice(1, 8)).toEqual([
      expect.stringMatching(/^resnet18\s+trunk\s+≈46\.8 MB\s+yes\s+top-1 69\.758 \(ImageNet-1k val\)$/),
      expect.stringMatching(/^resnet34\s+trunk\s+≈87\.2 MB\s+no\s+top-1 73\.314 \(ImageNet-1k val\)$/),
      expect.stringMatching(/^resnet50\s+trunk\s+≈102 MB\s+no\s+top-1 76\.13 \(ImageNet-1k val\)$/),
      expect.stringMatching(/^resnet101\s+trunk\s+≈178 MB\s+no\s+top-1 77\.374 \(ImageNet-1k val\)$/),
      expect.stringMatching(
        /^fcn_resnet50\s+segmentation\s+≈141 MB\s+partial \(1\.50 kB\)\s+mIoU 60\.5, pixel acc 91\.4 \(COCO val2017, the 20 VOC categories\)$/,
      ),
      expect.stringMatching(/^fcn_resnet101\s+segmentation\s+≈217 MB\s+no\s+mIoU 63\.7, pixel acc 91\.9 \(/),
      expect.stringMatching(
        /^voc2012\s+data set\s+2\.00 GB\s+unpacked\s+1464 train, 1449 val segmentation images$/,
      ),
    ]);
    expect(run.out).toContain(`cache: ${cache}; fetch one with fcn download NAME`);
    expect(run.out).toContain('licence of the models: BSD-3-Clause');
  });

  it('prints JSON with every description and its cache state; --cache-dir overrides $FCN_CACHE_DIR', async () => {
    vi.stubEnv('FCN_CACHE_DIR', join(cache, 'elsewhere'));
    const run = await runCli(['models', '--json', '--cache-dir', cache]);
    const listed = JSON.parse(run.out);
    expect(listed.cacheDir).toBe(cache);
    expect(listed.models.map((m: { name: string }) => m.name)).toEqual([
      'resnet18',
      'resnet34',
      'resnet50',
      'resnet101',
      'fcn_resnet50',
      'fcn_resnet101',
    ]);
    expect(listed.models[0]).toMatchObject({
      fileName: 'resnet18-f37072fd.pth',
      urls: ['https://download.pytorch.org/models/resnet18-f37072fd.pth'],
      checksum: { algorithm: 'sha256-prefix', hex: 'f37072fd' },
      cache: { state: 'complete', path: cachedPath(MODEL_ZOO.resnet18, { cacheDir: cache }), bytes: 7 },
    });
    expect(listed.models[4].classes.names).toHaveLength(21);
    expect(listed.models[4].cache).toMatchObject({ state: 'partial', bytes: 1500 });
    expect(listed.data[0]).toMatchObject({
      name: 'voc2012',
      sizeBytes: 1_999_639_040,
      checksum: { algorithm: 'sha1', hex: '4e443f8a2eca6b1dac8a6c57641b67dd40621a49' },
      cache: {
        state: 'absent',
        unpacked: true,
        folder: join(cache, 'unpacked', 'voc2012', 'VOCdevkit', 'VOC2012'),
      },
    });
  });

  it('has help', async () => {
    expect((await runCli(['models', '--help'])).out).toMatch(/--json\s+print the list as JSON/);
  });
});
