/** Command-line options of `pnpm bench:backends`. */
import { parseArgs } from 'node:util';

export interface BenchOptions {
  batches: number[];
  backends: string[];
  iters: number;
  warmup: number;
  height: number;
  width: number;
  json: boolean;
  /** Time the cpu backend at every batch size, training step included (slow: minutes per step). */
  cpuFull: boolean;
  torch: boolean;
  /** Time torchvision's FCN-ResNet50 eval forward on wasm (and PyTorch) at this size; null: skip it. */
  resnet50: { height: number; width: number } | null;
}

export const DEFAULT_BACKENDS = ['tensorflow', 'wasm', 'webgpu', 'cpu'];

export const USAGE = `pnpm bench:backends [options]

Times the forward pass and one SGD training step of the ResNet-18 FCN on each TF.js backend,
next to PyTorch (bench/pytorch_fcn.py), one PyTorch run right before each TF.js run.

  --batches 1,4          batch sizes (default 1,4)
  --backends LIST        backends to time, in order (default ${DEFAULT_BACKENDS.join(',')}; one that
                         cannot start is skipped with the reason)
  --iters N              timed runs per measurement; the median is reported (default 3)
  --warmup N             untimed runs first (default 2: on wasm a forward's first two calls with
                         new weights transform and pack them, which later calls reuse)
  --size HxW             input height and width (default 320x480)
  --cpu-full             time the cpu backend at every batch, training step included
                         (default: smallest batch, forward only, one run: ~100x slower than PyTorch)
                         webgpu on a software adapter (Mesa lavapipe) is always timed at the smallest
                         batch, one run after one warm-up, and named 'webgpu (lavapipe)'
  --resnet50-size HxW    also time torchvision's FCN-ResNet50 inference (eval forward, batch 1) on
                         wasm and in PyTorch at this size (default 512x512)
  --no-resnet50          skip the FCN-ResNet50 rows
  --no-torch             skip the PyTorch reference
  --json                 print one JSON object instead of the table
  -h, --help             this text`;

function positiveInt(name: string, value: string, allowZero = false): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) {
    throw new Error(`--${name} expects a ${allowZero ? 'non-negative' : 'positive'} integer, got '${value}'`);
  }
  return n;
}

/** Parses argv (without node and script); returns null for --help. */
export function parseBenchArgs(argv: string[]): BenchOptions | null {
  const { values } = parseArgs({
    args: argv.filter((arg) => arg !== '--'),
    options: {
      batches: { type: 'string', default: '1,4' },
      backends: { type: 'string', default: DEFAULT_BACKENDS.join(',') },
      iters: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '2' },
      size: { type: 'string', default: '320x480' },
      'cpu-full': { type: 'boolean', default: false },
      'no-torch': { type: 'boolean', default: false },
      'resnet50-size': { type: 'string', default: '512x512' },
      'no-resnet50': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return null;
  const list = (value: string) =>
    value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  const sizeMatch = /^(\d+)x(\d+)$/.exec(values.size);
  if (!sizeMatch) throw new Error(`--size expects HxW, e.g. 320x480, got '${values.size}'`);
  const height = positiveInt('size', sizeMatch[1]!);
  const width = positiveInt('size', sizeMatch[2]!);
  if (height % 32 !== 0 || width % 32 !== 0) {
    throw new Error(`--size: height and width must be multiples of 32 for the FCN, got ${values.size}`);
  }
  const r50 = /^(\d+)x(\d+)$/.exec(values['resnet50-size']);
  if (!r50) throw new Error(`--resnet50-size expects HxW, e.g. 512x512, got '${values['resnet50-size']}'`);
  const resnet50 = values['no-resnet50']
    ? null
    : { height: positiveInt('resnet50-size', r50[1]!), width: positiveInt('resnet50-size', r50[2]!) };
  const batches = list(values.batches).map((b) => positiveInt('batches', b));
  const backends = list(values.backends);
  if (batches.length === 0) throw new Error('--batches is empty');
  if (backends.length === 0) throw new Error('--backends is empty');
  return {
    batches,
    backends,
    iters: positiveInt('iters', values.iters),
    warmup: positiveInt('warmup', values.warmup, true),
    height,
    width,
    json: values.json,
    cpuFull: values['cpu-full'],
    torch: !values['no-torch'],
    resnet50,
  };
}
