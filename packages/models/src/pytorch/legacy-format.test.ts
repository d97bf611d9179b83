import { describe, expect, it } from 'vitest';
import { f32, legacyPth, stateDictPickle, type TensorSpec } from '../../test/pickles.js';
import { toFloat32 } from '../safetensors/dtypes.js';
import { PthError } from './errors.js';
import { readPth } from './read.js';

const root = { key: '140', numel: 6, bytes: f32([0, 1, 2, 3, 4, 5]) };
const whole: TensorSpec = { name: 'w', key: '140', numel: 6, shape: [2, 3], stride: [3, 1] };
const legacy = (tensors: TensorSpec[], storages = [root], littleEndian = true) =>
  legacyPth(stateDictPickle(tensors, { legacy: true }), storages, { littleEndian });

describe('the legacy format (PyTorch < 1.6)', () => {
  it('reads storages after the pickles, and storage views (view_key, offset, numel)', () => {
    const view: TensorSpec = {
      name: 'v',
      key: '140',
      numel: 2,
      view: ['141', 3, 2],
      shape: [2],
      stride: [1],
    };
    const { tensors } = readPth(legacy([whole, view]));
    expect(Array.from(toFloat32(tensors.get('w')!))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(toFloat32(tensors.get('v')!))).toEqual([3, 4]);
  });

  it('refuses views outside their storage, big-endian files, and truncated or unlisted storages', () => {
    const outside: TensorSpec = {
      name: 'v',
      key: '140',
      numel: 4,
      view: ['141', 3, 4],
      shape: [4],
      stride: [1],
    };
    expect(() => readPth(legacy([outside]))).toThrow(
      "a view of storage '140' covers elements [3, 7) of its 6",
    );
    expect(() => readPth(legacy([whole], [root], false))).toThrow(
      'invalid .pth file: the file was saved on a big-endian machine; only little-endian files are read',
    );
    const file = legacy([whole]);
    expect(() => readPth(file.subarray(0, file.length - 1))).toThrow(
      /storage '140' at byte \d+ claims 6 elements of torch\.FloatStorage but only 23 bytes follow \(truncated\?\)/,
    );
    expect(() => readPth(legacy([whole], []))).toThrow(
      "storage '140' is used but not in the file's list of storages",
    );
    expect(() => readPth(legacy([whole], [root, { ...root, key: '9' }]))).toThrow(
      "storage '9' is listed but the pickle never refers to it",
    );
    expect(() => readPth(file.subarray(0, 40))).toThrow(PthError);
  });
});
