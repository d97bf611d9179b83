/**
 * Ctrl-C during a long command: the first one asks the work to stop at the next safe point (the
 * training loop checkpoints and returns); a second one exits at once.
 */
export interface Interrupt {
  readonly signal: AbortSignal;
  dispose(): void;
}

export function stopOnInterrupt(say: (line: string) => void): Interrupt {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) {
      say('interrupted again: exiting now, without a checkpoint of the current step');
      process.exit(130);
    }
    say('interrupted: stopping after this step and checkpointing it (Ctrl-C again to exit at once)');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
