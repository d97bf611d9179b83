/** The loss turned NaN or infinite: the step was not applied, and no checkpoint is written for it. */
export class NonFiniteLossError extends Error {
  override name = 'NonFiniteLossError';
  constructor(
    readonly loss: number,
    /** Where, in words: `epoch 2, step 2` (the loop's), `optimiser step 7` (a session's own count). */
    readonly where: string,
    readonly lastCheckpoint: string | null = null,
  ) {
    super(
      `the loss is ${loss} at ${where}: training stopped without applying that step. ` +
        (lastCheckpoint
          ? `The last good checkpoint is ${lastCheckpoint}; resume from it, perhaps with a smaller learning rate.`
          : 'No checkpoint had been written yet; try a smaller learning rate.'),
    );
  }
}
