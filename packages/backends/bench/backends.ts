/**
 * `pnpm bench:backends`: how fast each TF.js backend runs the ResNet-18 FCN, forward and one SGD
 * training step, at 1 and 4 images of 320x480, next to PyTorch on the same machine in the same run.
 * A benchmark, not a test: it asserts the model's shape and that no tensor leaks, and prints a table.
 * See bench/README.md at the repository root for the PyTorch side.
 */

import { loadavg } from 'node:os';
import { BackendUnavailableError, initBackend } from '@fcn/backends/node';
import { type BenchOptions, parseBenchArgs, USAGE } from './args.js';
import { type Leak, measureBatch } from './measure-batch.js';
import { TORCH_THREADS } from './pytorch-reference.js';
import { type PytorchServer, startPytorchServer } from './pytorch-server.js';
import {
  buildResNet18Fcn,
  NUM_CLASSES,
  RESNET18_TRUNK_PARAMETERS,
  trunkParameterCount,
} from './resnet18-fcn.js';
import {
  formatResnet50Table,
  measureResnet50,
  RESNET50_FCN_PARAMETERS,
  type Resnet50Row,
  startPytorchResnet50,
  type TorchResnet50Server,
} from './resnet50-fcn.js';
import { SOFTWARE_GPU_QUICK, softwareGpuLabel } from './software-gpu.js';
import { formatTable, type Row } from './table.js';

const SGD = { lr: 0.1, weightDecay: 1e-3 };
/** "1 warm-up", "2 warm-ups". */
const warmUps = (count: number) => `${count} warm-up${count === 1 ? '' : 's'}`;

/** The cpu backend by default: one forward run at the smallest batch, no warm-up. */
const CPU_QUICK = { warmup: 0, iters: 1 };

interface BackendInfo {
  backend: string;
  /** initBackend's one-line summary (threads, SIMD, why this backend). */
  line?: string;
  threads?: number;
  details?: string[];
  skipped?: string;
}

const progress = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  let options: BenchOptions | null;
  try {
    options = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options === null) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { height, width } = options;
  const notes: string[] = [];
  const [loadAtStart = 0] = loadavg();
  if (loadAtStart > 0.5) {
    notes.push(
      `load average ${loadAtStart.toFixed(1)} at the start: other processes were running, so the ` +
        'timings (PyTorch and TF.js alike) are noisy',
    );
  }
  const rows: Row[] = [];
  const infos: BackendInfo[] = [];
  const leaks: Leak[] = [];

  // PyTorch runs beside the TF.js rows: one of its runs right before each of theirs, compared pair by
  // pair (the machine's speed drifts by 10-30% over minutes, which separate series would read as a ratio).
  let torch: PytorchServer | undefined;
  if (options.torch) {
    progress(`torch: starting bench/pytorch_fcn.py --serve (${height}x${width}) …`);
    const started = await startPytorchServer({ height, width });
    if ('server' in started) torch = started.server;
    else notes.push(`PyTorch reference skipped: ${started.skipped} (command: ${started.command})`);
  } else {
    notes.push('PyTorch reference skipped (--no-torch)');
  }

  // torchvision's FCN-ResNet50, inference only, on wasm beside PyTorch (batch 1).
  const resnet50Rows: Resnet50Row[] = [];
  const r50 = options.resnet50 && options.backends.includes('wasm') ? options.resnet50 : null;
  const r50Run = r50 ? { batch: 1, ...r50, warmup: options.warmup, iters: options.iters } : null;

  for (const backend of options.backends) {
    const info: BackendInfo = { backend };
    infos.push(info);
    try {
      const started = await initBackend({
        backend,
        log: (line) => {
          info.line = line;
        },
      });
      info.threads = started.threads;
      info.details = started.details;
    } catch (error) {
      if (!(error instanceof BackendUnavailableError)) throw error;
      info.skipped = error.message;
      notes.push(`${backend}: skipped, ${error.message}`);
      progress(`${backend}: skipped, ${error.message}`);
      continue;
    }
    progress(info.line ?? backend);

    const quickCpu = backend === 'cpu' && !options.cpuFull;
    const softwareGpu = softwareGpuLabel(backend, info.details);
    const batches = quickCpu || softwareGpu ? [Math.min(...options.batches)] : options.batches;
    const warmup = quickCpu ? CPU_QUICK.warmup : softwareGpu ? SOFTWARE_GPU_QUICK.warmup : options.warmup;
    const iters = quickCpu ? CPU_QUICK.iters : softwareGpu ? SOFTWARE_GPU_QUICK.iters : options.iters;
    if (softwareGpu) {
      notes.push(
        `${softwareGpu}: a software GPU, running on the CPU (${info.details?.[0]}): batch ${batches[0]}, ` +
          `${iters} run after ${warmUps(warmup)}; it shows the GPU path runs, not how fast a GPU is`,
      );
    }
    if (quickCpu) {
      notes.push(
        `cpu: batch ${batches[0]} forward only, ${iters} run, no warm-up, no training step: the plain-JS ` +
          'backend is ~100x slower than PyTorch (a step would take minutes); --cpu-full times it all',
      );
    }

    const model = buildResNet18Fcn();
    const trunk = trunkParameterCount(model);
    if (trunk !== RESNET18_TRUNK_PARAMETERS) {
      throw new Error(`ResNet-18 trunk has ${trunk} parameters, expected ${RESNET18_TRUNK_PARAMETERS}`);
    }
    try {
      for (const batch of batches) {
        const measured = await measureBatch(model, {
          backend: softwareGpu ?? backend,
          batch,
          height,
          width,
          numClasses: NUM_CLASSES,
          warmup,
          iters,
          step: !quickCpu,
          sgd: SGD,
          progress,
          torch,
        });
        leaks.push(...measured.leaks);
        if (measured.torchRow) rows.push(measured.torchRow);
        rows.push(measured.row);
      }
    } finally {
      model.dispose();
    }
    if (r50Run && backend === 'wasm') {
      let r50Torch: PytorchServer<TorchResnet50Server> | undefined;
      if (options.torch) {
        progress(
          `torch: starting bench/pytorch_fcn_resnet50.py --serve (1 x ${r50Run.height}x${r50Run.width}) …`,
        );
        const started = await startPytorchResnet50(r50Run);
        if ('server' in started) r50Torch = started.server;
        else
          notes.push(
            `PyTorch FCN-ResNet50 reference skipped: ${started.skipped} (command: ${started.command})`,
          );
      }
      try {
        const { row, torchRow } = await measureResnet50(backend, { ...r50Run, progress, torch: r50Torch });
        if (row.tensorsAfter !== row.tensorsBefore) {
          leaks.push({
            backend,
            batch: 1,
            phase: 'FCN-ResNet50 forward',
            before: row.tensorsBefore!,
            after: row.tensorsAfter!,
          });
        }
        if (torchRow) resnet50Rows.push(torchRow);
        resnet50Rows.push(row);
      } finally {
        r50Torch?.close();
      }
    }
  }

  torch?.close();

  // The bench's own threads (the most any backend or PyTorch ran) count in the load average too.
  const ownThreads = Math.max(TORCH_THREADS, ...infos.map((info) => info.threads ?? 1));
  const [loadAtEnd = 0] = loadavg();
  if (loadAtEnd > ownThreads + 0.5) {
    notes.push(
      `load average ${loadAtEnd.toFixed(1)} at the end (${loadAtStart.toFixed(1)} at the start, ${ownThreads} ` +
        "of the bench's own threads): the rows timed later ran beside other processes; compare rows from a quiet run",
    );
  }
  const leakLines = leaks.map(
    (l) => `LEAK: ${l.backend} batch ${l.batch} ${l.phase}: tf.memory().numTensors ${l.before} → ${l.after}`,
  );
  if (options.json) {
    const result = {
      input: { height, width, channels: 3, classes: NUM_CLASSES },
      iters: options.iters,
      warmup: options.warmup,
      sgd: SGD,
      torch: torch?.report ?? { skipped: options.torch ? 'could not start' : '--no-torch' },
      backends: infos,
      rows,
      resnet50: r50Run
        ? { input: { ...r50Run, channels: 3, classes: NUM_CLASSES }, rows: resnet50Rows }
        : null,
      notes,
      leaks,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    const lines = [
      `FCN ResNet-18 (${RESNET18_TRUNK_PARAMETERS.toLocaleString('en')} trunk parameters), input N x ${height} x ` +
        `${width} x 3, ${NUM_CLASSES} classes; train step = forward + softmax cross-entropy + backward + ` +
        `SGD(lr ${SGD.lr}, wd ${SGD.weightDecay}); median of ${options.iters} after ${warmUps(options.warmup)}`,
      '',
      formatTable(rows),
      '',
    ];
    if (r50Run && resnet50Rows.length > 0) {
      lines.push(
        `FCN-ResNet50 (torchvision fcn_resnet50, ${RESNET50_FCN_PARAMETERS.toLocaleString('en')} parameters, no aux ` +
          `head), eval forward of 1 x ${r50Run.height} x ${r50Run.width} x 3, ${NUM_CLASSES} classes; median of ` +
          `${r50Run.iters} after ${warmUps(r50Run.warmup)}`,
        '',
        formatResnet50Table(resnet50Rows),
        '',
      );
    }
    if (torch) {
      const t = torch.report;
      lines.push(
        `torch: PyTorch ${t.torch}, ${t.threads} threads, OPENBLAS_CORETYPE=${t.openblas_coretype}, ` +
          `mkldnn ${t.mkldnn ? 'on' : 'off'} (bench/pytorch_fcn.py --serve): one PyTorch run right before each TF.js run; ` +
          'a ratio is the median over those pairs',
      );
    }
    for (const info of infos) {
      if (info.line) lines.push(`${info.backend}: ${info.line}`);
    }
    lines.push(...notes.map((note) => `note: ${note}`), ...leakLines);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (leaks.length > 0) {
    process.stderr.write(`\n${leakLines.join('\n')}\nbench: tensors leaked (see above)\n`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
