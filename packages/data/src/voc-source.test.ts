import { describe, expect, it } from 'vitest';
import { NUM_VOC_CLASSES } from './colormap.js';
import { VOC2012 } from './voc-source.js';

describe('VOC2012', () => {
  it("describes the chapter's archive: name, size, SHA-1, mirrors ending in the file name, the folder inside", () => {
    expect(VOC2012.name).toBe('voc2012');
    expect(VOC2012.fileName).toBe('VOCtrainval_11-May-2012.tar');
    expect(VOC2012.sizeBytes).toBe(1_999_639_040);
    expect(VOC2012.checksum).toEqual({ algorithm: 'sha1', hex: '4e443f8a2eca6b1dac8a6c57641b67dd40621a49' });
    expect(VOC2012.urls).toHaveLength(3);
    for (const url of VOC2012.urls) {
      expect(new URL(url).pathname.endsWith(`/${VOC2012.fileName}`)).toBe(true);
    }
    expect(VOC2012.urls[0]).toBe(
      'http://host.robots.ox.ac.uk/pascal/VOC/voc2012/VOCtrainval_11-May-2012.tar',
    );
    expect(VOC2012.unpacksTo).toBe('VOCdevkit/VOC2012');
    expect(VOC2012.splits).toEqual({ train: 1464, val: 1449 });
    expect(VOC2012.description).toContain(`${NUM_VOC_CLASSES}-class`);
    expect(VOC2012.licence).toMatch(/Flickr/);
  });
});
