/**
 * Where the windows go for whole-image prediction (the chapter's fourth exercise): windows whose sides
 * are multiples of 32 (or of `windowMultiple`) that together cover the image, overlapping by at least `minOverlap` pixels, the
 * first at the top/left edge and the last at the bottom/right edge, the others spread evenly.
 */

/** `'tile'`: windows inside the image (padding only a side under 32); `'pad'`: pad to multiples of 32 first. */
export type FitMode = 'tile' | 'pad';

export interface TilingOptions {
  /** Largest window `[height, width]`, rounded down to multiples of `windowMultiple` (default [320, 480], the chapter's crop). */
  window?: readonly [number, number];
  /** Least overlap between neighbouring windows, in pixels (default 64; at most half a window). */
  minOverlap?: number;
  /** Default `'tile'`. */
  fit?: FitMode;
  /**
   * What window sides must be multiples of (default 32, the chapter's FCN; 1 for a model that takes any
   * size, such as torchvision's FCN, whose window is then the image itself when it fits).
   */
  windowMultiple?: number;
}

export interface TilePlan {
  /** The image after zero padding at the bottom and right (equal to the image where nothing is padded). */
  paddedHeight: number;
  paddedWidth: number;
  windowHeight: number;
  windowWidth: number;
  /** Top rows and left columns of the windows. */
  tops: number[];
  lefts: number[];
}

export const WINDOW_MULTIPLE = 32;

/** Start positions of windows of `window` covering `length`, overlapping by at least `minOverlap`. */
export function windowStarts(length: number, window: number, minOverlap: number): number[] {
  if (window >= length) return [0];
  const overlap = Math.min(Math.max(0, minOverlap), Math.floor(window / 2));
  const count = Math.ceil((length - window) / (window - overlap)) + 1;
  return Array.from({ length: count }, (_, i) => Math.round((i * (length - window)) / (count - 1)));
}

export function planTiles(height: number, width: number, options: TilingOptions = {}): TilePlan {
  const { window = [320, 480], minOverlap = 64, fit = 'tile', windowMultiple = WINDOW_MULTIPLE } = options;
  if (!Number.isInteger(windowMultiple) || windowMultiple < 1) {
    throw new RangeError(`windowMultiple must be a positive integer, got ${windowMultiple}`);
  }
  for (const v of [height, width]) {
    if (!Number.isInteger(v) || v < 1)
      throw new RangeError(`image sides must be positive integers, got ${height}x${width}`);
  }
  const m = windowMultiple;
  const [maxH, maxW] = window.map((v) => Math.floor(v / m) * m) as [number, number];
  if (maxH < m || maxW < m) {
    throw new RangeError(`window sides must be at least ${m}, got [${window}]`);
  }
  const axis = (side: number, max: number) => {
    const padded = fit === 'pad' || side < m ? Math.ceil(side / m) * m : side;
    const win = Math.min(max, Math.floor(padded / m) * m);
    return { padded, win, starts: windowStarts(padded, win, minOverlap) };
  };
  const rows = axis(height, maxH);
  const cols = axis(width, maxW);
  return {
    paddedHeight: rows.padded,
    paddedWidth: cols.padded,
    windowHeight: rows.win,
    windowWidth: cols.win,
    tops: rows.starts,
    lefts: cols.starts,
  };
}
