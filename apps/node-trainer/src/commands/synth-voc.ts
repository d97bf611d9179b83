import { generateSyntheticVoc, type Size, SYNTHETIC_DEFAULT_CLASSES, VOC_CLASSES } from '@fcn/data';
import { Command } from 'commander';
import { parseNonNegativeInt, parsePositiveInt, parseSize } from '../parse.js';
import { userPath } from '../user-path.js';

interface SynthVocOptions {
  out: string;
  train: number;
  val: number;
  seed: number;
  size?: Size[];
}

/** `fcn synth-voc`: write a synthetic VOC2012-layout folder that `fcn train --data` reads like the real one. */
export function synthVocCommand(): Command {
  return new Command('synth-voc')
    .description('write a synthetic PASCAL VOC2012 folder (JPEGs, palette PNG labels, ImageSets lists)')
    .requiredOption('--out <dir>', 'folder to write (created if needed)')
    .option('--train <n>', 'training images', parsePositiveInt, 200)
    .option('--val <n>', 'validation images', parseNonNegativeInt, 50)
    .option('--seed <s>', 'seed of every scene', parseNonNegativeInt, 0)
    .option(
      '--size <HxW>',
      'an image size to draw from (repeat for several; default: VOC-like 375x500, 333x500, 500x375, 500x333)',
      (value: string, previous: Size[] | undefined) => [...(previous ?? []), parseSize(value)],
    )
    .addHelpText(
      'after',
      `\nObjects are of ${SYNTHETIC_DEFAULT_CLASSES.length} VOC classes (${SYNTHETIC_DEFAULT_CLASSES.map((c) => VOC_CLASSES[c]).join(', ')}), each with its own shape and texture.`,
    )
    .action(async (options: SynthVocOptions) => {
      const root = userPath(options.out);
      const start = performance.now();
      const voc = await generateSyntheticVoc({
        root,
        train: options.train,
        val: options.val,
        seed: options.seed,
        ...(options.size ? { sizes: options.size } : {}),
      });
      const seconds = ((performance.now() - start) / 1000).toFixed(1);
      console.log(
        `wrote ${voc.train.length} training and ${voc.val.length} validation images to ${root} in ${seconds} s`,
      );
    });
}
