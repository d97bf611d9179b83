/**
 * The chapter's `normalize_image`: `(x / 255 - mean) / std` per channel with ImageNet's statistics.
 * Pure code shared by Node and the browser.
 */

/** ImageNet per-channel mean of RGB values in [0, 1]. */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;

/** ImageNet per-channel standard deviation of RGB values in [0, 1]. */
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

/** The normalised value of byte `value` in channel `channel` (0 = R), in double precision. */
export function normalizeValue(value: number, channel: 0 | 1 | 2): number {
  return (value / 255 - IMAGENET_MEAN[channel]) / IMAGENET_STD[channel];
}

/**
 * The 3 x 256 normalised values, `NORMALIZE_TABLE[c * 256 + v]`: computed once in double precision
 * and rounded once to float32, so every pixel costs one lookup.
 */
export const NORMALIZE_TABLE: Float32Array = (() => {
  const table = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) {
    for (let v = 0; v < 256; v++) table[c * 256 + v] = normalizeValue(v, c as 0 | 1 | 2);
  }
  return table;
})();

/**
 * Normalises `count` interleaved pixels of `src` (RGB, or RGBA with `srcChannels: 4`, alpha dropped)
 * into `dst` (RGB float32) at `dstOffset`. Returns `dst`.
 */
export function normalizeInto(
  src: ArrayLike<number>,
  dst: Float32Array,
  options: { srcOffset?: number; dstOffset?: number; count?: number; srcChannels?: 3 | 4 } = {},
): Float32Array {
  const srcChannels = options.srcChannels ?? 3;
  let s = options.srcOffset ?? 0;
  let d = options.dstOffset ?? 0;
  const count = options.count ?? Math.floor((src.length - s) / srcChannels);
  if (d + count * 3 > dst.length) throw new RangeError('normalizeInto: destination too small');
  const t = NORMALIZE_TABLE;
  for (let i = 0; i < count; i++, s += srcChannels, d += 3) {
    dst[d] = t[src[s]!]!;
    dst[d + 1] = t[256 + src[s + 1]!]!;
    dst[d + 2] = t[512 + src[s + 2]!]!;
  }
  return dst;
}

/** A whole interleaved RGB (or RGBA) buffer, normalised to a new RGB Float32Array. */
export function normalizeImage(src: ArrayLike<number>, srcChannels: 3 | 4 = 3): Float32Array {
  const count = Math.floor(src.length / srcChannels);
  return normalizeInto(src, new Float32Array(count * 3), { srcChannels });
}

/** Undoes the normalisation (rounded and clamped to bytes): for showing network inputs. */
export function denormalizeImage(src: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const c = i % 3;
    const v = (src[i]! * IMAGENET_STD[c as 0 | 1 | 2] + IMAGENET_MEAN[c as 0 | 1 | 2]) * 255;
    out[i] = Math.min(255, Math.max(0, Math.round(v)));
  }
  return out;
}
