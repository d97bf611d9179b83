/**
 * Where a command may write: checked before any work starts. An output never replaces one of the
 * command's inputs (the image, the weights), never replaces an existing file that `fcn` did not write
 * unless `--force` says so, and carries the extension of the format written.
 */
import { lstat, open, realpath, stat } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { CHECKSUM_KEY } from '@fcn/models';
import { isTaggedPng } from './png-tag.js';

export interface OutputFile {
  /** The flag that named it, for messages (`--out`). */
  flag: string;
  path: string;
  /** The extension of the format written, with its dot (`.png`). */
  extension: string;
  /** What is written, for messages: `the mask is a PNG`. */
  format: string;
  /** Whether an existing file at `path` is one `fcn` wrote (and may replace). */
  isOurs: (path: string) => Promise<boolean>;
}

export interface OutputCheckOptions {
  /** The command's input files, by flag. */
  inputs: { flag: string; path: string }[];
  /** `--force`: replace an existing file that `fcn` did not write. */
  force: boolean;
}

/** Checks every output of a command; throws one line naming the flag, the path and the fix. */
export async function checkOutputFiles(outputs: OutputFile[], options: OutputCheckOptions): Promise<void> {
  for (let i = 0; i < outputs.length; i++) {
    for (let j = 0; j < i; j++) {
      if (await sameFile(outputs[i]!.path, outputs[j]!.path)) {
        throw new Error(
          `${outputs[j]!.flag} and ${outputs[i]!.flag} name the same file ${outputs[i]!.path}; give each its own`,
        );
      }
    }
  }
  for (const output of outputs) await checkOutputFile(output, options);
}

async function checkOutputFile(output: OutputFile, options: OutputCheckOptions): Promise<void> {
  const { flag, path, extension } = output;
  if (extname(path).toLowerCase() !== extension) {
    throw new Error(`${flag} ${path}: ${output.format}; give it a name ending in ${extension}`);
  }
  for (const input of options.inputs) {
    if (await sameFile(path, input.path)) {
      throw new Error(
        `${flag} ${path} is the ${input.flag} file: writing there would destroy it; pick another path`,
      );
    }
  }
  const info = await lstat(path).catch(() => null);
  if (info) {
    const target = info.isSymbolicLink() ? await stat(path).catch(() => null) : info;
    if (target?.isDirectory()) throw new Error(`${flag} ${path} is a folder; name a file (e.g. inside it)`);
    if (!options.force && !(target && (await output.isOurs(path)))) {
      throw new Error(
        `${flag} ${path} already exists and was not written by fcn; pass --force to replace it, or pick another path`,
      );
    }
  }
  await checkFolder(flag, path);
}

/** The nearest existing folder above `path` must be a folder (it is created below that). */
async function checkFolder(flag: string, path: string): Promise<void> {
  let folder = dirname(resolve(path));
  for (;;) {
    const info = await stat(folder).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : e));
    if (info instanceof Error) throw info;
    if (info) {
      if (!info.isDirectory()) {
        throw new Error(`${flag} ${path}: ${folder} is a file, not a folder; pick another path`);
      }
      return;
    }
    const up = dirname(folder);
    if (up === folder) return;
    folder = up;
  }
}

/** Whether two paths name the same file (the same path, a link to it, or a hard link). */
async function sameFile(a: string, b: string): Promise<boolean> {
  if (resolve(a) === resolve(b)) return true;
  const [ra, rb] = await Promise.all([realpath(a).catch(() => null), realpath(b).catch(() => null)]);
  if (ra !== null && ra === rb) return true;
  const [sa, sb] = await Promise.all([stat(a).catch(() => null), stat(b).catch(() => null)]);
  return sa !== null && sb !== null && sa.dev === sb.dev && sa.ino === sb.ino;
}

/** The first `length` bytes of a file (fewer when it is shorter). */
async function head(path: string, length: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** A PNG that `fcn` wrote (tagged `Software: fcn.ts`). */
export async function isOurPng(path: string): Promise<boolean> {
  return isTaggedPng(await head(path, 128).catch(() => new Uint8Array(0)));
}

/** A safetensors file that `fcn` wrote: its metadata has our checksum, our format tag or our config. */
export async function isOurSafetensors(path: string): Promise<boolean> {
  try {
    const start = await head(path, 8);
    if (start.length < 8) return false;
    const length = Number(new DataView(start.buffer, start.byteOffset, 8).getBigUint64(0, true));
    if (length < 2 || length > 10_000_000) return false;
    const header = JSON.parse(new TextDecoder().decode((await head(path, 8 + length)).subarray(8)));
    const metadata = header?.__metadata__ ?? {};
    return CHECKSUM_KEY in metadata || metadata.format === 'fcn.ts' || 'config' in metadata;
  } catch {
    return false;
  }
}

export const pngOutput = (flag: string, path: string, what: string): OutputFile => ({
  flag,
  path,
  extension: '.png',
  format: `${what} is written as a PNG`,
  isOurs: isOurPng,
});
