/**
 * The chapter's picture of results: a grid with rows of inputs, predictions and labels (d2l's
 * `show_images(imgs[::3] + imgs[1::3] + imgs[2::3], 3, n)`), each cell the size of the largest image,
 * smaller images centred on white.
 */
import type { RgbImage } from '@fcn/data';

export function imageGrid(rows: readonly (readonly RgbImage[])[], gap = 4): RgbImage {
  const cells = rows.flat();
  if (cells.length === 0) throw new RangeError('imageGrid: no images');
  const columns = Math.max(...rows.map((r) => r.length));
  const cellW = Math.max(...cells.map((c) => c.width));
  const cellH = Math.max(...cells.map((c) => c.height));
  const width = columns * cellW + (columns + 1) * gap;
  const height = rows.length * cellH + (rows.length + 1) * gap;
  const data = new Uint8Array(width * height * 3).fill(255);
  rows.forEach((row, r) => {
    row.forEach((cell, c) => {
      const left = gap + c * (cellW + gap) + Math.floor((cellW - cell.width) / 2);
      const top = gap + r * (cellH + gap) + Math.floor((cellH - cell.height) / 2);
      for (let y = 0; y < cell.height; y++) {
        const from = y * cell.width * 3;
        data.set(cell.data.subarray(from, from + cell.width * 3), ((top + y) * width + left) * 3);
      }
    });
  });
  return { width, height, data };
}
