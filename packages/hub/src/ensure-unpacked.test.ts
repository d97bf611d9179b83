import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../test/fixtures.js';
import { rawTar, tinyVocTar } from '../test/raw-tar.js';
import { cachedPath, unpackedPath } from './cache-dir.js';
import type { ArchiveFile } from './downloadable.js';
import { ensureUnpacked, isUnpacked } from './ensure-unpacked.js';
import { type FixtureServer, startFixtureServer } from './testing/fixture-server.js';

let server: FixtureServer;
let cache: { dir: string; remove: () => Promise<void> };

beforeEach(async () => {
  server = await startFixtureServer();
  cache = await tempDir('fcn-hub-ensure-');
});

afterEach(async () => {
  await server.close();
  await cache.remove();
});

/** A VOC2012-like archive described as `@fcn/data` describes the real one, served on loopback. */
function vocArchive(bytes: Uint8Array): ArchiveFile {
  const fileName = 'VOCtrainval_tiny.tar';
  server.serve(`/voc/${fileName}`, bytes);
  return {
    name: 'voc2012',
    fileName,
    urls: [`${server.url}/voc/${fileName}`],
    checksum: { algorithm: 'sha1', hex: createHash('sha1').update(bytes).digest('hex') },
    sizeBytes: bytes.length,
    unpacksTo: 'VOCdevkit/VOC2012',
  };
}

describe('ensureUnpacked', () => {
  it('downloads (SHA-1 checked), unpacks, and returns the VOC2012 folder; later calls fetch nothing', async () => {
    const archive = vocArchive(tinyVocTar());
    const notices: string[] = [];
    const entries: number[] = [];
    const root = await ensureUnpacked(archive, {
      cacheDir: cache.dir,
      onNotice: (line) => notices.push(line),
      onEntry: (n) => entries.push(n),
    });
    expect(root).toBe(join(unpackedPath(archive, { cacheDir: cache.dir }), 'VOCdevkit', 'VOC2012'));
    expect(root).toBe(join(cache.dir, 'unpacked', 'voc2012', 'VOCdevkit', 'VOC2012'));
    expect(await readFile(join(root, 'ImageSets', 'Segmentation', 'train.txt'), 'utf8')).toBe(
      '2007_000032\n',
    );
    expect(notices).toEqual([
      `unpacking ${cachedPath(archive, { cacheDir: cache.dir })} into ${join(cache.dir, 'unpacked', 'voc2012')}`,
    ]);
    expect(entries.at(-1)).toBe(6);
    expect(await isUnpacked(archive, { cacheDir: cache.dir })).toBe(true);

    // Unpacked: no request, even with the archive itself gone from the cache.
    await rm(cachedPath(archive, { cacheDir: cache.dir }));
    expect(await ensureUnpacked(archive, { cacheDir: cache.dir })).toBe(root);
    expect(server.requests).toHaveLength(1);
    expect((await readdir(join(cache.dir, 'unpacked'))).sort()).toEqual(['voc2012']);
  });

  it('says so when the archive lacks the folder it should unpack to', async () => {
    const archive = vocArchive(rawTar([{ path: 'something/else.txt', body: 'x' }]));
    await expect(ensureUnpacked(archive, { cacheDir: cache.dir })).rejects.toThrow(
      `VOCtrainval_tiny.tar unpacked into ${join(cache.dir, 'unpacked', 'voc2012')} holds no VOCdevkit/VOC2012: ` +
        `delete ${join(cache.dir, 'unpacked', 'voc2012')} and ${cachedPath(archive, { cacheDir: cache.dir })}, then download it again`,
    );
  });
});
