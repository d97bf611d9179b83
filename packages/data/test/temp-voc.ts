/** Temporary VOC folders for the Node tests: synthetic ones, hand-made examples, and damage. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll } from 'vitest';
import type { RgbImage } from '../src/image.js';
import { encodeLabelPng } from '../src/label-png.js';
import { vocPaths } from '../src/node/voc-layout.js';

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh folder under the system's temp folder, removed after the test file. */
export async function tempDir(prefix = 'fcn-data-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/**
 * Writes one example by hand: the JPEG (4:4:4 chroma, so flat 8x8 blocks survive almost exactly) and
 * the palette PNG of raw VOC indices.
 */
export async function writeExample(
  root: string,
  id: string,
  image: RgbImage,
  label: Uint8Array,
  options: { quality?: number; labelSize?: [number, number] } = {},
): Promise<void> {
  await mkdir(join(root, 'JPEGImages'), { recursive: true });
  await mkdir(join(root, 'SegmentationClass'), { recursive: true });
  const jpeg = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .jpeg({ quality: options.quality ?? 100, chromaSubsampling: '4:4:4' })
    .toBuffer();
  const [lh, lw] = options.labelSize ?? [image.height, image.width];
  await writeFile(vocPaths.image(root, id), jpeg);
  await writeFile(vocPaths.label(root, id), encodeLabelPng({ width: lw, height: lh, data: label }));
}

/** Writes `ImageSets/Segmentation/<split>.txt`. */
export async function writeSplit(root: string, split: string, ids: readonly string[]): Promise<void> {
  await mkdir(join(root, 'ImageSets', 'Segmentation'), { recursive: true });
  await writeFile(vocPaths.splitList(root, split), ids.map((id) => `${id}\n`).join(''));
}
