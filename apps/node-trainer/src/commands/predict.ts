import { basename, extname, join } from 'node:path';
import { type LabelMap, labelShares, type Size } from '@fcn/data';
import { Command } from 'commander';
import { type BackendFlags, startBackend, withBackendOptions } from '../backend.js';
import { classNames } from '../class-names.js';
import { overlayLabels, readImageFile, writeLabelPng, writeRgbPng } from '../image-files.js';
import { loadModelFile } from '../model-file.js';
import { parseNonNegativeNumber, parseSize } from '../parse.js';
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
    .action(async (flags: PredictFlags) => {
      if (flags.opacity > 1) throw new Error(`--opacity must be between 0 and 1, got ${flags.opacity}`);
      await startBackend(flags, (line) => console.log(line));
      const imagePath = userPath(flags.image);
      const image = await readImageFile(imagePath);
      const model = await loadModelFile(userPath(flags.weights));
      try {
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
        const maskPath = userPath(
          flags.out ?? join('.', `${basename(imagePath, extname(imagePath))}.mask.png`),
        );
        await writeLabelPng(maskPath, labels);
        const written = [maskPath];
        if (flags.overlay) {
          const overlayPath = userPath(flags.overlay);
          await writeRgbPng(overlayPath, overlayLabels(image, labels, flags.opacity));
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
