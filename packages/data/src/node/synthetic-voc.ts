/**
 * Writes a synthetic VOC: the real VOC2012 layout (`JPEGImages/*.jpg`, `SegmentationClass/*.png` as
 * palette PNGs with VOC's colours and a void border, `ImageSets/Segmentation/{train,val,trainval}.txt`),
 * so that it is read by exactly the same code as the real data set.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Size } from '../image.js';
import { encodeLabelPng } from '../label-png.js';
import { hashSeed, mulberry32, randomInt } from '../random.js';
import { SYNTHETIC_DEFAULT_CLASSES } from '../synthetic/classes.js';
import { renderScene } from '../synthetic/scene.js';
import { loadSharp } from './load-sharp.js';
import { mapWithConcurrency } from './pool.js';
import { vocPaths } from './voc-layout.js';

/**
 * VOC-like image sizes (`[height, width]`): mostly landscape 500-wide images, some portrait ones. With
 * the chapter's 320x480 crop the portrait ones are filtered out, as in VOC (1464 -> 1114 for train).
 */
export const SYNTHETIC_DEFAULT_SIZES: readonly Size[] = [
  [375, 500],
  [333, 500],
  [375, 500],
  [500, 375],
  [500, 333],
];

export interface SyntheticVocOptions {
  /** Folder to write (created if needed; existing files of the same names are overwritten). */
  root: string;
  /** Number of training images (default 200). */
  train?: number;
  /** Number of validation images (default 50). */
  val?: number;
  /** Everything (sizes, scenes) follows from it (default 0). */
  seed?: number;
  /** Sizes to draw from, uniformly (default `SYNTHETIC_DEFAULT_SIZES`). */
  sizes?: readonly Size[];
  /** VOC object classes that appear (default `SYNTHETIC_DEFAULT_CLASSES`). */
  classes?: readonly number[];
  /** Objects per image, `[min, max]` (default [2, 4]). */
  objects?: readonly [number, number];
  /** JPEG quality (default 90). */
  quality?: number;
}

export interface SyntheticExample {
  readonly id: string;
  readonly height: number;
  readonly width: number;
  /** The object classes drawn, in drawing order (an object may be hidden by later ones). */
  readonly classes: readonly number[];
}

export interface SyntheticVoc {
  readonly root: string;
  readonly train: readonly SyntheticExample[];
  readonly val: readonly SyntheticExample[];
  readonly classes: readonly number[];
}

const SPLIT_TAG = { train: 1, val: 2 } as const;

/** Generates and writes the data set; returns what it wrote. */
export async function generateSyntheticVoc(options: SyntheticVocOptions): Promise<SyntheticVoc> {
  const {
    root,
    train = 200,
    val = 50,
    seed = 0,
    sizes = SYNTHETIC_DEFAULT_SIZES,
    classes = SYNTHETIC_DEFAULT_CLASSES,
    quality = 90,
  } = options;
  if (sizes.length === 0) throw new RangeError('synthetic VOC: sizes is empty');
  if (classes.length === 0) throw new RangeError('synthetic VOC: classes is empty');
  await Promise.all(
    ['JPEGImages', 'SegmentationClass', join('ImageSets', 'Segmentation')].map((d) =>
      mkdir(join(root, d), { recursive: true }),
    ),
  );
  const plan = (['train', 'val'] as const).flatMap((split) =>
    Array.from({ length: split === 'train' ? train : val }, (_, i) => ({ split, i })),
  );
  const sharp = await loadSharp();
  const written = await mapWithConcurrency(plan.length, availableParallelism() + 1, async (k) => {
    const { split, i } = plan[k]!;
    const sceneSeed = hashSeed(seed, SPLIT_TAG[split], i);
    const [height, width] = sizes[randomInt(mulberry32(sceneSeed), 0, sizes.length - 1)]!;
    const id = `synth_${split}_${String(i).padStart(6, '0')}`;
    const scene = renderScene({
      width,
      height,
      seed: sceneSeed,
      classes,
      ...(options.objects && { objects: options.objects }),
    });
    const jpeg = await sharp(scene.image.data, { raw: { width, height, channels: 3 } })
      .jpeg({ quality })
      .toBuffer();
    await Promise.all([
      writeFile(vocPaths.image(root, id), jpeg),
      writeFile(vocPaths.label(root, id), encodeLabelPng(scene.label)),
    ]);
    return { split, example: { id, height, width, classes: scene.objects.map((o) => o.classIndex) } };
  });
  const trainExamples = written.filter((w) => w.split === 'train').map((w) => w.example);
  const valExamples = written.filter((w) => w.split === 'val').map((w) => w.example);
  const list = (examples: readonly SyntheticExample[]): string => examples.map((e) => `${e.id}\n`).join('');
  await Promise.all([
    writeFile(vocPaths.splitList(root, 'train'), list(trainExamples)),
    writeFile(vocPaths.splitList(root, 'val'), list(valExamples)),
    writeFile(vocPaths.splitList(root, 'trainval'), list([...trainExamples, ...valExamples])),
  ]);
  return { root, train: trainExamples, val: valExamples, classes };
}
