/**
 * `sharp` (libvips) is an optional peer dependency of this package: only JPEG decoding (the VOC reader)
 * and JPEG encoding (the synthetic VOC) need it, so it is imported on first use, and a missing install is
 * one line that names the fix. Browser users and users of the pure parts never install a native package.
 */
import type Sharp from 'sharp';

export type SharpFunction = typeof Sharp;

let loading: Promise<SharpFunction> | undefined;

/** sharp's default export, imported once; `load` replaces the import (for tests). */
export function loadSharp(load?: () => Promise<{ default: SharpFunction }>): Promise<SharpFunction> {
  if (load) return load().then((m) => m.default, rethrowMissing);
  loading ??= import('sharp').then(
    (m) => m.default,
    (error: unknown) => {
      loading = undefined;
      return rethrowMissing(error);
    },
  );
  return loading;
}

function rethrowMissing(error: unknown): never {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
    throw new Error(
      "@fcn/data reads and writes JPEGs with sharp, an optional peer dependency that is not installed: run 'npm install sharp' (or pnpm add / yarn add / bun add)",
    );
  }
  throw error;
}
