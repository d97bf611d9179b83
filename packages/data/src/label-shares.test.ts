import { describe, expect, it } from 'vitest';
import { labelShares } from './label-shares.js';

describe('labelShares', () => {
  it('counts each label present, largest share first, ties by label', () => {
    expect(labelShares(Uint8Array.from([15, 0, 0, 1, 15, 0, 255, 7]))).toEqual([
      { label: 0, count: 3, share: 3 / 8 },
      { label: 15, count: 2, share: 2 / 8 },
      { label: 1, count: 1, share: 1 / 8 },
      { label: 7, count: 1, share: 1 / 8 },
      { label: 255, count: 1, share: 1 / 8 },
    ]);
  });

  it('is empty for an empty map', () => {
    expect(labelShares([])).toEqual([]);
  });
});
