/**
 * File-system failures as one line that names the path and what to do, instead of a bare
 * `ENOSPC: no space left on device, write`.
 */
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HubError } from './errors.js';

const ELSEWHERE = 'or set FCN_CACHE_DIR to another folder';

/** `error` (from writing or making `path`) as a `HubError` with code `FS`; other errors pass through. */
export async function fsError(error: unknown, path: string): Promise<unknown> {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new HubError(
        `no space left on the device to write ${path}: free some space, or set FCN_CACHE_DIR to a folder on a larger disk`,
        'FS',
      );
    case 'EACCES':
    case 'EPERM':
      return new HubError(`no permission to write ${path}: change its permissions, ${ELSEWHERE}`, 'FS');
    case 'EROFS':
      return new HubError(
        `cannot write ${path}: it is on a read-only file system; set FCN_CACHE_DIR to another folder`,
        'FS',
      );
    case 'ENOTDIR':
    case 'EEXIST': {
      const blocker = await firstNonFolder(path);
      const what = blocker ? `${blocker} is a file, not a folder` : 'a part of it is a file, not a folder';
      return new HubError(`cannot write ${path}: ${what}; move it away, ${ELSEWHERE}`, 'FS');
    }
    case 'EISDIR':
      return new HubError(`cannot write ${path}: it is a folder; remove it, ${ELSEWHERE}`, 'FS');
    default:
      return error;
  }
}

/** Runs `action`, translating its file-system errors for `path`. */
export async function onPath<T>(path: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw await fsError(error, path);
  }
}

/** The deepest existing ancestor of `path` (or `path` itself) that is not a folder, if any. */
async function firstNonFolder(path: string): Promise<string | undefined> {
  const chain: string[] = [];
  for (let p = path; ; p = dirname(p)) {
    chain.unshift(p);
    if (dirname(p) === p) break;
  }
  for (const p of chain) {
    const info = await stat(p).catch(() => undefined);
    if (!info) return undefined;
    if (!info.isDirectory()) return p;
  }
  return undefined;
}
