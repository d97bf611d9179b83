import { encodeLabelPng } from '@fcn/data';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { isTaggedPng, tagPng } from './png-tag.js';

describe('PNG tag', () => {
  it('marks a PNG as written by fcn, and the PNG still decodes the same', async () => {
    const png = encodeLabelPng({ width: 3, height: 2, data: Uint8Array.from([0, 1, 2, 3, 4, 15]) });
    const tagged = tagPng(png);
    expect(isTaggedPng(png)).toBe(false);
    expect(isTaggedPng(tagged)).toBe(true);
    // libvips checks chunk CRCs: a bad one would fail here.
    const a = await sharp(png).raw().toBuffer();
    const b = await sharp(Buffer.from(tagged), { failOn: 'warning' }).raw().toBuffer();
    expect(b.equals(a)).toBe(true);
    expect(isTaggedPng(new TextEncoder().encode('not a png at all, really not a png'))).toBe(false);
    expect(() => tagPng(new Uint8Array(40))).toThrow(/not a PNG/);
  });
});
