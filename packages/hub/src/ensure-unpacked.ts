/**
 * `ensureUnpacked(archive)`: a described archive (VOC2012) downloaded, checked and unpacked into the
 * cache, once; resolves to the folder inside it that matters (`VOCdevkit/VOC2012`).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type CacheOptions, cachedPath, unpackedPath } from './cache-dir.js';
import { type DownloadOptions, download } from './download.js';
import type { ArchiveFile } from './downloadable.js';
import { HubError } from './errors.js';
import { extractTar, isUnpackedDir } from './extract-tar.js';

export interface EnsureUnpackedOptions extends DownloadOptions {
  /** Called with the number of entries unpacked so far. */
  onEntry?: (entries: number) => void;
}

/** Whether `archive` is unpacked (completely) in the cache. */
export async function isUnpacked(archive: ArchiveFile, options: CacheOptions = {}): Promise<boolean> {
  return isUnpackedDir(unpackedPath(archive, options));
}

/** The `unpacksTo` folder of `archive` in the cache, downloading and unpacking what is missing. */
export async function ensureUnpacked(
  archive: ArchiveFile,
  options: EnsureUnpackedOptions = {},
): Promise<string> {
  const dest = unpackedPath(archive, options);
  if (!(await isUnpackedDir(dest))) {
    const tarPath = await download(archive, options);
    options.onNotice?.(`unpacking ${tarPath} into ${dest}`);
    await extractTar(tarPath, dest, options.onEntry ? { onEntry: options.onEntry } : {});
  }
  const folder = join(dest, archive.unpacksTo);
  if (!(await stat(folder).catch(() => undefined))?.isDirectory())
    throw new HubError(
      `${archive.fileName} unpacked into ${dest} holds no ${archive.unpacksTo}: delete ${dest} and ${cachedPath(archive, options)}, then download it again`,
      'ARCHIVE',
    );
  return folder;
}
