import { IGNORE_LABEL, readVocSplit, type Size, type VocSplit, type VoidMode } from '@fcn/data';
import {
  type ConfusionMatrix,
  evaluate,
  evaluateWholeImages,
  type SegmentationMetrics,
  segmentationMetrics,
} from '@fcn/train';
import { Command } from 'commander';
import { type BackendFlags, infoLog, startBackend, withBackendOptions } from '../backend.js';
import { CATALOGUE, type Catalogue } from '../catalogue.js';
import { classNames } from '../class-names.js';
import { loadModelFile } from '../model-file.js';
import { givenWeightsPath, type ModelFlags, modelPath } from '../model-source.js';
import { oneOf, parseSize } from '../parse.js';
import { countProgress } from '../progress.js';
import { resolveSource } from '../resolve-source.js';
import { checkCropMultiple, checkDataFolder, emptySplitMessage } from '../split-checks.js';

interface EvalFlags extends BackendFlags, ModelFlags {
  data: string;
  split: VocSplit;
  crop?: Size;
  window?: Size;
  void: VoidMode;
  json?: boolean;
  allowNonfinite?: boolean;
}

/** `fcn eval`: pixel accuracy, mean accuracy, mean IU, frequency-weighted IU and per-class IoU on a split. */
export function evalCommand(catalogue: Catalogue = CATALOGUE): Command {
  return withBackendOptions(
    new Command('eval').description(
      "the chapter's pixel accuracy and the FCN paper's metrics of a model on a VOC split",
    ),
  )
    .option(
      '--weights <file>',
      'model.safetensors from fcn train, a torchvision FCN .pth, or a d2l PyTorch FCN state dict',
    )
    .option(
      '--model <name>',
      'a zoo model instead of --weights: fcn_resnet50 | fcn_resnet101 (downloaded on first use)',
    )
    .requiredOption(
      '--data <dir>',
      'a PASCAL VOC2012 folder, or voc2012 (downloaded and unpacked on first use)',
    )
    .option('--split <name>', 'train | val | trainval', oneOf(['train', 'val', 'trainval'] as const), 'val')
    .option(
      '--crop <HxW>',
      "score centred crops of this size, as the chapter's test accuracy (default: whole images)",
      parseSize,
    )
    .option(
      '--window <HxW>',
      "largest window for whole images, tiled with overlap (default: 320x480 for the chapter's FCN, for torchvision's the whole image up to a megapixel, 1024x1024 beyond)",
      parseSize,
    )
    .option(
      '--void <mode>',
      'void border pixels: ignore (the FCN paper) | background (the chapter)',
      oneOf(['ignore', 'background'] as const),
      'ignore',
    )
    .option('--json', 'print the metrics as JSON')
    .option('--allow-nonfinite', 'score weights that hold NaN or infinite values (with a warning)')
    .action(async (flags: EvalFlags) => {
      const log = infoLog(flags.json);
      if (flags.crop) checkCropMultiple(flags.crop);
      givenWeightsPath(flags);
      const root = await resolveSource(flags.data, { flag: '--data', kinds: ['data'], catalogue });
      checkDataFolder(root);
      const weights = await modelPath(flags, catalogue);
      await startBackend(flags, log);
      const model = await loadModelFile(weights, {
        allowNonFinite: flags.allowNonfinite ?? false,
        warn: (line) => console.error(line),
      });
      try {
        const data = await readVocSplit({
          root,
          split: flags.split,
          crop: flags.crop ?? [1, 1],
          void: flags.void,
          cache: flags.crop ? 'decoded' : 'none',
        });
        if (data.length === 0) throw new Error(emptySplitMessage(root, flags.split, data, flags.crop));
        const start = performance.now();
        let confusion: ConfusionMatrix;
        if (flags.crop) {
          confusion = await evaluate(model, data, { batchSize: 1, ignoreLabel: IGNORE_LABEL });
        } else {
          const progress = countProgress(data.length, 'images', process.stderr);
          confusion = await evaluateWholeImages(model, data, {
            window: flags.window,
            ignoreLabel: IGNORE_LABEL,
            onImage: (done) => progress.tick(done),
          });
          progress.stop();
        }
        const seconds = (performance.now() - start) / 1000;
        const metrics = segmentationMetrics(confusion);
        const names = classNames(model);
        const how = flags.crop ? `centred ${flags.crop.join('x')} crops` : 'whole images';
        if (flags.json) {
          console.log(
            JSON.stringify(
              evalJson(metrics, names, {
                weights,
                data: root,
                split: flags.split,
                images: data.length,
                how,
                seconds,
              }),
              null,
              2,
            ),
          );
        } else {
          console.log(`${flags.split}: ${data.length} images (${how}), ${seconds.toFixed(1)} s`);
          console.log(formatMetrics(metrics, names));
        }
      } finally {
        model.dispose();
      }
    });
}

function evalJson(metrics: SegmentationMetrics, names: string[], about: Record<string, unknown>) {
  const { classIoU, classAccuracy, ...overall } = metrics;
  return {
    ...about,
    ...overall,
    classes: names.map((name, index) => ({
      index,
      name,
      iou: classIoU[index],
      accuracy: classAccuracy[index],
    })),
  };
}

/** The four metrics, then one row per class that has an IoU (appears in the truth or the prediction). */
export function formatMetrics(metrics: SegmentationMetrics, names: readonly string[]): string {
  const f = (v: number | null) => (v === null ? '  n/a' : v.toFixed(3));
  const lines = [
    `pixel accuracy          ${f(metrics.pixelAccuracy)}`,
    `mean accuracy           ${f(metrics.meanAccuracy)}`,
    `mean IoU                ${f(metrics.meanIoU)}`,
    `frequency-weighted IoU  ${f(metrics.frequencyWeightedIoU)}`,
    '',
    'class              IoU   accuracy',
  ];
  names.forEach((name, i) => {
    const iou = metrics.classIoU[i] ?? null;
    if (iou === null) return;
    lines.push(`${`${i} ${name}`.padEnd(17)}  ${f(iou)}   ${f(metrics.classAccuracy[i] ?? null)}`);
  });
  return lines.join('\n');
}
