/**
 * The files of a training run, all in one folder:
 * - `checkpoint.safetensors`: weights + optimiser state + training state, for `resume`;
 * - `model.safetensors`: the model alone (a native weight file for `fromWeights`, prediction, export);
 * - `metrics.jsonl`: one JSON line per finished epoch.
 * Both weight files are replaced atomically; the metrics log is rewritten from the checkpoint's history
 * on resume, so it always agrees with the checkpoint.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EpochRecord } from '../epoch-line.js';
import { type DecodedCheckpoint, decodeCheckpoint, type EncodedCheckpoint } from '../train-state.js';
import { writeFileAtomic } from './atomic-write.js';

export interface RunPaths {
  dir: string;
  checkpoint: string;
  model: string;
  metrics: string;
}

export function runPaths(dir: string): RunPaths {
  return {
    dir,
    checkpoint: join(dir, 'checkpoint.safetensors'),
    model: join(dir, 'model.safetensors'),
    metrics: join(dir, 'metrics.jsonl'),
  };
}

/** Write a save (`encodeCheckpoint`, `TrainingSession.checkpoint`): the checkpoint, then the model file, each atomically. */
export async function saveCheckpoint(paths: RunPaths, files: EncodedCheckpoint): Promise<void> {
  await mkdir(paths.dir, { recursive: true });
  await writeFileAtomic(paths.checkpoint, files.checkpoint);
  await writeFileAtomic(paths.model, files.model);
}

/**
 * Make the model file the checkpoint's model: a stop between the two atomic writes of `saveCheckpoint`
 * leaves a model file one checkpoint older. Writes only when they differ; returns whether it wrote.
 */
export async function syncModelFile(path: string, modelBytes: Uint8Array): Promise<boolean> {
  const current = await readFile(path).catch(() => null);
  if (current && Buffer.compare(current, modelBytes) === 0) return false;
  await writeFileAtomic(path, modelBytes);
  return true;
}

/** Read and decode a checkpoint file; a missing file is an error that names it. */
export async function readCheckpoint(path: string): Promise<DecodedCheckpoint> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(`no checkpoint to resume from: ${path} does not exist`);
    throw e;
  }
  try {
    return decodeCheckpoint(bytes);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}

/** One epoch's line for `metrics.jsonl` (undefined figures as `null`). */
export function metricsLine(record: EpochRecord): string {
  return `${JSON.stringify(record)}\n`;
}

export async function appendMetrics(path: string, record: EpochRecord): Promise<void> {
  await appendFile(path, metricsLine(record));
}

/** Replace the log with these records (on resume: the checkpoint's history). */
export async function rewriteMetrics(path: string, history: readonly EpochRecord[]): Promise<void> {
  await writeFileAtomic(path, history.map(metricsLine).join(''));
}
