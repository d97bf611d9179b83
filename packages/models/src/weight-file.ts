import { isLegacyPth } from './pytorch/legacy-format.js';
import { readPth } from './pytorch/read.js';
import { isZip } from './pytorch/zip-format.js';
import { readSafetensors, type Safetensors, SafetensorsError } from './safetensors/read.js';

/**
 * Read a weight file of either kind, told apart by its first bytes: a PyTorch `.pth` (a zip archive,
 * `PK\x03\x04`, or the legacy pickle format, 0x80 then the magic number) with `readPth`, or safetensors
 * (an 8-byte header length, then a JSON object) with `readSafetensors`. Errors: `PthError` for a bad
 * .pth, `SafetensorsError` for a bad safetensors file or one of neither kind.
 */
export function readWeightFile(bytes: Uint8Array | ArrayBuffer): Safetensors {
  const file =
    bytes instanceof Uint8Array
      ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      : new Uint8Array(bytes);
  if (isZip(file) || isLegacyPth(file)) return readPth(file);
  if (file.length >= 10 && file[8] === 0x7b /* { */) return readSafetensors(file);
  throw new SafetensorsError(
    'unrecognised weight file: expected safetensors (an 8-byte header length, then a JSON header) or a ' +
      'PyTorch .pth written by torch.save (a zip archive, or the legacy format of PyTorch < 1.6)',
  );
}
