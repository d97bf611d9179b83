/**
 * What a finished (or stopped) run leaves besides its weights: `samples.png`, the chapter's grid of
 * inputs, predictions and labels for a few validation images predicted whole, and `curves.svg`.
 */
import { join } from 'node:path';
import { type LabelMap, labelToImage, type RgbImage, type VocDataset } from '@fcn/data';
import type { SegmentationModel } from '@fcn/models';
import { type EpochRecord, segment } from '@fcn/train';
import { writeOutputFile, writeRgbPng } from '../image-files.js';
import { curvesSvg } from './curves-svg.js';
import { imageGrid } from './image-grid.js';

export interface RunReportFiles {
  samples?: string;
  curves: string;
}

/** Writes `curves.svg` and, given a data set, `samples.png` (its first `count` images) into `dir`. */
export async function writeRunReport(
  dir: string,
  model: SegmentationModel,
  history: readonly EpochRecord[],
  data: VocDataset | undefined,
  options: { count?: number; window?: readonly [number, number] } = {},
): Promise<RunReportFiles> {
  const curves = join(dir, 'curves.svg');
  await writeOutputFile(curves, curvesSvg(history));
  if (!data || data.length === 0) return { curves };
  const count = Math.min(options.count ?? 4, data.length);
  const inputs: RgbImage[] = [];
  const predictions: RgbImage[] = [];
  const labels: RgbImage[] = [];
  for (let i = 0; i < count; i++) {
    const { image, label } = await data.sample(i);
    const predicted = await segment(model, image, { window: options.window });
    inputs.push(image);
    predictions.push(coloured(predicted));
    labels.push(coloured(label));
  }
  const samples = join(dir, 'samples.png');
  await writeRgbPng(samples, imageGrid([inputs, predictions, labels]));
  return { samples, curves };
}

function coloured(label: LabelMap): RgbImage {
  return { width: label.width, height: label.height, data: labelToImage(label.data) };
}
