import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { VOC2012 } from '@fcn/data';
import { closedPortUrl, type FixtureServer, startFixtureServer, tarFolder } from '@fcn/hub/testing';
import { MODEL_ZOO } from '@fcn/models';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Catalogue } from './catalogue.js';
import { resolveSource } from './resolve-source.js';

const WEIGHTS = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) % 256);

let work: string;
let server: FixtureServer;
let catalogue: Catalogue;
let vocTar: Uint8Array;
let cacheDir: string;
let stderr: string[];
const stream = new Writable({
  write(chunk, _encoding, done) {
    stderr.push(String(chunk));
    done();
  },
}) as unknown as NodeJS.WriteStream;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'fcn-resolve-'));
  const source = join(work, 'source');
  await mkdir(join(source, 'VOCdevkit', 'VOC2012', 'ImageSets', 'Segmentation'), { recursive: true });
  await writeFile(join(source, 'VOCdevkit', 'VOC2012', 'ImageSets', 'Segmentation', 'train.txt'), 'a\n');
  await tarFolder(source, ['VOCdevkit'], join(work, 'voc.tar'));
  vocTar = new Uint8Array(await readFile(join(work, 'voc.tar')));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

beforeEach(async () => {
  server = await startFixtureServer();
  cacheDir = await mkdtemp(join(work, 'cache-'));
  stderr = [];
  const closed = await closedPortUrl();
  const prefix = createHash('sha256').update(WEIGHTS).digest('hex').slice(0, 8);
  const trunk = {
    ...MODEL_ZOO.resnet18,
    fileName: `resnet18-${prefix}.pth`,
    urls: [`${closed}/resnet18-${prefix}.pth`],
    sha256Prefix: prefix,
    checksum: { algorithm: 'sha256-prefix', hex: prefix },
  } as const;
  server.serve(`/mirror/${trunk.fileName}`, WEIGHTS);
  const voc = {
    ...VOC2012,
    fileName: 'voc.tar',
    urls: [`${closed}/voc.tar`],
    checksum: { algorithm: 'sha1', hex: createHash('sha1').update(vocTar).digest('hex') },
    sizeBytes: vocTar.length,
  } as const;
  server.serve('/mirror/voc.tar', vocTar);
  catalogue = { models: [trunk, MODEL_ZOO.fcn_resnet50], data: [voc] };
});

afterEach(async () => {
  await server.close();
});

function options(flag: string, kinds: ('data' | 'trunk' | 'segmentation')[]) {
  return { flag, kinds, cacheDir, mirror: `${server.url}/mirror`, catalogue, stream };
}

describe('resolveSource', () => {
  it('takes an existing path as it is, without a request', async () => {
    const file = join(work, 'resnet18');
    await writeFile(file, 'mine');
    expect(await resolveSource(file, options('--pretrained', ['trunk']))).toBe(file);
    expect(server.requests).toHaveLength(0);
  });

  it('downloads a zoo trunk on first use and finds it in the cache after', async () => {
    const path = await resolveSource('resnet18', options('--pretrained', ['trunk']));
    expect(path).toBe(join(cacheDir, 'downloads', catalogue.models[0]!.fileName));
    expect(new Uint8Array(await readFile(path))).toEqual(WEIGHTS);
    expect(stderr.join('')).toContain('5.00 kB of 5.00 kB (100%)');
    expect(await resolveSource('resnet18', options('--pretrained', ['trunk']))).toBe(path);
    expect(server.requests).toHaveLength(1);
  });

  it('downloads and unpacks voc2012 for --data, returning the VOC2012 folder', async () => {
    const root = await resolveSource('voc2012', options('--data', ['data']));
    expect(root).toBe(join(cacheDir, 'unpacked', 'voc2012', 'VOCdevkit', 'VOC2012'));
    expect(await readFile(join(root, 'ImageSets', 'Segmentation', 'train.txt'), 'utf8')).toBe('a\n');
  });

  it('refuses a name of the wrong kind and an unknown name, naming what it takes; a path stays a path', async () => {
    await expect(resolveSource('fcn_resnet50', options('--pretrained', ['trunk']))).rejects.toThrow(
      '--pretrained fcn_resnet50: fcn_resnet50 is not of a kind --pretrained takes; give a path or one of resnet18',
    );
    await expect(resolveSource('fcn_resnet5', options('--model', ['segmentation']))).rejects.toThrow(
      /^--model fcn_resnet5: no such file or folder as .*fcn_resnet5; give a path or one of fcn_resnet50$/,
    );
    // A path (a folder or an extension in it) stays a path, for the command to say it does not exist.
    expect(await resolveSource('nowhere/x.pth', options('--model', ['segmentation']))).toMatch(
      /nowhere\/x\.pth$/,
    );
    expect(server.requests).toHaveLength(0);
  });
});
