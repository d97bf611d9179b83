import { describe, expect, it } from 'vitest';
import {
  f32,
  PickleWriter,
  stateDictPickle,
  type TensorSpec,
  writeTensor,
  zipPth,
} from '../../test/pickles.js';
import { toFloat32 } from '../safetensors/dtypes.js';
import { readPth } from './read.js';

const vector: TensorSpec = { name: 'v', key: '0', numel: 3, shape: [3], stride: [1] };
const records = { 0: f32([1, 2, 3]) };

/** A .pth whose pickle's top level is written by `top`. */
const pthOf = (top: (w: PickleWriter) => void) => {
  const w = new PickleWriter().proto();
  top(w);
  return zipPth(w.stop().bytes(), records);
};

describe('what a .pth may hold', () => {
  it("takes the state dict out of a checkpoint's 'state_dict' or 'model' entry, ignoring the rest", () => {
    for (const wrapper of ['state_dict', 'model']) {
      const file = pthOf((w) => {
        w.emptyDict().mark().str('epoch').int(3).str('optimizer').emptyDict();
        w.str(wrapper).emptyDict().mark();
        writeTensor(w.str('v'), vector).setitems();
        w.str('other').emptyDict().mark();
        writeTensor(w.str('x'), vector).setitems().setitems();
      });
      const { tensors } = readPth(file);
      expect([...tensors.keys()]).toEqual(['v']);
      expect(Array.from(toFloat32(tensors.get('v')!))).toEqual([1, 2, 3]);
    }
  });

  it('refuses anything else, saying what it found', () => {
    expect(() => readPth(pthOf((w) => w.emptyList()))).toThrow(
      'invalid .pth file: the pickle holds a list of 0, not a dict of tensors: only state dicts are read',
    );
    const withEpoch = zipPth(stateDictPickle([vector], { extra: (w) => w.str('epoch').int(3) }), records);
    expect(() => readPth(withEpoch)).toThrow(
      "the pickle holds a dict whose entry 'epoch' is the int 3, not a tensor, and no 'state_dict' or 'model' entry",
    );
    const nested = pthOf((w) =>
      w.emptyDict().mark().str('model').emptyDict().mark().str('a').int(1).setitems().setitems(),
    );
    expect(() => readPth(nested)).toThrow("entry 'model' is a dict of 1, not a tensor");
    const intKey = pthOf((w) => writeTensor(w.emptyDict().mark().int(5), vector).setitems());
    expect(() => readPth(intKey)).toThrow('a state dict key is the int 5, not a str');
  });

  it('bounds the bytes that copying strided views may allocate', () => {
    // A stride-0 view of one element as a 4096 x 4096 tensor: 64 MiB from a file of a few hundred bytes.
    const huge: TensorSpec = { name: 'e', key: '0', numel: 3, shape: [4096, 4096], stride: [0, 0] };
    expect(() => readPth(zipPth(stateDictPickle([huge]), records))).toThrow(
      /tensor 'e' \(F32 \[4096, 4096\], stride \[0, 0\], offset 0\): copying this strided view would exceed the \d+-byte budget/,
    );
    const small: TensorSpec = { ...huge, shape: [2, 3] };
    expect(
      Array.from(toFloat32(readPth(zipPth(stateDictPickle([small]), records)).tensors.get('e')!)),
    ).toEqual([1, 1, 1, 1, 1, 1]);
  });
});
