import { describe, expect, it } from 'vitest';
import { type FCN, fcn } from './fcn.js';
import { float32Tensor, type RawTensor } from './safetensors/dtypes.js';
import { readSafetensors } from './safetensors/read.js';
import { writeSafetensors } from './safetensors/write.js';
import { withChecksum } from './weight-checksum.js';
import { countNonFinite, describeNonFinite, findNonFinite, NonFiniteWeightsError } from './weight-finite.js';
import { fromWeights, loadWeights, saveWeights } from './weights.js';

const half = (...bits: number[]): RawTensor => ({
  dtype: 'F16',
  shape: [bits.length],
  data: new Uint8Array(Uint16Array.from(bits).buffer),
});

/** A native file of `model` with `key`'s first `n` values replaced by `value` (checksum redone). */
function poisoned(bytes: Uint8Array, key: string, value: number, n = 1): Uint8Array {
  const file = readSafetensors(bytes);
  const t = file.tensors.get(key)!;
  const values = new Float32Array(t.data.slice().buffer);
  values.fill(value, 0, n);
  const tensors = new Map(file.tensors);
  tensors.set(key, float32Tensor(values, t.shape));
  return writeSafetensors(tensors, withChecksum(tensors, file.metadata));
}

describe('non-finite weights', () => {
  it('counts NaN and infinities in every float dtype, and nothing in integer ones', () => {
    expect(countNonFinite(float32Tensor(Float32Array.from([1, Number.NaN, -Infinity, 3e38]), [4]))).toBe(2);
    // F16: 0x7c00 +inf, 0x7e00 NaN, 0x7bff the largest finite; BF16: 0x7f80 +inf, 0x7f7f finite.
    expect(countNonFinite(half(0x7c00, 0x7e00, 0x7bff, 0xfc00))).toBe(3);
    expect(countNonFinite({ ...half(0x7f80, 0x7f7f, 0xffc0), dtype: 'BF16' })).toBe(2);
    const f64 = Float64Array.from([Number.NaN, 1e308, Infinity]);
    expect(countNonFinite({ dtype: 'F64', data: new Uint8Array(f64.buffer) })).toBe(2);
    expect(
      countNonFinite({ dtype: 'I32', data: new Uint8Array(Int32Array.from([-1, 0x7f800000]).buffer) }),
    ).toBe(0);
  });

  it('names at most a few tensors', () => {
    const nan = float32Tensor(Float32Array.from([Number.NaN, Number.NaN]), [2]);
    const found = findNonFinite(new Map(['a', 'b', 'c', 'd', 'e'].map((k) => [k, nan])));
    expect(describeNonFinite(found)).toBe(
      "'a' (all 2 values), 'b' (all 2 values), 'c' (all 2 values) and 2 more tensors",
    );
  });

  it('loadWeights and fromWeights refuse them, naming the tensor; allowNonFinite loads them', () => {
    const model = fcn({ numClasses: 3, trunk: { arch: 'resnet18', width: 2 }, seed: 1 });
    const bad = poisoned(saveWeights(model), 'trunk.bn1.running_var', Number.NaN, 2);
    expect(() => fromWeights(bad)).toThrow(NonFiniteWeightsError);
    expect(() => fromWeights(bad)).toThrow(
      /NaN or infinite weights in 'trunk\.bn1\.running_var' \(all 2 values\): .*--allow-nonfinite/,
    );
    expect(() => loadWeights(model, poisoned(saveWeights(model), 'final_conv.bias', Infinity))).toThrow(
      /'final_conv\.bias' \(1 of 3 values\)/,
    );
    const loaded = fromWeights(bad, { allowNonFinite: true }) as FCN;
    expect(Number.isNaN(loaded.trunk.bn1.runningVar.dataSync()[0])).toBe(true);
    loaded.dispose();
    model.dispose();
  });
});
