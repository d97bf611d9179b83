/**
 * The default job's synthetic VOC, generated once into a cache folder and reused while its recipe is
 * unchanged. A marker file written last says the folder is complete, so an interrupted generation is
 * redone rather than trusted.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticVoc } from '@fcn/data';
import { SYNTHETIC_DATA } from './presets.js';

const MARKER = 'fcn-synthetic.json';

/** `$FCN_CACHE_DIR`, else `$XDG_CACHE_HOME/fcn-ts`, else `~/.cache/fcn-ts`. */
export function cacheDir(): string {
  return process.env.FCN_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'fcn-ts');
}

/** The default job's VOC folder, generated if missing or incomplete; `log` hears what happens. */
export async function defaultSyntheticVoc(log: (line: string) => void): Promise<string> {
  const recipe = JSON.stringify(SYNTHETIC_DATA);
  const root = join(
    cacheDir(),
    `synthetic-voc-${SYNTHETIC_DATA.train}-${SYNTHETIC_DATA.val}-s${SYNTHETIC_DATA.seed}`,
  );
  const marker = join(root, MARKER);
  const existing = await readFile(marker, 'utf8').catch(() => null);
  if (existing === recipe) {
    log(`data: synthetic VOC (cached) in ${root}`);
    return root;
  }
  const start = performance.now();
  await generateSyntheticVoc({ root, ...SYNTHETIC_DATA });
  await writeFile(marker, recipe);
  const seconds = ((performance.now() - start) / 1000).toFixed(1);
  log(
    `data: generated a synthetic VOC (${SYNTHETIC_DATA.train} train, ${SYNTHETIC_DATA.val} val) in ${root} in ${seconds} s`,
  );
  return root;
}
