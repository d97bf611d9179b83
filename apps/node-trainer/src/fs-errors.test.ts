import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFsError, translateFsMessages } from './fs-errors.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fcn-fs-errors-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('describeFsError', () => {
  it('names the path and the fix for a folder, a file in the path, a missing file', async () => {
    const file = join(dir, 'a.txt');
    await writeFile(file, 'x');
    expect(describeFsError(await failure(readFile(dir)), dir)).toBe(
      `${dir} is a folder, not a file; name a file`,
    );
    expect(describeFsError(await failure(readFile(join(file, 'b'))))).toBe(
      `${join(file, 'b')}: part of this path is a file, not a folder; check the path`,
    );
    expect(describeFsError(await failure(readFile(join(dir, 'none'))))).toMatch(
      /none does not exist; check the path$/,
    );
  });

  it('translates a permission error and leaves other errors alone', () => {
    const denied = Object.assign(new Error("EACCES: permission denied, open '/root/x'"), {
      code: 'EACCES',
      path: '/root/x',
    });
    expect(describeFsError(denied)).toBe(
      'permission denied: /root/x; check the permissions of the file and its folder',
    );
    expect(describeFsError(new Error('plain'))).toBeNull();
    // A known code without a path anywhere: left alone (nothing to name).
    expect(describeFsError(Object.assign(new Error('EISDIR'), { code: 'EISDIR' }))).toBeNull();
    expect(describeFsError('text')).toBeNull();
  });

  it("rewrites Node's raw wording inside a longer message", () => {
    expect(translateFsMessages("/v/train.txt: EACCES: permission denied, open '/v/train.txt'")).toBe(
      '/v/train.txt: permission denied: /v/train.txt; check the permissions of the file and its folder',
    );
    expect(translateFsMessages("ENOTDIR: not a directory, scandir '/a/b'")).toBe(
      '/a/b: part of this path is a file, not a folder; check the path',
    );
    expect(translateFsMessages("EWHAT: odd, open '/x'; plain text")).toBe(
      "EWHAT: odd, open '/x'; plain text",
    );
  });
});
