import { describe, expect, it } from 'vitest';
import { errorLine, MAX_ERROR_LINE } from './error-line.js';

describe('errorLine', () => {
  it('is one line: newlines and escape sequences shown, not obeyed', () => {
    expect(errorLine(new Error("key '\u001b[2Jevil'\nsecond line"))).toBe(
      "fcn: key '\\x1b[2Jevil'\\nsecond line",
    );
  });

  it('caps a long message, saying how much was left out', () => {
    const line = errorLine(new Error('x'.repeat(6197)));
    expect(line.length).toBeLessThan(MAX_ERROR_LINE + 50);
    expect(line).toMatch(/x… \(5597 more characters\)$/);
  });

  it('translates file-system errors and takes non-errors as text', () => {
    const e = Object.assign(new Error('ENOTDIR: not a directory'), { code: 'ENOTDIR', path: '/a/file/b' });
    expect(errorLine(e)).toBe('fcn: /a/file/b: part of this path is a file, not a folder; check the path');
    expect(errorLine('plain')).toBe('fcn: plain');
  });
});
