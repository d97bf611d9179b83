import { saveWeights } from '@fcn/models';
import { Command } from 'commander';
import { startBackend } from '../backend.js';
import { writeOutputFile } from '../image-files.js';
import { loadModelFile } from '../model-file.js';
import { checkOutputFiles, isOurSafetensors } from '../output-files.js';
import { oneOf } from '../parse.js';
import { userPath } from '../user-path.js';

const FORMATS = ['d2l', 'torchvision', 'native'] as const;

interface ExportFlags {
  weights: string;
  format: (typeof FORMATS)[number];
  out: string;
  force?: boolean;
  allowNonfinite?: boolean;
}

/** `fcn export`: a model file in another layout, for PyTorch (the chapter's d2l FCN, or a torchvision trunk). */
export function exportCommand(): Command {
  return new Command('export')
    .description(
      "write a model in another layout: the chapter's PyTorch FCN state dict, or its trunk for torchvision",
    )
    .requiredOption('--weights <file>', 'model.safetensors from fcn train, or a d2l PyTorch FCN state dict')
    .option(
      '--format <name>',
      "d2l (the chapter's PyTorch nn.Sequential FCN-32s) | torchvision (the ResNet trunk alone) | native",
      oneOf(FORMATS),
      'd2l',
    )
    .requiredOption('--out <file>', 'safetensors file to write')
    .option('--force', 'replace an existing --out file that fcn did not write')
    .option('--allow-nonfinite', 'export weights that hold NaN or infinite values (with a warning)')
    .addHelpText(
      'after',
      `
In PyTorch: net.load_state_dict(safetensors.torch.load_file('fcn_d2l.safetensors')) with the chapter's
net; a torchvision file loads into torchvision.models.resnet18() with strict=False (it has no fc).`,
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
        let bytes: Uint8Array;
        try {
          bytes = saveWeights(model, { format: flags.format });
        } catch (error) {
          throw new Error(`cannot export ${flags.weights} as ${flags.format}: ${(error as Error).message}`);
        }
        await writeOutputFile(out, bytes);
        console.log(`wrote ${out} (${flags.format}, ${(bytes.byteLength / 2 ** 20).toFixed(1)} MiB)`);
      } finally {
        model.dispose();
      }
    });
}
