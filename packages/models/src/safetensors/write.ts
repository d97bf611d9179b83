import { DTYPE_BYTES, isDtype, type RawTensor } from './dtypes.js';

/** A tensor to write: dtype, shape, and its little-endian bytes (any typed array view). */
export interface TensorToWrite {
  dtype: RawTensor['dtype'];
  shape: readonly number[];
  data: ArrayBufferView;
}

/**
 * Serialise tensors and string metadata as a safetensors file. Tensors are laid out by element size
 * (largest first, then in the order given) after a header padded with spaces to a multiple of 8 bytes,
 * so every tensor starts aligned to its element size, as the reference writer does.
 */
export function writeSafetensors(
  tensors: Map<string, TensorToWrite> | Record<string, TensorToWrite>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const entries = [...(tensors instanceof Map ? tensors : Object.entries(tensors))];
  for (const [name, t] of entries) {
    if (!name || name === '__metadata__') throw new Error(`writeSafetensors: invalid tensor name '${name}'`);
    if (!isDtype(t.dtype)) throw new Error(`writeSafetensors: '${name}' has unknown dtype ${t.dtype}`);
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new Error(`writeSafetensors: '${name}' has invalid shape [${t.shape}]`);
    }
    const size = t.shape.reduce((a, d) => a * d, DTYPE_BYTES[t.dtype]);
    if (t.data.byteLength !== size) {
      throw new Error(
        `writeSafetensors: '${name}' has ${t.data.byteLength} bytes; ${t.dtype} [${t.shape}] needs ${size}`,
      );
    }
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') throw new Error(`writeSafetensors: metadata '${key}' is not a string`);
  }
  const ordered = entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => DTYPE_BYTES[b.entry[1].dtype] - DTYPE_BYTES[a.entry[1].dtype] || a.index - b.index)
    .map(({ entry }) => entry);

  // No prototype: a tensor named '__proto__' must become a plain key.
  const header: Record<string, unknown> = Object.create(null);
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of ordered) {
    header[name] = {
      dtype: t.dtype,
      shape: [...t.shape],
      data_offsets: [offset, offset + t.data.byteLength],
    };
    offset += t.data.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.byteLength / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.byteLength, 8 + headerLength);
  let position = 8 + headerLength;
  for (const [, t] of ordered) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), position);
    position += t.data.byteLength;
  }
  return out;
}
