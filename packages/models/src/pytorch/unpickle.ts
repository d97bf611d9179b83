import { PickleRefusal, PthError } from './errors.js';

/**
 * A restricted Python unpickler (protocols 1 to 5, the binary opcodes; the text-only opcodes of protocol
 * 0 that carry strings are refused). It builds plain values only:
 *
 * None → null, bool → boolean, int → number (bigint beyond ±2^53), float → number, str → string,
 * bytes → Uint8Array, tuple → frozen array, list → array, dict → Map (insertion order kept).
 *
 * Everything else comes from `hooks`: what a GLOBAL names (`hooks.global`, which refuses all but a few
 * names) and what a persistent id stands for (`hooks.persistentLoad`). REDUCE calls only a `PyCallable`
 * the hooks returned; BUILD is accepted only to set attributes of a dict (an OrderedDict's `_metadata`),
 * which are ignored; opcodes that construct objects (NEWOBJ, OBJ, INST) are refused. No recursion, and
 * each opcode costs time linear in the bytes it reads, so any input ends quickly.
 */

/** A value made by the hooks; `pyType` says what it is in error messages ('a torch storage'). */
export abstract class PyObject {
  abstract get pyType(): string;
}

/** A global that REDUCE may call, with the pickle's argument tuple. */
export class PyCallable extends PyObject {
  constructor(
    readonly qualifiedName: string,
    readonly call: (args: readonly unknown[]) => unknown,
  ) {
    super();
  }
  get pyType(): string {
    return `the global ${this.qualifiedName}`;
  }
}

export interface PickleHooks {
  /** What GLOBAL / STACK_GLOBAL pushes for `module.name`; throws `PickleRefusal` for names not allowed. */
  global(module: string, name: string): unknown;
  /** What BINPERSID pushes for a persistent id. */
  persistentLoad(pid: unknown): unknown;
}

export interface Unpickled {
  value: unknown;
  /** The offset just after the STOP opcode. */
  end: number;
}

export const isTuple = (v: unknown): v is readonly unknown[] => Array.isArray(v) && Object.isFrozen(v);
const isList = (v: unknown): v is unknown[] => Array.isArray(v) && !Object.isFrozen(v);

/** A short description of a pickled value for error messages. */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return `the bool ${v ? 'True' : 'False'}`;
  if (typeof v === 'number') return Number.isInteger(v) ? `the int ${v}` : `the float ${v}`;
  if (typeof v === 'bigint') return 'a large int';
  if (typeof v === 'string') return `the str '${printable(v, 40)}'`;
  if (v instanceof Uint8Array) return `bytes of length ${v.length}`;
  if (isTuple(v)) return `a tuple of ${v.length}`;
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (v instanceof Map) return `a dict of ${v.size}`;
  if (v instanceof PyObject) return v.pyType;
  return 'an unknown object';
}

/** `text` cut to `max` characters, with anything outside printable ASCII shown as '?'. */
export function printable(text: string, max = 120): string {
  const cut = text.length > max ? `${text.slice(0, max)}...` : text;
  return cut.replace(/[^\x20-\x7e]/g, '?');
}

const MAX_LONG_BYTES = 64;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

const UNSUPPORTED: Record<number, string> = {
  83: 'STRING (a protocol-0 text string)',
  86: 'UNICODE (a protocol-0 text string)',
  80: 'PERSID (a protocol-0 text persistent id)',
  143: 'EMPTY_SET',
  144: 'ADDITEMS',
  145: 'FROZENSET',
  130: 'EXT1 (the extension registry)',
  131: 'EXT2 (the extension registry)',
  132: 'EXT4 (the extension registry)',
  151: 'NEXT_BUFFER (out-of-band data)',
  152: 'READONLY_BUFFER (out-of-band data)',
};

const CONSTRUCTING: Record<number, string> = { 129: 'NEWOBJ', 146: 'NEWOBJ_EX', 111: 'OBJ' };

/**
 * Unpickle the pickle that starts at `start` in `bytes`. Errors are `PthError`s that say `where` (e.g.
 * 'archive/data.pkl') and the byte offset of the opcode at fault.
 */
export function unpickle(bytes: Uint8Array, start: number, where: string, hooks: PickleHooks): Unpickled {
  const machine = new Machine(bytes, start, hooks);
  try {
    return machine.run();
  } catch (e) {
    if (e instanceof PthError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    const verdict = e instanceof PickleRefusal ? 'refused .pth file' : 'invalid .pth file';
    throw new PthError(`${verdict}: ${where} at byte ${machine.opAt}: ${message}`);
  }
}

class Machine {
  private pos: number;
  opAt: number;
  private readonly view: DataView;
  private readonly stack: unknown[] = [];
  private readonly marks: number[] = [];
  private readonly memo = new Map<number, unknown>();
  private readonly utf8 = new TextDecoder('utf-8');

  constructor(
    private readonly bytes: Uint8Array,
    start: number,
    private readonly hooks: PickleHooks,
  ) {
    this.pos = start;
    this.opAt = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  run(): Unpickled {
    for (;;) {
      this.opAt = this.pos;
      if (this.pos >= this.bytes.length)
        throw new Error('the pickle ends before its STOP opcode (truncated?)');
      const op = this.bytes[this.pos++]!;
      if (op === 0x2e /* . STOP */) return { value: this.pop(), end: this.pos };
      this.step(op);
    }
  }

  private step(op: number): void {
    switch (op) {
      // Framing and structure.
      case 0x80: {
        const version = this.u8();
        if (version > 5) throw new Error(`pickle protocol ${version} is newer than 5 (corrupted?)`);
        return;
      }
      case 0x95: {
        const length = this.u64();
        if (length > this.bytes.length - this.pos)
          throw new Error(`a frame of ${length} bytes runs past the end (truncated?)`);
        return;
      }
      case 0x28 /* ( MARK */:
        this.marks.push(this.stack.length);
        return;
      case 0x30 /* 0 POP */:
        if (this.stack.length > this.fence()) this.stack.pop();
        else if (this.marks.length > 0) this.marks.pop();
        else throw new Error('POP on an empty stack');
        return;
      case 0x31 /* 1 POP_MARK */:
        this.popMark();
        return;
      case 0x32 /* 2 DUP */:
        this.stack.push(this.top());
        return;

      // Memo.
      case 0x70 /* p PUT */:
        this.memo.set(this.decimal(this.line()), this.top());
        return;
      case 0x71 /* q BINPUT */:
        this.memo.set(this.u8(), this.top());
        return;
      case 0x72 /* r LONG_BINPUT */:
        this.memo.set(this.u32(), this.top());
        return;
      case 0x94 /* MEMOIZE */:
        this.memo.set(this.memo.size, this.top());
        return;
      case 0x67 /* g GET */:
        this.stack.push(this.recall(this.decimal(this.line())));
        return;
      case 0x68 /* h BINGET */:
        this.stack.push(this.recall(this.u8()));
        return;
      case 0x6a /* j LONG_BINGET */:
        this.stack.push(this.recall(this.u32()));
        return;

      // Constants and numbers.
      case 0x4e /* N NONE */:
        this.stack.push(null);
        return;
      case 0x88 /* NEWTRUE */:
        this.stack.push(true);
        return;
      case 0x89 /* NEWFALSE */:
        this.stack.push(false);
        return;
      case 0x4a /* J BININT */:
        this.stack.push(this.i32());
        return;
      case 0x4b /* K BININT1 */:
        this.stack.push(this.u8());
        return;
      case 0x4d /* M BININT2 */:
        this.stack.push(this.u16());
        return;
      case 0x8a /* LONG1 */:
        this.stack.push(this.long(this.u8()));
        return;
      case 0x8b /* LONG4 */:
        this.stack.push(this.long(this.i32()));
        return;
      case 0x49 /* I INT */:
        {
          const text = this.line();
          if (text === '00' || text === '01') this.stack.push(text === '01');
          else this.stack.push(this.integer(text));
          return;
        }
      case 0x4c /* L LONG */:
        this.stack.push(this.integer(this.line().replace(/L$/, '')));
        return;
      case 0x46 /* F FLOAT */:
        {
          const text = this.line();
          if (!/^[-+]?(\d+\.?\d*([eE][-+]?\d+)?|inf|nan)$/.test(text))
            throw new Error(`FLOAT '${printable(text, 30)}' is not a number`);
          this.stack.push(
            text.endsWith('inf') ? (text.startsWith('-') ? -Infinity : Infinity) : Number(text),
          );
          return;
        }
      case 0x47 /* G BINFLOAT */:
        {
          this.need(8);
          this.stack.push(this.view.getFloat64(this.pos, false));
          this.pos += 8;
          return;
        }

      // Strings and bytes.
      case 0x58 /* X BINUNICODE */:
        this.stack.push(this.utf8.decode(this.take(this.u32())));
        return;
      case 0x8c /* SHORT_BINUNICODE */:
        this.stack.push(this.utf8.decode(this.take(this.u8())));
        return;
      case 0x8d /* BINUNICODE8 */:
        this.stack.push(this.utf8.decode(this.take(this.u64())));
        return;
      case 0x54 /* T BINSTRING (Python 2 str) */:
        this.stack.push(latin1(this.take(this.i32())));
        return;
      case 0x55 /* U SHORT_BINSTRING */:
        this.stack.push(latin1(this.take(this.u8())));
        return;
      case 0x42 /* B BINBYTES */:
        this.stack.push(this.take(this.u32()));
        return;
      case 0x43 /* C SHORT_BINBYTES */:
        this.stack.push(this.take(this.u8()));
        return;
      case 0x8e /* BINBYTES8 */:
      case 0x96 /* BYTEARRAY8 */:
        this.stack.push(this.take(this.u64()));
        return;

      // Tuples, lists, dicts.
      case 0x29 /* ) EMPTY_TUPLE */:
        this.stack.push(Object.freeze([]));
        return;
      case 0x85 /* TUPLE1 */:
        this.stack.push(Object.freeze([this.pop()]));
        return;
      case 0x86 /* TUPLE2 */:
        {
          const b = this.pop();
          this.stack.push(Object.freeze([this.pop(), b]));
          return;
        }
      case 0x87 /* TUPLE3 */:
        {
          const c = this.pop();
          const b = this.pop();
          this.stack.push(Object.freeze([this.pop(), b, c]));
          return;
        }
      case 0x74 /* t TUPLE */:
        this.stack.push(Object.freeze(this.popMark()));
        return;
      case 0x5d /* ] EMPTY_LIST */:
        this.stack.push([]);
        return;
      case 0x6c /* l LIST */:
        this.stack.push(this.popMark());
        return;
      case 0x61 /* a APPEND */:
        {
          const value = this.pop();
          this.list().push(value);
          return;
        }
      case 0x65 /* e APPENDS */:
        {
          const items = this.popMark();
          const list = this.list();
          for (const item of items) list.push(item);
          return;
        }
      case 0x7d /* } EMPTY_DICT */:
        this.stack.push(new Map());
        return;
      case 0x64 /* d DICT */:
        {
          const dict = new Map<unknown, unknown>();
          setPairs(dict, this.popMark());
          this.stack.push(dict);
          return;
        }
      case 0x73 /* s SETITEM */:
        {
          const value = this.pop();
          const key = this.pop();
          this.dict().set(key, value);
          return;
        }
      case 0x75 /* u SETITEMS */:
        {
          const items = this.popMark();
          setPairs(this.dict(), items);
          return;
        }

      // Globals, calls, persistent ids.
      case 0x63 /* c GLOBAL */:
        {
          const module = this.line();
          this.stack.push(this.hooks.global(module, this.line()));
          return;
        }
      case 0x93 /* STACK_GLOBAL */:
        {
          const name = this.pop();
          const module = this.pop();
          if (typeof module !== 'string' || typeof name !== 'string') {
            throw new Error(`STACK_GLOBAL needs two strs, got ${describe(module)} and ${describe(name)}`);
          }
          this.stack.push(this.hooks.global(module, name));
          return;
        }
      case 0x52 /* R REDUCE */:
        {
          const args = this.pop();
          const callable = this.pop();
          if (!(callable instanceof PyCallable))
            throw new Error(`REDUCE calls ${describe(callable)}, which is not callable`);
          if (!isTuple(args))
            throw new Error(`REDUCE calls ${callable.qualifiedName} with ${describe(args)}, not a tuple`);
          this.stack.push(callable.call(args));
          return;
        }
      case 0x62 /* b BUILD */:
        {
          const state = this.pop();
          const target = this.top();
          // An OrderedDict's attributes (a state dict's `_metadata`): accepted and ignored.
          if (target instanceof Map && (state instanceof Map || state === null)) return;
          throw new PickleRefusal(
            `BUILD sets the state of ${describe(target)} from ${describe(state)}; a state dict only sets an OrderedDict's attributes`,
          );
        }
      case 0x69 /* i INST */:
        {
          const module = this.line();
          this.hooks.global(module, this.line());
          throw new PickleRefusal('opcode INST constructs a Python object; a state dict never does');
        }
      case 0x51 /* Q BINPERSID */:
        this.stack.push(this.hooks.persistentLoad(this.pop()));
        return;
      default: {
        const constructing = CONSTRUCTING[op];
        if (constructing)
          throw new PickleRefusal(
            `opcode ${constructing} constructs a Python object; a state dict never does`,
          );
        const unsupported = UNSUPPORTED[op];
        if (unsupported)
          throw new Error(
            `opcode ${unsupported} is not supported: torch.save never writes it in a state dict`,
          );
        throw new Error(`unknown opcode 0x${op.toString(16).padStart(2, '0')} (corrupted pickle?)`);
      }
    }
  }

  // ------------------------------------------------------------------ the stack
  private fence(): number {
    return this.marks.length > 0 ? this.marks[this.marks.length - 1]! : 0;
  }

  private pop(): unknown {
    if (this.stack.length <= this.fence()) throw new Error('stack underflow (corrupted pickle?)');
    return this.stack.pop();
  }

  private top(): unknown {
    if (this.stack.length <= this.fence()) throw new Error('stack underflow (corrupted pickle?)');
    return this.stack[this.stack.length - 1];
  }

  private popMark(): unknown[] {
    const mark = this.marks.pop();
    if (mark === undefined) throw new Error('no MARK to pop (corrupted pickle?)');
    return this.stack.splice(mark);
  }

  private list(): unknown[] {
    const target = this.top();
    if (!isList(target)) throw new Error(`APPEND to ${describe(target)}, not a list`);
    return target;
  }

  private dict(): Map<unknown, unknown> {
    const target = this.top();
    if (!(target instanceof Map)) throw new Error(`SETITEM on ${describe(target)}, not a dict`);
    return target;
  }

  private recall(index: number): unknown {
    if (!this.memo.has(index)) throw new Error(`memo entry ${index} was never stored (corrupted pickle?)`);
    return this.memo.get(index);
  }

  // ------------------------------------------------------------------ reading bytes
  private need(n: number): void {
    if (n > this.bytes.length - this.pos) {
      const left = this.bytes.length - this.pos;
      throw new Error(`an opcode needs ${n} more byte${n === 1 ? '' : 's'} but ${left} remain (truncated?)`);
    }
  }

  private u8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }

  private u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  private u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  private i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** An unsigned 64-bit length: exact up to 2^53, and anything larger runs past the end anyway. */
  private u64(): number {
    const low = this.u32();
    return low + this.u32() * 2 ** 32;
  }

  private take(n: number): Uint8Array {
    if (n < 0) throw new Error(`a negative length ${n}`);
    this.need(n);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  private line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) throw new Error('a text argument has no end of line (truncated?)');
    const text = this.utf8.decode(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return text;
  }

  private decimal(text: string): number {
    if (!/^\d{1,15}$/.test(text)) throw new Error(`'${printable(text, 30)}' is not a memo index`);
    return Number(text);
  }

  private integer(text: string): number | bigint {
    if (!/^[-+]?\d{1,200}$/.test(text)) throw new Error(`'${printable(text, 30)}' is not an integer`);
    return narrow(BigInt(text));
  }

  /** A little-endian two's-complement integer of `n` bytes (LONG1, LONG4). */
  private long(n: number): number | bigint {
    if (n < 0 || n > MAX_LONG_BYTES)
      throw new Error(`an integer of ${n} bytes is not something a state dict holds`);
    const b = this.take(n);
    if (n === 0) return 0;
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    if (b[n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
    return narrow(v);
  }
}

function narrow(v: bigint): number | bigint {
  return v >= -MAX_SAFE && v <= MAX_SAFE ? Number(v) : v;
}

function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return out;
}

function setPairs(dict: Map<unknown, unknown>, items: unknown[]): void {
  if (items.length % 2 !== 0) throw new Error(`${items.length} items after MARK cannot be key/value pairs`);
  for (let i = 0; i < items.length; i += 2) dict.set(items[i], items[i + 1]);
}
