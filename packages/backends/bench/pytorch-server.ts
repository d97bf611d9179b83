/**
 * PyTorch as a long-running process (`bench/pytorch_fcn.py --serve`, `bench/pytorch_fcn_resnet50.py
 * --serve`) that times one forward pass or training step per request, so that the bench can alternate
 * PyTorch's runs with each TF.js run and compare them pair by pair: the machine's speed drifts by
 * 10-30% over minutes here, which separate series timed one after the other would read as a ratio.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { OPENBLAS_ENV, PYTHON, repoRoot, TORCH_THREADS, type TorchReport } from './pytorch-reference.js';

export type TorchPhase = 'forward' | 'step';

export interface PytorchServer<Report = Omit<TorchReport, 'results'>> {
  /** PyTorch's version, threads and model (the script's report, without results). */
  report: Report;
  /** Milliseconds of one `phase` run at `batch` in PyTorch. */
  time(phase: TorchPhase, batch: number): Promise<number>;
  close(): void;
}

export type StartedServer<Report = Omit<TorchReport, 'results'>> =
  | { server: PytorchServer<Report>; command: string }
  | { skipped: string; command: string };

/** The ResNet-18 FCN's forward passes and training steps at `height` x `width` (`bench/pytorch_fcn.py`). */
export function startPytorchServer(options: { height: number; width: number }): Promise<StartedServer> {
  return startServer('pytorch_fcn.py', [`--height=${options.height}`, `--width=${options.width}`]);
}

/**
 * `bench/<script> --serve --threads=… <args>`, once it has printed its report; or why it could not
 * start (the command run either way).
 */
export async function startServer<Report>(
  script: string,
  scriptArgs: string[],
): Promise<StartedServer<Report>> {
  const path = join(repoRoot(), 'bench', script);
  const args = [path, '--serve', `--threads=${TORCH_THREADS}`, ...scriptArgs];
  const command = `OPENBLAS_CORETYPE=${OPENBLAS_ENV.OPENBLAS_CORETYPE} ${PYTHON} ${args.join(' ')}`;
  if (!existsSync(PYTHON)) return { skipped: `${PYTHON} not found`, command };
  if (!existsSync(path)) return { skipped: `${path} not found`, command };
  const child = spawn(PYTHON, args, { env: { ...process.env, ...OPENBLAS_ENV }, stdio: 'pipe' });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise<never>((_, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const why = stderr.trim().split('\n').at(-1) || `exit code ${code ?? signal}`;
      reject(new Error(`${script} --serve ended: ${why}`));
    });
  });
  exited.catch(() => {});
  const nextLine = async (): Promise<string> => {
    const next = await Promise.race([lines.next(), exited]);
    if (next.done) throw new Error(`${script} --serve closed its output`);
    return next.value;
  };
  try {
    const report = JSON.parse(await nextLine()) as Report;
    return { server: serverOf(script, child, report, nextLine), command };
  } catch (error) {
    child.kill();
    return { skipped: (error as Error).message, command };
  }
}

function serverOf<Report>(
  script: string,
  child: ChildProcessWithoutNullStreams,
  report: Report,
  nextLine: () => Promise<string>,
): PytorchServer<Report> {
  return {
    report,
    async time(phase, batch) {
      child.stdin.write(`${phase} ${batch}\n`);
      const ms = Number(await nextLine());
      if (!Number.isFinite(ms)) throw new Error(`${script} --serve answered ${ms} for ${phase} ${batch}`);
      return ms;
    },
    close() {
      child.stdin.end();
      child.kill();
    },
  };
}
