import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as browser from './browser.js';

const here = dirname(fileURLToPath(import.meta.url));
const packages = resolve(here, '../..');
/** The workspace entries the browser entry may reach, as source files (read, not imported). */
const WORKSPACE: Record<string, string> = {
  '@fcn/data/browser': resolve(packages, 'data/src/browser.ts'),
  '@fcn/layers': resolve(packages, 'layers/src/index.ts'),
  '@fcn/models': resolve(packages, 'models/src/index.ts'),
  '@fcn/init': resolve(packages, 'init/src/index.ts'),
};

describe('@fcn/train/browser', () => {
  it('imports nothing from Node, through the workspace packages too: only tfjs-core outside', async () => {
    const seen = new Set<string>();
    const external = new Set<string>();
    const visit = async (file: string): Promise<void> => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = await readFile(file, 'utf8');
      // `import type` is erased from the bundle: only value imports count.
      const pattern =
        /(?:^|\n)\s*(?:import|export)\s(?!type\s)[^;]*?from\s+'([^']+)'|(?:^|\n)\s*import\s+'([^']+)'/g;
      for (const match of source.matchAll(pattern)) {
        const spec = (match[1] ?? match[2])!;
        if (spec.startsWith('.')) await visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
        else if (WORKSPACE[spec]) await visit(WORKSPACE[spec]);
        else external.add(spec);
      }
    };
    await visit(resolve(here, 'browser.ts'));
    expect(seen.size).toBeGreaterThan(30);
    expect([...seen].some((f) => f.includes('/node/'))).toBe(false);
    // tfjs-core, the gradient registration that @fcn/layers imports from it, and fflate (pure JS, for
    // the zip container of PyTorch .pth files in @fcn/models), which runs in browsers as it is.
    const browserSafe = (spec: string) => spec.startsWith('@tensorflow/tfjs-core') || spec === 'fflate';
    expect([...external].filter((spec) => !browserSafe(spec))).toEqual([]);
    expect(typeof browser.predictWholeImage).toBe('function');
    expect('train' in browser).toBe(false);
  });
});
