/**
 * `run.json` in a run folder: the data folder and the settings a run was started with, so that
 * `fcn train --resume --out DIR` continues it without the flags being repeated. The same record is
 * saved inside every checkpoint (`TrainState.run`), and run.json is written after the checkpoint it
 * describes: a readable copy. Both are read strictly: a field of the wrong type is named, never used.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FCN_VARIANTS } from '@fcn/models';
import { LR_SCHEDULES, writeFileAtomic } from '@fcn/train';
import { MAX_WIDTH, type TrainSettings } from './presets.js';

export interface RunSettings {
  /** The VOC folder, or null for the default job's cached synthetic VOC. */
  data: string | null;
  pretrained: string | null;
  /** A whole model to fine-tune (e.g. torchvision's FCN-ResNet50 .pth), or null; absent in older records. */
  weights?: string | null;
  settings: TrainSettings;
}

export const runSettingsPath = (dir: string) => join(dir, 'run.json');

export type RunSettingsFile =
  | { status: 'ok'; run: RunSettings }
  | { status: 'missing' }
  | { status: 'invalid'; problem: string };

/** run.json of a run folder: its settings, or whether it is missing or what is wrong with it. */
export async function readRunSettings(dir: string): Promise<RunSettingsFile> {
  let text: string;
  try {
    text = await readFile(runSettingsPath(dir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { status: 'invalid', problem: `it is not valid JSON (${(error as Error).message})` };
  }
  try {
    return { status: 'ok', run: parseRunSettings(value) };
  } catch (error) {
    return { status: 'invalid', problem: (error as Error).message };
  }
}

export async function writeRunSettings(dir: string, run: RunSettings): Promise<void> {
  await writeFileAtomic(runSettingsPath(dir), `${JSON.stringify(run, null, 2)}\n`);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER) =>
  Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;
const isNumber = (v: unknown, positive: boolean) =>
  typeof v === 'number' && Number.isFinite(v) && (positive ? v > 0 : v >= 0);

/** A run record (from run.json or a checkpoint), checked field by field; throws naming the first bad one. */
export function parseRunSettings(value: unknown): RunSettings {
  const bad = (field: string, expected: string, got: unknown): never => {
    const shown = JSON.stringify(got) ?? String(got);
    throw new Error(
      `${field} should be ${expected}, got ${shown.length > 60 ? `${shown.slice(0, 60)}...` : shown}`,
    );
  };
  if (!isObject(value)) return bad('the record', 'an object { data, pretrained, settings }', value);
  const { data, pretrained, weights = null, settings: s } = value;
  if (data !== null && typeof data !== 'string') bad('data', 'a folder path or null', data);
  if (pretrained !== null && typeof pretrained !== 'string')
    bad('pretrained', 'a file path or null', pretrained);
  if (weights !== null && typeof weights !== 'string') bad('weights', 'a file path or null', weights);
  if (!isObject(s)) return bad('settings', 'an object', s);
  if (!isInt(s.epochs, 1)) bad('settings.epochs', 'a positive integer', s.epochs);
  if (!isInt(s.batchSize, 1)) bad('settings.batchSize', 'a positive integer', s.batchSize);
  if (!Array.isArray(s.crop) || s.crop.length !== 2 || !s.crop.every((v) => isInt(v, 32) && v % 32 === 0)) {
    bad('settings.crop', '[height, width] in multiples of 32', s.crop);
  }
  if (!isNumber(s.lr, true)) bad('settings.lr', 'a number > 0', s.lr);
  if (!LR_SCHEDULES.includes(s.lrSchedule as never))
    bad('settings.lrSchedule', LR_SCHEDULES.join(' or '), s.lrSchedule);
  if (!isNumber(s.weightDecay, false)) bad('settings.weightDecay', 'a number ≥ 0', s.weightDecay);
  if (!isNumber(s.momentum, false)) bad('settings.momentum', 'a number ≥ 0', s.momentum);
  if (!isInt(s.width, 1, MAX_WIDTH)) bad('settings.width', `an integer from 1 to ${MAX_WIDTH}`, s.width);
  if (!FCN_VARIANTS.includes(s.variant as never))
    bad('settings.variant', FCN_VARIANTS.join(' or '), s.variant);
  if (s.void !== 'background' && s.void !== 'ignore') bad('settings.void', 'background or ignore', s.void);
  if (!isInt(s.seed, 0)) bad('settings.seed', 'an integer ≥ 0', s.seed);
  const settings = s as unknown as TrainSettings;
  return {
    data: data as string | null,
    pretrained: pretrained as string | null,
    weights: weights as string | null,
    settings: {
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      crop: [settings.crop[0], settings.crop[1]],
      lr: settings.lr,
      lrSchedule: settings.lrSchedule,
      weightDecay: settings.weightDecay,
      momentum: settings.momentum,
      width: settings.width,
      variant: settings.variant,
      void: settings.void,
      seed: settings.seed,
    },
  };
}
