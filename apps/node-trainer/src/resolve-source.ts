/**
 * First-use fetching for flags that take a path: `--data voc2012`, `--pretrained resnet18`,
 * `--model fcn_resnet50`. A value that names an existing file or folder is that path; otherwise a
 * catalogue name of the flag's kind is downloaded (and unpacked) into the cache through `@fcn/hub`, with
 * progress on standard error, and its path returned. Anything else is a one-line error.
 */
import { existsSync } from 'node:fs';
import { download, ensureUnpacked, HubError } from '@fcn/hub';
import type { ZooKind } from '@fcn/models';
import { CATALOGUE, type Catalogue } from './catalogue.js';
import { downloadProgress } from './download-progress.js';
import { ExitError } from './exit-error.js';
import { userPath } from './user-path.js';

/** What a flag accepts from the catalogue: a data set, or models of some kinds. */
export type SourceKind = 'data' | ZooKind;

export interface ResolveSourceOptions {
  /** The flag, for messages (`--pretrained`). */
  flag: string;
  /** The catalogue kinds the flag takes. */
  kinds: readonly SourceKind[];
  cacheDir?: string;
  mirror?: string;
  signal?: AbortSignal;
  catalogue?: Catalogue;
  /** Where progress goes (default standard error). */
  stream?: NodeJS.WriteStream;
}

/** The path `value` stands for, downloading a catalogue entry on first use. */
export async function resolveSource(value: string, options: ResolveSourceOptions): Promise<string> {
  const path = userPath(value);
  if (existsSync(path)) return path;
  // A value that looks like a path (a folder or an extension in it) stays a path: the command's own
  // check then says that it does not exist, as it does for any other missing file or folder.
  if (/[/\\.]/.test(value)) return path;
  const catalogue = options.catalogue ?? CATALOGUE;
  const candidates = [
    ...catalogue.models
      .filter((m) => options.kinds.includes(m.kind))
      .map((m) => ({ kind: 'model' as const, entry: m })),
    ...(options.kinds.includes('data')
      ? catalogue.data.map((d) => ({ kind: 'data' as const, entry: d }))
      : []),
  ];
  const found = candidates.find((c) => c.entry.name === value);
  if (!found) {
    const other = [...catalogue.models, ...catalogue.data].find((entry) => entry.name === value);
    const names = candidates.map((c) => c.entry.name).join(', ');
    const why = other
      ? `${value} is not of a kind ${options.flag} takes`
      : `no such file or folder as ${path}`;
    throw new Error(`${options.flag} ${value}: ${why}; give a path or one of ${names}`);
  }
  const progress = downloadProgress(found.entry.fileName, options.stream);
  const hubOptions = {
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
    ...(options.mirror ? { mirror: options.mirror } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    onProgress: progress.update,
    onNotice: progress.line,
  };
  try {
    return found.kind === 'model'
      ? await download(found.entry, hubOptions)
      : await ensureUnpacked(found.entry, hubOptions);
  } catch (error) {
    if (error instanceof HubError && error.code === 'ABORTED') throw new ExitError(error.message, 130);
    throw error;
  } finally {
    progress.stop();
  }
}
