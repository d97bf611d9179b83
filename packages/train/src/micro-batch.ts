/**
 * Gradient accumulation: a batch (the chapter's 32) is run as micro-batches small enough for the
 * backend's memory, and their gradients add up to the batch's. How many images fit at once follows
 * from the backend's memory limit (the app reads it from `@fcn/backends`) and an estimate of the
 * training memory per image (`estimateTrainingMemory`).
 *
 * BatchNorm: in training mode each micro-batch normalises with its own batch statistics (and updates
 * the running statistics once per micro-batch), so with BatchNorm the accumulated gradient is that of
 * smaller batches, not exactly the full batch's. Without BatchNorm in training mode (eval-mode or
 * frozen BatchNorm) it is the full batch's gradient, up to float rounding.
 */

export interface MicroBatchPlan {
  /** The largest micro-batch (the figure to print). */
  microBatch: number;
  /** Sizes of the micro-batches of one batch, as equal as possible, largest first; they sum to the batch. */
  sizes: number[];
  /** Why this size: 'override' (asked for), 'memory' (the limit), 'whole batch' (it fits, or no limit given). */
  reason: 'override' | 'memory' | 'whole batch';
  /** Bytes a micro-batch is budgeted (when a memory limit was given). */
  budgetBytes?: number;
}

export interface ChooseMicroBatchOptions {
  batchSize: number;
  /** Estimated training memory per image (`estimateTrainingMemory(...).bytes`). */
  bytesPerImage: number;
  /** The backend's memory limit; absent: unknown, the whole batch runs at once. */
  memoryLimitBytes?: number;
  /** Memory that does not scale with the micro-batch (`parameterMemory(...)`). Default 0. */
  fixedBytes?: number;
  /** Share of the limit that may be planned for (default 0.8: the rest is slack). */
  usable?: number;
  /** An explicit micro-batch size (`--micro-batch`): used as given. */
  override?: number;
}

/** Split `batchSize` images into micro-batches of at most `microBatch`, as evenly as possible. */
export function splitBatch(batchSize: number, microBatch: number): number[] {
  checkPositiveInt('batchSize', batchSize);
  checkPositiveInt('microBatch', microBatch);
  const count = Math.ceil(batchSize / Math.min(microBatch, batchSize));
  const base = Math.floor(batchSize / count);
  const extra = batchSize % count;
  return Array.from({ length: count }, (_, i) => base + (i < extra ? 1 : 0));
}

/** Choose the micro-batch: the override, else as many images as the memory budget allows. */
export function chooseMicroBatch(options: ChooseMicroBatchOptions): MicroBatchPlan {
  const { batchSize, bytesPerImage, memoryLimitBytes, fixedBytes = 0, usable = 0.8, override } = options;
  checkPositiveInt('batchSize', batchSize);
  const plan = (
    microBatch: number,
    reason: MicroBatchPlan['reason'],
    budgetBytes?: number,
  ): MicroBatchPlan => {
    const sizes = splitBatch(batchSize, microBatch);
    return { microBatch: sizes[0]!, sizes, reason, ...(budgetBytes !== undefined ? { budgetBytes } : {}) };
  };
  if (override !== undefined) {
    checkPositiveInt('micro-batch', override);
    if (override > batchSize) {
      throw new RangeError(`the micro-batch (${override}) cannot be larger than the batch (${batchSize})`);
    }
    return plan(override, 'override');
  }
  if (memoryLimitBytes === undefined) return plan(batchSize, 'whole batch');
  if (!(bytesPerImage > 0)) throw new RangeError(`bytesPerImage must be positive, got ${bytesPerImage}`);
  if (!(usable > 0 && usable <= 1)) throw new RangeError(`usable must be in (0, 1], got ${usable}`);
  const budget = memoryLimitBytes * usable - fixedBytes;
  const fits = Math.floor(budget / bytesPerImage);
  if (fits < 1) {
    throw new Error(
      `not even one image fits: training needs about ${mib(bytesPerImage)} MiB an image plus ${mib(fixedBytes)} MiB ` +
        `for the parameters, and ${(usable * 100).toFixed(0)}% of the ${mib(memoryLimitBytes)} MiB memory limit is ` +
        `${mib(memoryLimitBytes * usable)} MiB; use a smaller crop or a backend with more memory`,
    );
  }
  return fits >= batchSize ? plan(batchSize, 'whole batch', budget) : plan(fits, 'memory', budget);
}

/** The plan in words, for the log: `micro-batch 7 (5 micro-batches: 7+7+6+6+6 = 32; memory: ...)`. */
export function describeMicroBatchPlan(plan: MicroBatchPlan, bytesPerImage?: number): string {
  const { sizes } = plan;
  const batch = sizes.reduce((a, b) => a + b, 0);
  const split =
    sizes.length === 1
      ? `the whole batch of ${batch}`
      : `${sizes.length} micro-batches: ${sizes.join('+')} = ${batch}`;
  const why =
    plan.reason === 'override'
      ? 'as asked'
      : plan.budgetBytes === undefined
        ? 'no memory limit given'
        : `about ${mib(bytesPerImage ?? 0)} MiB an image within a budget of ${mib(plan.budgetBytes)} MiB`;
  return `micro-batch ${plan.microBatch} (${split}; ${why})`;
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

function checkPositiveInt(what: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${what} must be a positive integer, got ${v}`);
}
