import { fcn } from '@fcn/models';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { fcnParamGroups } from './param-groups.js';
import { Sgd } from './sgd.js';

function close(t: tf.Tensor, expected: number[]): void {
  const got = [...t.dataSync()];
  expect(got).toHaveLength(expected.length);
  got.forEach((v, i) => {
    expect(v).toBeCloseTo(expected[i]!, 6);
  });
}

describe('Sgd (MXNet semantics)', () => {
  it('without momentum: w ← w − lr·(g + wd·w)', () => {
    const w = tf.variable(tf.tensor1d([1, -2]));
    const sgd = new Sgd([{ params: [['w', w]] }], { lr: 0.1, weightDecay: 0.01 });
    sgd.step(new Map([['w', tf.tensor1d([0.5, 0.25])]]));
    // g + wd·w = [0.51, 0.23]
    close(w, [1 - 0.051, -2 - 0.023]);
    expect(sgd.state().size).toBe(0);
  });

  it("with momentum, MXNet's sgd_mom_update: m ← μ·m − lr·(g + wd·w); w ← w + m", () => {
    const w = tf.variable(tf.tensor1d([1, -2]));
    const sgd = new Sgd([{ params: [['w', w]] }], { lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
    const g = new Map([['w', tf.tensor1d([0.5, 0.25])]]);
    sgd.step(g);
    // m = −0.1·[0.51, 0.23]
    close(sgd.state().get('w')!, [-0.051, -0.023]);
    close(w, [0.949, -2.023]);
    sgd.step(g);
    // g + wd·w = [0.50949, 0.22977]; m = 0.9·[−0.051, −0.023] − 0.1·that
    close(sgd.state().get('w')!, [-0.096849, -0.043677]);
    close(w, [0.852151, -2.066677]);
  });

  it('gives each group its own learning rate and weight decay', () => {
    const a = tf.variable(tf.tensor1d([1]));
    const b = tf.variable(tf.tensor1d([1]));
    const sgd = new Sgd(
      [
        { name: 'head', params: [['a', a]] },
        { name: 'trunk', params: [['b', b]], lr: 0.01, weightDecay: 0 },
      ],
      { lr: 0.1, weightDecay: 0.5 },
    );
    sgd.step(
      new Map([
        ['a', tf.tensor1d([1])],
        ['b', tf.tensor1d([1])],
      ]),
    );
    close(a, [1 - 0.1 * 1.5]);
    close(b, [1 - 0.01]);
    sgd.setLearningRate(1, 'trunk');
    sgd.step(
      new Map([
        ['a', tf.tensor1d([0])],
        ['b', tf.tensor1d([0.5])],
      ]),
    );
    close(b, [0.99 - 0.5]);
    expect(sgd.groups.map((g) => [g.name, g.lr])).toEqual([
      ['head', 0.1],
      ['trunk', 1],
    ]);
  });

  it('saves and restores its momentum buffers, and refuses wrong ones', () => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    const sgd = new Sgd([{ params: [['w', w]] }], { lr: 0.1, momentum: 0.5 });
    sgd.loadState(new Map([['w', tf.tensor1d([3, 4])]]));
    close(sgd.state().get('w')!, [3, 4]);
    expect(() => sgd.loadState(new Map())).toThrow(/missing momentum for 'w'/);
    expect(() => sgd.loadState(new Map([['w', tf.tensor1d([1])]]))).toThrow(/expected \[2\], got \[1\]/);
    expect(() => sgd.step(new Map())).toThrow(/no gradient for parameter 'w'/);
    expect(() => new Sgd([{ params: [] }], { lr: 0.1 })).toThrow(/nothing to optimise/);
    expect(() => new Sgd([{ params: [['w', w]] }], { lr: 0.1, momentum: 1 })).toThrow(/momentum/);
  });

  it('splits an FCN into head and trunk groups; a frozen trunk is left out', () => {
    const model = fcn({ trunk: { arch: 'resnet18', width: 2 }, numClasses: 3, seed: 1 });
    const all = fcnParamGroups(model, { trunkLr: 0.01 });
    expect(all.map((g) => [g.name, g.lr, g.params.length])).toEqual([
      ['head', undefined, 4],
      ['trunk', 0.01, model.parameters().length - 4],
    ]);
    const frozen = fcnParamGroups(model, { freezeTrunk: true });
    expect(frozen.map((g) => g.name)).toEqual(['head']);
    expect(frozen[0]!.params.map(([name]) => name)).toEqual([
      'final_conv.weight',
      'final_conv.bias',
      'transpose_conv.weight',
      'transpose_conv.bias',
    ]);
    model.dispose();
  });
});
