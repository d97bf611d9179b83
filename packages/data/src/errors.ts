/** A problem with one file of a dataset: `message` is `<file>: <problem>`. */
export class VocDataError extends Error {
  override readonly name = 'VocDataError';
  constructor(
    /** The file at fault (as a path under the dataset root). */
    readonly file: string,
    /** What is wrong with it. */
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/** What the reader does with a bad sample: stop with a `VocDataError`, or leave it out and count it. */
export type OnBadSample = 'error' | 'skip';

/** A sample left out under `onBadSample: 'skip'`. */
export interface SkippedSample {
  readonly id: string;
  readonly file: string;
  readonly problem: string;
}
