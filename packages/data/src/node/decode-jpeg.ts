/** JPEG (or any image sharp reads) to interleaved RGB bytes, off the main thread (libvips, libuv pool). */
import type { RgbImage } from '../image.js';
import { loadSharp } from './load-sharp.js';

/**
 * Decodes to sRGB, 3 channels, 8 bits: grey images are expanded, CMYK converted, alpha dropped. EXIF
 * orientation is not applied (VOC's labels are drawn on the stored pixel grid). Truncated or corrupt
 * data is an error (`failOn: 'warning'`), never a silently half-grey image.
 */
export async function decodeJpeg(bytes: Uint8Array): Promise<RgbImage> {
  const sharp = await loadSharp();
  const { data, info } = await sharp(bytes, { failOn: 'warning' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || data.length !== info.width * info.height * 3) {
    throw new Error(`decoded to ${info.channels} channels, expected 3`);
  }
  return {
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
  };
}
