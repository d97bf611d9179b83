import { describe, expect, it } from 'vitest';
import { VOID_INDEX } from '../colormap.js';
import { CLASS_LOOKS, SYNTHETIC_DEFAULT_CLASSES } from './classes.js';
import { drawVoidBorder, renderScene } from './scene.js';

const classes = SYNTHETIC_DEFAULT_CLASSES;

describe('synthetic scenes', () => {
  it('gives every object class a look of its own (no two share shape and texture)', () => {
    const looks = Object.entries(CLASS_LOOKS);
    expect(looks.map(([k]) => Number(k))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(looks.map(([, l]) => `${l.shape}/${l.texture}`)).size).toBe(20);
    const defaults = classes.map((c) => CLASS_LOOKS[c]!);
    expect(new Set(defaults.map((l) => l.shape)).size).toBe(classes.length);
    expect(new Set(defaults.map((l) => l.texture)).size).toBe(classes.length);
  });

  it('is deterministic per seed', () => {
    const a = renderScene({ width: 60, height: 40, seed: 3, classes });
    const b = renderScene({ width: 60, height: 40, seed: 3, classes });
    const c = renderScene({ width: 60, height: 40, seed: 4, classes });
    expect(b.image.data).toEqual(a.image.data);
    expect(b.label.data).toEqual(a.label.data);
    expect(c.image.data).not.toEqual(a.image.data);
  });

  it('draws 2-4 objects of distinct classes, with only valid VOC indices in the label', () => {
    for (let seed = 0; seed < 20; seed++) {
      const scene = renderScene({ width: 96, height: 64, seed, classes });
      const drawn = scene.objects.map((o) => o.classIndex);
      expect(drawn.length).toBeGreaterThanOrEqual(2);
      expect(drawn.length).toBeLessThanOrEqual(4);
      expect(new Set(drawn).size).toBe(drawn.length);
      const allowed = new Set([0, VOID_INDEX, ...drawn]);
      for (const v of new Set(scene.label.data)) expect(allowed.has(v)).toBe(true);
      expect(scene.image.data).toHaveLength(96 * 64 * 3);
    }
    expect(() => renderScene({ width: 8, height: 8, seed: 0, classes: [21] })).toThrow(
      /21 is not a VOC object class/,
    );
  });

  it('separates every two regions by void, as VOC does', () => {
    let voidPixels = 0;
    let touching = 0;
    for (let seed = 0; seed < 10; seed++) {
      const { label } = renderScene({ width: 120, height: 90, seed, classes });
      const { width, height, data } = label;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const v = data[y * width + x]!;
          if (v === VOID_INDEX) {
            voidPixels++;
            continue;
          }
          const right = x + 1 < width ? data[y * width + x + 1]! : v;
          const down = y + 1 < height ? data[(y + 1) * width + x]! : v;
          if ((right !== VOID_INDEX && right !== v) || (down !== VOID_INDEX && down !== v)) touching++;
        }
      }
    }
    expect(touching).toBe(0);
    expect(voidPixels).toBeGreaterThan(0);
  });

  it('draws void bands 2 to 5 pixels wide', () => {
    for (let band = 2; band <= 5; band++) {
      const width = 12;
      const instance = Uint8Array.from({ length: width * 3 }, (_, i) => (i % width < 6 ? 0 : 1));
      const label = new Uint8Array(width * 3);
      drawVoidBorder(label, instance, width, 3, band);
      const row = [...label.subarray(width, 2 * width)].map((v): number => (v === VOID_INDEX ? 1 : 0));
      expect(row.reduce((a, b) => a + b)).toBe(band);
      // The band straddles the boundary between columns 5 and 6.
      expect(row[5]! + row[6]!).toBe(2);
    }
  });

  it('defeats a per-pixel colour classifier (the best 1x1 rule scores a low mIoU)', () => {
    // Fit the Bayes-optimal rule on quantised colours (16 levels a channel) over some scenes, score it
    // on others: objects' colours overlap each other and the backgrounds, so it mostly says background.
    const labels = [0, ...classes];
    const slot = new Map(labels.map((l, i) => [l, i]));
    const counts = new Float64Array(4096 * labels.length);
    const bin = (d: Uint8Array, p: number) =>
      ((d[p * 3]! >> 4) << 8) | ((d[p * 3 + 1]! >> 4) << 4) | (d[p * 3 + 2]! >> 4);
    for (let seed = 0; seed < 40; seed++) {
      const { image, label } = renderScene({ width: 160, height: 120, seed, classes });
      label.data.forEach((l, p) => {
        if (l !== VOID_INDEX) counts[bin(image.data, p) * labels.length + slot.get(l)!]!++;
      });
    }
    const inter = new Float64Array(labels.length);
    const union = new Float64Array(labels.length);
    for (let seed = 1000; seed < 1020; seed++) {
      const { image, label } = renderScene({ width: 160, height: 120, seed, classes });
      label.data.forEach((l, p) => {
        if (l === VOID_INDEX) return;
        const b = bin(image.data, p) * labels.length;
        let guess = 0;
        for (let k = 1; k < labels.length; k++) if (counts[b + k]! > counts[b + guess]!) guess = k;
        const truth = slot.get(l)!;
        union[truth]!++;
        if (guess === truth) inter[truth]!++;
        else union[guess]!++;
      });
    }
    const meanIoU = inter.reduce((s, v, k) => s + v / union[k]!, 0) / labels.length;
    expect(meanIoU).toBeGreaterThan(0.1);
    expect(meanIoU).toBeLessThan(0.35);
  });
});
