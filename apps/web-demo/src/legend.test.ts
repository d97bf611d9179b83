import { describe, expect, it } from 'vitest';
import { formatShare, legendEntries } from './legend.js';

describe('legendEntries', () => {
  it('lists the classes present, largest share first, in VOC colours', () => {
    const labels = [0, 0, 0, 0, 0, 15, 15, 15, 1, 255];
    const entries = legendEntries(labels);
    expect(entries.map((e) => [e.index, e.name, e.share])).toEqual([
      [0, 'background', 0.5],
      [15, 'person', 0.3],
      [1, 'aeroplane', 0.1],
      [255, 'class 255', 0.1],
    ]);
    expect(entries[1]!.colour).toBe('rgb(192, 128, 128)');
    expect(entries[3]!.colour).toBe('rgb(224, 224, 192)');
    expect(formatShare(entries[1]!)).toBe('person 30.0%');
  });

  it("uses the model's own class names when it has them", () => {
    expect(legendEntries([1, 1, 0], ['sky', 'road'])[0]).toMatchObject({ name: 'road', share: 2 / 3 });
  });
});
