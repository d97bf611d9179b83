import { readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

/** The package managers an install hint can name. */
export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';

/** Who gets the hint: their package manager and, when known, their package (where to run it). */
export interface InstallContext {
  packageManager: PackageManager;
  /** The user's package, e.g. `my-app` or `@fcn/node-trainer`. */
  app?: string;
}

/**
 * The package manager that started this process, from `npm_config_user_agent` (which npm, pnpm, yarn
 * and bun set for scripts they run, e.g. `pnpm/10.34.9 npm/? node/v20.20.2 linux x64`); npm when unknown.
 */
export function packageManagerOf(userAgent: string | undefined): PackageManager {
  const name = userAgent?.split('/')[0];
  return name === 'pnpm' || name === 'yarn' || name === 'bun' ? name : 'npm';
}

/** The `name` of the nearest package.json at or above `dir` that has one. */
export function packageNameAbove(dir: string): string | undefined {
  for (let at = resolve(dir); ; at = dirname(at)) {
    try {
      const { name } = JSON.parse(readFileSync(join(at, 'package.json'), 'utf8')) as { name?: unknown };
      if (typeof name === 'string' && name !== '') return name;
    } catch {
      // no readable package.json here; look further up
    }
    if (dirname(at) === at) return undefined;
  }
}

/**
 * This process's install context: the package manager that started it and the package of its main
 * script (the working directory's when the script is a tool inside node_modules, such as a test runner).
 */
export function installContext(
  env: { userAgent?: string; mainScript?: string; cwd?: string } = {
    userAgent: process.env.npm_config_user_agent,
    mainScript: process.argv[1],
    cwd: process.cwd(),
  },
): InstallContext {
  const script = env.mainScript;
  const fromScript = script && !script.includes(`${sep}node_modules${sep}`) ? dirname(script) : undefined;
  const dir = fromScript ?? env.cwd;
  const app = dir ? packageNameAbove(dir) : undefined;
  return { packageManager: packageManagerOf(env.userAgent), ...(app ? { app } : {}) };
}

/** `pnpm add webgpu in my-app`, `npm install @tensorflow/tfjs-node@4.22.0`, ... */
export function addCommand(spec: string, context: InstallContext): string {
  const verb = context.packageManager === 'npm' ? 'install' : 'add';
  return `${context.packageManager} ${verb} ${spec}${context.app ? ` in ${context.app}` : ''}`;
}

/** The command that runs a package's install script again (bun runs it once the package is trusted). */
export function rebuildCommand(pkg: string, context: InstallContext): string {
  const command =
    context.packageManager === 'bun' ? `bun pm trust ${pkg}` : `${context.packageManager} rebuild ${pkg}`;
  return `${command}${context.app ? ` in ${context.app}` : ''}`;
}
