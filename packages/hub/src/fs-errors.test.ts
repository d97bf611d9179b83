import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../test/fixtures.js';
import { HubError } from './errors.js';
import { fsError, onPath } from './fs-errors.js';

let work: { dir: string; remove: () => Promise<void> };

beforeEach(async () => {
  work = await tempDir('fcn-hub-fs-');
});

afterEach(async () => {
  await work.remove();
});

/** An error as Node's fs makes them (root ignores permissions, so EACCES and EROFS cannot be provoked). */
function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: something, open '/x'`), { code });
}

async function message(code: string, path: string): Promise<string> {
  const error = await fsError(errno(code), path);
  expect(error).toBeInstanceOf(HubError);
  expect((error as HubError).code).toBe('FS');
  return (error as HubError).message;
}

describe('fsError', () => {
  it('turns ENOSPC, EACCES, EPERM, EROFS and EISDIR into one line naming the path and a way out', async () => {
    expect(await message('ENOSPC', '/c/x.part')).toBe(
      'no space left on the device to write /c/x.part: free some space, or set FCN_CACHE_DIR to a folder on a larger disk',
    );
    expect(await message('EACCES', '/c/x.part')).toBe(
      'no permission to write /c/x.part: change its permissions, or set FCN_CACHE_DIR to another folder',
    );
    expect(await message('EPERM', '/c')).toMatch(/^no permission to write \/c:/);
    expect(await message('EROFS', '/c/downloads')).toBe(
      'cannot write /c/downloads: it is on a read-only file system; set FCN_CACHE_DIR to another folder',
    );
    expect(await message('EISDIR', '/c/x')).toMatch(/^cannot write \/c\/x: it is a folder; remove it/);
  });

  it('finds the file that stands where a folder should (ENOTDIR)', async () => {
    const blocker = join(work.dir, 'file');
    await writeFile(blocker, '');
    expect(await message('ENOTDIR', join(blocker, 'a', 'b'))).toBe(
      `cannot write ${join(blocker, 'a', 'b')}: ${blocker} is a file, not a folder; move it away, or set FCN_CACHE_DIR to another folder`,
    );
  });

  it('passes other errors through, and onPath translates what its action throws', async () => {
    const other = errno('ECONNRESET');
    expect(await fsError(other, '/x')).toBe(other);
    await expect(
      onPath('/c/y', async () => {
        throw errno('ENOSPC');
      }),
    ).rejects.toThrow('no space left on the device to write /c/y');
    expect(await onPath('/c/y', async () => 42)).toBe(42);
  });
});
