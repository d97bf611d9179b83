/**
 * Agreement with PyTorch. `scripts/pytorch_reference.py make DIR` builds the d2l chapter's PyTorch FCN,
 * runs it in eval mode and writes DIR/d2l-fcn.safetensors (its state dict) and DIR/io.safetensors
 * (`input` and `logits`, NCHW). The committed fixtures/ are a narrow one (width 4, 3 classes, 64x96);
 * FCN_PYTORCH_REFERENCE=DIR checks another (say the full-width network at 320x480) instead, and then
 * also writes DIR/from-tfjs*.safetensors for `pytorch_reference.py check DIR`, the reverse direction.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { FCN } from './fcn.js';
import { float32Tensor, toFloat32 } from './safetensors/dtypes.js';
import { readSafetensors } from './safetensors/read.js';
import { writeSafetensors } from './safetensors/write.js';
import { fromWeights, saveWeights } from './weights.js';

const dir = process.env.FCN_PYTORCH_REFERENCE ?? join(import.meta.dirname, '..', 'fixtures');
const read = (name: string) => readSafetensors(readFileSync(join(dir, name)));

function nchw(file: ReturnType<typeof read>, key: string): tf.Tensor4D {
  const raw = file.tensors.get(key)!;
  return tf.tensor4d(toFloat32(raw), raw.shape as [number, number, number, number]);
}

describe('agreement with PyTorch (d2l FCN, eval mode)', () => {
  it('logits of a model loaded from a PyTorch state dict match PyTorch on the same input', {
    timeout: 600_000,
  }, () => {
    const model = (fromWeights(readFileSync(join(dir, 'd2l-fcn.safetensors'))) as FCN).eval();
    const io = read('io.safetensors');
    const input = tf.transpose(nchw(io, 'input'), [0, 2, 3, 1]);
    const expected = tf.transpose(nchw(io, 'logits'), [0, 2, 3, 1]);
    const logits = model.forward(input);
    expect(logits.shape).toEqual(expected.shape);
    const diff = tf.max(tf.abs(tf.sub(logits, expected))).dataSync()[0]!;
    const scale = tf.max(tf.abs(expected)).dataSync()[0]!;
    console.log(
      `PyTorch agreement (${dir}): ${model.config.trunk.arch} width ${model.config.trunk.width}, ` +
        `input ${input.shape}: max |diff| ${diff.toExponential(2)}, largest logit ${scale.toFixed(3)}`,
    );
    expect(scale).toBeGreaterThan(0.1);
    expect(diff).toBeLessThan(1e-4 * Math.max(1, scale));
    // The logits depend on the input (so the agreement is not that of two constant maps).
    const mirrored = model.forward(tf.reverse(input, 2));
    expect(tf.max(tf.abs(tf.sub(mirrored, expected))).dataSync()[0]).toBeGreaterThan(0.02);

    if (process.env.FCN_PYTORCH_REFERENCE) {
      // The reverse direction: change every weight by up to 5%, export, and let PyTorch check our logits.
      let seed = 1;
      for (const [, v] of [...model.namedParameters(), ...model.namedBuffers()]) {
        v.assign(tf.mul(v, tf.randomUniform(v.shape, 0.95, 1.05, 'float32', seed++)));
      }
      writeFileSync(join(dir, 'from-tfjs.safetensors'), saveWeights(model, { format: 'd2l' }));
      const ours = tf.transpose(model.forward(input), [0, 3, 1, 2]);
      const nchwInput = nchw(io, 'input');
      writeFileSync(
        join(dir, 'from-tfjs-io.safetensors'),
        writeSafetensors({
          input: float32Tensor(nchwInput.dataSync() as Float32Array, nchwInput.shape),
          logits: float32Tensor(ours.dataSync() as Float32Array, ours.shape),
        }),
      );
    }
    model.dispose();
  });

  it("our keys are the PyTorch model's: torchvision export = the reference ResNet's keys minus fc", () => {
    const file = read('d2l-fcn.safetensors');
    const torchvisionKeys = JSON.parse(file.metadata.torchvision_keys!) as string[];
    const model = fromWeights(readFileSync(join(dir, 'd2l-fcn.safetensors')));
    const exported = readSafetensors(saveWeights(model, { format: 'torchvision' }));
    expect(new Set([...exported.tensors.keys(), 'fc.weight', 'fc.bias'])).toEqual(new Set(torchvisionKeys));
    const d2l = readSafetensors(saveWeights(model, { format: 'd2l' }));
    expect(new Set(d2l.tensors.keys())).toEqual(new Set(file.tensors.keys()));
    model.dispose();
  });
});
