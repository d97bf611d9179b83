/**
 * PyTorch-layout state dicts written out by hand, independently of the package's own key mapping and
 * transposition code: the keys are spelled as torchvision and the d2l chapter spell them, and every value
 * is a distinct function of its key and flat (row-major, PyTorch-layout) index.
 */
import { float32Tensor, int64Tensor, type RawTensor } from '../src/safetensors/dtypes.js';

/** A distinct, non-symmetric value for element `index` of the tensor named `key`. */
export function valueAt(key: string, index: number): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) % 1000;
  return Math.fround(h / 1000 + index / 8192 + 0.25);
}

function filled(key: string, shape: number[]): RawTensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return float32Tensor(
    Float32Array.from({ length: size }, (_, i) => valueAt(key, i)),
    shape,
  );
}

function addBatchNorm(out: Map<string, RawTensor>, prefix: string, channels: number): void {
  for (const name of ['weight', 'bias', 'running_mean', 'running_var']) {
    out.set(`${prefix}.${name}`, filled(`${prefix}.${name}`, [channels]));
  }
  out.set(`${prefix}.num_batches_tracked`, int64Tensor([100], []));
}

function addConv(out: Map<string, RawTensor>, key: string, o: number, i: number, k: number): void {
  out.set(key, filled(key, [o, i, k, k]));
}

/**
 * torchvision `resnet18(num_classes=1000).state_dict()` at base width `width` (64 = the real one),
 * `fc` included, with `prefix(childName)` renaming the top-level children (identity for torchvision).
 */
export function resnetState(
  width: number,
  blocks: number[] = [2, 2, 2, 2],
  child: (name: string) => string = (name) => name,
  withFc = true,
): Map<string, RawTensor> {
  const out = new Map<string, RawTensor>();
  addConv(out, `${child('conv1')}.weight`, width, 3, 7);
  addBatchNorm(out, child('bn1'), width);
  let inC = width;
  blocks.forEach((count, stage) => {
    const c = width * 2 ** stage;
    for (let b = 0; b < count; b++) {
      const p = `${child(`layer${stage + 1}`)}.${b}`;
      addConv(out, `${p}.conv1.weight`, c, inC, 3);
      addBatchNorm(out, `${p}.bn1`, c);
      addConv(out, `${p}.conv2.weight`, c, c, 3);
      addBatchNorm(out, `${p}.bn2`, c);
      if (b === 0 && (stage > 0 || inC !== c)) {
        addConv(out, `${p}.downsample.0.weight`, c, inC, 1);
        addBatchNorm(out, `${p}.downsample.1`, c);
      }
      inC = c;
    }
  });
  if (withFc) {
    out.set('fc.weight', filled('fc.weight', [1000, 8 * width]));
    out.set('fc.bias', filled('fc.bias', [1000]));
  }
  return out;
}

const D2L_CHILD: Record<string, string> = {
  conv1: '0',
  bn1: '1',
  layer1: '4',
  layer2: '5',
  layer3: '6',
  layer4: '7',
};

/** The d2l chapter's PyTorch FCN-32s state dict at base width `width` with `numClasses` classes. */
export function d2lState(width: number, numClasses: number): Map<string, RawTensor> {
  const out = resnetState(width, [2, 2, 2, 2], (name) => D2L_CHILD[name]!, false);
  addConv(out, 'final_conv.weight', numClasses, 8 * width, 1);
  out.set('final_conv.bias', filled('final_conv.bias', [numClasses]));
  // ConvTranspose2d: (in, out, kh, kw).
  out.set('transpose_conv.weight', filled('transpose_conv.weight', [numClasses, numClasses, 64, 64]));
  out.set('transpose_conv.bias', filled('transpose_conv.bias', [numClasses]));
  return out;
}
