import { unzipSync } from 'fflate';
import { DTYPE_BYTES } from '../safetensors/dtypes.js';
import type { Safetensors } from '../safetensors/read.js';
import { fail, PthError } from './errors.js';
import { selectStateDict, tensorsOf } from './state-dict.js';
import { StorageTable } from './storage-table.js';
import type { StorageRef } from './torch-globals.js';
import { torchGlobal } from './torch-globals.js';
import { printable, unpickle } from './unpickle.js';

/** Does the file start like a zip archive (`PK\x03\x04`), as torch.save writes since PyTorch 1.6? */
export function isZip(file: Uint8Array): boolean {
  return file.length >= 4 && file[0] === 0x50 && file[1] === 0x4b && file[2] === 0x03 && file[3] === 0x04;
}

/** The largest record this reader inflates (torch.save stores records uncompressed anyway). */
const MAX_INFLATED = 2 ** 31 - 1;
const CENTRAL_HEADER_BYTES = 46;

/**
 * A torch.save zip archive: `<archive>/data.pkl` (the pickle), `<archive>/data/<key>` (one record of raw
 * little-endian elements per storage), `<archive>/version`, and since PyTorch 2.1 `<archive>/byteorder`.
 */
export function readZipPth(file: Uint8Array): Safetensors {
  const records = unzipRecords(file);
  const pickles = Object.keys(records).filter((name) => name === 'data.pkl' || name.endsWith('/data.pkl'));
  if (pickles.length !== 1) {
    fail(
      pickles.length === 0
        ? 'the zip archive has no data.pkl record: it is not a torch.save file (or it is truncated)'
        : `the zip archive has ${pickles.length} data.pkl records (${pickles.slice(0, 3).join(', ')})`,
    );
  }
  const pickleName = pickles[0]!;
  const prefix = pickleName.slice(0, -'data.pkl'.length);
  const byteorder = record(records, `${prefix}byteorder`);
  if (byteorder !== undefined) {
    const order = new TextDecoder().decode(byteorder).trim();
    if (order !== 'little') {
      fail(`${prefix}byteorder says '${printable(order, 20)}': only little-endian files are read`);
    }
  }

  const storages = new StorageTable();
  const { value } = unpickle(record(records, pickleName)!, 0, pickleName, {
    global: torchGlobal,
    persistentLoad: storages.persistentLoad,
  });
  const stateDict = selectStateDict(value);

  const storageBytes = (ref: StorageRef): Uint8Array => {
    const name = `${prefix}data/${ref.key}`;
    const bytes = record(records, name);
    if (bytes === undefined)
      fail(`the zip archive has no record '${printable(name, 80)}' for a storage the pickle uses`);
    const expected = ref.numel * DTYPE_BYTES[ref.dtype];
    if (bytes.length !== expected) {
      fail(
        `record '${printable(name, 80)}' holds ${bytes.length} bytes; ${ref.numel} elements of ` +
          `torch.${ref.type.name} need ${expected} (truncated or corrupted?)`,
      );
    }
    return bytes;
  };
  return { tensors: tensorsOf(stateDict, storageBytes, file.length), metadata: {} };
}

function record(records: Record<string, Uint8Array>, name: string): Uint8Array | undefined {
  return Object.hasOwn(records, name) ? records[name] : undefined;
}

function unzipRecords(file: Uint8Array): Record<string, Uint8Array> {
  checkDirectorySize(file);
  try {
    return unzipSync(file, {
      filter: ({ name, size, originalSize, compression }) => {
        if (compression !== 0 && compression !== 8) {
          fail(
            `zip record '${printable(name, 80)}' uses compression method ${compression} (only stored or deflated)`,
          );
        }
        if (compression === 8 && (originalSize > MAX_INFLATED || originalSize > 1032 * size + 1024)) {
          fail(`zip record '${printable(name, 80)}' claims to inflate ${size} bytes into ${originalSize}`);
        }
        return true;
      },
    });
  } catch (e) {
    if (e instanceof PthError) throw e;
    fail(`not a readable zip archive (${e instanceof Error ? e.message : String(e)}; truncated?)`);
  }
}

/**
 * fflate trusts the entry count of the end-of-central-directory record; a corrupted count (up to 2^32
 * with zip64) would make it loop for minutes. Each central-directory entry takes at least 46 bytes, so
 * a count the file cannot hold is refused here first.
 */
function checkDirectorySize(file: Uint8Array): void {
  // Read as fflate reads: bytes outside the file count as 0.
  const byte = (at: number) => file[at] ?? 0;
  const b2 = (at: number) => byte(at) | (byte(at + 1) << 8);
  const b4 = (at: number) => (b2(at) | (byte(at + 2) << 16) | (byte(at + 3) << 24)) >>> 0;
  let end = file.length - 22;
  while (end > 0 && b4(end) !== 0x06054b50 && file.length - end <= 65558) end--;
  if (end < 0 || b4(end) !== 0x06054b50) {
    fail('the zip archive has no end-of-central-directory record (truncated?)');
  }
  let entries = b2(end + 8);
  if (b4(end - 20) === 0x07064b50) {
    const zip64 = b4(end - 12);
    if (b4(zip64) === 0x06064b50) entries = b4(zip64 + 32);
  }
  if (entries * CENTRAL_HEADER_BYTES > file.length) {
    fail(`the zip directory claims ${entries} entries, more than a file of ${file.length} bytes can hold`);
  }
}
