/**
 * Decoding a `SegmentationClass` PNG into a label map. VOC's PNGs are 8-bit palette images whose raw
 * indices are the labels (0..20, 255 = void), so they are read as indices with `fast-png` (no colour
 * conversion, nothing to go wrong). Grayscale PNGs are read as indices too; RGB(A) PNGs go through the
 * colour table (the chapter's `colormap2label`). Pure JavaScript: no Node imports.
 */
import { decode, encode } from 'fast-png';
import {
  IGNORE_LABEL,
  NUM_VOC_CLASSES,
  VOC_COLORMAP,
  VOC_PALETTE,
  VOID_COLOR,
  VOID_INDEX,
  type VoidMode,
} from './colormap.js';
import type { LabelMap } from './image.js';

/** Marks an index that is neither a class nor void, in the index-to-label table. */
const BAD = 256;

function indexTable(voidMode: VoidMode): Uint16Array {
  const table = new Uint16Array(256).fill(BAD);
  for (let i = 0; i < NUM_VOC_CLASSES; i++) table[i] = i;
  table[VOID_INDEX] = voidMode === 'ignore' ? IGNORE_LABEL : 0;
  return table;
}

const TABLES: Record<VoidMode, Uint16Array> = {
  background: indexTable('background'),
  ignore: indexTable('ignore'),
};

/** Thrown for a label PNG that cannot be used; the reader adds the file name. */
export class LabelFormatError extends Error {
  override readonly name = 'LabelFormatError';
}

function unpackIndices(packed: ArrayLike<number>, width: number, height: number, depth: number): Uint8Array {
  if (depth === 8) {
    const n = width * height;
    return packed instanceof Uint8Array ? packed.subarray(0, n) : Uint8Array.from(packed).subarray(0, n);
  }
  const out = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * depth) / 8);
  const perByte = 8 / depth;
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const byte = packed[y * rowBytes + Math.floor(x / perByte)]!;
      const shift = 8 - depth * ((x % perByte) + 1);
      out[y * width + x] = (byte >> shift) & mask;
    }
  }
  return out;
}

function mapIndices(indices: Uint8Array, width: number, voidMode: VoidMode): Uint8Array {
  const table = TABLES[voidMode];
  const out = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const label = table[indices[i]!]!;
    if (label === BAD) {
      throw new LabelFormatError(
        `label index ${indices[i]} at (x=${i % width}, y=${Math.floor(i / width)}) is out of range ` +
          `(VOC labels are 0..${NUM_VOC_CLASSES - 1} and ${VOID_INDEX} for void)`,
      );
    }
    out[i] = label;
  }
  return out;
}

function mapColors(data: ArrayLike<number>, channels: number, width: number, voidMode: VoidMode): Uint8Array {
  const lookup = new Map<number, number>(VOC_COLORMAP.map((c, i) => [(c[0] << 16) | (c[1] << 8) | c[2], i]));
  lookup.set(
    (VOID_COLOR[0] << 16) | (VOID_COLOR[1] << 8) | VOID_COLOR[2],
    voidMode === 'ignore' ? IGNORE_LABEL : 0,
  );
  const n = data.length / channels;
  const out = new Uint8Array(n);
  for (let i = 0, p = 0; i < n; i++, p += channels) {
    const key = (data[p]! << 16) | (data[p + 1]! << 8) | data[p + 2]!;
    const label = lookup.get(key);
    if (label === undefined) {
      throw new LabelFormatError(
        `colour (${data[p]}, ${data[p + 1]}, ${data[p + 2]}) at (x=${i % width}, y=${Math.floor(i / width)}) ` +
          'is neither a VOC class colour nor the void colour',
      );
    }
    out[i] = label;
  }
  return out;
}

/**
 * Decodes label PNG bytes. Void (index 255, colour (224, 224, 192)) becomes 0 with `'background'` (the
 * chapter) or `IGNORE_LABEL` with `'ignore'`. Throws `LabelFormatError` for bytes that are not a PNG,
 * a truncated or corrupt PNG (chunk CRCs are checked), 16-bit or grey+alpha PNGs, and any index or
 * colour that is neither a class nor void.
 */
export function decodeLabelPng(bytes: Uint8Array, voidMode: VoidMode = 'background'): LabelMap {
  let png: ReturnType<typeof decode>;
  try {
    png = decode(bytes, { checkCrc: true });
  } catch (error) {
    throw new LabelFormatError(`not a readable PNG (${(error as Error).message}; truncated or corrupt?)`);
  }
  const { width, height, depth, channels } = png;
  if (depth > 8)
    throw new LabelFormatError(`unsupported ${depth}-bit PNG (label PNGs are 8-bit palette images)`);
  let data: Uint8Array;
  if (channels === 1) {
    // Palette indices, or grey levels read as indices (as in the SegmentationClassAug labels).
    const expected = depth === 8 ? width * height : Math.ceil((width * depth) / 8) * height;
    if (png.data.length < expected)
      throw new LabelFormatError('the PNG holds fewer pixels than its size says');
    data = mapIndices(unpackIndices(png.data, width, height, depth), width, voidMode);
  } else if (channels === 3 || channels === 4) {
    if (depth !== 8) throw new LabelFormatError(`unsupported ${depth}-bit colour PNG`);
    if (png.data.length < width * height * channels) {
      throw new LabelFormatError('the PNG holds fewer pixels than its size says');
    }
    data = mapColors(png.data, channels, width, voidMode);
  } else {
    throw new LabelFormatError(`unsupported ${channels}-channel PNG (grey + alpha)`);
  }
  return { width, height, data };
}

const PALETTE_ROWS: number[][] = Array.from({ length: 256 }, (_, i) => [
  VOC_PALETTE[i * 3]!,
  VOC_PALETTE[i * 3 + 1]!,
  VOC_PALETTE[i * 3 + 2]!,
]);

/**
 * Encodes raw VOC indices (0..20, 255 void) as VOC does: an 8-bit palette PNG whose palette is VOC's
 * 256 colours, so viewers show the class colours and readers get the indices back exactly.
 */
export function encodeLabelPng(label: LabelMap): Uint8Array {
  if (label.data.length !== label.width * label.height) {
    throw new RangeError(`label data holds ${label.data.length} values for ${label.width}x${label.height}`);
  }
  return encode({
    width: label.width,
    height: label.height,
    data: label.data,
    depth: 8,
    channels: 1,
    palette: PALETTE_ROWS,
  });
}
