import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { IGNORE_LABEL, labelToImage, VOC_PALETTE, VOID_INDEX } from './colormap.js';
import { decodeLabelPng, encodeLabelPng, LabelFormatError } from './label-png.js';

const width = 7;
const height = 5;
// Every class and the void index, in a 7x5 map.
const raw = Uint8Array.from({ length: width * height }, (_, i) => (i % 6 === 5 ? VOID_INDEX : i % 21));

describe('label PNGs', () => {
  it('round-trips palette indices; void becomes 0 or the ignore label', () => {
    const png = encodeLabelPng({ width, height, data: raw });
    const background = decodeLabelPng(png, 'background');
    expect([background.width, background.height]).toEqual([width, height]);
    expect([...background.data]).toEqual([...raw].map((v) => (v === VOID_INDEX ? 0 : v)));
    const ignore = decodeLabelPng(png, 'ignore');
    expect([...ignore.data]).toEqual([...raw].map((v) => (v === VOID_INDEX ? IGNORE_LABEL : v)));
  });

  it("writes VOC's palette, so the file shows VOC colours", () => {
    const png = encodeLabelPng({ width, height, data: raw });
    // PLTE chunk: length 768, then the palette bytes.
    const at = Buffer.from(png).indexOf('PLTE');
    expect(new DataView(png.buffer, png.byteOffset).getUint32(at - 4)).toBe(768);
    expect(png.subarray(at + 4, at + 4 + 768)).toEqual(VOC_PALETTE);
  });

  it('reads RGB labels through the colour table', () => {
    const rgb = labelToImage(decodeLabelPng(encodeLabelPng({ width, height, data: raw }), 'ignore').data);
    const png = encode({ width, height, data: rgb, depth: 8, channels: 3 });
    expect([...decodeLabelPng(png, 'ignore').data]).toEqual([...raw]);
    expect([...decodeLabelPng(png, 'background').data]).toEqual(
      [...raw].map((v) => (v === VOID_INDEX ? 0 : v)),
    );
    rgb.set([1, 2, 3], 3 * 9);
    expect(() => decodeLabelPng(encode({ width, height, data: rgb, depth: 8, channels: 3 }))).toThrow(
      'colour (1, 2, 3) at (x=2, y=1) is neither a VOC class colour nor the void colour',
    );
  });

  it('reads grayscale and packed (4-bit) palette PNGs as indices', () => {
    const small = Uint8Array.from({ length: width * height }, (_, i) => i % 15);
    const grey = encode({ width, height, data: small, depth: 8, channels: 1 });
    expect([...decodeLabelPng(grey).data]).toEqual([...small]);
    const packed = new Uint8Array(Math.ceil(width / 2) * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) packed[y * 4 + (x >> 1)]! |= small[y * width + x]! << (x & 1 ? 0 : 4);
    }
    const palette = Array.from({ length: 16 }, (_, i) => [...VOC_PALETTE.subarray(i * 3, i * 3 + 3)]);
    const png4 = encode({ width, height, data: packed, depth: 4, channels: 1, palette });
    expect([...decodeLabelPng(png4).data]).toEqual([...small]);
  });

  it('refuses out-of-range indices, naming the value and the place', () => {
    const bad = raw.slice();
    bad[2 * width + 3] = 42;
    expect(() => decodeLabelPng(encodeLabelPng({ width, height, data: bad }))).toThrow(
      /label index 42 at \(x=3, y=2\) is out of range/,
    );
  });

  it('refuses bytes that are not a PNG, truncated PNGs, corrupt chunks and unsupported formats', () => {
    const png = encodeLabelPng({ width, height, data: raw });
    expect(() => decodeLabelPng(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(LabelFormatError);
    expect(() => decodeLabelPng(png.subarray(0, png.length - 20))).toThrow(
      /not a readable PNG.*truncated or corrupt/,
    );
    const flipped = png.slice();
    flipped[Buffer.from(png).indexOf('IDAT') + 6]! ^= 0xff;
    expect(() => decodeLabelPng(flipped)).toThrow(/CRC/);
    const deep = encode({ width, height, data: new Uint16Array(width * height), depth: 16, channels: 1 });
    expect(() => decodeLabelPng(deep)).toThrow('unsupported 16-bit PNG');
    const greyAlpha = encode({
      width,
      height,
      data: new Uint8Array(width * height * 2),
      depth: 8,
      channels: 2,
    });
    expect(() => decodeLabelPng(greyAlpha)).toThrow(/grey \+ alpha/);
  });
});
