/** What the end-to-end tests read from the page: finished runs, and the mask as class indices. */
import { VOC_PALETTE } from '@fcn/data';
import type { Page } from 'playwright-core';

/** Waits until the page has finished `n` segmentations. */
export async function waitForRuns(page: Page, n: number, timeout = 120_000): Promise<void> {
  await page.waitForFunction((count) => Number(document.body.dataset.runs ?? 0) >= count, n, { timeout });
}

/** The mask canvas as class indices, read back through VOC's palette (-1: a colour not in it). */
export async function maskIndices(page: Page): Promise<{ width: number; height: number; labels: number[] }> {
  const { width, height, rgba } = await page.evaluate(() => {
    const canvas = document.getElementById('mask') as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    return { width: canvas.width, height: canvas.height, rgba: Array.from(data) };
  });
  const byColour = new Map<number, number>();
  for (let i = 255; i >= 0; i--) {
    byColour.set((VOC_PALETTE[i * 3]! << 16) | (VOC_PALETTE[i * 3 + 1]! << 8) | VOC_PALETTE[i * 3 + 2]!, i);
  }
  const labels: number[] = [];
  for (let p = 0; p < width * height; p++) {
    const key = (rgba[p * 4]! << 16) | (rgba[p * 4 + 1]! << 8) | rgba[p * 4 + 2]!;
    labels.push(byColour.get(key) ?? -1);
  }
  return { width, height, labels };
}
