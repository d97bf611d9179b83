/**
 * One training per run folder at a time: a lock file in the folder names its owner (pid, host, start
 * time). It is made with a hard link from a complete temporary file, so it never exists half written
 * and exactly one of two racing starters gets it. A lock whose owner is gone (a kill, a crash: the pid
 * is no longer running on this host) is stale and is taken over, with a note.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const RUN_LOCK_FILE = '.fcn-train.lock';

export interface LockOwner {
  pid: number;
  host: string;
  /** ISO time the owner took the lock. */
  started: string;
}

export interface RunLock {
  readonly path: string;
  /** Removes the lock if it is still this process's. */
  release(): Promise<void>;
  /** The same, synchronously: for a `process.on('exit')` handler (an exit on a second Ctrl-C). */
  releaseSync(): void;
}

export interface LockOptions {
  /** Told about a stale lock taken over. */
  note?: (line: string) => void;
}

/** Another process holds the run folder. */
export class RunFolderBusyError extends Error {
  override name = 'RunFolderBusyError';
}

export async function lockRunFolder(dir: string, options: LockOptions = {}): Promise<RunLock> {
  const path = join(dir, RUN_LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  const text = `${JSON.stringify(me)}\n`;
  const temp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(temp, text);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(temp, path);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw e;
      }
      const held = await readFile(path, 'utf8').catch(() => null);
      if (held === null) continue; // released meanwhile: try again
      const owner = parseOwner(held);
      if (owner && (owner.host !== me.host || isAlive(owner.pid))) {
        const where = owner.host === me.host ? '' : ` on ${owner.host}`;
        const fix =
          owner.host === me.host
            ? 'wait for it to finish, stop it, or pick another --out'
            : `if no training runs there any more, delete ${path}`;
        throw new RunFolderBusyError(
          `${dir} is in use by another training (pid ${owner.pid}${where}, since ${owner.started}); ${fix}`,
        );
      }
      options.note?.(
        owner
          ? `took over the lock of a training that is no longer running (pid ${owner.pid}, since ${owner.started})`
          : `took over an unreadable lock file ${path}`,
      );
      await rm(path, { force: true });
    }
  } finally {
    await rm(temp, { force: true });
  }
  return {
    path,
    async release() {
      const now = await readFile(path, 'utf8').catch(() => null);
      if (now === text) await rm(path, { force: true });
    },
    releaseSync() {
      let now: string | null = null;
      try {
        now = readFileSync(path, 'utf8');
      } catch {
        // gone already
      }
      if (now === text) rmSync(path, { force: true });
    },
  };
}

function parseOwner(text: string): LockOwner | null {
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (Number.isSafeInteger(o.pid) && (o.pid as number) > 0 && typeof o.host === 'string') {
      return { pid: o.pid as number, host: o.host, started: String(o.started ?? 'an unknown time') };
    }
  } catch {
    // fall through
  }
  return null;
}

/** Whether a process with this pid runs on this machine (one of another user's counts as running). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
