/**
 * `pnpm --filter web-demo bench`: how long the demo page takes to segment a 480x320 photo with the
 * chapter's model (FCN-32s on a full ResNet-18) on each browser backend, in headless Debian Chromium.
 * It builds the page, serves it, forces each backend with `?backend=`, and reads the page's own
 * "Inference: N ms" line, for a first (cold) and a second (warm) run.
 */
import '@tensorflow/tfjs-backend-cpu';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateSyntheticVoc } from '@fcn/data';
import { fcn, saveWeights } from '@fcn/models';
import * as tf from '@tensorflow/tfjs-core';
import type { Page } from 'playwright-core';
import { appDir, buildAndServe, CHROMIUM, launchChromium } from '../e2e/served-site.js';

const work = join(appDir, '.bench');

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: 'wasm,webgl,webgpu,cpu' },
    width: { type: 'string', default: '64' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(`pnpm --filter web-demo bench [--backends wasm,webgl,webgpu,cpu] [--width 64]

Segments a 480x320 synthetic photo in the built demo page on each backend (headless ${CHROMIUM})
with an FCN-32s whose ResNet-18 trunk has the given width (64: the chapter's), and prints the page's
inference time for a cold and a warm run.`);
  process.exit(0);
}

await tf.setBackend('cpu');
await mkdir(work, { recursive: true });
const weights = join(work, 'bench-model.safetensors');
const model = fcn({ numClasses: 21, trunk: { arch: 'resnet18', width: Number(values.width) }, seed: 0 });
await writeFile(weights, saveWeights(model));
model.dispose();
const voc = await generateSyntheticVoc({
  root: join(work, 'voc'),
  train: 1,
  val: 0,
  sizes: [[320, 480]],
  seed: 5,
});
const photo = join(voc.root, 'JPEGImages', `${voc.train[0]!.id}.jpg`);

const { url, server } = await buildAndServe(join(work, 'site'));

// WebGPU is off in headless Chromium without a GPU; these flags expose its SwiftShader adapter, so
// that it can be timed too (the page's `auto` passes over it, as it does over SwiftShader WebGL).
const browser = await launchChromium([
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--use-webgpu-adapter=swiftshader',
]);
const runs = (page: Page) => page.evaluate(() => Number(document.body.dataset.runs ?? 0));
async function loadWeights(page: Page, file: string): Promise<void> {
  await page.setInputFiles('[data-testid=weights-input]', file);
  await page.waitForFunction(
    () =>
      /bench-model\.safetensors: FCN/.test(document.getElementById('model')!.textContent ?? '') ||
      !document.getElementById('error')!.hidden,
    null,
    { timeout: 120_000 },
  );
  const error = await page.evaluate(() => document.getElementById('error')!.textContent);
  if (error) throw new Error(error);
}

/** Uploads the photo and waits for the page to finish segmenting it; returns its timing line. */
async function segment(page: Page, file: string): Promise<string> {
  const before = await runs(page);
  await page.setInputFiles('[data-testid=image-input]', file);
  await page.waitForFunction(
    (n) => Number(document.body.dataset.runs ?? 0) > n || !document.getElementById('error')!.hidden,
    before,
    { timeout: 600_000 },
  );
  const error = await page.evaluate(() => document.getElementById('error')!.textContent);
  if (error) throw new Error(error);
  return (await page.textContent('[data-testid=timing]')) ?? '';
}

const rows: string[] = [];
try {
  for (const backend of values.backends.split(',')) {
    const page = await browser.newPage();
    try {
      await page.goto(`${url}?backend=${backend}`);
      await page.waitForFunction(
        () =>
          document.body.dataset.ready === 'true' ||
          document.getElementById('backend')!.classList.contains('error'),
        null,
        { timeout: 120_000 },
      );
      const line = (await page.textContent('[data-testid=backend]')) ?? '';
      if (!line.startsWith(`backend: ${backend}`)) {
        rows.push(`${backend.padEnd(7)} -         -         ${line}`);
        continue;
      }
      await loadWeights(page, weights);
      const ms = async () => Number(/Inference: (\d+) ms/.exec(await segment(page, photo))?.[1]);
      const cold = await ms();
      const warm = await ms();
      rows.push(`${backend.padEnd(7)} ${String(cold).padStart(7)}   ${String(warm).padStart(7)}   ${line}`);
      console.error(rows.at(-1));
    } catch (error) {
      rows.push(`${backend.padEnd(7)} -         -         failed: ${(error as Error).message}`);
    } finally {
      await page.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(
  `FCN-32s, ResNet-18 trunk of width ${values.width}, one 480x320 photo, headless Chromium (${CHROMIUM})`,
);
console.log('backend  cold ms   warm ms   backend line');
for (const row of rows) console.log(row);
