/** The benchmark's result rows and their text table. */

export interface Row {
  backend: string;
  batch: number;
  /** Median forward ms; undefined when not timed. */
  forwardMs?: number;
  /** Median training-step ms; undefined when not timed. */
  stepMs?: number;
  /** Training throughput, batch / step seconds. */
  imagesPerSecond?: number;
  /** This row's time over PyTorch's at the same batch (>1: slower than PyTorch). */
  forwardVsTorch?: number;
  stepVsTorch?: number;
  /** Every timed run (JSON only), to judge the noise. */
  forwardRunsMs?: number[];
  stepRunsMs?: number[];
  /** Live tensors before and after the timed runs (TF.js rows). */
  tensorsBefore?: number;
  tensorsAfter?: number;
}

const COLUMNS: [string, (row: Row) => string][] = [
  ['backend', (r) => r.backend],
  ['batch', (r) => String(r.batch)],
  ['forward ms', (r) => fixed(r.forwardMs, 0)],
  ['step ms', (r) => fixed(r.stepMs, 0)],
  ['img/s(train)', (r) => fixed(r.imagesPerSecond, 2)],
  ['fwd vs torch', (r) => ratio(r.forwardVsTorch)],
  ['step vs torch', (r) => ratio(r.stepVsTorch)],
  [
    'tensors before→after',
    (r) => (r.tensorsBefore === undefined ? '' : `${r.tensorsBefore}→${r.tensorsAfter}`),
  ],
];

function fixed(value: number | undefined, digits: number): string {
  return value === undefined ? '-' : value.toFixed(digits);
}

function ratio(value: number | undefined): string {
  return value === undefined ? '-' : `${value.toFixed(1)}x`;
}

/** Left-aligned first column, the rest right-aligned, two spaces apart. */
export function formatTable(rows: readonly Row[]): string {
  const cells = [COLUMNS.map(([title]) => title), ...rows.map((row) => COLUMNS.map(([, cell]) => cell(row)))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)));
  return cells
    .map((line) =>
      line
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
