import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { getBackend, setBackend, version_core } from '@tensorflow/tfjs-core';
import type { StartedBackend } from '../backend-result.js';
import { BackendUnavailableError, firstLine } from '../backend-unavailable.js';
import { addCommand, type InstallContext, rebuildCommand } from './install-hint.js';
import type { NativePackageLoader } from './native-package.js';

/** The npm package behind each native backend. */
export const NATIVE_PACKAGES = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
} as const;
export type NativeBackendName = keyof typeof NATIVE_PACKAGES;

export interface NativeStartOptions {
  loader: NativePackageLoader;
  /** Whose package manager and package the install hints name. */
  install: InstallContext;
}

/**
 * Starts libtensorflow through `@tensorflow/tfjs-node(-gpu)`: optional packages whose install
 * scripts download libtensorflow, so they are not dependencies. The binding file is checked before
 * importing, because a failed import has already registered kernels and floods the console with
 * "already registered" warnings. Throws BackendUnavailableError with the fix when it cannot start.
 */
export async function startNativeBackend(
  name: NativeBackendName,
  options: NativeStartOptions,
): Promise<StartedBackend> {
  const pkg = NATIVE_PACKAGES[name];
  const unavailable = (why: string) => new BackendUnavailableError(name, why);
  const packageDir = options.loader.resolvePackage(pkg);
  if (packageDir == null) {
    throw unavailable(
      `${pkg} is not installed (${addCommand(`${pkg}@${version_core}`, options.install)} to use it)`,
    );
  }
  if (options.loader.findBinding(packageDir) == null) {
    throw unavailable(
      `${pkg} is installed but its native binding lib/napi-v*/tfjs_binding.node is missing ` +
        `(its install script did not finish: ${rebuildCommand(pkg, options.install)})`,
    );
  }
  try {
    await options.loader.importPackage(packageDir);
  } catch (error) {
    throw unavailable(`${pkg} failed to load: ${firstLine(error)}`);
  }
  const active = await setBackend('tensorflow').catch(() => false);
  if (!active || getBackend() !== 'tensorflow') {
    throw unavailable(
      `${pkg} loaded but its 'tensorflow' backend is not in this @tensorflow/tfjs-core ` +
        `(install ${pkg}@${version_core} to match @tensorflow/tfjs-core ${version_core})`,
    );
  }
  const version = packageVersion(packageDir);
  return { memoryLimitBytes: totalmem(), details: [version ? `${pkg} ${version}` : pkg] };
}

function packageVersion(packageDir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version?: string })
      .version;
  } catch {
    return undefined;
  }
}
