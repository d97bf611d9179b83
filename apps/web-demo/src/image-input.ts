/**
 * Turning what the user gives into pixels: a file (decoded by the browser; a non-image is refused with
 * a message), scaled down when it is larger than the page's pixel budget, as `ImageData`.
 */

/** Largest image the page segments at full size (about 4 megapixels); larger ones are scaled down. */
export const MAX_PIXELS = 4_194_304;

/** The size to segment at: the image's own, or scaled down (aspect kept) to at most `maxPixels`. */
export function fitWithin(
  width: number,
  height: number,
  maxPixels = MAX_PIXELS,
): { width: number; height: number; scale: number } {
  if (!(width > 0 && height > 0)) throw new RangeError(`image size ${width}x${height} is empty`);
  const pixels = width * height;
  if (pixels <= maxPixels) return { width, height, scale: 1 };
  const scale = Math.sqrt(maxPixels / pixels);
  return {
    width: Math.max(1, Math.floor(width * scale)),
    height: Math.max(1, Math.floor(height * scale)),
    scale,
  };
}

export interface DecodedImage {
  image: ImageData;
  /** The file's own size, before any scaling. */
  originalWidth: number;
  originalHeight: number;
}

/** Decodes an image file; anything the browser cannot decode is an error naming the file. */
export async function decodeImageFile(
  file: Blob & { name?: string },
  maxPixels = MAX_PIXELS,
): Promise<DecodedImage> {
  const name = file.name ?? 'the file';
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    throw new Error(`${name} is not an image this browser can decode (JPEG, PNG, WebP, ...)`);
  }
  try {
    return {
      image: bitmapToImageData(bitmap, maxPixels),
      originalWidth: bitmap.width,
      originalHeight: bitmap.height,
    };
  } finally {
    bitmap.close();
  }
}

/** Draws a bitmap at its fitted size and reads its pixels back. */
export function bitmapToImageData(bitmap: ImageBitmap, maxPixels = MAX_PIXELS): ImageData {
  const { width, height } = fitWithin(bitmap.width, bitmap.height, maxPixels);
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('this browser has no 2D canvas');
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, width, height);
  return context.getImageData(0, 0, width, height);
}
