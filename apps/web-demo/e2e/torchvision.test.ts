/**
 * The demo page with a torchvision-layout FCN, in Debian's Chromium: a small FCN built from
 * torchvision's own classes (Bottleneck ResNet, one block a stage, dilated as fcn_resnet50; seeded
 * random weights) is saved as a `.pth` state dict by `/usr/bin/python3` at test time, picked in the
 * page, and run on a real photo (scikit-image's cat, from Debian's python3-skimage). The page's mask
 * must equal PyTorch's `model(x)['out'].argmax(1)` wherever PyTorch's top-2 margin is clear, and the
 * page must keep drawing frames while the worker runs.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskIndices, waitForRuns } from './page-helpers.js';
import { appDir, buildAndServe, launchChromium } from './served-site.js';

const PYTHON = '/usr/bin/python3';
const PHOTO = '/usr/lib/python3/dist-packages/skimage/data/chelsea.png';
const artifacts = join(appDir, 'test-artifacts');
/** PyTorch's top-2 logit margin, as a share of the logits' spread, below which a pixel may flip. */
const CLEAR_MARGIN = 0.02;

let dir: string;
let browser: Browser;
let server: PreviewServer;
let url: string;
let page: Page;
let fixture: {
  width: number;
  height: number;
  seconds: number;
  counts: number[];
  parameters: number;
  logitStd: number;
};
let expected: Uint8Array;
let margin: Float32Array;
const pageErrors: string[] = [];

/** The fixture: fails, naming the packages, where Debian's PyTorch or the photos are missing. */
async function makeFixture(out: string): Promise<void> {
  if (!existsSync(PHOTO)) {
    throw new Error(
      `${PHOTO} is missing: install scikit-image's sample photos (apt-get install python3-skimage)`,
    );
  }
  try {
    await promisify(execFile)(PYTHON, ['-c', 'import torch, torchvision']);
  } catch {
    throw new Error(
      `${PYTHON} cannot import torch and torchvision: install them (apt-get install python3-torch python3-torchvision)`,
    );
  }
  await promisify(execFile)(PYTHON, [
    join(appDir, '..', '..', 'packages', 'models', 'scripts', 'torchvision_fcn_photo.py'),
    PHOTO,
    out,
  ]);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fcn-web-tv-'));
  await makeFixture(dir);
  fixture = JSON.parse(await readFile(join(dir, 'info.json'), 'utf8'));
  expected = new Uint8Array(await readFile(join(dir, 'labels.u8')));
  const marginBytes = await readFile(join(dir, 'margin.f32'));
  margin = new Float32Array(marginBytes.buffer, marginBytes.byteOffset, marginBytes.byteLength / 4);
  ({ url, server } = await buildAndServe(join(dir, 'site')));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await mkdir(artifacts, { recursive: true });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Counts animation frames and the longest gap between two, from now on. */
function watchFrames(): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as { frames_: { count: number; maxGap: number; last: number } };
    w.frames_ = { count: 0, maxGap: 0, last: performance.now() };
    const tick = (now: number) => {
      w.frames_.maxGap = Math.max(w.frames_.maxGap, now - w.frames_.last);
      w.frames_.last = now;
      w.frames_.count++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

describe('web demo with a torchvision FCN (.pth) on a photo', () => {
  it('loads the .pth and shows its card', async () => {
    await page.goto(url);
    await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 60_000 });
    await page.setInputFiles('[data-testid=torchvision-input]', join(dir, 'model.pth'));
    await page.waitForFunction(
      () =>
        /model\.pth: FCN on a Bottleneck ResNet/.test(document.getElementById('model')!.textContent ?? '') ||
        !document.getElementById('error')!.hidden,
      null,
      { timeout: 120_000 },
    );
    expect(await page.textContent('[data-testid=error]')).toBe('');
    const millions = (fixture.parameters / 1e6).toFixed(1);
    expect(await page.textContent('[data-testid=card-architecture]')).toBe(
      `FCN on a Bottleneck ResNet with 1-1-1-1 blocks, torchvision layout (PyTorch .pth), output stride 8, ${millions}M parameters`,
    );
    expect(await page.textContent('[data-testid=card-source]')).toBe('file model.pth');
    expect(await page.textContent('[data-testid=card-classes]')).toMatch(
      /^background, aeroplane, .*tv\/monitor$/,
    );
    expect(await page.getAttribute('#choice-torchvision', 'class')).toMatch(/\bactive\b/);
  }, 180_000);

  it('segments the photo in the worker as PyTorch does, and the page keeps drawing frames', async () => {
    await watchFrames();
    await page.setInputFiles('[data-testid=image-input]', PHOTO);
    await waitForRuns(page, 1);
    const frames = await page.evaluate(
      () => (window as unknown as { frames_: { count: number; maxGap: number } }).frames_,
    );
    const ms = Number(await page.evaluate(() => document.body.dataset.inferenceMs));
    console.log(
      `torchvision FCN (${(fixture.parameters / 1e6).toFixed(1)}M parameters) on ${fixture.width}x${fixture.height}: ` +
        `page ${ms} ms (${await page.textContent('[data-testid=backend]')}), PyTorch ${Math.round(fixture.seconds * 1000)} ms; ` +
        `${frames.count} frames meanwhile, longest gap ${Math.round(frames.maxGap)} ms`,
    );
    // A page that ran the model on its own thread would stall for the whole forward pass (seconds on
    // 2 CPU cores); with the worker it keeps drawing (about 50 frames a second here).
    expect(frames.maxGap).toBeLessThan(1000);
    expect(frames.count).toBeGreaterThanOrEqual(Math.floor(ms / 100));
    expect(await page.textContent('[data-testid=timing]')).toMatch(
      new RegExp(`^Inference: \\d+ ms for ${fixture.width}x${fixture.height} on \\w+, in one pass$`),
    );

    const mask = await maskIndices(page);
    expect([mask.width, mask.height]).toEqual([fixture.width, fixture.height]);
    const threshold = CLEAR_MARGIN * fixture.logitStd;
    let clear = 0;
    let same = 0;
    for (let i = 0; i < expected.length; i++) {
      if (margin[i]! < threshold) continue;
      clear++;
      if (mask.labels[i] === expected[i]) same++;
    }
    console.log(
      `${same} of ${clear} clear pixels agree (${expected.length} in all; margin >= ${threshold.toExponential(2)})`,
    );
    expect(clear / expected.length).toBeGreaterThan(0.8);
    expect(same / clear).toBeGreaterThanOrEqual(0.995);
    // The random model's argmax follows the picture: many classes, none everywhere.
    expect(fixture.counts.filter((n) => n > 0).length).toBeGreaterThan(10);
    expect(new Set(mask.labels).size).toBeGreaterThan(10);
    await page.screenshot({ path: join(artifacts, 'web-demo-torchvision.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 300_000);
});
