/**
 * Progress of one download on standard error: a cli-progress bar (bytes, speed, ETA) on a terminal,
 * and a plain line about every tenth of the file otherwise, so logs stay readable.
 */
import cliProgress from 'cli-progress';
import { formatBytes } from './format-bytes.js';

export interface DownloadProgress {
  update(bytes: number, total: number | undefined, bytesPerSecond: number): void;
  /** Clears the bar before a line is printed, so the line is not drawn over. */
  line(text: string): void;
  stop(): void;
}

export function downloadProgress(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): DownloadProgress {
  return stream.isTTY ? barProgress(label, stream) : lineProgress(label, stream);
}

function barProgress(label: string, stream: NodeJS.WriteStream): DownloadProgress {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${label} |{bar}| {percentage}% {done} of {size}, {speed}/s, ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(bytes, total, speed) {
      const payload = {
        done: formatBytes(bytes),
        size: total ? formatBytes(total) : '?',
        speed: formatBytes(speed),
      };
      const barTotal = Math.max(total ?? bytes, 1);
      if (!started) {
        bar.start(barTotal, bytes, payload);
        started = true;
      } else {
        bar.setTotal(barTotal);
        bar.update(bytes, payload);
      }
    },
    line(text) {
      if (started) bar.stop();
      started = false;
      stream.write(`${text}\n`);
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

function lineProgress(label: string, stream: NodeJS.WriteStream): DownloadProgress {
  let lastTenth = -1;
  let lastLine = 0;
  return {
    update(bytes, total, speed) {
      const now = performance.now();
      if (total) {
        const tenth = Math.floor((bytes / total) * 10);
        if (tenth === lastTenth) return;
        lastTenth = tenth;
      } else if (now - lastLine < 5000) {
        return;
      }
      lastLine = now;
      const of = total ? ` of ${formatBytes(total)} (${Math.floor((bytes / total) * 100)}%)` : '';
      stream.write(`  ${label}: ${formatBytes(bytes)}${of}, ${formatBytes(speed)}/s\n`);
    },
    line(text) {
      stream.write(`${text}\n`);
    },
    stop() {},
  };
}
