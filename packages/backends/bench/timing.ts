/** Warm-up runs, then the median of timed runs of an async action. */

export interface Timing {
  /** Median of the timed runs, in milliseconds. */
  medianMs: number;
  /** Every timed run, in milliseconds, in order. */
  runsMs: number[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs `action` `runs` times untimed (each after `before`, if given); `progress` hears how long each took. */
export async function warmUp(
  action: () => Promise<unknown>,
  runs: number,
  progress: (line: string) => void = () => {},
  before?: () => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < runs; i++) {
    await before?.();
    const start = performance.now();
    await action();
    progress(`warm-up ${i + 1}/${runs}: ${formatMs(performance.now() - start)}`);
  }
}

/** Runs `action` `iters` times and times each; `progress` hears about each run. */
export async function timeMedian(
  action: () => Promise<unknown>,
  iters: number,
  progress: (line: string) => void = () => {},
): Promise<Timing> {
  const runsMs: number[] = [];
  for (let i = 0; i < iters; i++) {
    const start = performance.now();
    await action();
    runsMs.push(performance.now() - start);
    progress(`run ${i + 1}/${iters}: ${formatMs(runsMs.at(-1)!)}`);
  }
  return { medianMs: median(runsMs), runsMs };
}

/** Timed runs each preceded by a reference run (PyTorch's), with the pairs' ratios. */
export interface PairedTiming extends Timing {
  /** The reference's runs, one before each of ours. */
  referenceRunsMs: number[];
  referenceMedianMs: number;
  /** Median over the pairs of our run / the reference run before it. */
  medianRatio: number;
}

/**
 * Like {@link timeMedian}, but each run of `action` right after one run of `reference` (which
 * resolves with its own milliseconds), so that a ratio compares runs seconds apart.
 */
export async function timePaired(
  action: () => Promise<unknown>,
  reference: () => Promise<number>,
  iters: number,
  progress: (line: string) => void = () => {},
): Promise<PairedTiming> {
  const runsMs: number[] = [];
  const referenceRunsMs: number[] = [];
  for (let i = 0; i < iters; i++) {
    referenceRunsMs.push(await reference());
    const start = performance.now();
    await action();
    runsMs.push(performance.now() - start);
    progress(
      `run ${i + 1}/${iters}: ${formatMs(runsMs.at(-1)!)} (PyTorch's before it: ${formatMs(referenceRunsMs.at(-1)!)})`,
    );
  }
  return {
    medianMs: median(runsMs),
    runsMs,
    referenceRunsMs,
    referenceMedianMs: median(referenceRunsMs),
    medianRatio: median(runsMs.map((ms, i) => ms / referenceRunsMs[i]!)),
  };
}

export function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
