import { basename, extname, join } from 'node:path';
import { type LabelMap, labelShares, type Size } from '@fcn/data';
import { Command } from 'commander';
import { type BackendFlags, startBackend, withBackendOptions } from '../backend.js';
import { classNames } from '../class-names.js';
import { blendLabels, decodeImageBytes, imageFileSize, writeLabelPng, writeRgbPng } from '../image-files.js';
import { loadModelFile, readUserFile } from '../model-file.js';
import { checkOutputFiles, pngOutput } from '../output-files.js';
import { parseNonNegativeNumber, parsePositiveInt, parseSize } from '../parse.js';
import { checkPixelBudget, DEFAULT_MAX_PIXELS } from '../pixel-budget.js';
import { predictLabels } from '../predict-labels.js';
import { type CountProgress, countProgress } from '../progress.js';
import { userPath } from '../user-path.js';

interface PredictFlags extends BackendFlags {
  weights: string;
  image: string;
  out?: string;
  overlay?: string;
  opacity: number;
  window: Size;
  force?: boolean;
  maxPixels: number;
  allowNonfinite?: boolean;
}

/** `fcn predict`: the class of every pixel of a whole image of any size, as a VOC palette PNG. */
export function predictCommand(): Command {
  return withBackendOptions(
    new Command('predict').description(
      'segment a whole image of any size: a VOC palette PNG of class indices, and an overlay',
    ),
  )
    .requiredOption('--weights <file>', 'model.safetensors from fcn train, or a d2l PyTorch FCN state dict')
    .requiredOption('--image <file>', 'a JPEG, PNG, WebP, ... of any size')
    .option(
      '--out <mask.png>',
      'palette PNG of class indices in VOC colours, the size of the image (default: IMAGE.mask.png in the current folder)',
    )
    .option('--overlay <out.png>', 'also write the class colours blended over the photo')
    .option('--opacity <x>', 'opacity of the colours in the overlay, 0..1', parseNonNegativeNumber, 0.5)
    .option('--window <HxW>', 'largest window the image is tiled into (overlaps averaged)', parseSize, [
      320, 480,
    ] as Size)
    .option('--force', 'replace an existing --out or --overlay file that fcn did not write')
    .option(
      '--max-pixels <n>',
      'refuse larger images, before decoding them (memory: about 4 bytes a pixel, 7 with --overlay)',
      parsePositiveInt,
      DEFAULT_MAX_PIXELS,
    )
    .option('--allow-nonfinite', 'load weights that hold NaN or infinite values (with a warning)')
    .action(async (flags: PredictFlags) => {
      if (flags.opacity > 1) throw new Error(`--opacity must be between 0 and 1, got ${flags.opacity}`);
      // Everything is checked before any work: the outputs, the image's size, the weights.
      const imagePath = userPath(flags.image);
      const weightsPath = userPath(flags.weights);
      const maskPath = userPath(
        flags.out ?? join('.', `${basename(imagePath, extname(imagePath))}.mask.png`),
      );
      const overlayPath = flags.overlay ? userPath(flags.overlay) : undefined;
      await checkOutputFiles(
        [
          pngOutput('--out', maskPath, 'the mask'),
          ...(overlayPath ? [pngOutput('--overlay', overlayPath, 'the overlay')] : []),
        ],
        {
          inputs: [
            { flag: '--image', path: imagePath },
            { flag: '--weights', path: weightsPath },
          ],
          force: flags.force ?? false,
        },
      );
      const bytes = await readUserFile(imagePath, 'image');
      const size = await imageFileSize(imagePath, bytes);
      const budget = { ...size, maxPixels: flags.maxPixels, window: flags.window, overlay: !!overlayPath };
      checkPixelBudget(imagePath, budget);
      await startBackend(flags, (line) => console.log(line));
      const model = await loadModelFile(weightsPath, {
        allowNonFinite: flags.allowNonfinite ?? false,
        warn: (line) => console.error(line),
      });
      try {
        checkPixelBudget(imagePath, budget, model.numClasses);
        const image = await decodeImageBytes(imagePath, bytes);
        const start = performance.now();
        // Large images take many windows: show progress (on stderr) when there are more than a few.
        let progress: CountProgress | undefined;
        const labels = await predictLabels(model, image, flags.window, (done, total) => {
          if (total <= 4) return;
          progress ??= countProgress(total, 'windows', process.stderr);
          progress.tick(done);
        });
        progress?.stop();
        const ms = performance.now() - start;
        await writeLabelPng(maskPath, labels);
        const written = [maskPath];
        if (overlayPath) {
          // In place: the photo's pixels are not needed again.
          blendLabels(image.data, labels.data, flags.opacity);
          await writeRgbPng(overlayPath, image);
          written.push(overlayPath);
        }
        console.log(
          `${image.width}x${image.height} predicted in ${Math.round(ms)} ms; wrote ${written.join(', ')}`,
        );
        console.log(classShares(labels, classNames(model)));
      } finally {
        model.dispose();
      }
    });
}

/** `person 31.2%, background 60.1%, ...`: the classes present, largest first. */
export function classShares(labels: LabelMap, names: readonly string[]): string {
  return labelShares(labels.data)
    .map(({ label, share }) => `${names[label] ?? `class ${label}`} ${(100 * share).toFixed(1)}%`)
    .join(', ');
}
