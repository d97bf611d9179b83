/**
 * readPth on files written by torch.save itself (fixtures/pth, made by scripts/make_pth_fixtures.py with
 * Debian's torch 1.13), compared tensor by tensor with the same tensors written as safetensors by the
 * script: dtype, shape and every byte.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toFloat32 } from '../safetensors/dtypes.js';
import { readSafetensors, type Safetensors } from '../safetensors/read.js';
import { PthError } from './errors.js';
import { readPth } from './read.js';

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'pth', name));

function expectSameTensors(actual: Safetensors, expected: Safetensors): void {
  expect([...actual.tensors.keys()]).toEqual([...expected.tensors.keys()]);
  for (const [name, want] of expected.tensors) {
    const got = actual.tensors.get(name)!;
    expect(got.dtype, name).toBe(want.dtype);
    expect(got.shape, name).toEqual(want.shape);
    expect(Array.from(got.data), name).toEqual(Array.from(want.data));
  }
}

describe('readPth on torch.save files', () => {
  const expected = readSafetensors(fixture('state-dict.expected.safetensors'));

  for (const name of ['state-dict.pth', 'state-dict-legacy.pth']) {
    it(`${name}: every dtype, a 0-d scalar, views, shared storages, a Parameter`, () => {
      const file = readPth(fixture(name));
      expectSameTensors(file, expected);
      expect(file.metadata).toEqual({});
      const t = file.tensors;
      expect(new Set([...t.values()].map((x) => x.dtype))).toEqual(
        new Set(['F32', 'F16', 'BF16', 'F64', 'I64', 'I32', 'I16', 'I8', 'U8', 'BOOL']),
      );
      // Views of base = arange(24).reshape(4, 6) * 0.5 - 3, worked out here rather than by PyTorch.
      const base = (i: number) => i * 0.5 - 3;
      expect(Array.from(toFloat32(t.get('row')!))).toEqual([12, 13, 14, 15, 16, 17].map(base));
      expect(Array.from(toFloat32(t.get('slice')!))).toEqual([8, 9, 10, 14, 15, 16].map(base));
      expect(t.get('slice')!.shape).toEqual([2, 3]);
      expect(Array.from(toFloat32(t.get('column')!))).toEqual([1, 7, 13, 19].map(base));
      // w_t is w transposed: element [j, i] of w_t is element [i, j] of w.
      const w = toFloat32(t.get('w')!);
      const wt = toFloat32(t.get('w_t')!);
      expect(t.get('w_t')!.shape).toEqual([4, 3]);
      for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) expect(wt[j * 3 + i]).toBe(w[i * 4 + j]);
      // A stride-0 expand repeats each row's one value.
      const expanded = toFloat32(t.get('expanded')!);
      for (let i = 0; i < 3; i++) expect(new Set(expanded.subarray(4 * i, 4 * i + 4)).size).toBe(1);
      expect(t.get('count')!.shape).toEqual([]);
      expect(Array.from(toFloat32(t.get('count')!))).toEqual([7]);
      expect(Array.from(toFloat32(t.get('scalar')!))).toEqual([1.5]);
      expect(t.get('empty')!.shape).toEqual([0, 3]);
      expect(Array.from(toFloat32(t.get('int16')!))).toEqual([-300, 300]);
      expect(Array.from(t.get('bool')!.data)).toEqual([1, 0, 1]);
    });
  }

  const moduleExpected = readSafetensors(fixture('module.expected.safetensors'));
  it.each([
    ['module.pth', "a module's state_dict(): an OrderedDict with _metadata"],
    ['module-legacy.pth', 'the same, legacy format'],
    ['checkpoint.pth', "{'model': state dict, 'epoch', 'optimizer': SGD state with tensors, ...}"],
    ['checkpoint-legacy.pth', "{'state_dict': state dict, 'epoch', 'global_step'}, legacy format"],
  ])('%s: %s', (name) => {
    const file = readPth(fixture(name));
    expectSameTensors(file, moduleExpected);
    expect([...file.tensors.keys()]).toEqual([
      'conv1.weight',
      'bn1.weight',
      'bn1.bias',
      'bn1.running_mean',
      'bn1.running_var',
      'bn1.num_batches_tracked',
    ]);
  });

  it.each(['malicious.pth', 'malicious-legacy.pth'])(
    '%s (a __reduce__ to os.system) is refused, naming the global',
    (name) => {
      const read = () => readPth(fixture(name));
      expect(read).toThrow(PthError);
      expect(read).toThrow(/global 'posix\.system'.*may run code in Python.*only state dicts/);
    },
  );

  it('accepts an ArrayBuffer and a Node Buffer alike', () => {
    const buffer = fixture('module.pth');
    const copy = new Uint8Array(buffer).slice().buffer;
    expectSameTensors(readPth(copy), readPth(buffer));
  });

  it('refuses a file of neither format in one line', () => {
    expect(() => readPth(new Uint8Array([1, 2, 3]))).toThrow(
      /^invalid \.pth file: neither a zip archive \(torch\.save since PyTorch 1\.6\) nor the legacy/,
    );
  });
});
