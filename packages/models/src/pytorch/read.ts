import type { Safetensors } from '../safetensors/read.js';
import { fail } from './errors.js';
import { isLegacyPth, readLegacyPth } from './legacy-format.js';
import { isZip, readZipPth } from './zip-format.js';

/**
 * Read the state dict of a PyTorch `.pth` file written by torch.save, without Python: the zip archive of
 * PyTorch >= 1.6 or the legacy format before it. The result has the shape `readSafetensors` returns:
 * each tensor contiguous, row-major and little-endian, in the pickle's key order; `metadata` is empty.
 *
 * The top level may be a state dict (a dict or OrderedDict of tensors) or a checkpoint dict with a
 * `state_dict` or `model` entry holding one (its other entries are ignored). The pickle is read by a
 * restricted unpickler that constructs nothing: any Python global beyond those a state dict needs
 * (OrderedDict, torch's tensor and parameter rebuilds, storage classes) is refused, since a .pth pickle
 * may run code in Python. Sizes, strides and storage offsets are honoured and bounds-checked. A bad file
 * gets a `PthError` that says what is wrong and where.
 */
export function readPth(bytes: Uint8Array | ArrayBuffer): Safetensors {
  // A plain view, also of a Node Buffer (whose `slice` and `subarray` differ from Uint8Array's).
  const file =
    bytes instanceof Uint8Array
      ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      : new Uint8Array(bytes);
  if (isZip(file)) return readZipPth(file);
  if (isLegacyPth(file)) return readLegacyPth(file);
  return fail(
    'neither a zip archive (torch.save since PyTorch 1.6) nor the legacy torch.save format (a pickle of its magic number)',
  );
}
