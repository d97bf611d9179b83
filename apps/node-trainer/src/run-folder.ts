/**
 * What a run folder holds, looked at without changing anything, and the rules for starting a run in
 * it: a folder with a checkpoint (or a model) holds a run, continued with `--resume` or replaced with
 * `--overwrite`; a folder with only the leftovers of a run stopped before its first checkpoint is
 * simply started again. Nothing of an old run is removed here: the new run's first checkpoint
 * replaces the old one atomically, and the old run's other files go only then (`replaceLeftovers`).
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const CHECKPOINT_FILE = 'checkpoint.safetensors';
export const MODEL_FILE = 'model.safetensors';
/** The files of a run besides its weights. */
export const REPORT_FILES = ['metrics.jsonl', 'samples.png', 'curves.svg', 'run.json'] as const;

export interface RunFolder {
  dir: string;
  exists: boolean;
  checkpoint: boolean;
  model: boolean;
  /** REPORT_FILES present. */
  reports: string[];
}

export async function inspectRunFolder(dir: string): Promise<RunFolder> {
  const info = await stat(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    if (e.code === 'ENOTDIR') throw new Error(`--out ${dir}: part of this path is a file, not a folder`);
    throw e;
  });
  if (!info) return { dir, exists: false, checkpoint: false, model: false, reports: [] };
  if (!info.isDirectory()) throw new Error(`--out ${dir} is a file, not a folder; pick a folder`);
  const names = new Set(await readdir(dir));
  return {
    dir,
    exists: true,
    checkpoint: names.has(CHECKPOINT_FILE),
    model: names.has(MODEL_FILE),
    reports: REPORT_FILES.filter((f) => names.has(f)),
  };
}

export interface StartRules {
  resume: boolean;
  overwrite: boolean;
}

/**
 * Whether a run may start in this folder as asked; throws a line that says what the folder holds and
 * which flag to use. Returns a note for the user, if any.
 */
export function checkStart(folder: RunFolder, rules: StartRules): string | null {
  const { dir } = folder;
  if (rules.resume && rules.overwrite)
    throw new Error('--resume and --overwrite contradict each other; pick one');
  if (rules.resume) {
    if (!folder.checkpoint) {
      const stopped =
        folder.reports.length > 0
          ? ' (its run stopped before its first checkpoint: start it again without --resume)'
          : '';
      throw new Error(`nothing to resume: ${dir} holds no ${CHECKPOINT_FILE}${stopped}`);
    }
    return null;
  }
  if (folder.checkpoint || folder.model) {
    if (rules.overwrite) {
      return `--overwrite: the run in ${dir} is replaced when the new run writes its first checkpoint (until then it stays as it is)`;
    }
    const what = folder.checkpoint ? 'a run' : `a model (${MODEL_FILE}, without a checkpoint)`;
    throw new Error(
      `${dir} already holds ${what}; ${folder.checkpoint ? 'continue it with --resume, ' : ''}start again with --overwrite, or pick another --out`,
    );
  }
  if (folder.reports.length > 0) {
    return `${dir} holds ${folder.reports.join(', ')} of a run stopped before its first checkpoint: starting it again`;
  }
  return null;
}

/** Whether two looks at a folder agree on what matters for starting (someone else may be at work). */
export function sameStart(a: RunFolder, b: RunFolder): boolean {
  return a.checkpoint === b.checkpoint && a.model === b.model;
}

/** Removes the report files an earlier run left (on the new run's first checkpoint). */
export async function removeOldReports(dir: string, keep: readonly string[] = []): Promise<void> {
  await Promise.all(
    REPORT_FILES.filter((f) => !keep.includes(f)).map((f) => rm(join(dir, f), { force: true })),
  );
}
