import { describe, expect, it } from 'vitest';
import { batchOrder } from './batching.js';

describe('batch order', () => {
  it("keeps or discards the last, smaller batch (MXNet's last_batch='discard')", () => {
    expect(batchOrder(5, { batchSize: 2 })).toEqual([[0, 1], [2, 3], [4]]);
    expect(batchOrder(5, { batchSize: 2, dropLast: true })).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(batchOrder(1, { batchSize: 2, dropLast: true })).toEqual([]);
    expect(() => batchOrder(5, { batchSize: 0 })).toThrow(RangeError);
  });

  it('shuffles per epoch, repeatably for a seed', () => {
    const flat = (seed: number, epoch: number) =>
      batchOrder(20, { batchSize: 4, shuffle: true, seed, epoch }).flat();
    expect(flat(1, 0)).toEqual(flat(1, 0));
    expect(flat(1, 1)).not.toEqual(flat(1, 0));
    expect(flat(2, 0)).not.toEqual(flat(1, 0));
    expect([...flat(1, 3)].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});
