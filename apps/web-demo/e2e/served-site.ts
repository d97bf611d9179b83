/**
 * What the end-to-end test and the browser bench share: the page built without a default model and
 * served by `vite preview` on a free port, and Debian's Chromium (never a downloaded browser).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { build, type PreviewServer, preview } from 'vite';

export const CHROMIUM = '/usr/bin/chromium';

/** The web-demo folder (this file and the bundled bench both sit one level below it). */
export const appDir = join(import.meta.dirname, '..');

export interface ServedSite {
  url: string;
  server: PreviewServer;
}

/** Builds the page into `outDir` with no bundled model (`FCN_DEMO_MODEL=none`) and serves it. */
export async function buildAndServe(outDir: string): Promise<ServedSite> {
  const saved = process.env.FCN_DEMO_MODEL;
  process.env.FCN_DEMO_MODEL = 'none';
  try {
    await build({ root: appDir, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  } finally {
    if (saved === undefined) delete process.env.FCN_DEMO_MODEL;
    else process.env.FCN_DEMO_MODEL = saved;
  }
  const server = await preview({
    root: appDir,
    logLevel: 'warn',
    build: { outDir },
    preview: { port: 0, host: '127.0.0.1' },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) {
    await server.close();
    throw new Error('vite preview gave no URL');
  }
  return { url, server };
}

/** Headless Debian Chromium, with extra command-line flags. */
export function launchChromium(flags: readonly string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', ...flags] });
}
