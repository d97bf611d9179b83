/**
 * `run.json` in a run folder: the data folder and the settings a run was started with, so that
 * `fcn train --resume --out DIR` continues it without the flags being repeated.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@fcn/train';
import type { TrainSettings } from './presets.js';

export interface RunSettings {
  /** The VOC folder, or null for the default job's cached synthetic VOC. */
  data: string | null;
  pretrained: string | null;
  settings: TrainSettings;
}

export const runSettingsPath = (dir: string) => join(dir, 'run.json');

export async function readRunSettings(dir: string): Promise<RunSettings | null> {
  const text = await readFile(runSettingsPath(dir), 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    return JSON.parse(text) as RunSettings;
  } catch (error) {
    throw new Error(`${runSettingsPath(dir)} is not valid JSON (${(error as Error).message})`);
  }
}

export async function writeRunSettings(dir: string, run: RunSettings): Promise<void> {
  await writeFileAtomic(runSettingsPath(dir), `${JSON.stringify(run, null, 2)}\n`);
}
