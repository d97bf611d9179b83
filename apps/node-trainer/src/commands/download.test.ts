import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticVoc, readVocSplit, VOC2012, type VocSource } from '@fcn/data';
import { cachedPath, partialPath } from '@fcn/hub';
import { closedPortUrl, type FixtureServer, startFixtureServer, tarFolder } from '@fcn/hub/testing';
import { MODEL_ZOO } from '@fcn/models';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Catalogue, CatalogueModel } from '../catalogue.js';
import { errorMessage, runCli } from '../testing/run-cli.js';
import { downloadCommand } from './download.js';
import { modelsCommand } from './models.js';

const WEIGHTS = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 31 + (i >> 8)) % 256);

let work: string;
let vocTar: Uint8Array;
let server: FixtureServer;
let closed: string;
let cache: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'fcn-cli-download-'));
  // A small synthetic VOC2012, packed as the real archive is (VOCdevkit/VOC2012/...).
  const source = join(work, 'source');
  await generateSyntheticVoc({
    root: join(source, 'VOCdevkit', 'VOC2012'),
    train: 2,
    val: 1,
    seed: 3,
    sizes: [[64, 80]],
  });
  await tarFolder(source, ['VOCdevkit'], join(work, 'voc.tar'));
  vocTar = new Uint8Array(await readFile(join(work, 'voc.tar')));
  closed = await closedPortUrl();
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

beforeEach(async () => {
  server = await startFixtureServer();
  cache = await mkdtemp(join(work, 'cache-'));
  vi.stubEnv('FCN_CACHE_DIR', cache);
  vi.stubEnv('FCN_MIRROR', `${server.url}/mirror`);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await server.close();
});

/** A zoo-like entry and a VOC-like archive whose own URLs lead nowhere: only the mirror serves them. */
function testCatalogue(): Catalogue {
  const prefix = createHash('sha256').update(WEIGHTS).digest('hex').slice(0, 8);
  const fileName = `tiny-${prefix}.pth`;
  const tiny: CatalogueModel = {
    ...MODEL_ZOO.resnet18,
    name: 'tiny',
    fileName,
    urls: [`${closed}/models/${fileName}`],
    sha256Prefix: prefix,
    checksum: { algorithm: 'sha256-prefix', hex: prefix },
  };
  const voc: VocSource = {
    ...VOC2012,
    fileName: 'voc-tiny.tar',
    urls: [`${closed}/voc/voc-tiny.tar`],
    checksum: { algorithm: 'sha1', hex: createHash('sha1').update(vocTar).digest('hex') },
    sizeBytes: vocTar.length,
  };
  return { models: [tiny], data: [voc] };
}

function program(catalogue = testCatalogue()): Command {
  return new Command('fcn').addCommand(downloadCommand(catalogue)).addCommand(modelsCommand(catalogue));
}

async function fcn(args: string[], catalogue?: Catalogue) {
  return runCli(args, { program: program(catalogue) });
}

describe('fcn download', () => {
  it('downloads a model from the mirror ($FCN_MIRROR) into the cache ($FCN_CACHE_DIR), then finds it there', async () => {
    const catalogue = testCatalogue();
    const tiny = catalogue.models[0]!;
    server.serve(`/mirror/${tiny.fileName}`, WEIGHTS);
    const run = await fcn(['download', 'tiny'], catalogue);
    expect(run.error).toBeUndefined();
    const path = join(cache, 'downloads', tiny.fileName);
    expect(run.out).toMatch(
      new RegExp(`^downloaded tiny \\(200 kB, checksum checked\\) in \\d+\\.\\d s: ${path}\\n$`),
    );
    expect(run.err).toContain(`  ${tiny.fileName}: 200 kB of 200 kB (100%)`);
    expect(
      createHash('sha256')
        .update(await readFile(path))
        .digest('hex'),
    ).toBe(createHash('sha256').update(WEIGHTS).digest('hex'));
    expect(server.requests.map((r) => r.path)).toEqual([`/mirror/${tiny.fileName}`]);

    const again = await fcn(['download', 'tiny'], catalogue);
    expect(again.out).toBe(`tiny is already in the cache: ${path}\n`);
    expect(server.requests).toHaveLength(1);

    const listed = await fcn(['models'], catalogue);
    expect(listed.out).toMatch(/^tiny\s+trunk\s+≈46\.8 MB\s+yes\s+top-1 69\.758 \(ImageNet-1k val\)$/m);
    expect(listed.out).toMatch(
      /^voc2012\s+data set\s+[\d.]+ kB\s+no\s+1464 train, 1449 val segmentation images$/m,
    );
    expect(listed.out).toContain(`cache: ${cache};`);
  });

  it('resumes after the connection is cut, with a Range request, and says so on standard error', async () => {
    const catalogue = testCatalogue();
    const tiny = catalogue.models[0]!;
    server.serve(`/mirror/${tiny.fileName}`, WEIGHTS, { cutAfter: 80_000, times: 1 });
    const run = await fcn(['download', 'tiny'], catalogue);
    expect(run.error).toBeUndefined();
    expect(server.requests.map((r) => r.range)).toEqual([undefined, 'bytes=80000-']);
    expect(run.err).toMatch(/connection (broke|closed) at byte 80000.*; resuming at byte 80000/);
  });

  it('resumes a partial download from an earlier run, and --mirror wins over $FCN_MIRROR', async () => {
    const catalogue = testCatalogue();
    const tiny = catalogue.models[0]!;
    server.serve(`/other/${tiny.fileName}`, WEIGHTS);
    vi.stubEnv('FCN_MIRROR', closed);
    await mkdir(join(cache, 'downloads'), { recursive: true });
    await writeFile(partialPath(tiny, { cacheDir: cache }), WEIGHTS.subarray(0, 150_000));
    const run = await fcn(['download', 'tiny', '--mirror', `${server.url}/other/`], catalogue);
    expect(run.error).toBeUndefined();
    expect(run.err).toContain(`resuming ${tiny.fileName} at 150 kB`);
    expect(server.requests).toEqual([
      { path: `/other/${tiny.fileName}`, range: 'bytes=150000-', status: 206 },
    ]);
  });

  it('downloads and unpacks a VOC archive, which the VOC reader then reads', async () => {
    const catalogue = testCatalogue();
    server.serve('/mirror/voc-tiny.tar', vocTar);
    const run = await fcn(['download', 'voc2012'], catalogue);
    expect(run.error).toBeUndefined();
    const root = join(cache, 'unpacked', 'voc2012', 'VOCdevkit', 'VOC2012');
    expect(run.out).toMatch(new RegExp(`^downloaded and unpacked voc2012 in \\d+\\.\\d s: ${root}\\n$`));
    expect(run.err).toContain(
      `unpacking ${join(cache, 'downloads', 'voc-tiny.tar')} into ${join(cache, 'unpacked', 'voc2012')}`,
    );
    const train = await readVocSplit({ root, split: 'train', crop: [32, 32] });
    expect(train.length).toBe(2);

    expect((await fcn(['download', 'voc2012'], catalogue)).out).toBe(
      `voc2012 is already in the cache: ${root}\n`,
    );
    expect(server.requests).toHaveLength(1);
    const listed = JSON.parse((await fcn(['models', '--json'], catalogue)).out);
    expect(listed.data[0].cache).toMatchObject({ state: 'complete', unpacked: true, folder: root });
  });

  it('deletes a download whose checksum does not match, in one line', async () => {
    const catalogue = testCatalogue();
    const tiny = catalogue.models[0]!;
    server.serve(
      `/mirror/${tiny.fileName}`,
      WEIGHTS.map((b) => b ^ 1),
    );
    const message = errorMessage(await fcn(['download', 'tiny'], catalogue));
    expect(message).toMatch(
      new RegExp(
        `^could not download ${tiny.fileName}: .*/mirror/${tiny.fileName}: its SHA-256 starts with [0-9a-f]{8}, not ${tiny.sha256Prefix}; deleted the download;`,
      ),
    );
    expect(message).not.toContain('\n');
    expect(existsSync(partialPath(tiny, { cacheDir: cache }))).toBe(false);
    expect(existsSync(cachedPath(tiny, { cacheDir: cache }))).toBe(false);
  });

  it('says what to do when nothing can be reached', async () => {
    const catalogue = testCatalogue();
    const tiny = catalogue.models[0]!;
    vi.stubEnv('FCN_MIRROR', `${closed}/mirror`);
    const message = errorMessage(await fcn(['download', 'tiny'], catalogue));
    const host = new URL(closed).host;
    expect(message).toBe(
      `cannot reach any source of ${tiny.fileName} (${host}: connection refused; ${host}: connection refused); offline? ` +
        `download it by hand from ${tiny.urls[0]} into ${cachedPath(tiny, { cacheDir: cache })}, or set FCN_MIRROR to a server that has it`,
    );
  });

  it('names the file in the way of --cache-dir, and refuses unknown names and bad mirrors', async () => {
    const blocker = join(cache, 'a-file');
    await writeFile(blocker, '');
    expect(errorMessage(await fcn(['download', 'tiny', '--cache-dir', join(blocker, 'c')]))).toBe(
      `cannot write ${join(blocker, 'c', 'downloads')}: ${blocker} is a file, not a folder; move it away, or set FCN_CACHE_DIR to another folder`,
    );
    expect(errorMessage(await fcn(['download', 'resnet152']))).toBe(
      "unknown name 'resnet152': choose one of tiny, voc2012 (fcn models lists them)",
    );
    expect(errorMessage(await fcn(['download', 'tiny', '--mirror', 'ftp://example/x']))).toMatch(
      /option '--mirror <url>' argument 'ftp:\/\/example\/x' is invalid\. expected an http:\/\/ or https:\/\/ URL/,
    );
    expect(server.requests).toHaveLength(0);
  });

  it('has help, and with the real zoo finds a model already in the cache without any request', async () => {
    const help = (await runCli(['download', '--help'])).out;
    expect(help).toMatch(/^Usage: fcn download \[options\] <name>/);
    expect(help.replace(/\s+/g, ' ')).toContain(
      'what to download: resnet18, resnet34, resnet50, resnet101, fcn_resnet50, fcn_resnet101, voc2012',
    );
    expect(help).toMatch(/--mirror <url>\s+a base URL tried first/);

    const path = cachedPath(MODEL_ZOO.resnet18, { cacheDir: cache });
    await mkdir(join(cache, 'downloads'), { recursive: true });
    await writeFile(path, 'already here');
    const run = await runCli(['download', 'resnet18']);
    expect(run.out).toBe(`resnet18 is already in the cache: ${path}\n`);
    expect(server.requests).toHaveLength(0);
  });
});
