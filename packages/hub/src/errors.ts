/**
 * The one error class the hub throws. `code` says which kind of failure it is; the message is one
 * line that names the file or path and what to do.
 */
export type HubErrorCode =
  /** No source could be reached at all (offline, DNS, refused). */
  | 'UNREACHABLE'
  /** Every source failed; at least one answered (HTTP errors, broken connections, wrong sizes). */
  | 'DOWNLOAD'
  /** The last source's bytes did not match the checksum (the file was deleted). */
  | 'CHECKSUM'
  /** The file system refused (no space, no permission, read-only, a file where a folder should be). */
  | 'FS'
  /** A tar archive was damaged or held an entry that would land outside its folder. */
  | 'ARCHIVE'
  /** The caller's AbortSignal stopped the download (the partial file is kept for a resume). */
  | 'ABORTED';

export class HubError extends Error {
  override readonly name = 'HubError';
  constructor(
    message: string,
    readonly code: HubErrorCode,
  ) {
    super(message);
  }
}
