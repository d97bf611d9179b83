/**
 * What the hub fetches, described by the packages that know it (`@fcn/models`' zoo, `@fcn/data`'s
 * VOC2012). They declare the same shapes themselves, so neither depends on the hub; TypeScript matches
 * them by structure.
 */

export type ChecksumAlgorithm = 'sha256-prefix' | 'sha1' | 'sha256';

/** A file that can be downloaded and checked. */
export interface DownloadableFile {
  /** The short name commands take (`fcn download resnet18`). */
  readonly name: string;
  /** The file's name, in every URL and in the cache. */
  readonly fileName: string;
  /** Where it can be fetched, tried in order (after a mirror, when one is set). */
  readonly urls: readonly string[];
  /** `sha256-prefix`: the first hex digits of the SHA-256 (torchvision's rule for weight files). */
  readonly checksum: { readonly algorithm: ChecksumAlgorithm; readonly hex: string };
  /** The exact size, when known: a server that offers another size is passed over. */
  readonly sizeBytes?: number;
}

/** A tar archive and the folder inside it that matters (`VOCdevkit/VOC2012`). */
export interface ArchiveFile extends DownloadableFile {
  readonly unpacksTo: string;
}
