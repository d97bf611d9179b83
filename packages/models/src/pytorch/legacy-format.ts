import { DTYPE_BYTES } from '../safetensors/dtypes.js';
import type { Safetensors } from '../safetensors/read.js';
import { fail } from './errors.js';
import { selectStateDict, tensorsOf } from './state-dict.js';
import { StorageTable } from './storage-table.js';
import { type StorageRef, torchGlobal } from './torch-globals.js';
import { describe, type PickleHooks, printable, unpickle } from './unpickle.js';

/** torch.serialization's MAGIC_NUMBER, the first pickle of a legacy file. */
const MAGIC = 0x1950a86a20f9469cfc6cn;
/** LONG1 with 10 bytes, then the magic number little-endian: how that first pickle spells it. */
const MAGIC_OPCODES = [0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
const PROTOCOL_VERSION = 1001;

/**
 * Does the file start like torch.save's legacy format (PyTorch < 1.6, or `_use_new_zipfile_serialization=
 * False`): a pickle (PROTO opcode 0x80) of the magic number?
 */
export function isLegacyPth(file: Uint8Array): boolean {
  if (file[0] !== 0x80) return false;
  // After PROTO n (2 bytes), maybe a FRAME (9 bytes, protocol 4 and later).
  return [2, 11].some((at) => MAGIC_OPCODES.every((b, i) => file[at + i] === b));
}

/**
 * The legacy format: consecutive pickles (the magic number, the protocol version 1001, a dict of system
 * information, the object with storages as persistent ids, the list of storage keys), then each storage
 * in that order as an int64 element count and its raw little-endian elements.
 */
export function readLegacyPth(file: Uint8Array): Safetensors {
  const storages = new StorageTable();
  const hooks: PickleHooks = { global: torchGlobal, persistentLoad: storages.persistentLoad };
  const magic = unpickle(file, 0, 'legacy format, magic-number pickle', hooks);
  if (magic.value !== MAGIC) fail('the first pickle is not the legacy torch.save magic number');
  const version = unpickle(file, magic.end, 'legacy format, protocol-version pickle', hooks);
  if (version.value !== PROTOCOL_VERSION) {
    fail(`legacy protocol version ${describe(version.value)}; only ${PROTOCOL_VERSION} is known`);
  }
  const sysInfo = unpickle(file, version.end, 'legacy format, system-information pickle', hooks);
  if (!(sysInfo.value instanceof Map))
    fail(`the system information is ${describe(sysInfo.value)}, not a dict`);
  if (sysInfo.value.get('little_endian') === false) {
    fail('the file was saved on a big-endian machine; only little-endian files are read');
  }
  const main = unpickle(file, sysInfo.end, 'legacy format, main pickle', hooks);
  const keys = unpickle(file, main.end, 'legacy format, storage-key pickle', hooks);
  const stored = readStorages(file, keys.value, keys.end, storages);

  const storageBytes = (ref: StorageRef): Uint8Array => {
    const bytes = stored.get(ref.key);
    if (bytes === undefined)
      fail(`storage '${printable(ref.key, 40)}' is used but not in the file's list of storages`);
    if (!ref.isView) return bytes;
    const size = DTYPE_BYTES[ref.dtype];
    const available = bytes.length / size;
    if (ref.elementOffset + ref.numel > available) {
      fail(
        `a view of storage '${printable(ref.key, 40)}' covers elements [${ref.elementOffset}, ` +
          `${ref.elementOffset + ref.numel}) of its ${available}`,
      );
    }
    return bytes.subarray(ref.elementOffset * size, (ref.elementOffset + ref.numel) * size);
  };
  return { tensors: tensorsOf(selectStateDict(main.value), storageBytes, file.length), metadata: {} };
}

/** The storages after the pickles, by key: each an int64 element count, then the elements. */
function readStorages(
  file: Uint8Array,
  keys: unknown,
  start: number,
  storages: StorageTable,
): Map<string, Uint8Array> {
  if (!Array.isArray(keys)) fail(`the list of storage keys is ${describe(keys)}`);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out = new Map<string, Uint8Array>();
  let at = start;
  for (const key of keys) {
    if (typeof key !== 'string') fail(`a storage key is ${describe(key)}, not a str`);
    const ref = storages.get(key);
    if (ref === undefined)
      fail(
        `storage '${printable(key, 40)}' is listed but the pickle never refers to it, so its type is unknown`,
      );
    if (out.has(key)) fail(`storage '${printable(key, 40)}' is listed twice`);
    if (file.length - at < 8)
      fail(`storage '${printable(key, 40)}' at byte ${at}: the file ends before its size (truncated?)`);
    const numel = view.getBigInt64(at, true);
    const size = BigInt(DTYPE_BYTES[ref.dtype]);
    if (numel < 0n || numel * size > BigInt(file.length - at - 8)) {
      fail(
        `storage '${printable(key, 40)}' at byte ${at} claims ${numel} elements of torch.${ref.type.name} ` +
          `but only ${file.length - at - 8} bytes follow (truncated?)`,
      );
    }
    const bytes = Number(numel * size);
    out.set(key, file.subarray(at + 8, at + 8 + bytes));
    at += 8 + bytes;
  }
  return out;
}
