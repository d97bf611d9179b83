import { DTYPE_BYTES, isDtype, type RawTensor } from './dtypes.js';

/** A parsed safetensors file: tensors by name, in file order, and the string metadata. */
export interface Safetensors {
  tensors: Map<string, RawTensor>;
  metadata: Record<string, string>;
}

export interface ReadSafetensorsOptions {
  /** Refuse headers longer than this many bytes. Default 100,000,000, the reference implementation's. */
  maxHeaderBytes?: number;
}

/** A file that is not valid safetensors; the message says what is wrong and where. */
export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

const DEFAULT_MAX_HEADER = 100_000_000;

function fail(message: string): never {
  throw new SafetensorsError(`invalid safetensors file: ${message}`);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/**
 * Parse a safetensors file (8-byte little-endian header length, JSON header, data), validating
 * everything before touching the data: the header length against `maxHeaderBytes` and the file size,
 * UTF-8 and JSON, dtypes, shapes, and that the tensors' byte ranges lie inside the data section, match
 * their dtype and shape, and tile it exactly (no overlap, no gap, nothing after the last tensor).
 * The tensors' `data` are views into `bytes`: nothing is copied or allocated from header values.
 */
export function readSafetensors(
  bytes: Uint8Array | ArrayBuffer,
  options: ReadSafetensorsOptions = {},
): Safetensors {
  // A plain view, also of a Node Buffer (whose `slice` and `subarray` differ from Uint8Array's).
  const file =
    bytes instanceof Uint8Array
      ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      : new Uint8Array(bytes);
  const maxHeader = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER;
  if (file.byteLength < 8) {
    fail(`the file is ${file.byteLength} bytes, too short for the 8-byte header length`);
  }
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(maxHeader)) {
    fail(`the header length ${headerLength} exceeds the limit of ${maxHeader} bytes`);
  }
  const n = Number(headerLength);
  if (8 + n > file.byteLength) {
    fail(`the header claims ${n} bytes but only ${file.byteLength - 8} follow the length (truncated?)`);
  }
  if (n < 2 || file[8] !== 0x7b /* { */) fail('the header is not a JSON object');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(file.subarray(8, 8 + n));
  } catch {
    fail('the header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(`the header is not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(header)) fail('the header is not a JSON object');

  const data = file.subarray(8 + n);
  const metadata = readMetadata(header.__metadata__);
  const entries: { name: string; tensor: Omit<RawTensor, 'data'>; begin: number; end: number }[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    entries.push({ name, ...readEntry(name, value, data.byteLength) });
  }

  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let position = 0;
  let previous = '';
  for (const { name, begin, end } of byOffset) {
    if (begin < position) fail(`tensor '${name}' [${begin}, ${end}) overlaps tensor '${previous}'`);
    if (begin > position) fail(`${begin - position} unused bytes lie before tensor '${name}'`);
    position = end;
    previous = name;
  }
  if (position !== data.byteLength) {
    fail(`${data.byteLength - position} bytes after the last tensor belong to no tensor`);
  }

  const tensors = new Map<string, RawTensor>();
  for (const { name, tensor, begin, end } of entries) {
    tensors.set(name, { ...tensor, data: data.subarray(begin, end) });
  }
  return { tensors, metadata };
}

function readMetadata(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (!isObject(value)) fail('__metadata__ is not an object of strings');
  const metadata: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') fail(`__metadata__ entry '${key}' is not a string`);
    metadata[key] = v;
  }
  return metadata;
}

function readEntry(name: string, value: unknown, dataLength: number) {
  if (!isObject(value)) fail(`tensor '${name}' is not described by an object`);
  const { dtype, shape, data_offsets: offsets } = value;
  if (!isDtype(dtype)) {
    fail(`tensor '${name}' has unknown dtype ${JSON.stringify(dtype)} (known: ${Object.keys(DTYPE_BYTES)})`);
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    fail(`tensor '${name}' has shape ${JSON.stringify(shape)}; expected an array of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    fail(`tensor '${name}' has data_offsets ${JSON.stringify(offsets)}; expected [begin, end]`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataLength) {
    fail(`tensor '${name}' data_offsets [${begin}, ${end}] lie outside the ${dataLength}-byte data section`);
  }
  let size = DTYPE_BYTES[dtype];
  for (const d of shape as number[]) {
    size *= d;
    if (!Number.isSafeInteger(size)) fail(`tensor '${name}' shape [${shape}] is too large`);
  }
  if (end - begin !== size) {
    fail(`tensor '${name}' holds ${end - begin} bytes but ${dtype} [${shape}] needs ${size}`);
  }
  return { tensor: { dtype, shape: [...(shape as number[])] }, begin, end };
}
