/**
 * Pickles and .pth files assembled by hand, opcode by opcode, as torch.save writes them (protocol 2),
 * so that tests can make files torch.save never would: out-of-bounds strides, wrong record sizes,
 * big-endian markers, forbidden globals.
 */
import { zipSync } from 'fflate';

const encoder = new TextEncoder();

export class PickleWriter {
  private readonly out: number[] = [];

  op(...bytes: number[]): this {
    this.out.push(...bytes);
    return this;
  }
  proto(version = 2): this {
    return this.op(0x80, version);
  }
  str(text: string): this {
    const bytes = encoder.encode(text);
    return this.op(0x58, ...le(bytes.length, 4), ...bytes);
  }
  /** A non-negative int as torch writes it (BININT1, BININT2, BININT), or LONG1 beyond. */
  int(n: number | bigint): this {
    if (typeof n === 'number' && n >= 0 && n < 256) return this.op(0x4b, n);
    if (typeof n === 'number' && n >= 0 && n < 65536) return this.op(0x4d, ...le(n, 2));
    if (typeof n === 'number' && n >= -(2 ** 31) && n < 2 ** 31) return this.op(0x4a, ...le(n >>> 0, 4));
    const bytes = le(BigInt.asUintN(64, BigInt(n)), 8);
    return this.op(0x8a, 8, ...bytes);
  }
  global(module: string, name: string): this {
    return this.op(0x63, ...encoder.encode(`${module}\n${name}\n`));
  }
  mark(): this {
    return this.op(0x28);
  }
  tuple(): this {
    return this.op(0x74);
  }
  emptyTuple(): this {
    return this.op(0x29);
  }
  emptyDict(): this {
    return this.op(0x7d);
  }
  emptyList(): this {
    return this.op(0x5d);
  }
  setitems(): this {
    return this.op(0x75);
  }
  appends(): this {
    return this.op(0x65);
  }
  reduce(): this {
    return this.op(0x52);
  }
  persid(): this {
    return this.op(0x51);
  }
  none(): this {
    return this.op(0x4e);
  }
  bool(value: boolean): this {
    return this.op(value ? 0x88 : 0x89);
  }
  stop(): this {
    return this.op(0x2e);
  }
  /** A tuple of non-negative ints. */
  ints(values: readonly number[]): this {
    this.mark();
    for (const v of values) this.int(v);
    return this.tuple();
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

function le(value: number | bigint, size: number): number[] {
  let v = BigInt(value);
  const out: number[] = [];
  for (let i = 0; i < size; i++) {
    out.push(Number(v & 0xffn));
    v >>= 8n;
  }
  return out;
}

export interface TensorSpec {
  name: string;
  /** The storage's key: a record `data/<key>` (zip) or an entry of the storage list (legacy). */
  key: string;
  storageType?: string;
  /** The storage's element count, as the persistent id states it. */
  numel: number;
  offset?: number;
  shape: number[];
  stride: number[];
  /** Legacy storage views: (view_key, offset, view_numel). */
  view?: [string, number, number];
}

/** The persistent id and _rebuild_tensor_v2 call of one tensor, as torch.save writes them. */
export function writeTensor(w: PickleWriter, t: TensorSpec, legacy = false): PickleWriter {
  w.global('torch._utils', '_rebuild_tensor_v2').mark();
  w.mark()
    .str('storage')
    .global('torch', t.storageType ?? 'FloatStorage')
    .str(t.key)
    .str('cpu')
    .int(t.numel);
  if (legacy) {
    if (t.view) w.mark().str(t.view[0]).int(t.view[1]).int(t.view[2]).tuple();
    else w.none();
  }
  w.tuple().persid();
  w.int(t.offset ?? 0)
    .ints(t.shape)
    .ints(t.stride)
    .bool(false);
  w.global('collections', 'OrderedDict').emptyTuple().reduce();
  return w.tuple().reduce();
}

/** A pickle of `{name: tensor, ...}` with `extra` entries (written by the callback) after them. */
export function stateDictPickle(
  tensors: TensorSpec[],
  options: { legacy?: boolean; extra?: (w: PickleWriter) => void } = {},
): Uint8Array {
  const w = new PickleWriter().proto().emptyDict().mark();
  for (const t of tensors) writeTensor(w.str(t.name), t, options.legacy);
  options.extra?.(w);
  return w.setitems().stop().bytes();
}

/** Float32 little-endian bytes. */
export function f32(values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

/** A torch.save zip archive: `archive/data.pkl`, `archive/data/<key>` records, `archive/version`. */
export function zipPth(
  pickle: Uint8Array,
  storages: Record<string, Uint8Array>,
  extra: Record<string, Uint8Array> = {},
): Uint8Array {
  const files: Record<string, Uint8Array> = { 'archive/data.pkl': pickle };
  for (const [key, bytes] of Object.entries(storages)) files[`archive/data/${key}`] = bytes;
  Object.assign(files, extra);
  files['archive/version'] = encoder.encode('3\n');
  return zipSync(files, { level: 0 });
}

/** The legacy format: magic, protocol version, sys_info, the pickle, the storage keys, the storages. */
export function legacyPth(
  pickle: Uint8Array,
  storages: { key: string; numel: number; bytes: Uint8Array }[],
  options: { littleEndian?: boolean } = {},
): Uint8Array {
  const magic = new PickleWriter()
    .proto()
    .op(0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19)
    .stop();
  const version = new PickleWriter().proto().int(1001).stop();
  const sysInfo = new PickleWriter()
    .proto()
    .emptyDict()
    .mark()
    .str('protocol_version')
    .int(1001)
    .str('little_endian')
    .bool(options.littleEndian ?? true)
    .setitems()
    .stop();
  const keys = new PickleWriter().proto().emptyList().mark();
  for (const s of storages) keys.str(s.key);
  keys.appends().stop();
  const parts: number[] = [
    ...magic.bytes(),
    ...version.bytes(),
    ...sysInfo.bytes(),
    ...pickle,
    ...keys.bytes(),
  ];
  for (const s of storages) parts.push(...le(s.numel, 8), ...s.bytes);
  return Uint8Array.from(parts);
}
