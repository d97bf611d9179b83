/** Decoded pixels as the pipeline caches them: uint8, row-major, never float32. */

/** An interleaved RGB image (3 bytes per pixel). */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** A label map: one byte per pixel, a VOC class 0..20 or `IGNORE_LABEL`. */
export interface LabelMap {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** `[height, width]`, the chapter's `crop_size` order. */
export type Size = readonly [height: number, width: number];
