import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { f32, PickleWriter, stateDictPickle, type TensorSpec, zipPth } from '../../test/pickles.js';
import { toFloat32 } from '../safetensors/dtypes.js';
import { PthError } from './errors.js';
import { readPth } from './read.js';

const storage = f32([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
const matrix: TensorSpec = { name: 'm', key: '0', numel: 12, shape: [3, 4], stride: [4, 1] };
const file = (tensors: TensorSpec[], records: Record<string, Uint8Array> = { 0: storage }) =>
  zipPth(stateDictPickle(tensors), records);

describe('the zip format (PyTorch >= 1.6)', () => {
  it('reads views of one storage: sizes, strides and offsets', () => {
    const read = readPth(
      file([
        matrix,
        { name: 't', key: '0', numel: 12, shape: [4, 3], stride: [1, 4] },
        { name: 'tail', key: '0', numel: 12, offset: 5, shape: [2, 2], stride: [3, 1] },
      ]),
    );
    expect(Array.from(toFloat32(read.tensors.get('m')!))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(Array.from(toFloat32(read.tensors.get('t')!))).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
    expect(Array.from(toFloat32(read.tensors.get('tail')!))).toEqual([5, 6, 8, 9]);
  });

  it('reads an archive whose records were deflated (re-zipped by a zip tool)', () => {
    const stored = file([matrix]);
    const deflated = zipSync(
      { 'archive/data.pkl': stateDictPickle([matrix]), 'archive/data/0': storage },
      { level: 6 },
    );
    expect(readPth(deflated).tensors.get('m')).toEqual(readPth(stored).tensors.get('m'));
  });

  it.each<[string, TensorSpec, RegExp]>([
    [
      'a stride reaching past the storage',
      { ...matrix, stride: [5, 1] },
      /tensor 'm' \(F32 \[3, 4\], stride \[5, 1\], offset 0\) reaches element 13, outside its storage of 12 elements/,
    ],
    [
      'an offset past the storage',
      { ...matrix, offset: 1 },
      /tensor 'm' .* reaches element 12, outside its storage of 12 elements/,
    ],
    [
      'an offset beyond even an empty view',
      { ...matrix, shape: [0], stride: [1], offset: 13 },
      /starts outside/,
    ],
    [
      'sizes and strides of different lengths',
      { ...matrix, stride: [1] },
      /size \[3,4\] and stride \[1\] have different lengths/,
    ],
  ])('refuses %s', (_, spec, message) => {
    expect(() => readPth(file([spec]))).toThrow(PthError);
    expect(() => readPth(file([spec]))).toThrow(message);
  });

  it('refuses records that do not match the persistent ids', () => {
    expect(() => readPth(file([{ ...matrix, numel: 13, shape: [13], stride: [1] }]))).toThrow(
      "invalid .pth file: record 'archive/data/0' holds 48 bytes; 13 elements of torch.FloatStorage need 52",
    );
    expect(() => readPth(file([matrix], {}))).toThrow("the zip archive has no record 'archive/data/0'");
    expect(() => readPth(file([matrix, { ...matrix, name: 'h', storageType: 'HalfStorage' }]))).toThrow(
      "storage '0' is used as torch.FloatStorage and as torch.HalfStorage",
    );
  });

  it('refuses big-endian files, archives without data.pkl, and impossible directories', () => {
    const big = zipPth(
      stateDictPickle([matrix]),
      { 0: storage },
      { 'archive/byteorder': new TextEncoder().encode('big') },
    );
    expect(() => readPth(big)).toThrow("archive/byteorder says 'big': only little-endian files are read");
    const little = zipPth(
      stateDictPickle([matrix]),
      { 0: storage },
      { 'archive/byteorder': new TextEncoder().encode('little') },
    );
    expect(readPth(little).tensors.size).toBe(1);
    expect(() => readPth(zipSync({ 'a/other.txt': new Uint8Array(3) }))).toThrow('has no data.pkl record');
    // An end-of-central-directory record claiming 65535 entries in a file of a few hundred bytes.
    const bomb = file([matrix]);
    const eocd = bomb.length - 22;
    bomb[eocd + 8] = 0xff;
    bomb[eocd + 9] = 0xff;
    expect(() => readPth(bomb)).toThrow(
      /the zip directory claims 65535 entries, more than a file of \d+ bytes can hold/,
    );
    expect(() => readPth(file([matrix]).subarray(0, 200))).toThrow(
      'the zip archive has no end-of-central-directory record (truncated?)',
    );
  });

  it('locates errors in the pickle', () => {
    const pickle = new PickleWriter().proto().emptyDict().global('os', 'system').stop().bytes();
    expect(() => readPth(zipPth(pickle, {}))).toThrow(
      /^refused \.pth file: archive\/data\.pkl at byte 3: .*'os\.system'/,
    );
  });
});
