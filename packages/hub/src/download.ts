/**
 * `download(file)`: a described file into the cache, checked. The bytes grow in `<name>.part`,
 * hashed as they arrive; a broken connection resumes with an HTTP Range request; a failing source
 * passes the turn to the next one (a mirror first, when set); only a file whose checksum matches is
 * renamed to its final name, so nothing half-written ever sits there.
 */
import type { Hash } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CacheOptions, cachedPath, isCached, partialPath } from './cache-dir.js';
import { checksumMatches, describeDigest, hashFilePrefix, newHash } from './checksum.js';
import type { DownloadableFile } from './downloadable.js';
import { HubError } from './errors.js';
import { onPath } from './fs-errors.js';
import { httpGet, SourceError } from './http-get.js';

export interface DownloadOptions extends CacheOptions {
  /** A base URL to which the file name is appended, tried first (default: `$FCN_MIRROR`). */
  mirror?: string;
  /** Bytes on disk so far (resumed ones included), the total when the server says it, and the speed. */
  onProgress?: (bytes: number, total: number | undefined, bytesPerSecond: number) => void;
  /** One line each time something worth saying happens: a resume, a source passed over. */
  onNotice?: (line: string) => void;
  /** Stops the download; the partial file stays for a later resume. */
  signal?: AbortSignal;
  /** How many times in a row a source may break without a byte of progress before the next is tried (default 4). */
  retries?: number;
  /** Milliseconds to wait before resuming a broken connection (default 1000). */
  retryDelayMs?: number;
  /** Milliseconds without a byte before a connection counts as broken (default 30 s). */
  timeoutMs?: number;
}

/** The URLs `download` tries, in order: the mirror's (base + file name), then the file's own. */
export function sourceUrls(file: DownloadableFile, mirror?: string): string[] {
  const urls = mirror ? [`${mirror.replace(/\/+$/, '')}/${file.fileName}`, ...file.urls] : [...file.urls];
  return [...new Set(urls)];
}

/** Downloads `file` into the cache unless it is there already; resolves to its final path. */
export async function download(file: DownloadableFile, options: DownloadOptions = {}): Promise<string> {
  const final = cachedPath(file, options);
  if (await isCached(file, options)) return final;
  const part = partialPath(file, options);
  const urls = sourceUrls(file, options.mirror ?? (process.env.FCN_MIRROR || undefined));
  if (urls.length === 0)
    throw new HubError(`${file.fileName} has no URL: set FCN_MIRROR to a server that has it`, 'DOWNLOAD');
  await onPath(dirname(final), () => mkdir(dirname(final), { recursive: true }));
  try {
    return await fromSources(file, urls, part, final, options);
  } catch (error) {
    if (options.signal?.aborted && !(error instanceof HubError && error.code === 'FS')) {
      const kept = (await stat(part).catch(() => undefined))?.size ?? 0;
      throw new HubError(
        `stopped downloading ${file.fileName}; the ${kept} bytes so far in ${part} resume next time`,
        'ABORTED',
      );
    }
    throw error;
  }
}

interface Failure {
  url: string;
  reason: string;
  unreachable: boolean;
  checksum: boolean;
}

async function fromSources(
  file: DownloadableFile,
  urls: string[],
  part: string,
  final: string,
  options: DownloadOptions,
): Promise<string> {
  const progress = await resumeFrom(part, file);
  const meter = speedMeter(progress.bytes, options.onProgress);
  const failures: Failure[] = [];
  for (const url of urls) {
    try {
      await fetchWithResume(url, part, file, progress, meter, options);
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      failures.push({ url, reason: error.message, unreachable: error.unreachable, checksum: false });
      if (url !== urls.at(-1)) options.onNotice?.(`${url}: ${error.message}; trying the next source`);
      continue;
    }
    const digest = progress.hash.digest('hex');
    if (checksumMatches(file.checksum, digest)) {
      await onPath(final, () => rename(part, final));
      return final;
    }
    await rm(part, { force: true });
    const reason = `${describeDigest(file.checksum, digest)}; deleted the download`;
    failures.push({ url, reason, unreachable: false, checksum: true });
    if (url !== urls.at(-1)) options.onNotice?.(`${url}: ${reason}; trying the next source`);
    progress.bytes = 0;
    progress.hash = newHash(file.checksum.algorithm);
  }
  throw failureError(file, final, failures);
}

/** The bytes already in the partial file (all hashed), or none. */
interface Progress {
  bytes: number;
  hash: Hash;
}

async function resumeFrom(part: string, file: DownloadableFile): Promise<Progress> {
  const info = await stat(part).catch(() => undefined);
  const bytes = info?.isFile() ? info.size : 0;
  return { bytes, hash: await hashFilePrefix(part, file.checksum.algorithm, bytes) };
}

/** A connection that broke or ended early: worth resuming from the same source. */
class Broken extends Error {}

async function fetchWithResume(
  url: string,
  part: string,
  file: DownloadableFile,
  progress: Progress,
  meter: SpeedMeter,
  options: DownloadOptions,
): Promise<void> {
  const retries = options.retries ?? 4;
  let fruitless = 0;
  for (;;) {
    const before = progress.bytes;
    try {
      await fetchOnce(url, part, file, progress, meter, options);
      return;
    } catch (error) {
      if (!(error instanceof Broken)) throw error;
      fruitless = progress.bytes > before ? 0 : fruitless + 1;
      if (fruitless > retries)
        throw new SourceError(`${error.message} (${fruitless} times without progress)`);
      options.onNotice?.(`${url}: ${error.message}; resuming at byte ${progress.bytes}`);
      await sleep(options.retryDelayMs ?? 1000, undefined, options.signal ? { signal: options.signal } : {});
    }
  }
}

async function fetchOnce(
  url: string,
  part: string,
  file: DownloadableFile,
  progress: Progress,
  meter: SpeedMeter,
  options: DownloadOptions,
): Promise<void> {
  const resumeAt = progress.bytes;
  const { response } = await httpGet(url, {
    headers: resumeAt > 0 ? { range: `bytes=${resumeAt}-` } : {},
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  const status = response.statusCode ?? 0;
  const restart = () => {
    progress.bytes = 0;
    progress.hash = newHash(file.checksum.algorithm);
  };
  let total: number | undefined;
  if (status === 416) {
    response.resume();
    if (contentRange(response.headers['content-range'])?.total === resumeAt) return; // it was all there
    restart();
    throw new Broken(`the server cannot resume at byte ${resumeAt}; starting again`);
  } else if (status === 206) {
    const range = contentRange(response.headers['content-range']);
    if (range?.start !== resumeAt) {
      response.destroy();
      restart();
      throw new Broken(`the server resumed at another byte than ${resumeAt}; starting again`);
    }
    total = range.total;
  } else if (status === 200) {
    if (resumeAt > 0) {
      options.onNotice?.(`${url} cannot resume (it ignored the Range request); starting again at byte 0`);
      restart();
    }
    const length = Number(response.headers['content-length']);
    total =
      Number.isSafeInteger(length) && response.headers['content-length'] !== undefined ? length : undefined;
  } else {
    response.resume();
    throw new SourceError(`HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}`);
  }
  if (file.sizeBytes !== undefined && total !== undefined && total !== file.sizeBytes) {
    response.destroy();
    throw new SourceError(`it offers ${total} bytes, not the ${file.sizeBytes} expected`);
  }

  meter.report(progress.bytes, total);
  const handle = await onPath(part, () => open(part, progress.bytes > 0 ? 'a' : 'w'));
  try {
    for await (const chunk of response) {
      await onPath(part, () => handle.write(chunk as Buffer));
      progress.hash.update(chunk as Buffer);
      progress.bytes += (chunk as Buffer).length;
      meter.report(progress.bytes, total);
    }
  } catch (error) {
    response.destroy();
    if (error instanceof HubError || options.signal?.aborted) throw error;
    throw new Broken(`the connection broke at byte ${progress.bytes} (${(error as Error).message})`);
  } finally {
    await onPath(part, () => handle.close());
  }
  meter.report(progress.bytes, total, true);
  if (total !== undefined && progress.bytes < total)
    throw new Broken(`the connection closed at byte ${progress.bytes} of ${total}`);
}

// A Content-Range header: "bytes START-END/TOTAL", or "bytes */TOTAL" (a 416); TOTAL may be "*".
function contentRange(header: string | undefined): { start?: number; total?: number } | undefined {
  const match = header?.match(/^bytes\s+(?:(\d+)-\d+|\*)\/(\d+|\*)$/);
  if (!match) return undefined;
  return {
    ...(match[1] !== undefined ? { start: Number(match[1]) } : {}),
    ...(match[2] !== '*' ? { total: Number(match[2]) } : {}),
  };
}

interface SpeedMeter {
  report(bytes: number, total: number | undefined, force?: boolean): void;
}

/** Calls `onProgress` at most every 100 ms (and when forced), with the speed of this session's bytes. */
function speedMeter(startBytes: number, onProgress: DownloadOptions['onProgress']): SpeedMeter {
  const start = performance.now();
  let last = Number.NEGATIVE_INFINITY;
  return {
    report(bytes, total, force = false) {
      if (!onProgress) return;
      const now = performance.now();
      if (!force && now - last < 100) return;
      last = now;
      const seconds = (now - start) / 1000;
      onProgress(bytes, total, seconds > 0 ? Math.max(0, bytes - startBytes) / seconds : 0);
    },
  };
}

function failureError(file: DownloadableFile, final: string, failures: Failure[]): HubError {
  const byHand = `download it by hand from ${file.urls[0] ?? 'a copy you trust'} into ${final}, or set FCN_MIRROR to a server that has it`;
  if (failures.every((f) => f.unreachable)) {
    const reasons = failures.map((f) => `${new URL(f.url).host}: ${f.reason}`).join('; ');
    return new HubError(
      `cannot reach any source of ${file.fileName} (${reasons}); offline? ${byHand}`,
      'UNREACHABLE',
    );
  }
  const reasons = failures.map((f) => `${f.url}: ${f.reason}`).join('; ');
  return new HubError(
    `could not download ${file.fileName}: ${reasons}; ${byHand}`,
    failures.at(-1)?.checksum ? 'CHECKSUM' : 'DOWNLOAD',
  );
}
