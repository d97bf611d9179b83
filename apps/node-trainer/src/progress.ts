/**
 * Progress through an epoch: a cli-progress bar (steps, loss, images/sec, ETA) on a terminal, and
 * plain lines (about every tenth of an epoch) when the output is a file or a pipe, so logs stay readable.
 */
import type { StepInfo } from '@fcn/train';
import cliProgress from 'cli-progress';

export interface EpochProgress {
  step(info: StepInfo): void;
  /** Clears the bar before a line is printed, so the line is not drawn over. */
  line(text: string): void;
  stop(): void;
}

export function epochProgress(stream: NodeJS.WriteStream = process.stdout): EpochProgress {
  return stream.isTTY ? barProgress(stream) : lineProgress(stream);
}

function barProgress(stream: NodeJS.WriteStream): EpochProgress {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format:
        'epoch {epoch} |{bar}| {value}/{total} steps, loss {loss}, {speed} images/sec, ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  let epoch = 0;
  return {
    step(info) {
      const payload = {
        epoch: info.epoch,
        loss: info.loss.toFixed(4),
        speed: info.epochImagesPerSec.toFixed(1),
      };
      if (info.epoch !== epoch) {
        if (epoch !== 0) bar.stop();
        epoch = info.epoch;
        bar.start(info.steps, info.step, payload);
      } else {
        bar.update(info.step, payload);
      }
    },
    line(text) {
      if (epoch !== 0) bar.stop();
      epoch = 0;
      stream.write(`${text}\n`);
    },
    stop() {
      if (epoch !== 0) bar.stop();
      epoch = 0;
    },
  };
}

function lineProgress(stream: NodeJS.WriteStream): EpochProgress {
  return {
    step(info) {
      const every = Math.max(1, Math.round(info.steps / 10));
      if (info.step % every !== 0 && info.step !== info.steps) return;
      stream.write(
        `  epoch ${info.epoch} step ${info.step}/${info.steps}, loss ${info.loss.toFixed(4)}, ` +
          `${info.epochImagesPerSec.toFixed(1)} images/sec\n`,
      );
    },
    line(text) {
      stream.write(`${text}\n`);
    },
    stop() {},
  };
}

export interface CountProgress {
  tick(done: number): void;
  stop(): void;
}

/** Progress through `total` items: a bar on a terminal, a line about every tenth otherwise. */
export function countProgress(
  total: number,
  unit: string,
  stream: NodeJS.WriteStream = process.stdout,
): CountProgress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `|{bar}| {value}/{total} ${unit}, ETA {eta_formatted}`,
        clearOnComplete: true,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return { tick: (done) => bar.update(done), stop: () => bar.stop() };
  }
  const every = Math.max(1, Math.round(total / 10));
  return {
    tick(done) {
      if (done % every === 0 || done === total) stream.write(`  ${done}/${total} ${unit}\n`);
    },
    stop() {},
  };
}
