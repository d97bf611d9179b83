/**
 * File-system errors as one line that names the path and says what to do, instead of Node's raw
 * `EACCES: permission denied, open '/x'`. Anything that is not a file-system error is left alone.
 */

const REASONS: Record<string, (path: string) => string> = {
  EACCES: (p) => `permission denied: ${p}; check the permissions of the file and its folder`,
  EPERM: (p) => `operation not permitted on ${p}; check the permissions of the file and its folder`,
  EISDIR: (p) => `${p} is a folder, not a file; name a file`,
  ENOTDIR: (p) => `${p}: part of this path is a file, not a folder; check the path`,
  ENOENT: (p) => `${p} does not exist; check the path`,
  EEXIST: (p) => `${p} already exists`,
  ENOSPC: (p) => `no space left on the device that holds ${p}; free some space`,
  EROFS: (p) => `${p} is on a read-only file system; pick another place`,
  ENAMETOOLONG: (p) => `the path is too long: ${p.slice(0, 80)}...`,
  ELOOP: (p) => `${p}: too many symbolic links (a loop?)`,
  EMFILE: () => 'too many open files; close some programs or raise the limit (ulimit -n)',
};

/**
 * The one-line explanation of a Node file-system error, or null when `error` is not one. `path` names
 * the file when the error does not (a read on an open file reports none).
 */
export function describeFsError(error: unknown, path?: string): string | null {
  if (!(error instanceof Error)) return null;
  const { code, path: errorPath, dest } = error as NodeJS.ErrnoException & { dest?: string };
  if (typeof code !== 'string' || !(code in REASONS)) return null;
  const where = typeof errorPath === 'string' ? errorPath : path;
  if (where === undefined) return null;
  const line = REASONS[code]!(where);
  return dest ? `${line} (while moving it to ${dest})` : line;
}

/**
 * Node's raw wording inside a longer message (an error that wrapped one: `...: EACCES: permission
 * denied, open '/x'`) rewritten as `describeFsError` would say it.
 */
export function translateFsMessages(message: string): string {
  return message.replace(
    /\b(E[A-Z]+): [^,']+, \w+ '([^']*)'(?: -> '([^']*)')?/g,
    (raw, code: string, path: string) => {
      const reason = REASONS[code];
      return reason ? reason(path) : raw;
    },
  );
}
