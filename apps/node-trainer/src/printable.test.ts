import { describe, expect, it } from 'vitest';
import { capLength, escapeControl, printable } from './printable.js';

describe('printable text', () => {
  it('escapes terminal control characters and keeps other text', () => {
    expect(escapeControl('\u001b[31mred\u001b[0m')).toBe('\\x1b[31mred\\x1b[0m');
    expect(escapeControl('a\nb\tc\rd\u0007e\u007f\u009b')).toBe('a\\nb\\tc\\rd\\x07e\\x7f\\x9b');
    expect(escapeControl('pottedplant, é, 猫')).toBe('pottedplant, é, 猫');
  });

  it('caps long text with a count of what was left out', () => {
    expect(capLength('abcdef', 6)).toBe('abcdef');
    expect(capLength('abcdefgh', 3)).toBe('abc… (5 more characters)');
    expect(printable(`\u001b${'x'.repeat(100)}`, 10)).toBe('\\x1bxxxxxx… (94 more characters)');
  });
});
