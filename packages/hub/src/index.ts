/**
 * `@fcn/hub` (Node only): the one place fcn.ts fetches anything. It owns the cache folder, downloads
 * described files over HTTP with resume, mirrors and checksums, and unpacks tar archives safely.
 * What exists is described by `@fcn/models` (`MODEL_ZOO`) and `@fcn/data` (`VOC2012`).
 */
export {
  type CacheOptions,
  type CacheStatus,
  cacheDir,
  cachedPath,
  cacheStatus,
  partialPath,
  unpackedPath,
} from './cache-dir.js';
export { type DownloadOptions, download } from './download.js';
export type { ArchiveFile, ChecksumAlgorithm, DownloadableFile } from './downloadable.js';
export { type EnsureUnpackedOptions, ensureUnpacked, isUnpacked } from './ensure-unpacked.js';
export { HubError, type HubErrorCode } from './errors.js';
