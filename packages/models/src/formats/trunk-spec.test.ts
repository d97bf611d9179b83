import { describe, expect, it } from 'vitest';
import { float32Tensor, type RawTensor } from '../safetensors/dtypes.js';
import { trunkSpecFromState } from './trunk-spec.js';

const state = (stem: number, blocks: number[], bottleneck: boolean) => {
  const t = new Map<string, RawTensor>([
    ['conv1.weight', float32Tensor(new Float32Array(0), [stem, 3, 7, 7])],
  ]);
  blocks.forEach((count, stage) => {
    for (let b = 0; b < count; b++) {
      t.set(`layer${stage + 1}.${b}.conv1.weight`, float32Tensor(new Float32Array(0), [1, 1, 1, 1]));
      if (bottleneck)
        t.set(`layer${stage + 1}.${b}.conv3.weight`, float32Tensor(new Float32Array(0), [1, 1, 1, 1]));
    }
  });
  return t;
};

describe('trunkSpecFromState', () => {
  it('tells BasicBlock trunks (arch, width) from Bottleneck ones (blocks)', () => {
    expect(trunkSpecFromState(state(64, [2, 2, 2, 2], false))).toEqual({
      block: 'basic',
      arch: 'resnet18',
      width: 64,
    });
    expect(trunkSpecFromState(state(16, [3, 4, 6, 3], false))).toEqual({
      block: 'basic',
      arch: 'resnet34',
      width: 16,
    });
    expect(trunkSpecFromState(state(64, [3, 4, 23, 3], true))).toEqual({
      block: 'bottleneck',
      blocks: [3, 4, 23, 3],
    });
  });

  it('names what is wrong with other files', () => {
    expect(() => trunkSpecFromState(new Map())).toThrow(/no 'conv1\.weight'/);
    expect(() => trunkSpecFromState(state(64, [2, 2, 0, 2], false))).toThrow(/hold \[2,2,0,2\] blocks/);
    expect(() => trunkSpecFromState(state(64, [1, 1, 1, 1], false))).toThrow(/neither resnet18/);
  });
});
