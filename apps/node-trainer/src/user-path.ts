import { resolve } from 'node:path';

/**
 * A path the user typed, made absolute against the folder they typed it in: `pnpm fcn` runs scripts
 * from the repository root, and pnpm/npm keep the caller's folder in `INIT_CWD`.
 */
export function userPath(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}
