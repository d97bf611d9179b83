import { describe, expect, it } from 'vitest';
import { formatBytes } from './format-bytes.js';

describe('formatBytes', () => {
  it('writes bytes in decimal units with three significant digits', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1000)).toBe('1.00 kB');
    expect(formatBytes(46_758_048)).toBe('46.8 MB');
    expect(formatBytes(1_999_639_040)).toBe('2.00 GB');
    expect(formatBytes(141_288_872)).toBe('141 MB');
  });
});
