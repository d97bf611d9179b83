/**
 * `extractTar`: a tar archive into a folder, once. It unpacks into a temporary sibling folder and
 * renames that into place with a marker file, so the folder is either absent or whole; an archive
 * with an entry that would land outside the folder (an absolute path, a `..`, a link pointing out)
 * or that is not a plain file, folder or link is refused whole.
 */
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import { extract, type ReadEntry } from 'tar';
import { HubError } from './errors.js';
import { fsError, onPath } from './fs-errors.js';

/** Written last into an unpacked folder: its presence means the folder is complete. */
export const UNPACKED_MARKER = '.fcn-unpacked.json';

export interface ExtractOptions {
  /** Called with the number of entries unpacked so far. */
  onEntry?: (entries: number) => void;
}

export interface ExtractResult {
  dir: string;
  /** False when the folder was already unpacked (nothing was done). */
  unpacked: boolean;
  entries: number;
}

/** Whether `dir` holds a complete unpacking (its marker). */
export async function isUnpackedDir(dir: string): Promise<boolean> {
  return (await readFile(join(dir, UNPACKED_MARKER), 'utf8').catch(() => undefined)) !== undefined;
}

/** Unpacks `tarPath` into `destDir` unless a complete unpacking is there already. */
export async function extractTar(
  tarPath: string,
  destDir: string,
  options: ExtractOptions = {},
): Promise<ExtractResult> {
  const previous = await readFile(join(destDir, UNPACKED_MARKER), 'utf8').catch(() => undefined);
  if (previous !== undefined)
    return { dir: destDir, unpacked: false, entries: Number(JSON.parse(previous).entries) || 0 };
  const parent = dirname(destDir);
  await onPath(parent, () => mkdir(parent, { recursive: true }));
  const temp = await onPath(parent, () => mkdtemp(join(parent, `.${basename(destDir)}.unpacking-`)));
  const refused: string[] = [];
  let entries = 0;
  try {
    await extract({
      file: tarPath,
      cwd: temp,
      strict: true,
      preserveOwner: false,
      filter: (path, entry) => {
        const problem = unsafeEntry(path, entry as ReadEntry);
        if (problem) {
          refused.push(problem);
          return false;
        }
        entries++;
        options.onEntry?.(entries);
        return true;
      },
    });
    if (refused.length > 0) {
      const more = refused.length > 1 ? ` (and ${refused.length - 1} more)` : '';
      throw new HubError(
        `refusing to unpack ${tarPath}: ${refused[0]}${more}; it is not the archive expected, delete it`,
        'ARCHIVE',
      );
    }
    await onPath(temp, () =>
      writeFile(join(temp, UNPACKED_MARKER), JSON.stringify({ archive: basename(tarPath), entries })),
    );
    await onPath(destDir, () => rm(destDir, { recursive: true, force: true })); // an unfinished earlier one
    await onPath(destDir, () => rename(temp, destDir));
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    if (error instanceof HubError) throw error;
    const translated = await fsError(error, destDir);
    if (translated !== error) throw translated;
    throw new HubError(
      `cannot unpack ${tarPath}: ${(error as Error).message} (damaged, or not a tar file? delete it and download it again)`,
      'ARCHIVE',
    );
  }
  return { dir: destDir, unpacked: true, entries };
}

const PLAIN_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink', 'Link']);

/** Why an entry must not be unpacked, or undefined when it may. */
function unsafeEntry(path: string, entry: ReadEntry): string | undefined {
  if (!PLAIN_TYPES.has(entry.type)) return `entry '${path}' is a ${entry.type}, not a file, folder or link`;
  if (escapes(path)) return `entry '${path}' could land outside the folder (an absolute path or a '..')`;
  const target = entry.linkpath ?? '';
  // A symbolic link's target is relative to its own folder; a hard link's to the archive's root.
  const outside =
    entry.type === 'SymbolicLink'
      ? isAbsoluteAnywhere(target) || climbsOut(posix.join(posix.dirname(path), target))
      : entry.type === 'Link' && escapes(target);
  if (outside) return `link '${path}' points outside the folder (to '${target}')`;
  return undefined;
}

/** An absolute path, a drive letter, or a path with a `..` in it (tar refuses those too). */
function escapes(path: string): boolean {
  return isAbsoluteAnywhere(path) || path.split(/[\\/]/).includes('..');
}

function isAbsoluteAnywhere(path: string): boolean {
  return posix.isAbsolute(path) || /^[a-zA-Z]:/.test(path) || path.startsWith('\\');
}

/** Whether a relative path, once `..` are resolved, leaves its starting folder. */
function climbsOut(path: string): boolean {
  const normal = posix.normalize(path);
  return normal === '..' || normal.startsWith('../');
}
