/**
 * The settings `fcn train` starts from: the chapter's, for a VOC folder given with `--data`, and the
 * embedded default job's, for a run without `--data` (a synthetic VOC and a narrow network, sized to
 * finish in minutes on a 2-core CPU). Any flag the user gives wins over its preset.
 */
import type { Size, VoidMode } from '@fcn/data';
import type { FcnVariant } from '@fcn/models';
import type { LrSchedule } from '@fcn/train';

export interface TrainSettings {
  epochs: number;
  batchSize: number;
  crop: Size;
  lr: number;
  lrSchedule: LrSchedule;
  weightDecay: number;
  momentum: number;
  /** Channels of the trunk's first stage (64: ResNet-18 itself). */
  width: number;
  variant: FcnVariant;
  void: VoidMode;
  seed: number;
}

/**
 * The widest trunk `--width` takes: 4 times ResNet-18's own 64 (about 180 million parameters). Memory
 * grows with the square of the width; 4096 would need hundreds of gigabytes.
 */
export const MAX_WIDTH = 256;

/** The chapter: `batch_size, crop_size = 32, (320, 480)`, `lr, wd = 0.1, 1e-3`, `num_epochs = 5`, plain SGD. */
export const CHAPTER_SETTINGS: TrainSettings = {
  epochs: 5,
  batchSize: 32,
  crop: [320, 480],
  lr: 0.1,
  lrSchedule: 'constant',
  weightDecay: 1e-3,
  momentum: 0,
  width: 64,
  variant: '32s',
  void: 'background',
  seed: 0,
};

/**
 * The default job: an FCN-32s on a ResNet-18 of a quarter of the width, SGD with momentum and the
 * poly learning-rate decay, on
 * half-size synthetic scenes. Measured on 2 cores with wasm: see the root README.
 */
export const SYNTHETIC_SETTINGS: TrainSettings = {
  epochs: 20,
  batchSize: 8,
  crop: [160, 224],
  lr: 0.05,
  lrSchedule: 'poly',
  weightDecay: 1e-4,
  momentum: 0.9,
  width: 16,
  variant: '32s',
  void: 'ignore',
  seed: 0,
};

/** The synthetic VOC of the default job: half of VOC's usual sizes, 200 training and 50 validation scenes. */
export const SYNTHETIC_DATA = {
  train: 200,
  val: 50,
  seed: 0,
  sizes: [
    [188, 250],
    [167, 250],
  ] as Size[],
};

/** Help text for a flag: the chapter's default and the default job's. */
export function presetHelp(
  describe: string,
  key: keyof TrainSettings,
  format: (v: never) => string = String,
): string {
  const f = format as (v: unknown) => string;
  return `${describe} (default: ${f(CHAPTER_SETTINGS[key])}; without --data: ${f(SYNTHETIC_SETTINGS[key])})`;
}
