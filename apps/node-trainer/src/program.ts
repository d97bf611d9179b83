import { Command } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import { CATALOGUE, type Catalogue } from './catalogue.js';
import { benchCommand } from './commands/bench.js';
import { downloadCommand } from './commands/download.js';
import { evalCommand } from './commands/eval.js';
import { exportCommand } from './commands/export.js';
import { infoCommand } from './commands/info.js';
import { modelsCommand } from './commands/models.js';
import { predictCommand } from './commands/predict.js';
import { synthVocCommand } from './commands/synth-voc.js';
import { trainCommand } from './commands/train.js';

/**
 * The `fcn` command line: one subcommand per file, each with its own --help. The catalogue (the model
 * zoo and VOC2012) is what names such as `--model fcn_resnet50` stand for; tests hand in their own.
 */
export function buildProgram(catalogue: Catalogue = CATALOGUE): Command {
  return new Command('fcn')
    .description('Train, evaluate and run FCN semantic segmentation models (fcn.ts)')
    .version(packageJson.version, '-v, --version', 'print the version of fcn.ts')
    .showHelpAfterError()
    .addCommand(trainCommand(catalogue))
    .addCommand(evalCommand(catalogue))
    .addCommand(predictCommand(catalogue))
    .addCommand(exportCommand())
    .addCommand(synthVocCommand())
    .addCommand(modelsCommand(catalogue))
    .addCommand(downloadCommand(catalogue))
    .addCommand(benchCommand())
    .addCommand(infoCommand());
}
