/**
 * What `fcn train --resume` continues from, read and checked before anything is touched: the
 * checkpoint (checksum verified), the settings (the copy saved in the checkpoint, else run.json, read
 * strictly), and whether the flags given may change them. A resume that cannot go ahead fails here,
 * with the folder exactly as it was.
 */
import { parseConfig, readSafetensors } from '@fcn/models';
import { readCheckpoint, runPaths, type TrainState } from '@fcn/train';
import { parseRunSettings, type RunSettings, readRunSettings } from './run-settings.js';

export interface ResumePoint {
  run: RunSettings;
  state: TrainState;
  /** Trunk width and variant of the checkpoint's model. */
  width: number;
  variant: string;
  /** Things the user should know (run.json missing or stale, and which record was used). */
  notes: string[];
}

export async function readResumePoint(dir: string): Promise<ResumePoint> {
  const paths = runPaths(dir);
  const restart = 'start again with --overwrite, or put back a good copy';
  let checkpoint: Awaited<ReturnType<typeof readCheckpoint>>;
  try {
    checkpoint = await readCheckpoint(paths.checkpoint);
  } catch (error) {
    throw new Error(`cannot resume: ${(error as Error).message}; ${restart}`);
  }
  const { state } = checkpoint;
  const metadata = readSafetensors(checkpoint.modelBytes).metadata;
  const config = parseConfig(metadata.config ?? 'null');
  if (!('trunk' in config)) {
    throw new Error(`cannot resume: ${paths.checkpoint} holds no FCN of fcn train's kind; ${restart}`);
  }
  const notes: string[] = [];
  const file = await readRunSettings(dir);
  let run: RunSettings;
  if (state.run !== undefined) {
    try {
      run = parseRunSettings(state.run);
    } catch (error) {
      throw new Error(
        `cannot resume: the settings saved in ${paths.checkpoint} are invalid: ${(error as Error).message}; ${restart}`,
      );
    }
    if (file.status === 'missing') {
      notes.push(
        `${dir}/run.json is missing: resuming with the settings saved in the checkpoint (run.json is written again at the next checkpoint)`,
      );
    } else if (file.status === 'invalid') {
      notes.push(
        `${dir}/run.json is invalid (${file.problem}): resuming with the settings saved in the checkpoint, which replace it at the next checkpoint`,
      );
    } else if (JSON.stringify(file.run) !== JSON.stringify(run)) {
      notes.push(
        `${dir}/run.json differs from the settings saved in the checkpoint (a stop between the two writes?): resuming with the checkpoint's`,
      );
    }
  } else {
    // A checkpoint from before the settings were saved in it: run.json is the only record.
    if (file.status === 'missing') {
      throw new Error(
        `cannot resume ${dir}: its run.json (the data folder and settings of the run) is missing; put it back, or start again with --overwrite`,
      );
    }
    if (file.status === 'invalid') {
      throw new Error(
        `cannot resume ${dir}: run.json is invalid: ${file.problem}; fix it, or start again with --overwrite`,
      );
    }
    run = file.run;
    if (run.settings.seed !== state.seed || run.settings.batchSize !== state.batchSize) {
      throw new Error(
        `cannot resume ${dir}: run.json (seed ${run.settings.seed}, batch ${run.settings.batchSize}) disagrees with ` +
          `the checkpoint (seed ${state.seed}, batch ${state.batchSize}); fix run.json, or start again with --overwrite`,
      );
    }
  }
  return { run, state, width: config.trunk.width, variant: config.variant, notes };
}

interface ResumeFlags {
  seed?: number;
  batchSize?: number;
  width?: number;
  variant?: string;
  epochs?: number;
}

/**
 * Refuses flags that a resume cannot honour (the data order, the batch, the architecture) and an
 * `--epochs` the run has already passed, each in one line naming the flag and the way on. A finished
 * run resumed as it is (a kill after its last checkpoint) has nothing to train: the note says so, and
 * the resume only brings its files up to date.
 */
export function checkResumeFlags(dir: string, point: ResumePoint, flags: ResumeFlags): string | null {
  const { state } = point;
  const fixed = (flag: string, value: unknown, held: unknown, what: string) => {
    if (value !== undefined && value !== held) {
      throw new Error(
        `${flag} ${value}: the run in ${dir} has ${what} ${held}, which a resume cannot change; ` +
          `drop ${flag}, or start a new run (--overwrite, or another --out)`,
      );
    }
  };
  fixed('--seed', flags.seed, state.seed, 'seed');
  fixed('--batch-size', flags.batchSize, state.batchSize, 'batches of');
  fixed('--width', flags.width, point.width, 'a trunk of width');
  fixed('--variant', flags.variant, point.variant, 'variant');
  const own = point.run.settings.epochs;
  const epochs = flags.epochs ?? own;
  const { epoch, step } = state.position;
  if (epoch < epochs) return null;
  if (epochs !== own || step > 0) {
    const done = step > 0 ? `${epoch} epochs and ${step} steps` : `${epoch} epoch${epoch === 1 ? '' : 's'}`;
    throw new Error(
      `--epochs ${epochs}: the run in ${dir} has already trained ${done}; pass --epochs ${epoch + 1} or more to train further`,
    );
  }
  return `the run in ${dir} has finished its ${own} epochs: nothing to train (pass --epochs ${own + 1} or more to train further); its files are brought up to date`;
}
