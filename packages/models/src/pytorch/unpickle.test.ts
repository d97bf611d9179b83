import { describe, expect, it } from 'vitest';
import { PickleWriter } from '../../test/pickles.js';
import { PthError } from './errors.js';
import { torchGlobal } from './torch-globals.js';
import { type PickleHooks, unpickle } from './unpickle.js';

const hex = (text: string) => Uint8Array.from(text.match(/../g)!, (b) => Number.parseInt(b, 16));

const hooks: PickleHooks = {
  global: torchGlobal,
  persistentLoad: () => {
    throw new Error('no persistent ids here');
  },
};
const load = (bytes: Uint8Array) => unpickle(bytes, 0, 'test.pkl', hooks).value;

/**
 * pickle.dumps({'a': (1, -1, 300, 70000, -70000, 2**40, -2**63, 2**64), 'f': 1.5, 't': True, 'n': None,
 * 's': 'é', 'l': [1, 2, 'x'], 'o': OrderedDict([('k', 1)])}, protocol=p) by Python 3.11.
 */
const PLAIN: Record<number, string> = {
  1: '7d7100285801000000617101284b014affffffff4d2c014a701101004a90eefeff4c313039393531313632373737364c0a4c2d393232333337323033363835343737353830384c0a4c31383434363734343037333730393535313631364c0a7471025801000000667103473ff800000000000058010000007471044930310a58010000006e71054e58010000007371065802000000c3a9710758010000006c71085d7109284b014b02580100000078710a6558010000006f710b63636f6c6c656374696f6e730a4f726465726564446963740a710c2952710d58010000006b710e4b0173752e',
  2: '80027d7100285801000000617101284b014affffffff4d2c014a701101004a90eefeff8a060000000000018a0800000000000000808a090000000000000000017471025801000000667103473ff800000000000058010000007471048858010000006e71054e58010000007371065802000000c3a9710758010000006c71085d7109284b014b02580100000078710a6558010000006f710b63636f6c6c656374696f6e730a4f726465726564446963740a710c2952710d58010000006b710e4b0173752e',
  4: '80049599000000000000007d94288c016194284b014affffffff4d2c014a701101004a90eefeff8a060000000000018a0800000000000000808a0900000000000000000174948c016694473ff80000000000008c017494888c016e944e8c0173948c02c3a9948c016c945d94284b014b028c017894658c016f948c0b636f6c6c656374696f6e73948c0b4f726465726564446963749493942952948c016b944b0173752e',
};

describe('the restricted unpickler', () => {
  it.each([1, 2, 4])('reads plain values of protocol %i as Python wrote them', (protocol) => {
    const value = load(hex(PLAIN[protocol]!)) as Map<string, unknown>;
    expect(value).toBeInstanceOf(Map);
    expect([...value.keys()]).toEqual(['a', 'f', 't', 'n', 's', 'l', 'o']);
    const a = value.get('a') as unknown[];
    expect(Object.isFrozen(a)).toBe(true); // a tuple
    expect(a).toEqual([1, -1, 300, 70000, -70000, 2 ** 40, -(2n ** 63n), 2n ** 64n]);
    expect(value.get('f')).toBe(1.5);
    expect(value.get('t')).toBe(true);
    expect(value.get('n')).toBe(null);
    expect(value.get('s')).toBe('é');
    expect(value.get('l')).toEqual([1, 2, 'x']);
    expect(Object.isFrozen(value.get('l'))).toBe(false); // a list
    expect(value.get('o')).toEqual(new Map([['k', 1]]));
  });

  it('reads bytes (protocol 4) and reports where the pickle ends', () => {
    const bytes = hex('8004950d000000000000007d948c0162944302787994732e');
    const { value, end } = unpickle(bytes, 0, 'test.pkl', hooks);
    expect(Array.from((value as Map<string, Uint8Array>).get('b')!)).toEqual([0x78, 0x79]);
    expect(end).toBe(bytes.length);
  });

  it.each([
    // class E: __reduce__ = lambda self: (eval, ('1+1',)); pickle.dumps({'w': E()}, protocol=2)
    [
      '__builtin__.eval',
      '80027d71005801000000777101635f5f6275696c74696e5f5f0a6576616c0a71025803000000312b317103857104527105732e',
    ],
    // the same, protocol 4: STACK_GLOBAL
    [
      'builtins.eval',
      '80049526000000000000007d948c0177948c086275696c74696e73948c046576616c9493942952948c03312b319485945294732e',
    ],
    // pickle.dumps({'w': numpy.zeros(2, dtype=numpy.float32)}, protocol=2)
    [
      'numpy.core.multiarray._reconstruct',
      '80027d71005801000000777101636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7102636e756d70790a6e6461727261790a71034b00857104635f636f646563730a656e636f64650a710532',
    ],
  ])('refuses the global %s, saying why', (global, pickle) => {
    const run = () => load(hex(pickle));
    expect(run).toThrow(PthError);
    expect(run).toThrow(
      `refused .pth file: test.pkl at byte ${hex(pickle).indexOf(global.startsWith('builtins') ? 0x93 : 0x63, 2)}: ` +
        `the pickle uses the Python global '${global}', which is not allowed: a .pth pickle may run code in Python, ` +
        'so only state dicts (dicts of tensors) are read',
    );
  });

  it.each([
    ['__builtin__', 'getattr'],
    ['os', 'system'],
    ['torch', 'load'],
    ['torch._utils', '_rebuild_qtensor'],
    ['collections', 'defaultdict'],
  ])('refuses %s.%s', (module, name) => {
    const bytes = new PickleWriter().proto().global(module, name).stop().bytes();
    expect(() => load(bytes)).toThrow(`the Python global '${module}.${name}', which is not allowed`);
  });

  it('refuses constructing objects (NEWOBJ, INST) and setting state (BUILD) on anything but a dict', () => {
    const newobj = new PickleWriter()
      .proto()
      .global('collections', 'OrderedDict')
      .emptyTuple()
      .op(0x81)
      .stop();
    expect(() => load(newobj.bytes())).toThrow(
      /refused \.pth file: test\.pkl at byte 28: opcode NEWOBJ constructs/,
    );
    const inst = new PickleWriter()
      .proto()
      .mark()
      .op(0x69, ...new TextEncoder().encode('os\nsystem\n'))
      .stop();
    expect(() => load(inst.bytes())).toThrow("the Python global 'os.system'");
    const build = new PickleWriter().proto().emptyList().emptyDict().op(0x62).stop();
    expect(() => load(build.bytes())).toThrow(/BUILD sets the state of a list of 0 from a dict of 0/);
    // An OrderedDict's _metadata is accepted (and ignored).
    const metadata = new PickleWriter().proto().global('collections', 'OrderedDict').emptyTuple().reduce();
    metadata.emptyDict().mark().str('_metadata').emptyDict().setitems().op(0x62).stop();
    expect(load(metadata.bytes())).toEqual(new Map());
  });

  it('calls only allowed globals, with checked arguments', () => {
    const notCallable = new PickleWriter().proto().int(3).emptyTuple().reduce().stop();
    expect(() => load(notCallable.bytes())).toThrow(/REDUCE calls the int 3, which is not callable/);
    const storageCall = new PickleWriter()
      .proto()
      .global('torch', 'FloatStorage')
      .emptyTuple()
      .reduce()
      .stop();
    expect(() => load(storageCall.bytes())).toThrow(/REDUCE calls the global torch\.FloatStorage/);
    const badTensor = new PickleWriter().proto().global('torch._utils', '_rebuild_tensor_v2').mark();
    badTensor.int(1).int(0).ints([2]).ints([1]).bool(false).none().tuple().reduce().stop();
    expect(() => load(badTensor.bytes())).toThrow(/_rebuild_tensor_v2: the storage is the int 1/);
    const items = new PickleWriter().proto().global('collections', 'OrderedDict').mark();
    items.emptyList().int(1).tuple().reduce().stop();
    expect(() => load(items.bytes())).toThrow(/takes|called with items/);
  });

  it.each([
    [
      'a truncated pickle',
      '80027d7100285801000000',
      /test\.pkl at byte 6: an opcode needs 1 more byte but 0 remain \(truncated\?\)/,
    ],
    ['no STOP', '80024b01', /ends before its STOP opcode/],
    ['stack underflow', '800273', /stack underflow/],
    ['a memo entry never stored', '80026805', /memo entry 5 was never stored/],
    ['an unknown opcode', '8002ff', /unknown opcode 0xff/],
    ['an odd SETITEMS', '80027d284b0175', /1 items after MARK cannot be key\/value pairs/],
    ['APPEND to a dict', '80027d4b0161', /APPEND to a dict of 0, not a list/],
    ['a protocol-0 string', '8002532761270a2e', /opcode STRING .* is not supported/],
    ['a set', '80048f2e', /opcode EMPTY_SET is not supported/],
    ['a huge LONG4', '80028bffffff7f', /an integer of 2147483647 bytes/],
    ['a frame past the end', '800495ff000000000000002e', /a frame of 255 bytes runs past the end/],
    ['protocol 9', '80092e', /pickle protocol 9/],
  ])('refuses %s with a located message', (_, pickle, message) => {
    expect(() => load(hex(pickle))).toThrow(PthError);
    expect(() => load(hex(pickle))).toThrow(message);
  });
});
