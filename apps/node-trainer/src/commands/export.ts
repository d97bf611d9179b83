import { FCN, saveWeights, type WeightDtype } from '@fcn/models';
import { Command } from 'commander';
import { startBackend } from '../backend.js';
import { writeOutputFile } from '../image-files.js';
import { loadModelFile } from '../model-file.js';
import { checkOutputFiles, isOurSafetensors } from '../output-files.js';
import { oneOf } from '../parse.js';
import { userPath } from '../user-path.js';

const FORMATS = ['d2l', 'torchvision', 'native'] as const;
const DTYPES: Record<string, WeightDtype> = { f32: 'float32', f16: 'float16' };

interface ExportFlags {
  weights: string;
  format?: (typeof FORMATS)[number];
  dtype: keyof typeof DTYPES;
  out: string;
  force?: boolean;
  allowNonfinite?: boolean;
}

/**
 * `fcn export`: a model file in another layout, for PyTorch (the chapter's d2l FCN, a torchvision trunk,
 * or a torchvision FCN's state dict), in float32 or float16.
 */
export function exportCommand(): Command {
  return new Command('export')
    .description(
      "write a model as safetensors in another layout: the chapter's PyTorch FCN state dict, its trunk for torchvision, or a torchvision FCN's state dict",
    )
    .requiredOption(
      '--weights <file>',
      'model.safetensors from fcn train, a torchvision FCN .pth, or a d2l PyTorch FCN state dict',
    )
    .option(
      '--format <name>',
      "d2l (the chapter's PyTorch nn.Sequential FCN-32s; the default for it) | torchvision (the chapter's " +
        "ResNet trunk alone, or a torchvision FCN's whole state dict; the default for it) | native",
      oneOf(FORMATS),
    )
    .option(
      '--dtype <type>',
      'f32 | f16 (half the file; values rounded to half precision)',
      oneOf(['f32', 'f16'] as const),
      'f32',
    )
    .requiredOption('--out <file>', 'safetensors file to write')
    .option('--force', 'replace an existing --out file that fcn did not write')
    .option('--allow-nonfinite', 'export weights that hold NaN or infinite values (with a warning)')
    .addHelpText(
      'after',
      `
In PyTorch: net.load_state_dict(safetensors.torch.load_file('fcn_d2l.safetensors')) with the chapter's
net; a torchvision trunk loads into torchvision.models.resnet18() with strict=False (it has no fc); a
torchvision FCN file into torchvision.models.segmentation.fcn_resnet50(aux_loss=...) as it is.`,
    )
    .action(async (flags: ExportFlags) => {
      // Nothing is computed: the weights only pass through tensors, on the cpu backend.
      const weights = userPath(flags.weights);
      const out = userPath(flags.out);
      await checkOutputFiles(
        [
          {
            flag: '--out',
            path: out,
            extension: '.safetensors',
            format: 'the model is written as safetensors',
            isOurs: isOurSafetensors,
          },
        ],
        { inputs: [{ flag: '--weights', path: weights }], force: flags.force ?? false },
      );
      await startBackend({ backend: 'cpu' }, () => {});
      const model = await loadModelFile(weights, {
        allowNonFinite: flags.allowNonfinite ?? false,
        warn: (line) => console.error(line),
      });
      try {
        const format = flags.format ?? (model instanceof FCN ? 'd2l' : 'torchvision');
        let bytes: Uint8Array;
        try {
          bytes = saveWeights(model, { format, dtype: DTYPES[flags.dtype] });
        } catch (error) {
          throw new Error(`cannot export ${flags.weights} as ${format}: ${(error as Error).message}`);
        }
        await writeOutputFile(out, bytes);
        console.log(
          `wrote ${out} (${format}, ${flags.dtype}, ${(bytes.byteLength / 2 ** 20).toFixed(1)} MiB)`,
        );
      } finally {
        model.dispose();
      }
    });
}
