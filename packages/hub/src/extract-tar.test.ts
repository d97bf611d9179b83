import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../test/fixtures.js';
import { type RawEntry, rawTar, tinyVocTar } from '../test/raw-tar.js';
import { HubError } from './errors.js';
import { extractTar, isUnpackedDir, UNPACKED_MARKER } from './extract-tar.js';
import { tarFolder } from './testing/tar-folder.js';

let work: { dir: string; remove: () => Promise<void> };

beforeEach(async () => {
  work = await tempDir('fcn-hub-tar-');
});

afterEach(async () => {
  await work.remove();
});

async function writeTar(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(work.dir, name);
  await writeFile(path, bytes);
  return path;
}

async function refusal(entries: RawEntry[]): Promise<HubError> {
  const tar = await writeTar('bad.tar', rawTar(entries));
  const dest = join(work.dir, 'out', 'bad');
  const error = await extractTar(tar, dest).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof HubError)) throw new Error(`expected a HubError, got ${String(error)}`);
  expect(existsSync(dest)).toBe(false);
  expect(await readdir(join(work.dir, 'out'))).toEqual([]); // the temporary folder is gone too
  expect(existsSync(join(work.dir, 'evil.txt'))).toBe(false);
  return error;
}

describe('extractTar', () => {
  it('unpacks a VOC-layout archive once, and skips it the second time', async () => {
    const tar = await writeTar('voc.tar', tinyVocTar());
    const dest = join(work.dir, 'unpacked', 'voc2012');
    expect(await isUnpackedDir(dest)).toBe(false);
    const first = await extractTar(tar, dest);
    expect(first).toEqual({ dir: dest, unpacked: true, entries: 6 });
    const root = join(dest, 'VOCdevkit', 'VOC2012');
    expect((await readdir(root)).sort()).toEqual(['ImageSets', 'JPEGImages', 'SegmentationClass']);
    expect(await readFile(join(root, 'ImageSets', 'Segmentation', 'val.txt'), 'utf8')).toBe('2007_000033\n');
    expect(JSON.parse(await readFile(join(dest, UNPACKED_MARKER), 'utf8'))).toEqual({
      archive: 'voc.tar',
      entries: 6,
    });
    expect(await isUnpackedDir(dest)).toBe(true);
    expect(await readdir(join(work.dir, 'unpacked'))).toEqual(['voc2012']); // no temporary folder left

    // A file changed after unpacking survives: the second call does nothing.
    await writeFile(join(root, 'ImageSets', 'Segmentation', 'val.txt'), 'edited\n');
    expect(await extractTar(tar, dest)).toEqual({ dir: dest, unpacked: false, entries: 6 });
    expect(await readFile(join(root, 'ImageSets', 'Segmentation', 'val.txt'), 'utf8')).toBe('edited\n');
  });

  it('unpacks what the test helper tarFolder packs, byte for byte', async () => {
    const source = join(work.dir, 'source');
    await mkdir(join(source, 'VOCdevkit', 'VOC2012', 'JPEGImages'), { recursive: true });
    const bytes = Uint8Array.from({ length: 3000 }, (_, i) => (i * 13) % 256);
    await writeFile(join(source, 'VOCdevkit', 'VOC2012', 'JPEGImages', 'a.jpg'), bytes);
    const tar = join(work.dir, 'packed.tar');
    await tarFolder(source, ['VOCdevkit'], tar);
    const dest = join(work.dir, 'unpacked');
    expect((await extractTar(tar, dest)).entries).toBe(4); // three folders and the file
    expect(new Uint8Array(await readFile(join(dest, 'VOCdevkit', 'VOC2012', 'JPEGImages', 'a.jpg')))).toEqual(
      bytes,
    );
  });

  it('replaces an unfinished earlier unpacking (a folder without the marker)', async () => {
    const tar = await writeTar('voc.tar', tinyVocTar());
    const dest = join(work.dir, 'voc2012');
    await writeTar('voc2012', new Uint8Array()); // a stray file where the folder goes
    const result = await extractTar(tar, dest);
    expect(result.unpacked).toBe(true);
    expect(await readdir(dest)).toEqual([UNPACKED_MARKER, 'VOCdevkit'].sort());
  });

  it("refuses an archive with a '..' or an absolute path, unpacking nothing", async () => {
    const dotdot = await refusal([
      { path: 'a/ok.txt', body: 'ok' },
      { path: 'a/../../evil.txt', body: 'bad' },
    ]);
    expect(dotdot.code).toBe('ARCHIVE');
    expect(dotdot.message).toBe(
      `refusing to unpack ${join(work.dir, 'bad.tar')}: entry 'a/../../evil.txt' could land outside the folder (an absolute path or a '..'); it is not the archive expected, delete it`,
    );
    const absolute = await refusal([{ path: `${work.dir}/evil.txt`, body: 'bad' }]);
    expect(absolute.message).toContain(`entry '${work.dir}/evil.txt' could land outside the folder`);
  });

  it('refuses links that point outside the folder and devices', async () => {
    const symlink = await refusal([{ path: 'a/etc', type: '2', linkpath: '/etc' }]);
    expect(symlink.message).toContain("link 'a/etc' points outside the folder (to '/etc')");
    const climbing = await refusal([{ path: 'a/up', type: '2', linkpath: '../../..' }]);
    expect(climbing.message).toContain("link 'a/up' points outside the folder (to '../../..')");
    const hard = await refusal([{ path: 'a/passwd', type: '1', linkpath: '/etc/passwd' }]);
    expect(hard.message).toContain("link 'a/passwd' points outside the folder");
    const device = await refusal([{ path: 'a/tty', type: '3' }]);
    expect(device.message).toContain("entry 'a/tty' is a CharacterDevice, not a file, folder or link");
  });

  it('keeps links that stay inside the folder', async () => {
    const tar = await writeTar(
      'links.tar',
      rawTar([
        { path: 'a/b/file.txt', body: 'inside' },
        { path: 'a/link.txt', type: '2', linkpath: 'b/file.txt' },
      ]),
    );
    const dest = join(work.dir, 'links');
    await extractTar(tar, dest);
    expect(await readFile(join(dest, 'a', 'link.txt'), 'utf8')).toBe('inside');
  });

  it('says a damaged archive is damaged (cut in a file, or not a tar), and leaves no folder', async () => {
    const whole = tinyVocTar();
    const cut = whole.subarray(0, whole.length - 1024 - 512 + 100); // inside the last file's body
    const garbage = Uint8Array.from({ length: 4096 }, (_, i) => (i * 37) % 256);
    for (const [name, bytes] of [
      ['cut.tar', cut],
      ['garbage.tar', garbage],
    ] as const) {
      const tar = await writeTar(name, bytes);
      const dest = join(work.dir, 'out', name);
      const error = await extractTar(tar, dest).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(HubError);
      expect((error as HubError).code).toBe('ARCHIVE');
      expect((error as HubError).message).toMatch(
        new RegExp(
          `^cannot unpack ${tar}: .+ \\(damaged, or not a tar file\\? delete it and download it again\\)$`,
        ),
      );
      expect(await readdir(join(work.dir, 'out'))).toEqual([]);
    }
  });
});
