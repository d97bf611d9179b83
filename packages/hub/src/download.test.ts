import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { describeWeights, seededBytes, tempDir } from '../test/fixtures.js';
import { cachedPath, cacheStatus, isCached, partialPath } from './cache-dir.js';
import { type DownloadOptions, download, sourceUrls } from './download.js';
import type { DownloadableFile } from './downloadable.js';
import { HubError } from './errors.js';
import { closedPortUrl, type FixtureServer, startFixtureServer } from './testing/fixture-server.js';

const BODY = seededBytes(200_000, 7);

let server: FixtureServer;
let cache: { dir: string; remove: () => Promise<void> };
let notices: string[];

beforeEach(async () => {
  server = await startFixtureServer();
  cache = await tempDir('fcn-hub-download-');
  notices = [];
});

afterEach(async () => {
  await server.close();
  await cache.remove();
  vi.unstubAllEnvs();
});

/** The fixture served at `/models/<fileName>`, and extra URLs (before it) when given. */
function weights(before: (fileName: string) => string[] = () => []): DownloadableFile {
  return describeWeights(BODY, (fileName) => [...before(fileName), `${server.url}/models/${fileName}`]);
}

function options(extra: DownloadOptions = {}): DownloadOptions {
  return { cacheDir: cache.dir, retryDelayMs: 0, onNotice: (line) => notices.push(line), ...extra };
}

/** Byte arrays compared by SHA-256: deep equality over 200,000 elements takes vitest seconds. */
function digestOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function digest(path: string): Promise<string> {
  return digestOf(await readFile(path));
}

async function failure(promise: Promise<unknown>): Promise<HubError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof HubError)) throw new Error(`expected a HubError, got ${String(error)}`);
  return error;
}

describe('download', () => {
  it('downloads, checks the SHA-256 prefix, reports progress, and then reuses the cached file', async () => {
    const file = weights();
    server.serve(`/models/${file.fileName}`, BODY);
    const progress: [number, number | undefined][] = [];
    const path = await download(
      file,
      options({ onProgress: (bytes, total) => progress.push([bytes, total]) }),
    );
    expect(path).toBe(join(cache.dir, 'downloads', file.fileName));
    expect(path).toBe(cachedPath(file, { cacheDir: cache.dir }));
    expect(await digest(path)).toBe(digestOf(BODY));
    expect(existsSync(partialPath(file, { cacheDir: cache.dir }))).toBe(false);
    expect(progress.at(-1)).toEqual([BODY.length, BODY.length]);
    expect(server.requests).toEqual([{ path: `/models/${file.fileName}`, range: undefined, status: 200 }]);
    expect(await isCached(file, { cacheDir: cache.dir })).toBe(true);
    expect(await cacheStatus(file, { cacheDir: cache.dir })).toEqual({
      state: 'complete',
      path,
      bytes: BODY.length,
    });

    await download(file, options());
    expect(server.requests).toHaveLength(1); // no second request
  });

  it('resumes with a Range request after the connection is cut mid-body', async () => {
    const file = weights();
    server.serve(`/models/${file.fileName}`, BODY, { cutAfter: 50_000, times: 1 });
    const path = await download(file, options());
    expect(await digest(path)).toBe(digestOf(BODY));
    expect(server.requests.map((r) => [r.range, r.status])).toEqual([
      [undefined, 200],
      ['bytes=50000-', 206],
    ]);
    expect(notices).toEqual([
      expect.stringMatching(/connection (broke|closed) at byte 50000.*resuming at byte 50000$/),
    ]);
  });

  it('resumes a partial file left by an earlier run, hashing the bytes it already had', async () => {
    const file = weights();
    server.serve(`/models/${file.fileName}`, BODY);
    await mkdir(join(cache.dir, 'downloads'), { recursive: true });
    await writeFile(partialPath(file, { cacheDir: cache.dir }), BODY.subarray(0, 123_456));
    expect(await cacheStatus(file, { cacheDir: cache.dir })).toMatchObject({
      state: 'partial',
      bytes: 123_456,
    });
    const path = await download(file, options());
    expect(await digest(path)).toBe(digestOf(BODY));
    expect(server.requests).toEqual([
      { path: `/models/${file.fileName}`, range: 'bytes=123456-', status: 206 },
    ]);
  });

  it('starts again when the server ignores Range and answers 200 with the whole file', async () => {
    const file = weights();
    server.serve(`/models/${file.fileName}`, BODY, { ignoreRange: true });
    await mkdir(join(cache.dir, 'downloads'), { recursive: true });
    await writeFile(partialPath(file, { cacheDir: cache.dir }), BODY.subarray(0, 1000));
    const path = await download(file, options());
    expect(await digest(path)).toBe(digestOf(BODY));
    expect(server.requests.map((r) => [r.range, r.status])).toEqual([['bytes=1000-', 200]]);
    expect(notices).toEqual([
      expect.stringMatching(/ignored the Range request\); starting again at byte 0$/),
    ]);
  });

  it('takes a 416 on a partial file that is already whole as done, and checks it', async () => {
    const file = weights();
    server.serve(`/models/${file.fileName}`, BODY);
    await mkdir(join(cache.dir, 'downloads'), { recursive: true });
    await writeFile(partialPath(file, { cacheDir: cache.dir }), BODY);
    const path = await download(file, options());
    expect(await digest(path)).toBe(digestOf(BODY));
    expect(server.requests.map((r) => r.status)).toEqual([416]);
  });

  it('falls to the next URL after a 404 and after a 500, and follows redirects', async () => {
    const file = weights((fileName) => [
      `${server.url}/missing/${fileName}`,
      `${server.url}/broken/${fileName}`,
    ]);
    server.serve(`/broken/${file.fileName}`, BODY, { status: 500 });
    server.serve(`/models/${file.fileName}`, BODY, { redirectTo: `/moved/${file.fileName}` });
    server.serve(`/moved/${file.fileName}`, BODY);
    const path = await download(file, options());
    expect(await digest(path)).toBe(digestOf(BODY));
    expect(server.requests.map((r) => [r.path.split('/')[1], r.status])).toEqual([
      ['missing', 404],
      ['broken', 500],
      ['models', 302],
      ['moved', 200],
    ]);
    expect(notices).toEqual([
      `${file.urls[0]}: HTTP 404 Not Found; trying the next source`,
      `${file.urls[1]}: HTTP 500 Internal Server Error; trying the next source`,
    ]);
  });

  it('tries the mirror first (option or FCN_MIRROR), appending the file name', async () => {
    const file = weights();
    server.serve(`/mirror/${file.fileName}`, BODY);
    expect(sourceUrls(file, `${server.url}/mirror/`)).toEqual([
      `${server.url}/mirror/${file.fileName}`,
      ...file.urls,
    ]);
    await download(file, options({ mirror: `${server.url}/mirror` }));
    expect(server.requests.map((r) => r.path)).toEqual([`/mirror/${file.fileName}`]);

    const other = await tempDir('fcn-hub-mirror-');
    try {
      vi.stubEnv('FCN_MIRROR', `${server.url}/mirror/`);
      await download(file, { cacheDir: other.dir });
      expect(server.requests.map((r) => r.path)).toEqual([
        `/mirror/${file.fileName}`,
        `/mirror/${file.fileName}`,
      ]);
    } finally {
      await other.remove();
    }
  });

  it('deletes a download whose checksum does not match and says so in one line', async () => {
    const file = weights();
    const wrong = seededBytes(BODY.length, 8);
    server.serve(`/models/${file.fileName}`, BODY, { wrongBytes: wrong });
    const error = await failure(download(file, options()));
    const got = createHash('sha256').update(wrong).digest('hex').slice(0, 8);
    expect(error.code).toBe('CHECKSUM');
    expect(error.message).toBe(
      `could not download ${file.fileName}: ${file.urls[0]}: its SHA-256 starts with ${got}, not ${file.checksum.hex}; ` +
        `deleted the download; download it by hand from ${file.urls[0]} into ${cachedPath(file, { cacheDir: cache.dir })}, ` +
        `or set FCN_MIRROR to a server that has it`,
    );
    expect(existsSync(partialPath(file, { cacheDir: cache.dir }))).toBe(false);
    expect(existsSync(cachedPath(file, { cacheDir: cache.dir }))).toBe(false);
  });

  it('after a bad copy on one source, downloads a good one from the next', async () => {
    const file = weights((fileName) => [`${server.url}/bad/${fileName}`]);
    server.serve(`/bad/${file.fileName}`, seededBytes(BODY.length, 9));
    server.serve(`/models/${file.fileName}`, BODY);
    const path = await download(file, options());
    expect(await digest(path)).toBe(digestOf(BODY));
    expect(server.requests.map((r) => [r.path.split('/')[1], r.range])).toEqual([
      ['bad', undefined],
      ['models', undefined],
    ]);
    expect(notices[0]).toMatch(
      /its SHA-256 starts with [0-9a-f]{8}, not [0-9a-f]{8}; deleted the download; trying/,
    );
  });

  it('passes over a source whose size differs from the described one, and one that keeps breaking', async () => {
    const file = {
      ...weights((fileName) => [`${server.url}/short/${fileName}`, `${server.url}/flaky/${fileName}`]),
      sizeBytes: BODY.length,
    };
    server.serve(`/short/${file.fileName}`, BODY.subarray(0, 1000));
    server.serve(`/flaky/${file.fileName}`, BODY, { cutAfter: 0 });
    server.serve(`/models/${file.fileName}`, BODY);
    const path = await download(file, options({ retries: 1 }));
    expect(await digest(path)).toBe(digestOf(BODY));
    expect(notices[0]).toBe(
      `${file.urls[0]}: it offers 1000 bytes, not the 200000 expected; trying the next source`,
    );
    expect(notices.at(-1)).toMatch(/flaky.*\(2 times without progress\); trying the next source$/);
    expect(server.requests.filter((r) => r.path.startsWith('/flaky'))).toHaveLength(2);
  });

  it('says in one line what to do when no source can be reached', async () => {
    const closed = await closedPortUrl();
    const file = describeWeights(BODY, (fileName) => [`${closed}/models/${fileName}`]);
    const error = await failure(download(file, options()));
    expect(error.code).toBe('UNREACHABLE');
    const final = cachedPath(file, { cacheDir: cache.dir });
    expect(error.message).toBe(
      `cannot reach any source of ${file.fileName} (${new URL(closed).host}: connection refused); offline? ` +
        `download it by hand from ${file.urls[0]} into ${final}, or set FCN_MIRROR to a server that has it`,
    );
    expect(error.message).not.toContain('\n');
    expect(existsSync(final)).toBe(false);
  });

  it('names the file in the way when the cache folder lies under a regular file (ENOTDIR)', async () => {
    const file = weights();
    server.serve(`/models/${file.fileName}`, BODY);
    const blocker = join(cache.dir, 'not-a-folder');
    await writeFile(blocker, 'x');
    const error = await failure(download(file, options({ cacheDir: join(blocker, 'cache') })));
    expect(error.code).toBe('FS');
    expect(error.message).toBe(
      `cannot write ${join(blocker, 'cache', 'downloads')}: ${blocker} is a file, not a folder; move it away, or set FCN_CACHE_DIR to another folder`,
    );
    expect(server.requests).toHaveLength(0);
  });

  it('stops on a full disk (ENOSPC) naming the path, with nothing under the final name', async () => {
    const file = weights();
    server.serve(`/models/${file.fileName}`, BODY);
    await mkdir(join(cache.dir, 'downloads'), { recursive: true });
    // Every write to /dev/full fails with ENOSPC: the partial file is a link to it.
    await symlink('/dev/full', partialPath(file, { cacheDir: cache.dir }));
    const error = await failure(download(file, options()));
    expect(error.code).toBe('FS');
    expect(error.message).toBe(
      `no space left on the device to write ${partialPath(file, { cacheDir: cache.dir })}: free some space, or set FCN_CACHE_DIR to a folder on a larger disk`,
    );
    expect(existsSync(cachedPath(file, { cacheDir: cache.dir }))).toBe(false);
    expect(server.requests).toHaveLength(1); // no other source tried: the disk, not the source, failed
  });

  it('stops when its AbortSignal fires, keeping the partial file for a later resume', async () => {
    const file = weights();
    server.serve(`/models/${file.fileName}`, BODY, { cutAfter: 60_000, times: 1 });
    const controller = new AbortController();
    const error = await failure(
      download(file, options({ signal: controller.signal, onNotice: () => controller.abort() })),
    );
    expect(error.code).toBe('ABORTED');
    expect(error.message).toBe(
      `stopped downloading ${file.fileName}; the 60000 bytes so far in ${partialPath(file, { cacheDir: cache.dir })} resume next time`,
    );
    const path = await download(file, options());
    expect(await digest(path)).toBe(digestOf(BODY));
    expect(server.requests.at(-1)).toMatchObject({ range: 'bytes=60000-', status: 206 });
  });
});
