import { CHECKSUM_KEY, fcn, fromWeights, readSafetensors, saveWeights } from '@fcn/models';
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
    const files = encodeCheckpoint(model, sgd, STATE);
    const decoded = decodeCheckpoint(files.checkpoint);
    expect(decoded.state).toEqual(STATE);
    expect(decoded.momentum.size).toBe(model.parameters().length);
    // The model part is a plain native weight file, the very bytes of the save's model file.
    expect(decoded.modelBytes).toEqual(saveWeights(model));
    expect(files.model).toEqual(decoded.modelBytes);
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
    const bad = encodeCheckpoint(model, sgd, { ...STATE, position: { epoch: -1, step: 0 } }).checkpoint;
    expect(() => decodeCheckpoint(bad)).toThrow(/is not a version-1 training state/);
    // Without momentum a checkpoint has none, and a momentum optimiser refuses it.
    const withMomentum = new Sgd(fcnParamGroups(model), { lr: 0.1, momentum: 0.5 });
    expect(() =>
      restoreCheckpoint(
        decodeCheckpoint(encodeCheckpoint(model, sgd, STATE).checkpoint),
        model,
        withMomentum,
      ),
    ).toThrow(/missing momentum for 'final_conv.weight'/);
    model.dispose();
    sgd.dispose();
    withMomentum.dispose();
  });

  it("carries the caller's run record, and refuses flipped data bytes and non-finite momentum", () => {
    const model = fcn({ trunk: { arch: 'resnet18', width: 2 }, numClasses: 3, seed: 1 });
    const sgd = new Sgd(fcnParamGroups(model), { lr: 0.1, momentum: 0.9 });
    const run = { data: '/voc', settings: { crop: [64, 64] } };
    const bytes = encodeCheckpoint(model, sgd, { ...STATE, run }).checkpoint;
    const decoded = decodeCheckpoint(bytes);
    expect(decoded.state.run).toEqual(run);
    // The model part gets its own checksum, so it loads as a weight file.
    expect(readSafetensors(decoded.modelBytes).metadata[CHECKSUM_KEY]).toMatch(/^[0-9a-f]{8}$/);
    fromWeights(decoded.modelBytes).dispose();
    // 64 flipped bytes at the end of the data (momentum or weights): refused, not resumed.
    const flipped = bytes.slice();
    for (let i = flipped.length - 64; i < flipped.length; i++) flipped[i]! ^= 0xff;
    expect(() => decodeCheckpoint(flipped)).toThrow(/do not match the checksum/);
    // A state record of the wrong kind.
    expect(() =>
      decodeCheckpoint(encodeCheckpoint(model, sgd, { ...STATE, run: [] as never }).checkpoint),
    ).toThrow(/not a version-1 training state/);
    // NaN momentum (checksum made over it): refused, naming the buffer.
    for (const [, m] of sgd.state()) tf.tidy(() => m.assign(tf.fill(m.shape, Number.NaN)));
    expect(() => decodeCheckpoint(encodeCheckpoint(model, sgd, STATE).checkpoint)).toThrow(
      /NaN or infinite weights in 'optimizer\.momentum\./,
    );
    model.dispose();
    sgd.dispose();
  });
});
