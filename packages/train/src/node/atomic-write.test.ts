import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-write.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fcn-atomic-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates and replaces a file, leaving no temporary file', async () => {
    const path = join(dir, 'a.bin');
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    await writeFileAtomic(path, 'replaced');
    expect(await readFile(path, 'utf8')).toBe('replaced');
    expect(await readdir(dir)).toEqual(['a.bin']);
  });

  it('fails cleanly where the folder does not exist, and leaves an existing file untouched on failure', async () => {
    await expect(writeFileAtomic(join(dir, 'missing', 'b.bin'), 'x')).rejects.toThrow(/ENOENT/);
    const path = join(dir, 'a.bin');
    // A folder in the way of the rename: the old content stays, the temporary file goes.
    await expect(writeFileAtomic(dir, 'x')).rejects.toThrow();
    expect(await readFile(path, 'utf8')).toBe('replaced');
    expect((await readdir(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
