import { MODEL_ZOO } from '@fcn/models';
import { describe, expect, it } from 'vitest';
import { matchZoo, sha256Hex } from './zoo-match.js';

const abc = new TextEncoder().encode('abc');

describe("recognising torchvision's published FCNs", () => {
  it('hashes with SHA-256', async () => {
    expect(await sha256Hex(abc)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it("shows the published metrics when the checksum is torchvision's", async () => {
    const entry = { ...MODEL_ZOO.fcn_resnet50, sha256Prefix: 'ba7816bf' };
    const match = await matchZoo(abc, 'anything.pth', true, [entry]);
    expect(match?.entry.name).toBe('fcn_resnet50');
    expect(match?.published?.metrics[0]).toBe(
      'COCO val2017, the 20 VOC categories: mIoU 60.5, pixel acc 91.4',
    );
    expect(match?.published?.reference).toMatch(/SHA-256 begins ba7816bf/);
    expect(match?.note).toMatch(/segments photos/);
  });

  it('says a .pth named like the published file but with another checksum is not it', async () => {
    const match = await matchZoo(abc, 'fcn_resnet50_coco-1167a1af.pth', true);
    expect(match?.published).toBeUndefined();
    expect(match?.note).toMatch(/SHA-256 begins ba7816bf, not 1167a1af: not the published weights/);
  });

  it('matches a converted file by name only, and says so', async () => {
    const match = await matchZoo(abc, 'fcn_resnet101_coco-7ecb50ca.safetensors', false);
    expect(match?.entry.name).toBe('fcn_resnet101');
    expect(match?.published?.reference).toMatch(/by file name only/);
    expect(await matchZoo(abc, 'mine.pth', true)).toBeNull();
  });
});
