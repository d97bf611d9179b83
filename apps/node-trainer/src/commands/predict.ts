import { basename, extname, join } from 'node:path';
import { type LabelMap, labelShares, type RgbImage, type Size } from '@fcn/data';
import { segment, segmentWindow } from '@fcn/train';
import { Command } from 'commander';
import sharp from 'sharp';
import { type BackendFlags, startBackend, withBackendOptions } from '../backend.js';
import { CATALOGUE, type Catalogue } from '../catalogue.js';
import { classNames } from '../class-names.js';
import { blendLabels, decodeImageBytes, imageFileSize, writeLabelPng, writeRgbPng } from '../image-files.js';
import { resizeLabels, shorterSideSize } from '../label-resize.js';
import { loadModelFile, readUserFile } from '../model-file.js';
import { givenWeightsPath, type ModelFlags, modelPath } from '../model-source.js';
import { checkOutputFiles, pngOutput } from '../output-files.js';
import { parseNonNegativeNumber, parsePositiveInt, parseSize } from '../parse.js';
import { checkPixelBudget, DEFAULT_MAX_PIXELS } from '../pixel-budget.js';
import { type CountProgress, countProgress } from '../progress.js';
import { userPath } from '../user-path.js';

interface PredictFlags extends BackendFlags, ModelFlags {
  image: string;
  resize?: number;
  out?: string;
  overlay?: string;
  opacity: number;
  window?: Size;
  force?: boolean;
  maxPixels: number;
  allowNonfinite?: boolean;
}

/** `fcn predict`: the class of every pixel of a whole image of any size, as a VOC palette PNG. */
export function predictCommand(catalogue: Catalogue = CATALOGUE): Command {
  return withBackendOptions(
    new Command('predict').description(
      'segment a whole image of any size: a VOC palette PNG of class indices, and an overlay',
    ),
  )
    .option(
      '--weights <file>',
      'model.safetensors from fcn train, a torchvision FCN .pth (fcn_resnet50_coco-1167a1af.pth), or a d2l PyTorch FCN state dict',
    )
    .option(
      '--model <name>',
      'a zoo model instead of --weights: fcn_resnet50 | fcn_resnet101 (downloaded on first use)',
    )
    .requiredOption('--image <file>', 'a JPEG, PNG, WebP, ... of any size')
    .option(
      '--out <mask.png>',
      'palette PNG of class indices in VOC colours, the size of the image (default: IMAGE.mask.png in the current folder)',
    )
    .option('--overlay <out.png>', 'also write the class colours blended over the photo')
    .option('--opacity <x>', 'opacity of the colours in the overlay, 0..1', parseNonNegativeNumber, 0.5)
    .option(
      '--window <HxW>',
      "largest window the image is tiled into, overlaps averaged (default: 320x480 for the chapter's FCN; for torchvision's FCN the whole image up to a megapixel, 1024x1024 beyond)",
      parseSize,
    )
    .option(
      '--resize <n>',
      "scale the photo so its shorter side is n pixels before predicting (torchvision's preset: 520), the mask back to the photo's size",
      parsePositiveInt,
    )
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
      const weightsPath = givenWeightsPath(flags);
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
            ...(weightsPath ? [{ flag: '--weights', path: weightsPath }] : []),
          ],
          force: flags.force ?? false,
        },
      );
      const bytes = await readUserFile(imagePath, 'image');
      const size = await imageFileSize(imagePath, bytes);
      const budget = {
        ...size,
        maxPixels: flags.maxPixels,
        window: flags.window ?? ([320, 480] as Size),
        overlay: !!overlayPath,
      };
      checkPixelBudget(imagePath, budget);
      await startBackend(flags, (line) => console.log(line));
      const model = await loadModelFile(await modelPath(flags, catalogue), {
        allowNonFinite: flags.allowNonfinite ?? false,
        warn: (line) => console.error(line),
      });
      try {
        const window = flags.window ?? segmentWindow(model, size.height, size.width);
        checkPixelBudget(imagePath, { ...budget, window }, model.numClasses);
        const image = await decodeImageBytes(imagePath, bytes);
        const start = performance.now();
        // Large images take many windows: show progress (on stderr) when there are more than a few.
        let progress: CountProgress | undefined;
        const input = flags.resize ? await resizeImage(image, flags.resize) : image;
        const predicted = await segment(model, input, {
          window: flags.window,
          onProgress: (done, total) => {
            if (total <= 4) return;
            progress ??= countProgress(total, 'windows', process.stderr);
            progress.tick(done);
          },
        });
        progress?.stop();
        const labels = input === image ? predicted : resizeLabels(predicted, image.width, image.height);
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

/** The photo scaled (bilinear) so its shorter side is `shorter` pixels, as torchvision's `Resize` does. */
async function resizeImage(image: RgbImage, shorter: number): Promise<RgbImage> {
  const size = shorterSideSize(image.width, image.height, shorter);
  const { data, info } = await sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: 3 },
  })
    .resize(size.width, size.height, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
  };
}
