/**
 * The demo page in a real browser: Debian's Chromium (`/usr/bin/chromium`, never a downloaded one)
 * driven by playwright-core. The page is built and served here; the model and image come from the
 * `fcn` command (synth-voc, train), and the page's mask is checked against `fcn predict`.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeLabelPng } from '@fcn/data';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskIndices, waitForRuns } from './page-helpers.js';
import { appDir, buildAndServe, launchChromium } from './served-site.js';

const repoRoot = join(appDir, '..', '..');
const artifacts = join(appDir, 'test-artifacts');

let dir: string;
let browser: Browser;
let server: PreviewServer;
let url: string;
let page: Page;
let photo: string;
let weights: string;
let expectedMask: string;
const pageErrors: string[] = [];

/** `pnpm fcn ...` from the repository root, as a user runs it. */
async function fcn(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('pnpm', ['--silent', 'fcn', ...args], {
    cwd: repoRoot,
    env: { ...process.env, INIT_CWD: repoRoot },
    maxBuffer: 16 * 2 ** 20,
  });
  return stdout;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fcn-web-e2e-'));
  const voc = join(dir, 'voc');
  await fcn('synth-voc', '--out', voc, '--train', '8', '--val', '2', '--size', '120x160', '--seed', '3');
  await fcn(
    'train',
    '--data',
    voc,
    '--out',
    join(dir, 'run'),
    '--epochs',
    '2',
    '--batch-size',
    '4',
    '--crop',
    '64x96',
    '--width',
    '4',
    '--backend',
    'wasm',
  );
  weights = join(dir, 'run', 'model.safetensors');
  const [firstVal] = (await readFile(join(voc, 'ImageSets', 'Segmentation', 'val.txt'), 'utf8'))
    .trim()
    .split('\n');
  photo = join(voc, 'JPEGImages', `${firstVal}.jpg`);
  expectedMask = join(dir, 'expected.png');
  await fcn('predict', '--weights', weights, '--image', photo, '--out', expectedMask, '--backend', 'wasm');

  ({ url, server } = await buildAndServe(join(dir, 'site')));
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await mkdir(artifacts, { recursive: true });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('web demo in Chromium', () => {
  it('starts on a named backend, says the model is untrained, and segments the sample', async () => {
    await page.goto(url);
    await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 60_000 });
    expect(await page.textContent('[data-testid=backend]')).toMatch(/^backend: (webgpu|webgl|wasm|cpu)\b/);
    expect(await page.textContent('[data-testid=model]')).toMatch(/untrained model \(random weights\)/);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.click('[data-testid=sample]');
    await waitForRuns(page, 1);
    const mask = await maskIndices(page);
    expect([mask.width, mask.height]).toEqual([250, 188]);
    expect(mask.labels.every((l) => l >= 0 && l <= 20)).toBe(true);
    expect(await page.textContent('[data-testid=timing]')).toMatch(/^Inference: \d+ ms for 250x188 on \w+/);
  }, 180_000);

  it('loads a trained checkpoint and an image, and its mask matches fcn predict', async () => {
    await page.setInputFiles('[data-testid=weights-input]', weights);
    await waitForRuns(page, 2);
    expect(await page.textContent('[data-testid=model]')).toMatch(
      /model\.safetensors: FCN-32s on a ResNet-18 trunk of width 4, fcn\.ts layout, output stride 32, [\d.]+[MK] parameters, 21 classes/,
    );
    await page.setInputFiles('[data-testid=image-input]', photo);
    await waitForRuns(page, 3);
    const mask = await maskIndices(page);
    const expected = decodeLabelPng(new Uint8Array(await readFile(expectedMask)));
    expect([mask.width, mask.height]).toEqual([expected.width, expected.height]);
    let same = 0;
    for (let i = 0; i < mask.labels.length; i++) if (mask.labels[i] === expected.data[i]) same++;
    // The browser's JPEG decoder may differ from libvips by a unit here and there: a few pixels at
    // class boundaries may flip, nothing more.
    expect(same / mask.labels.length).toBeGreaterThan(0.995);
    const legend = await page.textContent('[data-testid=legend]');
    expect(legend).toMatch(/\d+\.\d%/);
    await page.screenshot({ path: join(artifacts, 'web-demo.png'), fullPage: true });
    expect((await readdir(artifacts)).includes('web-demo.png')).toBe(true);
  }, 180_000);

  it('scales a huge image (8000x8000) down to its pixel budget and segments it', async () => {
    const huge = join(dir, 'huge.png');
    await sharp({ create: { width: 8000, height: 8000, channels: 3, background: { r: 90, g: 140, b: 60 } } })
      .png()
      .toFile(huge);
    await page.setInputFiles('[data-testid=image-input]', huge);
    await waitForRuns(page, 4);
    const size = await page.evaluate(() => {
      const canvas = document.getElementById('mask') as HTMLCanvasElement;
      return [canvas.width, canvas.height];
    });
    expect(size).toEqual([2048, 2048]);
    expect(await page.textContent('[data-testid=timing]')).toMatch(
      /^Inference: \d+ ms for 2048x2048 \(scaled down from 8000x8000\) on \w+/,
    );
  }, 180_000);

  it('shows a message, not a broken page, for a non-image and for a weights file of the wrong kind', async () => {
    const text = join(dir, 'notes.txt');
    await writeFile(text, 'this is not an image');
    await page.setInputFiles('[data-testid=image-input]', text);
    await page.waitForSelector('[data-testid=error]:not([hidden])');
    expect(await page.textContent('[data-testid=error]')).toMatch(
      /notes\.txt is not an image this browser can decode/,
    );
    const bogus = join(dir, 'bogus.safetensors');
    await writeFile(bogus, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    await page.setInputFiles('[data-testid=weights-input]', bogus);
    await page.waitForFunction(() =>
      /bogus\.safetensors is not a model/.test(document.getElementById('error')!.textContent ?? ''),
    );
    // The page still works with the model it had.
    expect(await page.textContent('[data-testid=model]')).toMatch(/model\.safetensors: FCN-32s on/);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
