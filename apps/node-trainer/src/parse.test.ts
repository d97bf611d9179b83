import { describe, expect, it } from 'vitest';
import { parseIntInRange, parseNonNegativeInt, parsePositiveInt, parseSize } from './parse.js';

describe('option parsers', () => {
  it('take only safe integers: a seed of 1e20 is refused at once', () => {
    expect(parseNonNegativeInt('0')).toBe(0);
    expect(parseNonNegativeInt(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => parseNonNegativeInt('1e20')).toThrow(
      "expected an integer ≥ 0 of at most 2^53 - 1 (9007199254740991), got '1e20'",
    );
    expect(() => parseNonNegativeInt('9007199254740992')).toThrow(/at most 2\^53 - 1/);
    expect(() => parseNonNegativeInt('-1')).toThrow("expected an integer ≥ 0, got '-1'");
    expect(() => parseNonNegativeInt('')).toThrow();
    expect(() => parsePositiveInt('0')).toThrow("expected a positive integer, got '0'");
    expect(() => parsePositiveInt('1.5')).toThrow("expected a positive integer, got '1.5'");
    expect(() => parsePositiveInt('1e300')).toThrow(/expected a positive integer of at most 2\^53 - 1/);
    expect(parsePositiveInt('12')).toBe(12);
  });

  it('bounds a range, saying why', () => {
    const width = parseIntInRange(1, 256, "64 is ResNet-18's own");
    expect(width('64')).toBe(64);
    expect(() => width('4096')).toThrow(
      "expected an integer from 1 to 256 (64 is ResNet-18's own), got '4096'",
    );
  });

  it('reads HEIGHTxWIDTH', () => {
    expect(parseSize('320x480')).toEqual([320, 480]);
    expect(() => parseSize('0x32')).toThrow(/expected HEIGHTxWIDTH/);
  });
});
