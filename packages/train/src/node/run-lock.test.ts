import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockRunFolder, RUN_LOCK_FILE, RunFolderBusyError } from './run-lock.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fcn-lock-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('lockRunFolder', () => {
  it('lets one owner in at a time, names it, and lets the next in after release', async () => {
    const lock = await lockRunFolder(dir);
    const owner = JSON.parse(await readFile(join(dir, RUN_LOCK_FILE), 'utf8'));
    expect(owner).toMatchObject({ pid: process.pid, host: hostname() });
    const second = lockRunFolder(dir);
    await expect(second).rejects.toThrow(RunFolderBusyError);
    await expect(lockRunFolder(dir)).rejects.toThrow(
      new RegExp(`is in use by another training \\(pid ${process.pid}, since .*\\); wait for it to finish`),
    );
    await lock.release();
    expect(existsSync(join(dir, RUN_LOCK_FILE))).toBe(false);
    const again = await lockRunFolder(dir);
    again.releaseSync();
    expect(existsSync(join(dir, RUN_LOCK_FILE))).toBe(false);
    // No temporary file is left behind.
    expect(await readdir(dir)).toEqual([]);
  });

  it('of two racing starters exactly one wins', async () => {
    const results = await Promise.allSettled([lockRunFolder(dir), lockRunFolder(dir), lockRunFolder(dir)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    await (won[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
  });

  it('takes over the lock of a process that is gone, or an unreadable one, with a note', async () => {
    const pid = deadPid();
    const path = join(dir, RUN_LOCK_FILE);
    await writeFile(path, JSON.stringify({ pid, host: hostname(), started: '2020-01-01T00:00:00Z' }));
    const notes: string[] = [];
    const lock = await lockRunFolder(dir, { note: (l) => notes.push(l) });
    expect(notes).toEqual([
      `took over the lock of a training that is no longer running (pid ${pid}, since 2020-01-01T00:00:00Z)`,
    ]);
    await lock.release();
    await writeFile(path, '');
    const lock2 = await lockRunFolder(dir, { note: (l) => notes.push(l) });
    expect(notes[1]).toMatch(/took over an unreadable lock file/);
    await lock2.release();
  });

  it("refuses another host's lock, saying how to clear it", async () => {
    await writeFile(
      join(dir, RUN_LOCK_FILE),
      JSON.stringify({ pid: 1, host: 'elsewhere', started: '2020-01-01T00:00:00Z' }),
    );
    await expect(lockRunFolder(dir)).rejects.toThrow(
      /in use by another training \(pid 1 on elsewhere, since .*\); if no training runs there any more, delete .*\.fcn-train\.lock/,
    );
    await rm(join(dir, RUN_LOCK_FILE));
  });

  it('a release leaves alone a lock that is no longer its own', async () => {
    const lock = await lockRunFolder(dir);
    const other = JSON.stringify({ pid: 1, host: 'elsewhere', started: 'now' });
    await writeFile(join(dir, RUN_LOCK_FILE), other);
    await lock.release();
    expect(await readFile(join(dir, RUN_LOCK_FILE), 'utf8')).toBe(other);
    await rm(join(dir, RUN_LOCK_FILE));
  });
});
