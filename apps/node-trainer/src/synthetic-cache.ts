/**
 * The default job's synthetic VOC, generated once into a cache folder and reused while its recipe is
 * unchanged. A marker file written last says the folder is complete, so an interrupted generation is
 * redone rather than trusted. The cache folder is `@fcn/hub`'s (`$FCN_CACHE_DIR`, else ~/.cache/fcn-ts).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSyntheticVoc } from '@fcn/data';
import { cacheDir } from '@fcn/hub';
import { SYNTHETIC_DATA } from './presets.js';

const MARKER = 'fcn-synthetic.json';

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
