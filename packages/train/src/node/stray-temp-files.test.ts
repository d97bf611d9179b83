import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAtomicTempName } from './atomic-write.js';
import { removeStrayTempFiles } from './stray-temp-files.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fcn-stray-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('removeStrayTempFiles', () => {
  it("removes writeFileAtomic's leftovers and nothing else", async () => {
    const stray = ['.checkpoint.safetensors.tmp-1234-0a1b2c3d', '.run.json.tmp-99-ffffffff'];
    const kept = ['checkpoint.safetensors', 'notes.tmp-1', '.hidden', 'x.tmp-12-0a1b2c3d'];
    for (const name of [...stray, ...kept]) await writeFile(join(dir, name), 'x');
    expect(await removeStrayTempFiles(dir)).toEqual([...stray].sort());
    expect((await readdir(dir)).sort()).toEqual([...kept].sort());
    expect(await removeStrayTempFiles(join(dir, 'missing'))).toEqual([]);
    expect(isAtomicTempName('.model.safetensors.tmp-5-deadbeef')).toBe(true);
    expect(isAtomicTempName('.model.safetensors.tmp-5-deadbee')).toBe(false);
  });
});
