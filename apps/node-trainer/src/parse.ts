/** Parsers for option values: each names the option and the expected form when a value is wrong. */
import type { Size } from '@fcn/data';
import { InvalidArgumentError } from 'commander';

/** `320x480` (height x width, the chapter's crop order) to `[320, 480]`. */
export function parseSize(value: string): Size {
  const match = /^(\d+)x(\d+)$/.exec(value.trim());
  const size = match ? ([Number(match[1]), Number(match[2])] as const) : undefined;
  if (!size || size[0] < 1 || size[1] < 1) {
    throw new InvalidArgumentError(`expected HEIGHTxWIDTH in pixels, e.g. 320x480, got '${value}'`);
  }
  return size;
}

/**
 * Integers must be safe integers (up to 2^53 - 1): `--seed 1e20` is refused here, not after an epoch
 * of training when the checkpoint cannot record it.
 */
function parseInteger(value: string, min: 0 | 1): number {
  const n = Number(value);
  const expected = min === 1 ? 'a positive integer' : 'an integer ≥ 0';
  if (value.trim() === '' || !Number.isInteger(n) || n < min) {
    throw new InvalidArgumentError(`expected ${expected}, got '${value}'`);
  }
  if (!Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(
      `expected ${expected} of at most 2^53 - 1 (${Number.MAX_SAFE_INTEGER}), got '${value}'`,
    );
  }
  return n;
}

export function parsePositiveInt(value: string): number {
  return parseInteger(value, 1);
}

export function parseNonNegativeInt(value: string): number {
  return parseInteger(value, 0);
}

/** An integer from `min` to `max`; `why` says where the bound comes from. */
export function parseIntInRange(min: number, max: number, why: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max} (${why}), got '${value}'`);
    }
    return n;
  };
}

export function parseNonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError(`expected a number ≥ 0, got '${value}'`);
  }
  return n;
}

export function parsePositiveNumber(value: string): number {
  const n = parseNonNegativeNumber(value);
  if (n === 0) throw new InvalidArgumentError(`expected a number > 0, got '${value}'`);
  return n;
}

/** A value from a fixed list (commander's `choices` gives the same message for options it parses itself). */
export function oneOf<T extends string>(choices: readonly T[]) {
  return (value: string): T => {
    if ((choices as readonly string[]).includes(value)) return value as T;
    throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got '${value}'`);
  };
}
