/**
 * The cache folder every fcn.ts download lands in, and where each file sits inside it:
 * `downloads/<fileName>` (with `<fileName>.part` while it downloads) and `unpacked/<name>/` for
 * archives.
 */
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { DownloadableFile } from './downloadable.js';

export interface CacheOptions {
  /** Overrides `cacheDir()`. */
  cacheDir?: string;
}

/** `$FCN_CACHE_DIR`, else `$XDG_CACHE_HOME/fcn-ts`, else `~/.cache/fcn-ts`. */
export function cacheDir(): string {
  const configured = process.env.FCN_CACHE_DIR;
  if (configured) return configured;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'fcn-ts');
}

/** Where `file` lies once downloaded and checked (whether or not it is there yet). */
export function cachedPath(file: DownloadableFile, options: CacheOptions = {}): string {
  return join(options.cacheDir ?? cacheDir(), 'downloads', file.fileName);
}

/** Where a download in progress grows; it is renamed to `cachedPath` once its checksum matches. */
export function partialPath(file: DownloadableFile, options: CacheOptions = {}): string {
  return `${cachedPath(file, options)}.part`;
}

/** The folder an archive is unpacked into (`unpacked/<name>`). */
export function unpackedPath(file: DownloadableFile, options: CacheOptions = {}): string {
  return join(options.cacheDir ?? cacheDir(), 'unpacked', file.name);
}

export interface CacheStatus {
  /** `complete`: downloaded and checked; `partial`: a download that will resume; `absent`: neither. */
  state: 'complete' | 'partial' | 'absent';
  /** The final path (`cachedPath`). */
  path: string;
  /** Bytes on disk: the whole file, or the partial one. */
  bytes: number;
}

/** Whether `file` is downloaded (checked) and in the cache. */
export async function isCached(file: DownloadableFile, options: CacheOptions = {}): Promise<boolean> {
  return (await fileSize(cachedPath(file, options))) !== undefined;
}

/** What the cache holds of `file`. */
export async function cacheStatus(file: DownloadableFile, options: CacheOptions = {}): Promise<CacheStatus> {
  const path = cachedPath(file, options);
  const complete = await fileSize(path);
  if (complete !== undefined) return { state: 'complete', path, bytes: complete };
  const partial = await fileSize(partialPath(file, options));
  if (partial !== undefined) return { state: 'partial', path, bytes: partial };
  return { state: 'absent', path, bytes: 0 };
}

async function fileSize(path: string): Promise<number | undefined> {
  const info = await stat(path).catch(() => undefined);
  return info?.isFile() ? info.size : undefined;
}
