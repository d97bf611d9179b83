import { fcn, fromWeights, saveWeights } from '@fcn/models';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { fcnParamGroups } from './param-groups.js';
import { Sgd } from './sgd.js';
import {
  decodeCheckpoint,
  encodeCheckpoint,
  restoreCheckpoint,
  snapshotState,
  type TrainState,
} from './train-state.js';

const STATE: TrainState = {
  version: 1,
  position: { epoch: 3, step: 2 },
  seed: 7,
  batchSize: 4,
  stepsDone: 14,
  history: [],
  progress: { lossSum: 1.5, images: 8, confusion: [1, 2, 3, 4, 5, 6, 7, 8, 9], seconds: 2 },
  hyper: { lr: 0.1, momentum: 0.9 },
};

describe('checkpoint encoding', () => {
  it('holds the weights, the momentum buffers and the state; restores them exactly', () => {
    const model = fcn({ trunk: { arch: 'resnet18', width: 2 }, numClasses: 3, seed: 1 });
    const sgd = new Sgd(fcnParamGroups(model), { lr: 0.1, momentum: 0.9 });
    for (const [name, m] of sgd.state())
      tf.tidy(() => m.assign(tf.randomNormal(m.shape, 0, 1, 'float32', name.length)));
    const bytes = encodeCheckpoint(model, sgd, STATE);
    const decoded = decodeCheckpoint(bytes);
    expect(decoded.state).toEqual(STATE);
    expect(decoded.momentum.size).toBe(model.parameters().length);
    // The model part is a plain native weight file.
    expect(decoded.modelBytes).toEqual(saveWeights(model));
    const rebuilt = fromWeights(decoded.modelBytes);
    expect(snapshotState(rebuilt)).toEqual(snapshotState(model));

    const other = fcn({ trunk: { arch: 'resnet18', width: 2 }, numClasses: 3, seed: 2 });
    const otherSgd = new Sgd(fcnParamGroups(other), { lr: 0.1, momentum: 0.9 });
    restoreCheckpoint(decoded, other, otherSgd);
    expect(snapshotState(other)).toEqual(snapshotState(model));
    for (const [name, m] of sgd.state()) expect(otherSgd.state().get(name)!.dataSync()).toEqual(m.dataSync());
    for (const m of [model, rebuilt, other]) m.dispose();
    sgd.dispose();
    otherSgd.dispose();
  });

  it('refuses a plain weight file and a damaged state', () => {
    const model = fcn({ trunk: { arch: 'resnet18', width: 2 }, numClasses: 3, seed: 1 });
    expect(() => decodeCheckpoint(saveWeights(model))).toThrow(
      /not a training checkpoint: no 'fcn.train_state' metadata/,
    );
    const sgd = new Sgd(fcnParamGroups(model), { lr: 0.1 });
    const bad = encodeCheckpoint(model, sgd, { ...STATE, position: { epoch: -1, step: 0 } });
    expect(() => decodeCheckpoint(bad)).toThrow(/is not a version-1 training state/);
    // Without momentum a checkpoint has none, and a momentum optimiser refuses it.
    const withMomentum = new Sgd(fcnParamGroups(model), { lr: 0.1, momentum: 0.5 });
    expect(() =>
      restoreCheckpoint(decodeCheckpoint(encodeCheckpoint(model, sgd, STATE)), model, withMomentum),
    ).toThrow(/missing momentum for 'final_conv.weight'/);
    model.dispose();
    sgd.dispose();
    withMomentum.dispose();
  });
});
