/**
 * Text from files (class names in a weight file, keys, paths) made safe to print on a terminal:
 * control characters (C0, DEL, C1: escape sequences, carriage returns, bells) become visible escapes
 * such as `\x1b`, and an over-long text is cut with a count of what was left out.
 */

const isControl = (code: number) => code < 0x20 || (code >= 0x7f && code <= 0x9f);
const NAMED: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r' };

export function escapeControl(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.charCodeAt(0);
    out += isControl(code) ? (NAMED[c] ?? `\\x${code.toString(16).padStart(2, '0')}`) : c;
  }
  return out;
}

/** At most `max` characters of `text`, ending with `… (N more characters)` when it was longer. */
export function capLength(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** A name as printed: control characters escaped, at most `max` characters (default 60). */
export function printable(text: string, max = 60): string {
  return capLength(escapeControl(text), max);
}
