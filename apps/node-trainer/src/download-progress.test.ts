import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { downloadProgress } from './download-progress.js';

/** A stream that keeps what is written; `isTTY` makes it pass for a terminal. */
function captureStream(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY, columns: 120 });
  return { stream, text: () => chunks.join('') };
}

describe('downloadProgress', () => {
  it('writes a line about every tenth of the file when the stream is not a terminal', () => {
    const { stream, text } = captureStream(false);
    const progress = downloadProgress('x.pth', stream);
    for (let bytes = 0; bytes <= 1_000_000; bytes += 50_000) progress.update(bytes, 1_000_000, 2_500_000);
    progress.line('a notice');
    progress.stop();
    const lines = text().trimEnd().split('\n');
    expect(lines).toHaveLength(12);
    expect(lines[0]).toBe('  x.pth: 0 B of 1.00 MB (0%), 2.50 MB/s');
    expect(lines[5]).toBe('  x.pth: 500 kB of 1.00 MB (50%), 2.50 MB/s');
    expect(lines[10]).toBe('  x.pth: 1.00 MB of 1.00 MB (100%), 2.50 MB/s');
    expect(lines[11]).toBe('a notice');
  });

  it('draws a bar with bytes, speed and ETA on a terminal, and clears it for a line', () => {
    const { stream, text } = captureStream(true);
    const progress = downloadProgress('x.pth', stream);
    progress.update(250_000, 1_000_000, 1_000_000);
    progress.update(500_000, 1_000_000, 1_000_000);
    progress.line('resuming');
    progress.stop();
    expect(text()).toMatch(/x\.pth \|[█░]+\| 25% 250 kB of 1\.00 MB, 1\.00 MB\/s, ETA/);
    expect(text()).toContain('resuming\n');
  });
});
