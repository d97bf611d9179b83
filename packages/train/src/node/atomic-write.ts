/**
 * Replace a file all at once: write a temporary file beside it, flush it to disk, rename it over the
 * target (atomic on POSIX file systems), then flush the folder so the rename itself survives a crash.
 * A reader sees the old file or the new one, never a mix; a kill leaves at most a stray `.tmp-*` file.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Whether a file name is one of `writeFileAtomic`'s temporary files (`.NAME.tmp-PID-HEX`). */
export function isAtomicTempName(name: string): boolean {
  return /^\..+\.tmp-\d+-[0-9a-f]{8}$/.test(name);
}

export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
  await syncFolder(dirname(path));
}

async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms (Windows) cannot open or flush a folder; the rename is still atomic there.
  }
}
