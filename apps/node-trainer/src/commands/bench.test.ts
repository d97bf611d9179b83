import { describe, expect, it } from 'vitest';
import { errorMessage, runCli } from '../testing/run-cli.js';

describe('fcn bench', () => {
  it('times the forward pass and a training step on the asked-for backend, leaking no tensor', async () => {
    const run = await runCli([
      'bench',
      '--backend',
      'wasm',
      '--batch-size',
      '2',
      '--micro-batch',
      '1',
      '--crop',
      '64x64',
      '--width',
      '4',
      '--iters',
      '1',
      '--warmup',
      '0',
      '--json',
    ]);
    expect(run.error).toBeUndefined();
    expect(run.err).toMatch(/^backend: wasm/);
    const result = JSON.parse(run.out);
    expect(result).toMatchObject({
      backend: 'wasm',
      batchSize: 2,
      microBatch: 1,
      crop: [64, 64],
      width: 4,
      variant: '32s',
    });
    expect(result.forwardMs).toBeGreaterThan(0);
    expect(result.stepMs).toBeGreaterThan(0);
    expect(result.tensorsAfter).toBe(result.tensorsBefore);
  });

  it('prints one line without --json, and refuses a crop that is no multiple of 32', async () => {
    const run = await runCli([
      'bench',
      '--backend',
      'wasm',
      '--batch-size',
      '1',
      '--crop',
      '32x64',
      '--width',
      '2',
      '--iters',
      '1',
      '--warmup',
      '0',
    ]);
    expect(run.out).toMatch(
      /^FCN-32s width 2, batch 1 \(micro-batch 1\) of 32x64 on wasm: forward \d+ ms, training step \d+ ms, \d+\.\d\d images\/sec; tf\.memory\(\)\.numTensors (\d+) → \1$/m,
    );
    expect(errorMessage(await runCli(['bench', '--crop', '100x100']))).toMatch(
      /--crop 100x100: both sides must be multiples of 32/,
    );
  });
});
