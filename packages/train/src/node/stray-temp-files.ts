/**
 * The temporary files a kill leaves behind: `writeFileAtomic` writes `.NAME.tmp-PID-HEX` beside its
 * target and renames it; a process killed before the rename leaves it there for good. A run folder's
 * owner (holding its lock, so no other writer is at work) removes them when it starts.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isAtomicTempName } from './atomic-write.js';

/** Removes `writeFileAtomic`'s temporary files from `dir`; returns their names (none: `[]`). */
export async function removeStrayTempFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const stray = names.filter(isAtomicTempName).sort();
  await Promise.all(stray.map((name) => rm(join(dir, name), { force: true })));
  return stray;
}
