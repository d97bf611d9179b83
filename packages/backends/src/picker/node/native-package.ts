import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * How the picker finds and loads `@tensorflow/tfjs-node(-gpu)`. Injectable so tests can play a
 * package that is not installed, installed without its native binding, or throwing on import.
 */
export interface NativePackageLoader {
  /** The installed package's directory, or null when it cannot be resolved. */
  resolvePackage(name: string): string | null;
  /** The package's native binding (`lib/napi-v*\/tfjs_binding.node`), or null when it is missing. */
  findBinding(packageDir: string): string | null;
  /** Imports the package; importing tfjs-node registers and selects TF.js backend `'tensorflow'`. */
  importPackage(packageDir: string): Promise<void>;
}

/**
 * The native binding of a tfjs-node package, located the way node-pre-gyp does for it: the
 * package.json `binary` field names the module (`tfjs_binding`) and puts it in
 * `lib/napi-v{napi_build_version}/`; the highest N-API version present wins.
 */
export function findTfjsBinding(packageDir: string): string | null {
  const moduleName = readBinaryModuleName(packageDir);
  const libDir = join(packageDir, 'lib');
  if (!existsSync(libDir)) return null;
  const napiDirs = readdirSync(libDir)
    .map((entry) => ({ entry, version: /^napi-v(\d+)$/.exec(entry)?.[1] }))
    .filter((dir): dir is { entry: string; version: string } => dir.version !== undefined)
    .sort((a, b) => Number(b.version) - Number(a.version));
  for (const { entry } of napiDirs) {
    const binding = join(libDir, entry, `${moduleName}.node`);
    if (existsSync(binding)) return binding;
  }
  return null;
}

function readBinaryModuleName(packageDir: string): string {
  try {
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
      binary?: { module_name?: string };
    };
    return manifest.binary?.module_name ?? 'tfjs_binding';
  } catch {
    return 'tfjs_binding';
  }
}

/**
 * The real loader. Packages resolve from each of `searchFrom` in turn (default: the working
 * directory, the main script's directory, then this package), because with pnpm an app's
 * dependencies are visible from the app, not from this library.
 */
export function nodePackageLoader(searchFrom: readonly string[] = defaultSearchDirs()): NativePackageLoader {
  return {
    resolvePackage(name) {
      for (const dir of searchFrom) {
        try {
          return dirname(createRequire(join(dir, 'noop.js')).resolve(`${name}/package.json`));
        } catch {
          // not visible from here; try the next directory
        }
      }
      return null;
    },
    findBinding: findTfjsBinding,
    async importPackage(packageDir) {
      const entry = createRequire(join(packageDir, 'noop.js')).resolve(packageDir);
      await import(pathToFileURL(entry).href);
    },
  };
}

function defaultSearchDirs(): string[] {
  const mainScript = process.argv[1];
  const dirs = [
    process.cwd(),
    mainScript ? dirname(mainScript) : undefined,
    dirname(fileURLToPath(import.meta.url)),
  ];
  return dirs.filter((dir): dir is string => dir !== undefined);
}
